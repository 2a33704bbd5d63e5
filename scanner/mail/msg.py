"""Outlook .msg files ([MS-OXMSG]): an OLE compound file read with olefile
(BSD; extract-msg would do it too, but is GPL-3.0).

Each property is a stream `__substg1.0_IIIITTTT` (id, type) or an entry in
the fixed-size `__properties_version1.0` stream; recipients and attachments
are sub-storages; an attached message is a storage `__substg1.0_3701000D`
inside its attachment, read by the same code and handed on serialised
(container.py) so it becomes a child of its own.
"""

from __future__ import annotations

import io
import struct
from typing import Any

import olefile

from scanner.errors import ItemError
from scanner.mail import charset, container, mapi
from scanner.mail.message import MESSAGE_MAPI, Attachment, MailMessage

_SUBSTG = "__substg1.0_"
_PROPS = "__properties_version1.0"
_RECIP = "__recip_version1.0_#"
_ATTACH = "__attach_version1.0_#"
_EMBEDDED = "__substg1.0_3701000D"

MAX_RECIPIENTS = 5000
MAX_ATTACHMENTS = 1000


class MsgReader:
    def __init__(self, stream, max_attachment: int | None, ole: olefile.OleFileIO | None = None):
        """`ole`: the file already opened by type refinement (scanner/refine.py)."""
        try:
            self.ole = ole if ole is not None else olefile.OleFileIO(stream)
        except Exception as e:  # noqa: BLE001 - olefile raises many kinds on damaged files
            raise ItemError(f"not a readable Outlook message ({type(e).__name__})") from None
        self.max_attachment = max_attachment
        # Paths of every entry, grouped by parent storage: one directory walk.
        self.children: dict[tuple[str, ...], list[str]] = {}
        for path in self.ole.listdir(streams=True, storages=True):
            self.children.setdefault(tuple(path[:-1]), []).append(path[-1])
        if not any(n.startswith((_SUBSTG, _PROPS)) for n in self.children.get((), [])):
            raise ItemError("OLE file is not an Outlook message")

    def close(self) -> None:
        try:
            self.ole.close()
        except Exception:  # noqa: BLE001
            pass

    # -- properties --------------------------------------------------------
    def _read(self, path: tuple[str, ...], limit: int | None = None) -> bytes:
        with self.ole.openstream(list(path)) as s:
            if limit is not None and self.ole.get_size(list(path)) > limit:
                raise ItemError("too large")
            return s.read()

    def properties(self, storage: tuple[str, ...], header: int, codec: str | None = None) -> dict[int, Any]:
        props: dict[int, Any] = {}
        names = self.children.get(storage, [])
        if _PROPS in names:
            try:
                raw = self._read(storage + (_PROPS,))
                for off in range(header, len(raw) - 15, 16):
                    ptype, pid, _flags = struct.unpack_from("<HHI", raw, off)
                    if ptype in (0x0002, 0x0003, 0x000B):
                        props[pid] = struct.unpack_from("<i", raw, off + 8)[0]
            except Exception:  # noqa: BLE001 - damaged fixed properties: strings still count
                pass
        string8: list[tuple[int, bytes]] = []
        for name in names:
            if not name.startswith(_SUBSTG) or len(name) != len(_SUBSTG) + 8:
                continue
            try:
                pid, ptype = int(name[-8:-4], 16), int(name[-4:], 16)
            except ValueError:
                continue
            if ptype not in (mapi.PT_UNICODE, mapi.PT_STRING8, mapi.PT_BINARY):
                continue
            if pid == mapi.PR_ATTACH_DATA and ptype == mapi.PT_BINARY:
                continue  # attachment bytes are read when the attachment is opened
            try:
                data = self._read(storage + (name,), 256 << 20)
            except Exception:  # noqa: BLE001
                continue
            mapi.put_property(props, string8, pid, ptype, data)
        mapi.decode_string8(props, string8, codec)
        return props

    # -- a message ---------------------------------------------------------
    def message(self, storage: tuple[str, ...] = (), embedded: bool = False) -> MailMessage:
        props = self.properties(storage, 24 if embedded else 32)
        codec = mapi.string8_codec(props)
        names = self.children.get(storage, [])
        recips = sorted(n for n in names if n.startswith(_RECIP))[:MAX_RECIPIENTS]
        recipients = [self.properties(storage + (r,), 8, codec) for r in recips]
        msg = mapi.build_message(props, recipients)
        attachments = sorted(n for n in names if n.startswith(_ATTACH))
        if len(attachments) > MAX_ATTACHMENTS:
            charset.note(msg.notes, f"more than {MAX_ATTACHMENTS} attachments; the rest were not read")
        for a in attachments[:MAX_ATTACHMENTS]:
            msg.attachments.append(self.attachment(storage + (a,), codec))
        return msg

    def attachment(self, storage: tuple[str, ...], codec: str) -> Attachment:
        props = self.properties(storage, 8, codec)
        names = self.children.get(storage, [])
        filename = props.get(mapi.PR_ATTACH_LONG_FILENAME) or props.get(mapi.PR_ATTACH_FILENAME)
        filename = filename if isinstance(filename, str) else None
        method = props.get(mapi.PR_ATTACH_METHOD)
        if _EMBEDDED in names and method != mapi.ATTACH_OLE:
            inner = storage + (_EMBEDDED,)

            def open_embedded(inner=inner) -> io.BytesIO:
                sub = self.message(inner, embedded=True)
                data = [self._attachment_bytes(a) for a in sub.attachments]
                return io.BytesIO(container.encode(sub, data))

            return Attachment(filename=None, open=open_embedded, content_type=MESSAGE_MAPI)
        if _EMBEDDED in names:
            return Attachment(filename=filename, open=None, skip="embedded OLE object (not supported)")
        data_name = _SUBSTG + "37010102"
        if data_name not in names:
            return Attachment(filename=filename, open=None, skip="attachment without data (a link or reference)")
        path = list(storage + (data_name,))
        size = self.ole.get_size(path)
        if self.max_attachment is not None and size > self.max_attachment:
            return Attachment(filename=filename, open=None, size=size,
                              skip="attachment larger than --max-attachment-size")
        return Attachment(filename=filename, open=lambda path=path: io.BytesIO(self._read(tuple(path))), size=size)

    def _attachment_bytes(self, a: Attachment) -> bytes | None:
        if a.open is None:
            return None
        try:
            return a.open().read()
        except Exception as e:  # noqa: BLE001
            a.open, a.error = None, f"unreadable attachment ({type(e).__name__})"
            return None
