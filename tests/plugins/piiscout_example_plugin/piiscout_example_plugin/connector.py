"""A connector for `notes:///path/to/export.json`: a note-taking app's JSON
export, {"notes": [{"id": "n1", "title": "...", "body": "...", "updated": 1700000000}]}.

Each note is one item; its body is handed to the pipeline as plain text.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, BinaryIO, Iterator
from urllib.parse import unquote, urlsplit

from connectors.base import Connector
from scanner.errors import ItemError, TargetError, UsageError
from scanner.model import Item, ItemRecord, TargetSpec


class NotesConnector(Connector):
    name = "notes"  # the inventory's `source`
    schemes = ("notes",)  # notes://...

    @classmethod
    def parse(cls, raw: str, name: str | None = None, options: dict[str, Any] | None = None) -> TargetSpec:
        parts = urlsplit(raw)
        if parts.netloc not in ("", "localhost"):
            raise UsageError("notes:// exports must be local files: notes:///path/to/export.json")
        path = os.path.abspath(unquote(parts.path))
        return TargetSpec(name=name or raw, url="notes://" + path, scheme="notes")

    @property
    def path(self) -> str:
        return self.spec.url[len("notes://"):]

    def check(self) -> None:
        if not os.path.isfile(self.path):
            raise TargetError(f"{self.path}: no such notes export")

    def _notes(self) -> list[dict]:
        with open(self.path, encoding="utf-8") as fh:
            data = json.load(fh)
        notes = data.get("notes") if isinstance(data, dict) else None
        if not isinstance(notes, list):
            raise ItemError("not a notes export (no \"notes\" list)")
        return [n for n in notes if isinstance(n, dict)]

    def list_items(self) -> Iterator[Item | ItemRecord]:
        for n in self._notes():
            body = str(n.get("body", ""))
            yield Item(target=self.spec.name, source=self.name, location=f"{self.spec.url}#{n.get('id')}",
                       ref=str(n.get("id")), size=len(body.encode("utf-8")),
                       modified_at=n.get("updated"), content_type="text/plain")

    def open(self, item: Item) -> BinaryIO:
        for n in self._notes():
            if str(n.get("id")) == item.ref:
                return io.BytesIO((str(n.get("title", "")) + "\n" + str(n.get("body", ""))).encode("utf-8"))
        raise ItemError("note not found")
