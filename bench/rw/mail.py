"""E-mail as Outlook sends it to non-Outlook recipients: winmail.dat (TNEF).

Outlook with "Rich Text" format wraps the message body and its attachments
in one application/ms-tnef part named winmail.dat ([MS-OXTNEF]); the outer
MIME message has a short plain-text body or none. The TNEF stream written
here holds either the legacy attBody text or the MAPI property list with a
compressed-RTF body (PR_RTF_COMPRESSED), and each attachment as
attAttachRendData / attAttachTitle / attAttachData / attAttachment.
"""

from __future__ import annotations

import struct
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from rw import prose
from rw.plant import CORE, Planter

TNEF_SIGNATURE = 0x223E9F78
LVL_MESSAGE, LVL_ATTACHMENT = 1, 2
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_BODY = 0x0002800C
ATT_MSG_PROPS = 0x00069003
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
PT_LONG, PT_UNICODE, PT_STRING8, PT_BINARY = 0x0003, 0x001F, 0x001E, 0x0102
PR_SUBJECT, PR_BODY, PR_RTF_COMPRESSED, PR_ATTACH_LONG_FILENAME, PR_ATTACH_METHOD = 0x0037, 0x1000, 0x1009, 0x3707, 0x3705


def _attr(level: int, attr_id: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _props(props: list[tuple[int, int, object]]) -> bytes:
    out = [struct.pack("<I", len(props))]
    for ptype, pid, value in props:
        out.append(struct.pack("<HH", ptype, pid))
        if ptype == PT_LONG:
            out.append(struct.pack("<I", value))
            continue
        data = value.encode("utf-16-le") + b"\0\0" if ptype == PT_UNICODE else value
        out.append(struct.pack("<II", 1, len(data)) + data + b"\0" * (-len(data) % 4))
    return b"".join(out)


def text_to_rtf(text: str) -> bytes:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\par\r\n")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            b = ch.encode("cp1252", "replace")
            out.append("".join(f"\\'{x:02x}" for x in b))
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1033{\\fonttbl{\\f0\\fswiss\\fcharset0 Calibri;}}"
            "{\\*\\generator Riched20 16.0.5;}\\viewkind4\\uc1\\pard\\f0\\fs22 " + "".join(out) + "\\par\r\n}").encode("ascii")


def tnef(subject: str, body: str, attachments: list[tuple[str, bytes]], rich: bool) -> bytes:
    import compressed_rtf

    out = [struct.pack("<IH", TNEF_SIGNATURE, 0x1234),
           _attr(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000)),
           _attr(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0)),
           _attr(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0"),
           _attr(LVL_MESSAGE, ATT_SUBJECT, subject.encode("cp1252", "replace") + b"\0")]
    if rich:
        rtf = compressed_rtf.compress(text_to_rtf(body), compressed=True)
        out.append(_attr(LVL_MESSAGE, ATT_MSG_PROPS, _props([(PT_UNICODE, PR_SUBJECT, subject), (PT_BINARY, PR_RTF_COMPRESSED, rtf)])))
    else:
        out.append(_attr(LVL_MESSAGE, ATT_BODY, body.replace("\n", "\r\n").encode("cp1252", "replace") + b"\0"))
    for name, data in attachments:
        out.append(_attr(LVL_ATTACHMENT, ATT_ATTACH_REND_DATA, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)))
        short = (name.rsplit(".", 1)[0][:8].upper() + "." + name.rsplit(".", 1)[-1][:3].upper()) if "." in name else name[:8]
        out.append(_attr(LVL_ATTACHMENT, ATT_ATTACH_TITLE, short.encode("cp1252", "replace") + b"\0"))
        out.append(_attr(LVL_ATTACHMENT, ATT_ATTACH_DATA, data))
        out.append(_attr(LVL_ATTACHMENT, ATT_ATTACHMENT, _props([(PT_LONG, PR_ATTACH_METHOD, 1),
                                                                  (PT_UNICODE, PR_ATTACH_LONG_FILENAME, name)])))
    return b"".join(out)


def tnef_mail(p: Planter, attachments: list[tuple[str, bytes]]) -> bytes:
    """An RFC 822 message whose body and attachments are in winmail.dat."""
    rng = p.rng
    sender, to = p.pii("EMAIL_ADDRESS"), p.pii("EMAIL_ADDRESS")
    subject = rng.choice(["Updated roster", "Payroll changes", "FW: new hire paperwork", "Client list", "RE: billing question"])
    body = "Hi,\n\n" + "\n\n".join(prose.paragraph(p, prose.pick_entities(p, rng.randint(1, 3), CORE * 2 + ("PERSON",)), 1)
                                   for _ in range(rng.randint(1, 3))) + "\n\nThanks,\n" + prose.name(p)
    blob = tnef(subject, body, attachments, rich=rng.random() < 0.6)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(p.fake.date_time_this_year(tzinfo=None).astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    msg.set_content("" if rng.random() < 0.5 else "Please see the attached.\n")
    msg.add_attachment(blob, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg.as_bytes()
