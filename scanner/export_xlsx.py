"""The XLSX export: a workbook a client reads on screen and on paper.

Sheets, in order:

  Summary    in plain English: what was scanned, the headline, findings by
             type of data ("Social Security number", never `US_SSN`), by
             target, what was not examined and why
  Risk       every location with findings, riskiest first: its risk score
             (scanner/risk.py), what it holds, who can read it, its age
  Folders    folder rollups, subfolders included, riskiest first
  Findings   one row per finding: where, what (plain name), masked value,
             confidence, the location's risk, masked context, when
  Technical  the same findings in the same order with the engineer's
             columns: entity code, keyed value hash, detector, source, scan

Every sheet prints landscape, fitted to the page width, with its header row
repeated on each page and page numbers in the footer; data sheets have a
frozen header, an autofilter and set column widths. Hashes and codes appear
on the Technical sheet only.

Values are written as they are, with no apostrophe added: every text cell
goes through `write_string`, so it is a text cell in the file (a shared
string), which Excel and LibreOffice never evaluate, whatever it starts
with (`=HYPERLINK(...)`, `+1 555...`). Numbers and dates are written as
numbers and dates. (CSV has no cell types, so the CSV export still defuses
formula-like text with an apostrophe: scanner/export.py.)

Excel holds 1,048,576 rows per sheet: beyond that the findings continue on
"Findings 2" / "Technical 2"... and the summary says so; the Risk sheet
keeps the riskiest rows and points to CSV or Parquet for the rest.
xlsxwriter runs in constant-memory mode: rows go to disk as they are
written.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from scanner import __version__, entity_labels, risk
from scanner.errors import InventoryError
from scanner.inventory.reader import Inventory
from scanner.inventory.state import View, describe_view, iter_batches, owning_target
from scanner.reporting import guidance

EXCEL_MAX_ROWS = 1_048_576  # per sheet, header included
MAX_LISTED_ERRORS = 1000
KIND_LABEL = {"file": "File", "table": "Table", "mailbox": "Mailbox"}
# (header, width) per sheet; the Findings and Technical sheets share their row order.
FINDINGS_COLUMNS = [("Location", 60), ("Part", 28), ("Line", 7), ("Row key", 14), ("Type of data", 26),
                    ("Masked value", 22), ("Confidence", 11), ("Risk", 7), ("Who can read it", 18),
                    ("Context (masked)", 60), ("Found at", 19)]
TECHNICAL_COLUMNS = [("Location", 60), ("Part", 28), ("Line", 7), ("Entity code", 20), ("Value hash", 68),
                     ("Detector", 26), ("Source", 8), ("Scan", 26), ("Score", 7), ("Location hash", 34)]
RISK_COLUMNS = [("Location", 64), ("Kind", 9), ("Risk", 7), ("Band", 9), ("Most sensitive contents", 60),
                ("Findings", 10), ("Who can read it", 18), ("Last modified", 14), ("Readers", 50)]
MAX_READERS_SHOWN = 12
FOLDER_COLUMNS = [("Folder (subfolders included)", 64), ("Risk", 7), ("Band", 9), ("Files with personal data", 12),
                  ("Readable by everyone", 12), ("Findings", 10), ("Most sensitive contents", 60)]


class XlsxExport:
    def __init__(self, inv: Inventory, view: View, flt, path: Path, tmpdir: str, findings=()):
        import xlsxwriter

        self.inv, self.view, self.flt = inv, view, flt
        self.findings = findings  # the filtered findings' record batches (scanner.export.finding_batches)
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "tmpdir": tmpdir, "use_zip64": True,
            # Text is text: never turned into formulas, numbers or links.
            "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
            "remove_timezone": True,
        })
        self.f = self._formats()
        self.summary = self._sheet("Summary", None)  # first tab; written last, when the tallies are known
        self.assessment = risk.assess(inv, view, flt.entities, flt.min_score)
        self.score_of = {r.location: r.score for r in self.assessment.locations}
        self.exposure_of = {r.location: r.exposure for r in self.assessment.locations}  # items.exposure
        self.sheets: list[str] = []
        self.names: dict[str, str] = {}  # entity code -> plain name, looked up once
        self.exposure_labels: dict[str | None, str] = {}
        self.risk_rows = 0

    def _formats(self) -> dict:
        add = self.wb.add_format
        return {
            "title": add({"bold": True, "font_size": 16, "font_color": "#1F4E79"}),
            "lead": add({"font_size": 12, "text_wrap": True, "valign": "top"}),
            "section": add({"bold": True, "font_size": 12, "font_color": "#1F4E79"}),
            "header": add({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True, "valign": "top"}),
            "label": add({"font_color": "#6B7280", "valign": "top"}),
            "wrap": add({"text_wrap": True, "valign": "top"}),
            "when": add({"num_format": "yyyy-mm-dd hh:mm"}),
            "date": add({"num_format": "yyyy-mm-dd"}),
            "score": add({"num_format": "0.00"}),
            "int": add({"num_format": "#,##0"}),
        }

    # -- sheets ---------------------------------------------------------------------------
    def _sheet(self, name: str, columns: list[tuple[str, int]] | None):
        ws = self.wb.add_worksheet(name)
        # Printing: landscape, as wide as the page, the header on every page, numbered.
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer(f"&L{name}&CPage &P of &N&Rpiiscout {__version__}")
        if columns:
            for i, (header, width) in enumerate(columns):
                ws.set_column(i, i, width)
            ws.write_row(0, 0, [h for h, _ in columns], self.f["header"])
            ws.freeze_panes(1, 0)
            ws.repeat_rows(0)
            ws.hide_gridlines(0)  # print the grid: rows are easier to follow on paper
        return ws

    @staticmethod
    def _close_table(ws, rows: int, columns: list) -> None:
        ws.autofilter(0, 0, max(rows - 1, 0), len(columns) - 1)

    @staticmethod
    def _put(ws, row: int, col: int, value, fmt=None) -> None:
        """Typed writes: text is always a text cell, numbers numbers."""
        if value is None or value == "":
            return
        if isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value.replace(tzinfo=None), fmt)
        else:
            ws.write_number(row, col, value, fmt)

    def write_findings(self) -> int:
        """Findings and Technical, split across sheets past Excel's row limit."""
        client = tech = None
        row = EXCEL_MAX_ROWS
        total = 0
        for b in self.findings:
            for values in zip(*(_column(b, c) for c in FINDING_FIELDS)):
                if row >= EXCEL_MAX_ROWS:
                    client, tech = self._next_findings_sheets(client, tech, row)
                    row = 1
                self._finding_row(client, tech, row, values)
                row += 1
                total += 1
        if client is None:  # no findings: the sheets still exist, with their headers
            client, tech = self._next_findings_sheets(None, None, 1)
            row = 1
        self._close_table(client, row, FINDINGS_COLUMNS)
        self._close_table(tech, row, TECHNICAL_COLUMNS)
        return total

    def _next_findings_sheets(self, client, tech, rows: int):
        if client is not None:
            self._close_table(client, rows, FINDINGS_COLUMNS)
            self._close_table(tech, rows, TECHNICAL_COLUMNS)
        suffix = "" if not self.sheets else f" {len(self.sheets) + 1}"
        self.sheets.append(f"Findings{suffix}")
        return self._sheet(f"Findings{suffix}", FINDINGS_COLUMNS), self._sheet(f"Technical{suffix}", TECHNICAL_COLUMNS)

    def _finding_row(self, client, tech, row: int, v: tuple) -> None:
        """One finding on both sheets; direct typed writes (a million rows: no per-cell type sniffing)."""
        loc, part, line, row_key, entity, masked, score, context, found, value_hash, detector, source, scan, lh = v
        text, tech_text, f = client.write_string, tech.write_string, self.f
        text(row, 0, loc)
        tech_text(row, 0, loc)
        if part:
            text(row, 1, part)
            tech_text(row, 1, part)
        if line is not None:
            client.write_number(row, 2, line)
            tech.write_number(row, 2, line)
        if row_key:
            text(row, 3, row_key)
        name = self.names.get(entity)
        if name is None:
            name = self.names[entity] = entity_labels.name(entity)
        text(row, 4, name)
        text(row, 5, masked)
        client.write_number(row, 6, score, f["score"])
        risk_score = self.score_of.get(loc)
        if risk_score is not None:
            client.write_number(row, 7, risk_score)
        exposure = self.exposure_of.get(loc)
        label = self.exposure_labels.get(exposure)
        if label is None:
            label = self.exposure_labels[exposure] = risk.EXPOSURE_LABEL.get(exposure, "Not recorded")
        text(row, 8, label)
        if context:
            text(row, 9, context)
        client.write_number(row, 10, found, f["when"])
        for col, value in enumerate((entity, value_hash, detector, source, scan), start=3):
            tech_text(row, col, value)
        tech.write_number(row, 8, score, f["score"])
        if lh:  # finds the object again where its name is masked (`piiscout locate`)
            tech_text(row, 9, lh)

    def write_risk(self) -> None:
        ws = self._sheet("Risk", RISK_COLUMNS)
        row = 1
        for r in self.assessment.locations:
            if row >= EXCEL_MAX_ROWS:
                break
            readers = "; ".join(r.readers[:MAX_READERS_SHOWN])
            if len(r.readers) > MAX_READERS_SHOWN:
                readers += f"; and {len(r.readers) - MAX_READERS_SHOWN} more"
            cells = [r.location, KIND_LABEL.get(r.kind, r.kind), r.score, r.band, _what(r.counts), r.findings,
                     risk.EXPOSURE_LABEL.get(r.exposure, "Not recorded"), r.modified_at, readers]
            for col, value in enumerate(cells):
                self._put(ws, row, col, value, self.f["date"] if col == 7 else None)
            row += 1
        self.risk_rows = row - 1
        self._close_table(ws, row, RISK_COLUMNS)

    def write_folders(self) -> None:
        ws = self._sheet("Folders", FOLDER_COLUMNS)
        row = 1
        for f in self.assessment.folders():
            if row >= EXCEL_MAX_ROWS:
                break
            cells = [f.folder, f.score, f.band, f.files, f.exposed if self.assessment.exposure_known else None,
                     sum(n for _, n in f.counts), _what(f.counts)]
            for col, value in enumerate(cells):
                self._put(ws, row, col, value)
            row += 1
        self._close_table(ws, row, FOLDER_COLUMNS)

    def close(self) -> None:
        self.summary.activate()
        try:
            self.wb.close()
        except Exception as e:  # noqa: BLE001 - xlsxwriter raises its own types for I/O errors
            # FileCreateError wraps the OSError (a full disk): raised as such,
            # so the atomic writer names the destination and the reason.
            cause = next((a for a in getattr(e, "args", ()) if isinstance(a, OSError)), None)
            if cause is None and isinstance(e.__context__, OSError):
                cause = e.__context__
            if cause is not None:
                raise cause from None
            raise InventoryError(f"cannot write the workbook: {type(e).__name__}") from None


