"""Tables as client spreadsheets hold them, written as XLSX, XLS, ODS and CSV.

A sheet is a grid of `Cell`s: a stored value (a number, a date, text), the
Excel number format it is displayed with, and the text a person sees. The
truth is what is displayed: an SSN stored as 12345678 with the format
`000-00-0000` is the SSN 012-34-5678. Tables start wherever people put
them: under a title, a "prepared by" line and a blank row, in column B, and
a second table (contractors, terminated staff) further down the same sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rw.plant import ENTITIES, Planter, group


@dataclass(frozen=True)
class Cell:
    value: object  # str | int | float | datetime.date
    display: str
    fmt: str | None = None  # Excel number format code


def text(s: str) -> Cell:
    return Cell(s, s)


# ---------------------------------------------------------------- columns
# A column maker takes the planter and returns one cell (recording truth).

def _ssn(p: Planter) -> Cell:
    v = p.draw("US_SSN", "dashed")
    d = v.canonical
    how = p.rng.choices(["fmt_dashed", "fmt_bare", "text_dashed", "text_bare", "general"], [5, 1, 3, 1, 1])[0]
    if how == "general" and d[0] == "0":
        how = "fmt_dashed"
    if how == "fmt_dashed":
        cell = Cell(int(d), group(d, (3, 2, 4), "-"), "000-00-0000")
    elif how == "fmt_bare":
        cell = Cell(int(d), d, "000000000")
    elif how == "text_dashed":
        cell = text(group(d, (3, 2, 4), "-"))
    elif how == "text_bare":
        cell = text(d)
    else:
        cell = Cell(int(d), d)
    p.record("US_SSN", cell.display)
    return cell


def _card(p: Planter) -> Cell:
    v = p.draw("CREDIT_CARD", "plain")
    d = v.canonical
    how = p.rng.choices(["text", "number", "fmt_spaced"], [6, 2, 1])[0]
    if how != "text" and int(d) >= 2 ** 53:
        how = "text"
    if how == "number":
        cell = Cell(int(d), d, "0")
    elif how == "fmt_spaced":
        sizes = (4, 6, 5) if len(d) == 15 else (4, 6, 4) if len(d) == 14 else (4, 4, 4, 4)
        cell = Cell(int(d), group(d, sizes, " "), " ".join("0" * n for n in sizes))
    else:
        cell = text(ENTITIES["CREDIT_CARD"].render(d, p.style("CREDIT_CARD"), p.rng))
    p.record("CREDIT_CARD", cell.display)
    return cell


def _phone(p: Planter) -> Cell:
    v = p.draw("PHONE_NUMBER")
    region, n = v.canonical
    how = p.rng.choices(["text", "fmt_paren", "fmt_dashed", "general"], [5, 2, 1, 1])[0]
    if region not in ("US", "CA"):
        how = "text"
    if how == "fmt_paren":
        cell = Cell(int(n), f"({n[:3]}) {n[3:6]}-{n[6:]}", "[<=9999999]###-####;(###) ###-####")
    elif how == "fmt_dashed":
        cell = Cell(int(n), f"{n[:3]}-{n[3:6]}-{n[6:]}", "000-000-0000")
    elif how == "general":
        cell = Cell(int(n), n)
    else:
        cell = text(v.written)
    p.record("PHONE_NUMBER", cell.display, *v.forms)
    return cell


_DATE_FORMATS = {"mm/dd/yyyy": lambda d: d.strftime("%m/%d/%Y"), "yyyy-mm-dd": lambda d: d.isoformat(),
                 "m/d/yyyy": lambda d: f"{d.month}/{d.day}/{d.year}", "d-mmm-yyyy": lambda d: f"{d.day}-{d.strftime('%b-%Y')}"}


def _dob(p: Planter) -> Cell:
    v = p.draw("DATE_OF_BIRTH", "us")
    d = v.canonical
    if p.rng.random() < 0.8:
        fmt = p.rng.choice(list(_DATE_FORMATS))
        cell = Cell(d, _DATE_FORMATS[fmt](d), fmt)
    else:
        cell = text(v.written)
    p.record("DATE_OF_BIRTH", cell.display, d.isoformat())
    return cell


def _entity_text(entity: str, allow_bare: bool = True) -> Callable[[Planter], Cell]:
    def make(p: Planter) -> Cell:
        style = p.style(entity, allow_bare)
        if entity == "US_ADDRESS" and style == "two_lines":
            style = "one_line"
        return text(p.pii(entity, style))
    return make


def _sin(p: Planter) -> Cell:
    v = p.draw("CA_SIN", "spaced")
    if p.rng.random() < 0.3:
        cell = Cell(int(v.canonical), v.written, "000 000 000")
    else:
        cell = text(v.written)
    p.record("CA_SIN", cell.display, v.canonical)
    return cell


def _decoy(kind: str, as_number: bool = False, fmt: str | None = None) -> Callable[[Planter], Cell]:
    def make(p: Planter) -> Cell:
        v = p.decoy(kind)
        if as_number and v.isdigit() and int(v) < 2 ** 53:
            return Cell(int(v), v, fmt)
        return text(v)
    return make


def _faker(fn: str) -> Callable[[Planter], Cell]:
    return lambda p: text(str(getattr(p.fake, fn)()))


def _money(p: Planter) -> Cell:
    v = round(p.rng.uniform(20, 9000), 2)
    return Cell(v, f"{v:,.2f}", "#,##0.00")


def _hire_date(p: Planter) -> Cell:
    d = p.fake.date_between(dt.date(2005, 1, 1), dt.date(2025, 6, 1))
    return Cell(d, d.strftime("%m/%d/%Y"), "mm/dd/yyyy")


def _first_last(p: Planter) -> list[Cell]:
    v = p.draw("PERSON", "first_last")
    first, _, last = v.canonical
    p.record("PERSON", f"{first} {last}", first + " " + last)
    return [text(first), text(last)]


# Themes: (sheet names, [(header, maker)]) - a maker returning a list fills
# as many columns as it has headers ("First Name", "Last Name").
Column = tuple[tuple[str, ...], Callable]


def _col(entity: str, maker: Callable) -> Column:
    return (ENTITIES[entity].headers, maker)


THEMES: dict[str, list[Column]] = {
    "hr": [_col("PERSON", _entity_text("PERSON")), (("Employee ID", "Emp #", "EmpNo", "Badge"), _decoy("zero_padded", True, "0000000000")),
           _col("US_SSN", _ssn), _col("DATE_OF_BIRTH", _dob), (("Hire Date", "Start Date"), _hire_date),
           _col("PHONE_NUMBER", _phone), _col("EMAIL_ADDRESS", _entity_text("EMAIL_ADDRESS")),
           _col("US_ADDRESS", _entity_text("US_ADDRESS")), (("Salary", "Annual Pay"), _money),
           (("Department", "Dept"), _faker("job"))],
    "payments": [(("First Name", "Last Name"), _first_last), (("Order #", "Order No", "Invoice", "Confirmation"), _decoy("order9", True)),
                 _col("CREDIT_CARD", _card), (("Exp", "Expiry"), lambda p: text(f"{p.rng.randint(1, 12):02d}/{p.rng.randint(25, 31)}")),
                 _col("EMAIL_ADDRESS", _entity_text("EMAIL_ADDRESS")), _col("PHONE_NUMBER", _phone), (("Amount", "Total"), _money),
                 (("Tracking", "Tracking #"), _decoy("tracking"))],
    "patients": [_col("PERSON", _entity_text("PERSON")), (("MRN", "Chart #", "Patient ID"), _decoy("zero_padded")),
                 _col("DATE_OF_BIRTH", _dob), _col("US_SSN", _ssn), _col("PHONE_NUMBER", _phone),
                 _col("US_ADDRESS", _entity_text("US_ADDRESS")), (("Provider NPI", "NPI"), _decoy("npi", True)),
                 (("Insurance", "Payer"), _faker("company"))],
    "contacts": [(("First Name", "Last Name"), _first_last), (("Company", "Organization"), _faker("company")),
                 _col("EMAIL_ADDRESS", _entity_text("EMAIL_ADDRESS")), _col("PHONE_NUMBER", _phone),
                 (("Mobile", "Cell"), _phone), (("ZIP+4", "Zip"), _decoy("zip4"))],
    "intl_payroll": [_col("PERSON", _entity_text("PERSON")), _col("UK_NINO", _entity_text("UK_NINO")),
                     _col("IBAN_CODE", _entity_text("IBAN_CODE")), _col("EMAIL_ADDRESS", _entity_text("EMAIL_ADDRESS")),
                     (("Reference", "Payroll Ref"), _decoy("order9", True)), (("Net Pay", "Amount"), _money)],
    "canada": [_col("PERSON", _entity_text("PERSON")), _col("CA_SIN", _sin), _col("PHONE_NUMBER", _phone),
               _col("DATE_OF_BIRTH", _dob), (("Employee ID", "Emp #"), _decoy("zero_padded"))],
    "it_accounts": [(("User", "Username", "Login"), lambda p: text(p.fake.user_name())),
                    _col("EMAIL_ADDRESS", _entity_text("EMAIL_ADDRESS")), _col("CREDENTIAL", _entity_text("CREDENTIAL")),
                    (("Asset Tag", "Device ID"), _decoy("hex_id")), (("IMEI",), _decoy("imei", True, "0")),
                    (("Last Seen (epoch)", "Last Login"), _decoy("epoch", True))],
    "inventory": [(("SKU", "Item"), lambda p: text(p.fake.bothify("??-####").upper())), (("Order #", "PO Number"), _decoy("order9", True)),
                  (("Meter Reading", "Counter", "Units Total"), _decoy("counter10", True)), (("Serial", "Seq No"), _decoy("seq12", True, "0")),
                  (("Ship ZIP", "Zip+4"), _decoy("zip4")), (("Tracking #",), _decoy("tracking")), (("Firmware",), _decoy("version"))],
}
SHEET_NAMES = {"hr": ["Employees", "Roster", "Active", "Staff"], "payments": ["Payments", "Orders", "Transactions"],
               "patients": ["Patients", "Census", "Appointments"], "contacts": ["Contacts", "Leads", "Vendors"],
               "intl_payroll": ["UK Payroll", "EMEA"], "canada": ["Canada", "CA Staff"], "it_accounts": ["Accounts", "Users"],
               "inventory": ["Inventory", "Shipments", "Stock"]}


@dataclass
class Sheet:
    name: str
    grid: dict[tuple[int, int], Cell]
    merges: list[tuple[int, int, int, int]]


def build_table(p: Planter, theme: str, grid: dict, top: int, left: int, rows: int) -> int:
    """Writes a header and `rows` rows at (top, left); returns the next free row."""
    rng = p.rng
    cols = [c for c in THEMES[theme] if rng.random() < 0.85] or THEMES[theme][:2]
    headers: list[str] = []
    makers: list[Callable] = []
    for names, maker in cols:
        if maker is _first_last:
            headers += ["First Name", "Last Name"] if rng.random() < 0.7 else ["First", "Last"]
        else:
            headers.append(rng.choice(names))
        makers.append(maker)
    if rng.random() < 0.3:
        headers = [h.upper() for h in headers]
    for j, h in enumerate(headers):
        grid[(top, left + j)] = text(h)
    r = top + 1
    widths = [2 if m is _first_last else 1 for m in makers]
    for _ in range(rows):
        j = left
        for maker, width in zip(makers, widths):
            if rng.random() < 0.03:  # an empty cell now and then
                j += width
                continue
            cells = maker(p)
            for c in cells if isinstance(cells, list) else [cells]:
                grid[(r, j)] = c
                j += 1
        r += 1
    return r


def build_sheets(p: Planter, themes: list[str], rows: int) -> list[Sheet]:
    rng = p.rng
    sheets = []
    for theme in themes:
        grid: dict = {}
        merges = []
        left = rng.choice([0, 0, 0, 1, 2])
        top = 0
        preamble = rng.choice([0, 0, 1, 2, 3, 4, 6])
        if preamble:
            title = rng.choice([f"{p.fake.company()} - {rng.choice(SHEET_NAMES[theme])}",
                                f"{rng.choice(SHEET_NAMES[theme])} as of {p.fake.date_this_year().strftime('%B %d, %Y')}",
                                "CONFIDENTIAL", f"Prepared by {p.fake.first_name()} {p.fake.last_name()[0]}."])
            p.incidental("PERSON", title)
            grid[(0, left)] = text(title)
            merges.append((0, left, 0, left + 3))
            if preamble > 2:
                grid[(1, left)] = text(f"Report date: {p.fake.date_this_year().strftime('%m/%d/%Y')}")
            top = preamble
        nxt = build_table(p, theme, grid, top, left, rows)
        if rng.random() < 0.25:  # a second table below the first
            gap = rng.randint(2, 5)
            grid[(nxt + gap - 1, left)] = text(rng.choice(["Contractors", "Terminated", "Archive", "Prior year"]))
            build_table(p, theme, grid, nxt + gap, left, max(3, rows // 3))
        sheets.append(Sheet(rng.choice(SHEET_NAMES[theme]) + (f" {len(sheets) + 1}" if sheets else ""), grid, merges))
    return sheets


# ---------------------------------------------------------------- writers

def write_xlsx(sheets: list[Sheet], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sh in sheets:
        ws = wb.create_sheet(sh.name[:31])
        for (r, c), cell in sh.grid.items():
            x = ws.cell(row=r + 1, column=c + 1, value=cell.value)
            if cell.fmt:
                x.number_format = cell.fmt
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    wb.save(path)


def write_xls(sheets: list[Sheet], path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    styles: dict[str | None, object] = {None: xlwt.easyxf("")}
    for sh in sheets:
        ws = wb.add_sheet(sh.name[:31])
        for (r, c), cell in sorted(sh.grid.items()):
            if cell.fmt not in styles:
                styles[cell.fmt] = xlwt.easyxf(num_format_str=cell.fmt)
            value = cell.value
            if isinstance(value, int):
                value = float(value)
            ws.write(r, c, value, styles[cell.fmt])
    wb.save(str(path))


def write_csv(sheet: Sheet, path: Path, rng: random.Random, encoding: str = "utf-8") -> None:
    """As Excel's "Save as CSV" writes it: displayed text, preamble rows kept."""
    delim = rng.choice([",", ",", ",", ";", "\t", "|"])
    nrows = max(r for r, _ in sheet.grid) + 1
    ncols = max(c for _, c in sheet.grid) + 1
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\r\n" if rng.random() < 0.6 else "\n")
    for r in range(nrows):
        w.writerow([sheet.grid[(r, c)].display if (r, c) in sheet.grid else "" for c in range(ncols)])
    data = buf.getvalue()
    if encoding == "utf-8-sig" or (encoding == "utf-8" and rng.random() < 0.3):
        data = "\ufeff" + data
        encoding = "utf-8"
    path.write_bytes(data.encode(encoding, "replace"))


