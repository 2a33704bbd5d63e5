"""Outlook PST and OST files through libpff-python (`pypff`, LGPL-3.0+).

Folders are walked depth first; every item in a folder (mail, and also
contacts, appointments, tasks) is one message. Messages are read one at a
time, when the pipeline opens them, so memory holds one message and its
attachments, never the archive. Properties are read from libpff's record
sets and interpreted by mapi.py, like those of a .msg file.
"""

from __future__ import annotations

import io
from typing import Any, Iterator

from scanner.errors import ItemError
from scanner.mail import charset, container, mapi, pstheap
from scanner.mail.message import MESSAGE_MAPI, Attachment, MailMessage

try:  # an optional native dependency: a missing module is reported per item
    import pypff
except ImportError:  # pragma: no cover - pypff is a declared dependency
    pypff = None

MAX_ATTACHMENTS = 1000


def open_pst(stream) -> Any:
    if pypff is None:
        raise ItemError("PST support needs libpff-python (pip install libpff-python)")
    f = pypff.file()
    try:
        f.open_file_object(stream)
    except Exception as e:  # noqa: BLE001 - libpff raises IOError with its own message
        raise ItemError(f"not a readable PST/OST file ({type(e).__name__})") from None
    return f


def walk(pst, check) -> Iterator[tuple[list[str], int, Any, str | None]]:
    """(folder path, 1-based index in folder, pypff message or None, error)."""
    try:
        root = pst.get_root_folder()
    except Exception as e:  # noqa: BLE001
        raise ItemError(f"PST folder tree unreadable ({type(e).__name__})") from None
    stack: list[tuple[Any, list[str]]] = [(root, [])]
    while stack:
        check()
        folder, path = stack.pop()
        try:
            n = folder.number_of_sub_messages
        except Exception:  # noqa: BLE001
            n = 0
            yield path, 0, None, "folder contents unreadable"
        for i in range(n or 0):
            check()
            try:
                yield path, i + 1, folder.get_sub_message(i), None
            except Exception as e:  # noqa: BLE001
                yield path, i + 1, None, f"unreadable message ({type(e).__name__})"
        subs = []
        try:
            for j in range(folder.number_of_sub_folders or 0):
                sub = folder.get_sub_folder(j)
                subs.append((sub, path + [_name(sub) or f"folder-{j + 1}"]))
        except Exception:  # noqa: BLE001
            yield path, 0, None, "sub-folders unreadable"
        stack.extend(reversed(subs))


def _name(folder) -> str:
    try:
        return folder.name or ""
    except Exception:  # noqa: BLE001
        return ""


def record_properties(item, codec: str | None = None) -> dict[int, Any]:
    """Properties of a pypff item's first record set, strings decoded."""
    props: dict[int, Any] = {}
    string8: list[tuple[int, bytes]] = []
    try:
        if not item.number_of_record_sets:
            return props
        rs = item.get_record_set(0)
        count = rs.number_of_entries
    except Exception:  # noqa: BLE001
        return props
    for e in range(count):
        try:
            entry = rs.get_entry(e)
            pid, ptype = entry.entry_type, entry.value_type
            if ptype in (0x0002, 0x0003, 0x000B):
                data = entry.data or b""
                props[pid] = int.from_bytes(data[:4], "little", signed=True) if data else 0
                continue
            if ptype not in (mapi.PT_UNICODE, mapi.PT_STRING8, mapi.PT_BINARY):
                continue
            if pid == mapi.PR_ATTACH_DATA:
                continue
            data = entry.data
        except Exception:  # noqa: BLE001 - one unreadable property does not lose the message
            continue
        if data is None:
            continue
        mapi.put_property(props, string8, pid, ptype, data)
    mapi.decode_string8(props, string8, codec)
    return props


