"""Objects a file connector skips on purpose, with the reason.

A skip is a decision (the object holds nothing to scan), an error is a
problem: a nightly run over a share that is fine must exit 0, so what every
share holds by design is `skipped`, never `error`.

Office owner files (`~$budget.xlsx`, written next to a document while it is
open: the user's name padded to 162-165 bytes) and LibreOffice lock files
(`.~lock.budget.xlsx#`: one line, user, host, time) are recognised by name
*and* size, so a real document that merely starts with `~$` is still read.
"""

from __future__ import annotations

OWNER_FILE_MAX = 1024  # bytes; Office writes 162-165, LibreOffice ~100


def lock_file_reason(name: str, size: int | None) -> str | None:
    """Why a file of this base name and size is skipped, or None."""
    if size is None or size > OWNER_FILE_MAX:
        return None
    if name.startswith("~$"):
        return "Office owner file (lock file of an open document)"
    if name.startswith(".~lock.") and name.endswith("#"):
        return "LibreOffice lock file"
    return None
