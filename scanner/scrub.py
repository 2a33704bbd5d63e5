"""Scrubbing text we did not write (library exception messages, log lines)
of what could be a value. Below scanner.errors and scanner.privacy, which
both use it (errors.one_line scrubs every message it shortens)."""

from __future__ import annotations

import re


def mask_email(value: str) -> str:
    """j***@example.com: the first letter of the local part, the domain."""
    local, _, domain = value.rpartition("@")
    return (local[:1] or "") + "***@" + domain


_EMAILISH = re.compile(r"[^\s@<>()\[\]{}'\",;:]+@[^\s@<>()\[\]{}'\",;:]+")
_DIGITS = re.compile(r"\d")
# Digits joined by separators as values are written: 123-45-6789,
# 4111 1111 1111 1111, (212) 555-0147, 212.555.0147, 021000021.
_DIGIT_RUN = re.compile(r"\d(?:[ .\-()]{0,2}\d)*")
VALUE_DIGITS = 5  # a run of fewer digits cannot be an SSN, card, phone or account number


def _mask_run(m: re.Match) -> str:
    run = m.group(0)
    if sum(c.isdigit() for c in run) < VALUE_DIGITS:
        return run
    return _DIGITS.sub("#", run)


def scrub(text: str) -> str:
    """Remove what could be a value from a message we did not write (library
    exception text and log lines): e-mail-like tokens are masked as e-mail
    values are (`j***@example.com`) and runs of 5 or more digits become '#'.
    What only looks like a number stays readable: `inv2`, `Errno 13`,
    `utf-8`, `0xe9`, port 4450, line 12."""
    if "@" in text:
        text = _EMAILISH.sub(lambda m: mask_email(m.group(0)), text)
    return _DIGIT_RUN.sub(_mask_run, text)
