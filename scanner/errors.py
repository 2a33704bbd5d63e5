"""One error base class; the CLI turns these into exit codes and one-line messages.

Messages must never contain a raw value from scanned content or a secret:
they are printed, logged and stored in the inventory.
"""

from __future__ import annotations

# Exit codes: a stable contract for scripts and cron (documented in README).
EXIT_OK = 0  # scan complete, every item examined or deliberately skipped
EXIT_ITEM_ERRORS = 1  # scan complete, but some items could not be read
EXIT_USAGE = 2  # bad argument, bad config, target unreachable, bad credentials
EXIT_LOCKED = 3  # another scan holds the inventory lock
EXIT_INTERRUPTED = 4  # stopped by SIGTERM/SIGINT; what was done is written
EXIT_FAILED = 5  # the scan itself failed (e.g. the inventory is not writable)
EXIT_FINDINGS = 6  # --fail-on: the scan found new findings (new) or any findings (any)


class PiiscoutError(Exception):
    """Base of every error piiscout raises on purpose."""

    exit_code = EXIT_FAILED


class UsageError(PiiscoutError):
    """A bad argument, option or config value."""

    exit_code = EXIT_USAGE


class CredentialError(UsageError):
    """A target's password variable is not set. In a config run this fails
    only that target (exit 2 for it); the others are scanned."""


class TargetError(PiiscoutError):
    """A target cannot be scanned at all: missing, unreachable, bad login."""

    exit_code = EXIT_USAGE


class LockedError(PiiscoutError):
    exit_code = EXIT_LOCKED


class InventoryError(PiiscoutError):
    exit_code = EXIT_FAILED


class ItemError(PiiscoutError):
    """One item failed; recorded against it, the scan goes on."""

    exit_code = EXIT_ITEM_ERRORS


class ItemSkipped(PiiscoutError):
    """One item is deliberately not examined (binary, too large, OCR off...)."""

    exit_code = EXIT_OK


class ItemTimeout(ItemError):
    pass


def one_line(exc: BaseException, limit: int = 300) -> str:
    """A short, single-line description of an exception for `items.reason`.

    Library messages can quote the data they choked on (a codec error shows
    the bytes; a CSV error the line), so only the exception type and the
    message of our own errors are trusted verbatim; others keep their type
    and a scrubbed message.
    """
    from scanner.scrub import scrub

    if isinstance(exc, PiiscoutError):
        msg = str(exc)
    else:
        msg = f"{type(exc).__name__}: {scrub(str(exc))}" if str(exc) else type(exc).__name__
    msg = " ".join(msg.split())
    return msg if len(msg) <= limit else msg[: limit - 1] + "…"
