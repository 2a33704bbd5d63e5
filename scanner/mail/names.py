"""Part names for folders, messages and attachments, free of PII.

A part is stored in every findings and items row, so it must not carry what
the scan is looking for. Subjects never appear in a part: a message is named
by its position (`msg-12`). Folder and attachment names are chosen by
people and can hold an SSN ("scan 123-45-6789.pdf") or a name, so they are
shown with:

* every run of digits holding 5 or more digits (with separators in between,
  as in 123-45-6789 or (212) 555-0147) replaced by '#', so years, "Q3" and
  "Sample1" stay readable but no SSN, phone, card or ZIP does;
* e-mail-like tokens reduced to their domain (`***@example.com`);
* capitalised words (two letters or more) that are not common English, mail-folder or document
  words (possible names) reduced to their initial and '*';
* '/' and control characters replaced, and the length capped.

The extension of an attachment name is kept as it is (short and alphanumeric
only), so text formats are still recognised by name.
"""

from __future__ import annotations

import re

from scanner.safewords import SAFE_WORDS

_EXTRA_SAFE = frozenset(
    """
    inbox outbox sent items deleted drafts junk e-mail archive archives calendar contacts tasks notes
    journal conversation history rss feeds subscriptions sync issues conflicts failures local server top
    personal folders folder outlook data search root spam quick step steps settings suggested yammer files
    news feed trash all mail important starred scheduled promotions updates forums social activity
    reminders unsent clutter recoverable to-do todo shared public favorites finder views common
    report reports invoice invoices statement statements contract contracts form forms scan scanned
    resume copy final draft attached attachment document documents letter memo photo image picture
    payroll taxes insurance medical benefits application agreement receipt receipts summary details
    backup export sheet spreadsheet meeting minutes message messages forwarded fwd fw reply new old
    sample test post embedded clients customers vendors suppliers projects accounts hr finance legal
    """.split()
)
_SAFE = SAFE_WORDS | _EXTRA_SAFE

_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-/]*\d|\d")
_EMAILISH = re.compile(r"[^\s@<>()\[\]{}'\",;:/\\]+@([^\s@<>()\[\]{}'\",;:/\\]+)")
_WORD = re.compile(r"[^\W\d_]+")
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f/\\]+")
_EXT = re.compile(r"(\.[A-Za-z0-9]{1,8})$")

MAX_NAME = 80


def _mask_digits(m: re.Match) -> str:
    s = m.group(0)
    if sum(c.isdigit() for c in s) < 5:
        return s
    return "".join("#" if c.isdigit() else c for c in s)


def _mask_word(m: re.Match) -> str:
    w = m.group(0)
    if len(w) > 1 and w[0].isupper() and w.casefold() not in _SAFE:
        return w[0] + "*"
    return w


def safe_text(name: str) -> str:
    """A human-made name with possible PII masked (see the module doc)."""
    s = _UNSAFE_CHARS.sub("_", name).strip()
    s = _EMAILISH.sub(lambda m: "***@" + m.group(1), s)
    s = _DIGIT_RUN.sub(_mask_digits, s)
    # Words inside the e-mail domains stay (they are domains, not names).
    pieces, pos = [], 0
    for m in re.finditer(r"\*\*\*@\S+", s):
        pieces.append(_WORD.sub(_mask_word, s[pos:m.start()]))
        pieces.append(m.group(0))
        pos = m.end()
    pieces.append(_WORD.sub(_mask_word, s[pos:]))
    s = "".join(pieces)
    return s[:MAX_NAME]


def folder_part(path: list[str]) -> str:
    """A folder path (list of folder names) as a part prefix."""
    return "/".join(safe_text(p) or "_" for p in path if p is not None)


def message_part(index: int) -> str:
    return f"msg-{index}"


def attachment_part(index: int, filename: str | None, default_ext: str = "") -> str:
    """`att-2-payroll_####-##-##.xlsx`, or `att-2.msg` for a nameless embedded message."""
    base = f"att-{index}"
    if not filename or not filename.strip():
        return base + default_ext
    filename = filename.strip().replace("\\", "/").rsplit("/", 1)[-1]
    m = _EXT.search(filename)
    ext = m.group(1) if m and sum(c.isdigit() for c in m.group(1)) < 5 and len(m.group(1)) < len(filename) else ""
    stem = filename[: len(filename) - len(ext)] if ext else filename
    safe = safe_text(stem)[: MAX_NAME - len(ext)].strip(" .")
    if not safe:
        return base + ext
    return f"{base}-{safe}{ext}"