# ODS: number formats are styles; LibreOffice writes the displayed text in
# <text:p> beside office:value, so that is done here too.

def _ods_number_style(fmt: str, name: str):
    from odf.number import DateStyle, Day, EmbeddedText, Month, Number, NumberStyle, Text, Year

    if fmt in _DATE_FORMATS:
        st = DateStyle(name=name)
        sep = "/" if "/" in fmt else "-"
        parts = {"mm/dd/yyyy": ["M", "D", "Y"], "m/d/yyyy": ["m", "d", "Y"], "yyyy-mm-dd": ["Y", "M", "D"],
                 "d-mmm-yyyy": ["d", "b", "Y"]}[fmt]
        for i, part in enumerate(parts):
            if i:
                st.addElement(Text(text=sep))
            if part in "Mm":
                st.addElement(Month(style="long" if part == "M" else "short"))
            elif part == "b":
                st.addElement(Month(textual="true"))
            elif part in "Dd":
                st.addElement(Day(style="long" if part == "D" else "short"))
            else:
                st.addElement(Year(style="long"))
        return st
    st = NumberStyle(name=name)
    if fmt.startswith("[<=9999999]"):
        fmt = "(000) 000-0000"
    lead = ""
    while fmt and fmt[0] not in "0#":
        lead, fmt = lead + fmt[0], fmt[1:]
    if lead:
        st.addElement(Text(text=lead))
    digits_total = sum(ch in "0#" for ch in fmt)
    num = Number(decimalplaces="0", minintegerdigits=str(fmt.count("0")) if "#" not in fmt else "1")
    seen = 0
    for ch in fmt:
        if ch in "0#":
            seen += 1
        else:
            pos = digits_total - seen
            num.addElement(EmbeddedText(position=str(pos), text=ch))
    st.addElement(num)
    return st


