"""The client report: `piiscout report INV --format html|pdf -o FILE`.

model.py reads the inventory into plain values (ReportData), charts.py
draws SVG, html.py renders the Jinja2 template into one self-contained
file, pdf.py prints that file with headless Chromium. scanner/report.py is
the terminal summary (text, JSON); scanner/risk.py the shared risk score.

Reads finished inventories: may import scanner.inventory, scanner.report,
scanner.risk, scanner.entity_labels and the foundation; nothing imports it
but the CLI and the exporters.
"""
