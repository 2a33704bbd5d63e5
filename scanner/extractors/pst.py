"""Outlook PST and OST archives (libpff-python, LGPL): every item of every
folder is a child `<folder path>/msg-N`, read when the pipeline gets to it,
so memory holds one message at a time however large the archive."""

from __future__ import annotations

import io
from typing import Iterator

from scanner.extractors.base import Blob, ExtractContext, Extractor
from scanner.extractors.registry import register
from scanner.mail import container, pst
from scanner.mail.message import MESSAGE_MAPI
from scanner.mail.names import folder_part, message_part
from scanner.model import Child


@register
class PstExtractor(Extractor):
    name = "pst"
    content_types = ("application/vnd.ms-outlook-pst",)

    def extract(self, blob: Blob, ctx: ExtractContext) -> Iterator[Child]:
        stream = blob.seekable()
        f = pst.open_pst(stream)
        try:
            codec = _ascii_codec(f)
            max_att = ctx.settings.max_attachment_size
            for path, index, message, error in pst.walk(f, ctx.check):
                folder = folder_part(path)
                if message is None:
                    name = "/".join(p for p in (folder, message_part(index) if index else "") if p) or "folder"
                    yield Child(name=name, open=None, error=error)
                    continue

                def open_message(m=message) -> io.BytesIO:
                    msg, data = pst.read_message(m, max_att, codec)
                    return io.BytesIO(container.encode(msg, data))

                # The Message-ID (row_key) is set on the message's segments and
                # attachments when it is read; reading it here too would read
                # every message twice.
                yield Child(name="/".join(p for p in (folder, message_part(index)) if p), open=open_message,
                            content_type=MESSAGE_MAPI)
        finally:
            try:
                f.close()
            except Exception:  # noqa: BLE001
                pass


def _ascii_codec(f) -> str:
    from scanner.mail.charset import codec_for_codepage

    try:
        return codec_for_codepage(f.ascii_codepage) or "cp1252"
    except Exception:  # noqa: BLE001
        return "cp1252"