def write_ods(sheets: list[Sheet], path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    cell_styles: dict[str, Style] = {}

    def style_for(fmt: str) -> Style:
        if fmt not in cell_styles:
            n = len(cell_styles) + 1
            ns = _ods_number_style(fmt, f"N{n}")
            doc.automaticstyles.addElement(ns)
            st = Style(name=f"ce{n}", family="table-cell", datastylename=f"N{n}")
            doc.automaticstyles.addElement(st)
            cell_styles[fmt] = st
        return cell_styles[fmt]

    for sh in sheets:
        table = Table(name=sh.name)
        nrows = max(r for r, _ in sh.grid) + 1
        ncols = max(c for _, c in sh.grid) + 1
        for r in range(nrows):
            tr = TableRow()
            for c in range(ncols):
                cell = sh.grid.get((r, c))
                if cell is None:
                    tr.addElement(TableCell())
                    continue
                kw = {}
                if cell.fmt and cell.fmt != "0" and not cell.fmt.startswith("#,"):
                    kw["stylename"] = style_for(cell.fmt)
                if isinstance(cell.value, dt.date):
                    tc = TableCell(valuetype="date", datevalue=cell.value.isoformat(), **kw)
                elif isinstance(cell.value, (int, float)):
                    tc = TableCell(valuetype="float", value=str(cell.value), **kw)
                else:
                    tc = TableCell(valuetype="string")
                tc.addElement(P(text=cell.display))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