FINDING_FIELDS = ("location", "part", "line", "row_key", "entity_type", "masked_value", "score", "context",
                  "found_at", "value_hash", "detector", "source", "scan_id", "location_hash")
EXCEL_EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial date
US_PER_DAY = 86_400_000_000


def _column(b, name: str) -> list:
    """A batch's column as Python values; times as Excel serial dates (UTC),
    computed in Arrow rather than one datetime object per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    col = b.column(b.schema.get_field_index(name))
    if name == "found_at":
        us = pc.cast(col, pa.int64())
        return pc.add(pc.divide(pc.cast(us, pa.float64()), US_PER_DAY), EXCEL_EPOCH_DAYS).to_pylist()
    return col.to_pylist()


def _what(counts) -> str:
    """"12 Social Security numbers, 40 e-mail addresses and 2 more kinds", most sensitive first."""
    from scanner.reporting.model import what_phrase

    return what_phrase(counts)


# -- the summary sheet ----------------------------------------------------------------------

class _Lines:
    """Rows of the summary sheet, written top to bottom."""

    def __init__(self, x: XlsxExport):
        self.x, self.ws, self.r = x, x.summary, 0

    def __call__(self, *cells, fmt=None, fmts=()) -> None:
        for col, value in enumerate(cells):
            f = fmts[col] if col < len(fmts) and fmts[col] else fmt
            if fmt is not None and (value is None or value == ""):
                self.ws.write_blank(self.r, col, None, fmt)
            self.x._put(self.ws, self.r, col, value, f)
        self.r += 1

    def gap(self) -> None:
        self.r += 1


def _item_stats(inv: Inventory, view: View, targets: list[str]):
    """Top-level items and errors per target; errors listed (capped); skips and errors by reason."""
    per_target: dict[str, Counter] = {}
    errors: list[tuple[str, str, str]] = []
    reasons: Counter = Counter()
    for b in iter_batches(inv, view, "items", ["location", "part", "status", "reason"]):
        for loc, part, st, reason in zip(*(b.column(i).to_pylist() for i in range(4))):
            if not part:
                c = per_target.setdefault(owning_target(loc, targets) or "(other)", Counter())
                c["items"] += 1
                c["errors"] += st == "error"
            if st in ("error", "skipped"):
                reasons[(st, guidance.explain_reason(st, reason), reason or "")] += 1
                if st == "error" and len(errors) < MAX_LISTED_ERRORS:
                    errors.append((loc, part, reason or ""))
    return per_target, errors, reasons


def write_summary(x: XlsxExport, total: int) -> None:
    ws, f, a = x.summary, x.f, x.assessment
    ws.set_column(0, 0, 60)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 4, 16)
    ws.set_column(5, 5, 24)
    line = _Lines(x)
    line("Personal data discovery: findings export", fmt=f["title"])
    ws.set_row(line.r, 36)
    ws.merge_range(line.r, 0, line.r, 5, a.headline(), f["lead"])
    line.r += 1
    line.gap()
    _summary_facts(x, line, total)
    line.gap()
    line("Findings by type of data", fmt=f["section"])
    line("Type of data", "Sensitivity", "Findings", "Distinct values", "Locations", fmt=f["header"])
    for t in a.entities:
        line(entity_labels.name(t.entity), entity_labels.sensitivity(t.entity), t.findings, t.distinct,
             sum(t.locations.values()), fmts=(None, None, f["int"], f["int"], f["int"]))
    line.gap()
    _summary_targets_and_problems(x, line)


def _summary_facts(x: XlsxExport, line: _Lines, total: int) -> None:
    f, view = x.f, x.view
    label = f["label"]
    line("Showing", describe_view(view), fmts=(label,))
    for sc, part in zip(view.scans, view.parts):
        line("Scan", f"{sc['scan_id']} ({sc['status']}, finished {sc['finished_at']:%Y-%m-%d %H:%M} UTC): "
                     f"{', '.join(part.only or part.targets)}", fmts=(label,))
    line("Exported", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + f" by piiscout {__version__}",
         fmts=(label,))
    line("Filters", x.flt.describe(), fmts=(label,))
    line("Findings", total, fmts=(label, f["int"]))
    if len(x.sheets) > 1:
        line("Findings sheets", f"{len(x.sheets)} sheets ({', '.join(x.sheets)}, each with its Technical sheet): "
                                f"the findings exceed Excel's {EXCEL_MAX_ROWS:,} rows per sheet", fmts=(label,))
    else:
        line("Findings sheets", "Findings (Technical holds the same rows with codes and value hashes)",
             fmts=(label,))
    if x.risk_rows < len(x.assessment.locations):
        line("Risk sheet", f"the {x.risk_rows:,} riskiest of {len(x.assessment.locations):,} locations; every "
                           "location is in the CSV export and the inventory's Parquet files", fmts=(label,))
    line("Values", "masked (at most the last 4 characters of a number) and keyed hashes; never raw values",
         fmts=(label,))


def _summary_targets_and_problems(x: XlsxExport, line: _Lines) -> None:
    f, a = x.f, x.assessment
    per_target, errors, reasons = _item_stats(x.inv, x.view, a.targets)
    by_target: Counter = Counter()
    for r in a.locations:
        by_target[r.target or "(other)"] += r.findings
    line("Findings by target", fmt=f["section"])
    line("Target", "Findings", "Items", "Items with errors", fmt=f["header"])
    for t in sorted(set(a.targets) | set(by_target) | set(per_target)):
        c = per_target.get(t, Counter())
        line(t, by_target.get(t, 0), c["items"], c["errors"], fmts=(None, f["int"], f["int"], f["int"]))
    line.gap()
    line("What was not examined, by reason", fmt=f["section"])
    if reasons:
        line("Reason", "Status", "Items", "Reason recorded", fmt=f["header"])
        for (st, plain, recorded), n in sorted(reasons.items(), key=lambda kv: (kv[0][0] != "error", -kv[1])):
            line(plain, "could not be read" if st == "error" else "not examined", n, recorded,
                 fmts=(None, None, f["int"]))
    else:
        line("Every item found was examined.")
    line.gap()
    n_errors = sum(n for (st, _, _), n in reasons.items() if st == "error")
    line(f"Items that could not be read ({n_errors:,})", fmt=f["section"])
    if errors:
        line("Location", "Part", "Reason recorded", fmt=f["header"])
        for loc, part, reason in errors:
            line(loc, part, reason)
        if n_errors > len(errors):
            line(f"... and {n_errors - len(errors):,} more (piiscout report --format json lists them by reason)")
    else:
        line("none")


def write_xlsx(inv: Inventory, view: View, flt, path: Path, tmpdir: str,
               findings=()) -> tuple[int, list[str]]:
    """`findings`: the record batches to list (scanner.export passes its
    filtered finding_batches: this module does not import the exporter)."""
    x = XlsxExport(inv, view, flt, path, tmpdir, findings)
    x.write_risk()
    x.write_folders()
    total = x.write_findings()
    write_summary(x, total)
    x.close()
    return total, x.sheets