def read_message(m, max_attachment: int | None, codec: str) -> tuple[MailMessage, list[bytes | None]]:
    """A PST message and its attachments' bytes (for container.encode)."""
    props = record_properties(m, codec)
    codec = mapi.string8_codec(props, codec)
    recipients = []
    try:
        r = m.recipients
        if r is not None:
            for k in range(r.number_of_record_sets or 0):
                recipients.append(_record_set_properties(r.get_record_set(k), codec))
    except Exception:  # noqa: BLE001
        pass
    msg = mapi.build_message(props, recipients)
    data: list[bytes | None] = []
    try:
        n = m.number_of_attachments or 0
    except Exception:  # noqa: BLE001
        n = 0
        charset.note(msg.notes, "attachment table unreadable")
    if n > MAX_ATTACHMENTS:
        charset.note(msg.notes, f"more than {MAX_ATTACHMENTS} attachments; the rest were not read")
    for i in range(min(n, MAX_ATTACHMENTS)):
        att, blob = _attachment(m, i, max_attachment, codec)
        msg.attachments.append(att)
        data.append(blob)
    return msg, data


def _record_set_properties(rs, codec: str) -> dict[int, Any]:
    class _One:  # record_properties reads record set 0 of an item
        number_of_record_sets = 1

        @staticmethod
        def get_record_set(_):
            return rs

    return record_properties(_One, codec)


def _attachment(m, i: int, max_attachment: int | None, codec: str) -> tuple[Attachment, bytes | None]:
    try:
        a = m.get_attachment(i)
        props = record_properties(a, codec)
        size = a.size
    except Exception as e:  # noqa: BLE001
        return Attachment(filename=None, open=None, error=f"unreadable attachment ({type(e).__name__})"), None
    filename = props.get(mapi.PR_ATTACH_LONG_FILENAME) or props.get(mapi.PR_ATTACH_FILENAME)
    filename = filename if isinstance(filename, str) else None
    method = props.get(mapi.PR_ATTACH_METHOD)
    if method not in (None, mapi.ATTACH_BY_VALUE, mapi.ATTACH_EMBEDDED_MSG, mapi.ATTACH_OLE):
        return Attachment(filename=filename, open=None, skip="attachment by reference (not stored in the archive)"), None
    if max_attachment is not None and size and size > max_attachment:
        return Attachment(filename=filename, open=None, size=size,
                          skip="attachment larger than --max-attachment-size"), None
    try:
        a.seek_offset(0, 0)
        blob = a.read_buffer(size) if size else b""
    except Exception as e:  # noqa: BLE001
        return Attachment(filename=filename, open=None, size=size,
                          error=f"unreadable attachment data ({type(e).__name__})"), None
    if method == mapi.ATTACH_EMBEDDED_MSG:
        return Attachment(filename=None, open=_opener, size=size, content_type=MESSAGE_MAPI), \
            container.encode(embedded_message(blob, codec), [])
    if method == mapi.ATTACH_OLE:
        return Attachment(filename=filename, open=None, size=size, skip="embedded OLE object (not supported)"), None
    return Attachment(filename=filename, open=_opener, size=size), blob


def _opener():  # replaced by container.decode; never called
    return io.BytesIO(b"")


def embedded_message(blob: bytes, codec: str) -> MailMessage:
    """A message attached to a PST message (see pstheap.py for the limits)."""
    try:
        props, missing = pstheap.read_properties(blob, codec)
    except Exception:  # noqa: BLE001 - not a heap we can read: fall back to its strings
        props, missing = {}, -1
    has_body = any(isinstance(props.get(p), (str, bytes)) for p in (mapi.PR_BODY, mapi.PR_HTML))
    if props and has_body:
        msg = mapi.build_message(props)
        if missing:
            charset.note(msg.notes, "embedded message: some properties are stored outside it and were not read")
        return msg
    msg = mapi.build_message(props) if props else MailMessage()
    strings = pstheap.printable_strings(blob)
    mid = props.get(mapi.PR_INTERNET_MESSAGE_ID) if props else None
    if isinstance(mid, str) and mid:
        strings = strings.replace(mid, " ")  # a Message-ID reads like an e-mail address
    if strings:
        msg.bodies.append(strings)
    charset.note(msg.notes, "embedded message read in part: its readable strings were scanned")
    return msg
