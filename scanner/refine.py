"""Refine a sniffed container type by looking inside it.

`sniff()` sees only the first bytes: a DOCX, an XLSX, an ODT and a zipped
folder all start with `PK\\x03\\x04`; a Word 97 document, an Excel 97 workbook
and an Outlook .msg are all OLE compound files. Their members tell them
apart, so the pipeline calls `refine()` before it picks an extractor, and an
extractor registered for DOCX can rely on getting a DOCX.

It also checks what a file's name claims against its content: a `.docx`
that is not a ZIP (or an OLE-encrypted OOXML) is an error with a reason,
while a `.txt` that is really a ZIP is simply treated as a ZIP.
"""

from __future__ import annotations

import os
import zipfile

from scanner.errors import ItemError, one_line

ZIP = "application/zip"
OLE = "application/x-ole-storage"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
XLSB = "application/vnd.ms-excel.sheet.binary.macroenabled.12"
PPT = "application/vnd.ms-powerpoint"
MSG = "application/vnd.ms-outlook"  # Outlook .msg: read by the mail extractors
ENCRYPTED_OOXML = "application/x-encrypted-office"  # password-protected OOXML in an OLE wrapper

_OOXML_DIRS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_PREFIX = "application/vnd.oasis.opendocument."

# What a name claims: (label, content types that may honestly carry it).
# OOXML and ODF are always ZIPs (or, for OOXML, OLE when password-protected);
# a PDF is always a PDF. Legacy .doc/.xls are not listed: Word and Excel
# open RTF, HTML and CSV saved under those names, and so do people.
_CLAIMS = {
    ".docx": ("DOCX", (ZIP, OLE)), ".docm": ("DOCX", (ZIP, OLE)), ".dotx": ("DOCX", (ZIP, OLE)),
    ".xlsx": ("XLSX", (ZIP, OLE)), ".xlsm": ("XLSX", (ZIP, OLE)), ".xltx": ("XLSX", (ZIP, OLE)),
    ".xlsb": ("XLSB", (ZIP, OLE)),
    ".pptx": ("PPTX", (ZIP, OLE)), ".pptm": ("PPTX", (ZIP, OLE)), ".potx": ("PPTX", (ZIP, OLE)),
    ".odt": ("ODT", (ZIP,)), ".ods": ("ODS", (ZIP,)), ".odp": ("ODP", (ZIP,)),
    ".pdf": ("PDF", (PDF,)),
}


def claimed(name: str) -> str | None:
    """The format a file name claims, if it is one we hold to its content."""
    claim = _CLAIMS.get(os.path.splitext(name.lower())[1])
    return claim[0] if claim else None


def refine(blob, ctype: str) -> str:
    """The most specific content type for `blob` (sniffed as `ctype`).

    Raises ItemError when the name promises a format the content is not,
    or a container is too damaged to tell what it holds.
    """
    claim = _CLAIMS.get(os.path.splitext(blob.name.lower())[1])
    if not blob.head:
        return ctype  # an empty file is empty whatever its name says
    if claim is not None and ctype not in claim[1]:
        label = claim[0]
        raise ItemError(f"not a valid {label} file (content is {ctype})")
    if ctype == ZIP:
        return _refine_zip(blob, claim[0] if claim else None)
    if ctype == OLE:
        return _refine_ole(blob, claim[0] if claim else None)
    return ctype


def _refine_zip(blob, label: str | None) -> str:
    try:
        zf = zipfile.ZipFile(blob.seekable())
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        what = f"{label} file" if label else "ZIP archive"
        raise ItemError(f"corrupt or truncated {what} ({_zip_reason(exc)})") from None
    names = zf.namelist()
    blob.memo["zipfile"] = zf
    if "mimetype" in names:
        try:
            info = zf.getinfo("mimetype")
            mime = zf.read(info).decode("ascii", "replace").strip() if info.file_size < 200 else ""
        except Exception:  # noqa: BLE001 - a damaged member: then it is no ODF we can name
            mime = ""
        if mime.startswith(_ODF_PREFIX):
            kind = mime[len(_ODF_PREFIX):].split("-")[0]  # "text-template" -> "text"
            odf = {"text": ODT, "spreadsheet": ODS, "presentation": ODP}.get(kind)
            if odf:
                return odf
    if "[Content_Types].xml" in names:
        if "xl/workbook.bin" in names:
            return XLSB
        for prefix, ctype in _OOXML_DIRS:
            if any(n.startswith(prefix) for n in names):
                return ctype
    return ZIP


def _zip_reason(exc: BaseException) -> str:
    msg = str(exc)
    if "not a zip file" in msg.lower():
        return "no ZIP central directory"
    return one_line(exc)


def _refine_ole(blob, label: str | None) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(blob.seekable())
    except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on damaged files
        what = f"{label} file" if label else "OLE compound file"
        raise ItemError(f"corrupt or truncated {what} ({one_line(exc)})") from None
    blob.memo["olefile"] = ole
    streams = {"/".join(p) for p in ole.listdir(streams=True, storages=False)}
    top = {s.split("/", 1)[0] for s in streams}
    if "EncryptedPackage" in top and "EncryptionInfo" in top:
        return ENCRYPTED_OOXML
    if "__properties_version1.0" in top or any(s.startswith("__substg1.0_") for s in top):
        return MSG
    if "WordDocument" in top:
        return DOC
    if "Workbook" in top or "Book" in top:
        return XLS
    if "PowerPoint Document" in top:
        return PPT
    return OLE
