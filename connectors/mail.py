"""Mail stores on disk: `mbox:///path` and `maildir:///path` targets.

Mail archives are also recognised by content by every other connector (an
.mbox, .eml, .msg or .pst on a share or in a ZIP is scanned as mail); these
schemes are for mail stores as such, and write `source` = `mail`:

* `mbox:///var/mail/jane` or a directory of mbox files (a Thunderbird
  profile's `Mail/` folder): every file that is an mbox is an item, its
  messages are parts `msg-N`. Other files there (Thunderbird's .msf
  indexes, filter rules) are recorded as skipped, "not an mbox file".
* `maildir:///home/jane/Maildir` (or a folder holding many Maildirs): every
  message file under a `cur/` or `new/` folder is an item of its own (a
  message is a file in a Maildir), read as RFC 822 whatever its name.
  `tmp/` (deliveries in progress) and the IMAP servers' index files are
  left out.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

from connectors.local import LocalConnector
from connectors.registry import register
from scanner.errors import TargetError, UsageError
from scanner.model import Item, ItemRecord, Stream, TargetSpec

MBOX = "application/mbox"
MESSAGE_RFC822 = "message/rfc822"
_MESSAGE_DIRS = ("cur", "new")


@register
class MailConnector(LocalConnector):
    name = "mail"
    schemes = ("mbox", "maildir")

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        parts = urlsplit(raw)
        scheme = parts.scheme.lower()
        if parts.netloc not in ("", "localhost"):
            raise UsageError(f"{scheme}:// targets are local paths (got host {parts.netloc!r}); "
                             f"write {scheme}:///absolute/path")
        path = unquote(parts.path)
        if not path:
            raise UsageError(f"empty {scheme}:// path")
        path = os.path.abspath(os.path.expanduser(path))
        opts = tuple(sorted((options or {}).items()))
        return TargetSpec(name=name or raw, url=f"{scheme}://{path}", scheme=scheme, options=opts)

    @property
    def root(self) -> str:
        return self.spec.url.split("://", 1)[1]

    @property
    def kind(self) -> str:
        return self.spec.scheme

    def check(self) -> None:
        super().check()
        if self.kind == "maildir":
            if not os.path.isdir(self.root):
                raise TargetError(f"not a Maildir (not a directory): {self.root}")
            if not _has_maildir(self.root):
                raise TargetError(f"not a Maildir (no cur/ or new/ folder found): {self.root}")

    def list_items(self) -> Iterator[Item | ItemRecord]:
        for x in super().list_items():
            if isinstance(x, ItemRecord):
                yield x  # already source "mail" (LocalConnector records use self.name)
                continue
            if self.kind == "maildir":
                parts = os.path.relpath(x.ref, self.root).split(os.sep)
                if len(parts) < 2 or parts[-2] not in _MESSAGE_DIRS:
                    continue  # tmp/, dovecot indexes, maildirfolder, subscriptions...
                # A message file (or mbox) takes the permissions of the file (Item.access).
                yield replace(x, source=self.name, content_type=MESSAGE_RFC822)
            else:
                yield replace(x, source=self.name)

    def content(self, item: Item) -> Stream:
        # An mbox:// target's files are read as mbox (the extractor skips one
        # that is not); a Maildir's as the messages they are.
        return Stream(self.open(item), os.path.basename(item.ref), MBOX if self.kind == "mbox" else None)


def _has_maildir(root: str, depth: int = 3) -> bool:
    """A cur/ or new/ folder at the root or a few levels below it."""
    frontier = [root]
    for _ in range(depth):
        nxt = []
        for d in frontier:
            try:
                with os.scandir(d) as it:
                    for e in it:
                        if e.is_dir(follow_symlinks=False):
                            if e.name in _MESSAGE_DIRS:
                                return True
                            nxt.append(e.path)
            except OSError:
                continue
        frontier = nxt[:1000]
    return False
