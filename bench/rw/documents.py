"""Word-processor documents, slide decks and PDFs with values where people put them.

One document model (`Doc`: body paragraphs, tables, text boxes, footnotes,
endnotes, comments, header, footer) is written as DOCX (the XML Word itself
writes: runs split mid-word by revision ids and proofing marks, text boxes as
mc:AlternateContent with a VML fallback copy) and as ODT (odfpy: spans,
text:note, office:annotation, draw:text-box, master-page header/footer).
PDFs (reportlab) hold tables whose narrow cells wrap values over two lines,
letters whose lines wrap mid-value, and filled forms.
"""

from __future__ import annotations

import random
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from rw import prose
from rw.plant import CORE, NEW, Planter
from rw.tables import THEMES, build_table


@dataclass
class Doc:
    body: list = field(default_factory=list)  # ("p", text) | ("table", rows) | ("textbox", [text]) | ("fn"/"en"/"cm", text, anchor)
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    author: str = ""


def _table_rows(p: Planter, theme: str, n: int) -> list[list[str]]:
    grid: dict = {}
    build_table(p, theme, grid, 0, 0, n)
    nrows = max(r for r, _ in grid) + 1
    ncols = max(c for _, c in grid) + 1
    return [[grid[(r, c)].display if (r, c) in grid else "" for c in range(ncols)] for r in range(nrows)]


def build_doc(p: Planter, size: int = 6) -> Doc:
    """A letter / memo / HR form with values in every story."""
    rng = p.rng
    d = Doc(author=prose.name(p))
    d.header = [rng.choice(["CONFIDENTIAL", p.fake.company(), "Human Resources", "Internal use only"])]
    if rng.random() < 0.5:
        d.header.append(prose.sentence(p, rng.choice(("EMAIL_ADDRESS", "PHONE_NUMBER"))))
    d.footer = [rng.choice([f"Page 1 of {rng.randint(1, 4)}", p.fake.company(), "Rev. " + p.decoy("version")])]
    if rng.random() < 0.4:
        d.footer.append(prose.sentence(p, rng.choice(CORE)))
    for line in "\n".join(prose.letter_head(p)).split("\n\n"):
        d.body.append(("p", line))
    for _ in range(size):
        kind = rng.choices(["p", "table", "textbox", "fn", "en", "cm"], [6, 1, 1.5, 1.5, 0.7, 1.5])[0]
        if kind == "p":
            d.body.append(("p", prose.paragraph(p, prose.pick_entities(p, rng.randint(1, 3)))))
        elif kind == "table":
            d.body.append(("table", _table_rows(p, rng.choice(["hr", "payments", "contacts", "patients"]), rng.randint(2, 6))))
        elif kind == "textbox":
            d.body.append(("textbox", [prose.sentence(p, e) for e in prose.pick_entities(p, rng.randint(1, 2))]))
        else:
            d.body.append((kind, prose.sentence(p, rng.choice(CORE * 2 + NEW)), prose.filler(p)))
    for line in prose.letter_close(p):
        d.body.append(("p", line))
    return d


# ---------------------------------------------------------------- DOCX

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_NS = (_W + ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
       ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
       ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
       ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
       ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
       ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
       ' mc:Ignorable="w14"')


def _runs(text: str, rng: random.Random) -> str:
    """Runs as Word leaves them: split at random points (revision ids,
    spell-check marks), sometimes inside a value."""
    cuts = sorted({rng.randint(1, len(text) - 1) for _ in range(rng.randint(0, 3))} if len(text) > 2 else set())
    pieces, last = [], 0
    for c in cuts + [len(text)]:
        pieces.append(text[last:c])
        last = c
    out = []
    for piece in pieces:
        rpr = '<w:rPr><w:b/></w:rPr>' if rng.random() < 0.1 else ""
        out.append(f'<w:r w:rsidR="00{rng.getrandbits(24):06X}">{rpr}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
        if rng.random() < 0.15:
            out.append('<w:proofErr w:type="spellStart"/>')
    return "".join(out)


def _para(text: str, rng) -> str:
    lines = text.split("\n")
    inner = '<w:r><w:br/></w:r>'.join(_runs(ln, rng) for ln in lines)
    return f'<w:p w:rsidR="00{rng.getrandbits(24):06X}">{inner}</w:p>'


def _docx_table(rows: list[list[str]], rng) -> str:
    trs = "".join("<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="1800" w:type="dxa"/></w:tcPr>{_para(c, rng)}</w:tc>'
                                     for c in row) + "</w:tr>" for row in rows)
    return f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>{trs}</w:tbl>'


def _textbox(texts: list[str], rng, n: int, vml_share: float = 0.2) -> str:
    content = "".join(_para(t, rng) for t in texts)
    choice = (f'<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" '
              f'simplePos="0" relativeHeight="{n}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
              f'<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>3200400</wp:posOffset></wp:positionH>'
              f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
              f'<wp:extent cx="2360930" cy="1404620"/><wp:wrapSquare wrapText="bothSides"/>'
              f'<wp:docPr id="{n}" name="Text Box {n}"/><a:graphic><a:graphicData '
              f'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
              f'<wps:spPr/><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
              f'</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>')
    fallback = (f'<mc:Fallback><w:pict><v:shape id="Text Box {n}" type="#_x0000_t202" style="width:185.9pt;height:110.6pt">'
                f'<v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>')
    if rng.random() < vml_share:  # an older document: VML only
        return f'<w:p><w:r><w:pict><v:shape id="tb{n}"><v:textbox><w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>'
    return f'<w:p><w:r><mc:AlternateContent>{choice}{fallback}</mc:AlternateContent></w:r></w:p>'


def write_docx(d: Doc, path: Path, rng: random.Random, vml_share: float = 0.2) -> None:
    body, notes = [], {"fn": [], "en": [], "cm": []}
    for i, block in enumerate(d.body):
        kind = block[0]
        if kind == "p":
            body.append(_para(block[1], rng))
        elif kind == "table":
            body.append(_docx_table(block[1], rng))
        elif kind == "textbox":
            body.append(_textbox(block[1], rng, i + 1, vml_share))
        else:
            nid = len(notes[kind]) + (1 if kind != "cm" else 0)
            notes[kind].append((nid, block[1]))
            anchor = _runs(block[2], rng)
            if kind == "cm":
                body.append(f'<w:p><w:commentRangeStart w:id="{nid}"/>{anchor}<w:commentRangeEnd w:id="{nid}"/>'
                            f'<w:r><w:commentReference w:id="{nid}"/></w:r></w:p>')
            else:
                tag = "footnoteReference" if kind == "fn" else "endnoteReference"
                body.append(f'<w:p>{anchor}<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{tag} w:id="{nid}"/></w:r></w:p>')
    sect = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/><w:footerReference w:type="default" r:id="rIdF1"/>'
            '<w:pgSz w:w="12240" w:h="15840"/></w:sectPr>')
    parts = {
        "word/document.xml": f'<w:document {_NS}><w:body>{"".join(body)}{sect}</w:body></w:document>',
        "word/header1.xml": f'<w:hdr {_NS}>{"".join(_para(t, rng) for t in d.header)}</w:hdr>',
        "word/footer1.xml": f'<w:ftr {_NS}>{"".join(_para(t, rng) for t in d.footer)}</w:ftr>',
        "word/footnotes.xml": _notes("footnotes", "footnote", notes["fn"], rng),
        "word/endnotes.xml": _notes("endnotes", "endnote", notes["en"], rng),
        "word/comments.xml": f'<w:comments {_NS}>' + "".join(
            f'<w:comment w:id="{i}" w:author="{escape(d.author)}" w:date="2024-03-01T10:00:00Z" w:initials="XX">'
            f'{_para(t, rng)}</w:comment>' for i, t in notes["cm"]) + "</w:comments>",
        "docProps/core.xml": ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                              'xmlns:dc="http://purl.org/dc/elements/1.1/">'
                              f'<dc:creator>{escape(d.author)}</dc:creator></cp:coreProperties>'),
    }
    rels = [("rIdH1", "header", "header1.xml"), ("rIdF1", "footer", "footer1.xml"), ("rIdFn", "footnotes", "footnotes.xml"),
            ("rIdEn", "endnotes", "endnotes.xml"), ("rIdCm", "comments", "comments.xml")]
    rel_xml = "".join(f'<Relationship Id="{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{t}" Target="{f}"/>'
                      for i, t, f in rels)
    ct = {"document.xml": "document.main", "header1.xml": "header", "footer1.xml": "footer", "footnotes.xml": "footnotes",
          "endnotes.xml": "endnotes", "comments.xml": "comments"}
    overrides = "".join(f'<Override PartName="/word/{k}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{v}+xml"/>'
                        for k, v in ct.items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>' + overrides +
                   '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                   '</Relationships>')
        z.writestr("word/_rels/document.xml.rels",
                   f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rel_xml}</Relationships>')
        for name, xml in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)


def _notes(root: str, tag: str, items, rng) -> str:
    sep = (f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
           f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>')
    body = "".join(f'<w:{tag} w:id="{i}">{_para(t, rng)}</w:{tag}>' for i, t in items)
    return f'<w:{root} {_NS}>{sep}{body}</w:{root}>'


# ---------------------------------------------------------------- ODT

def _odt_spans(parent, text: str, rng) -> None:
    from odf.text import Span

    if len(text) > 3 and rng.random() < 0.4:
        cut = rng.randint(1, len(text) - 1)
        parent.addText(text[:cut])
        parent.addElement(Span(text=text[cut:]))
    else:
        parent.addText(text)


def write_odt(d: Doc, path: Path, rng: random.Random) -> None:
    from odf.dc import Creator
    from odf.draw import Frame, TextBox
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer, Header, MasterPage, PageLayout
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import Note, NoteBody, NoteCitation, P

    doc = OpenDocumentText()
    layout = PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = Header(), Footer()
    for t in d.header:
        header.addElement(P(text=t))
    for t in d.footer:
        footer.addElement(P(text=t))
    master.addElement(header)
    master.addElement(footer)
    doc.masterstyles.addElement(master)
    for n, block in enumerate(d.body, 1):
        kind = block[0]
        if kind == "p":
            for line in block[1].split("\n"):
                para = P()
                _odt_spans(para, line, rng)
                doc.text.addElement(para)
        elif kind == "table":
            table = Table(name=f"Table{n}")
            table.addElement(TableColumn(numbercolumnsrepeated=len(block[1][0])))
            for row in block[1]:
                tr = TableRow()
                for c in row:
                    tc = TableCell(valuetype="string")
                    tc.addElement(P(text=c))
                    tr.addElement(tc)
                table.addElement(tr)
            doc.text.addElement(table)
        elif kind == "textbox":
            para = P()
            frame = Frame(name=f"Frame{n}", anchortype="paragraph", width="6cm", height="3cm")
            box = TextBox()
            for t in block[1]:
                box.addElement(P(text=t))
            frame.addElement(box)
            para.addElement(frame)
            doc.text.addElement(para)
        elif kind in ("fn", "en"):
            para = P(text=block[2])
            note = Note(id=f"ftn{n}", noteclass="footnote" if kind == "fn" else "endnote")
            note.addElement(NoteCitation(text=str(n)))
            body = NoteBody()
            body.addElement(P(text=block[1]))
            note.addElement(body)
            para.addElement(note)
            doc.text.addElement(para)
        else:
            para = P(text=block[2])
            ann = Annotation()
            ann.addElement(Creator(text=d.author))
            ann.addElement(P(text=block[1]))
            para.addElement(ann)
            doc.text.addElement(para)
    doc.save(str(path))


# ---------------------------------------------------------------- PPTX

def write_pptx(p: Planter, path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    rng = p.rng
    prs = Presentation()
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = rng.choice(["Quarterly Review", "Onboarding", "Benefits Enrollment", "Client Kickoff"])
    title.placeholders[1].text = prose.name(p)
    for _ in range(rng.randint(2, 5)):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = p.fake.catch_phrase()
        body = slide.placeholders[1].text_frame
        body.text = prose.sentence(p, rng.choice(CORE))
        for e in prose.pick_entities(p, rng.randint(0, 2)):
            body.add_paragraph().text = prose.sentence(p, e)
        if rng.random() < 0.4:
            rows = _table_rows(p, rng.choice(["contacts", "hr"]), rng.randint(2, 4))
            shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(0.5), Inches(4.5), Inches(9), Inches(2))
            for i, row in enumerate(rows):
                for j, c in enumerate(row):
                    shape.table.cell(i, j).text = c
        if rng.random() < 0.7:
            slide.notes_slide.notes_text_frame.text = prose.paragraph(p, prose.pick_entities(p, rng.randint(1, 2)), 1)
    prs.save(str(path))


# ---------------------------------------------------------------- PDF

def write_pdf(p: Planter, path: Path) -> None:
    """A table report with narrow wrapping cells, a letter, or a filled form."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rng = p.rng
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=9.5)
    story = [Paragraph(escape(p.fake.company() + " - " + rng.choice(["Customer list", "Employee census", "Claims", "Payments"])),
                       styles["Title"])]
    shape = rng.choice(["table", "table", "letter", "form"])
    if shape == "form":
        return _pdf_form(p, path)
    if shape == "table":
        theme = rng.choice(["hr", "payments", "patients", "contacts", "intl_payroll"])
        rows = _table_rows(p, theme, rng.randint(8, 40))
        ncols = len(rows[0])
        width = 7.3 * inch
        # Narrow columns: long values wrap inside their cell, as in reports
        # printed to PDF from Word or a web page.
        widths = [width / ncols * rng.uniform(0.7, 1.2) for _ in range(ncols)]
        scale = width / sum(widths)
        data = [[Paragraph(escape(c), cell) for c in row] for row in rows]
        t = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
        story.append(t)
    else:
        body = styles["BodyText"]
        for block in "\n".join(prose.letter_head(p)).split("\n\n"):
            story.append(Paragraph(escape(block).replace("\n", "<br/>"), body))
            story.append(Spacer(1, 6))
        for _ in range(rng.randint(3, 8)):
            story.append(Paragraph(escape(prose.paragraph(p, prose.pick_entities(p, rng.randint(1, 3)))).replace("\n", "<br/>"), body))
            story.append(Spacer(1, 6))
    if shape == "letter":
        story += [Paragraph(escape(ln), styles["BodyText"]) for ln in prose.letter_close(p) if ln]
    SimpleDocTemplate(str(path), pagesize=letter, leftMargin=0.6 * inch, rightMargin=0.6 * inch,
                      title=rng.choice(["Report", "Export", ""])).build(story)


def _pdf_form(p: Planter, path: Path) -> None:
    """A filled-in form: labels, and values typed in boxes too narrow for them."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rng = p.rng
    c = canvas.Canvas(str(path), pagesize=letter)
    y = 720
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, y + 20, rng.choice(["New Hire Form", "Patient Intake", "Direct Deposit Authorization", "Credit Application"]))
    fields = [("Name", "PERSON"), ("SSN", "US_SSN"), ("Date of Birth", "DATE_OF_BIRTH"), ("Home Address", "US_ADDRESS"),
              ("Phone", "PHONE_NUMBER"), ("E-mail", "EMAIL_ADDRESS"), ("Card Number", "CREDIT_CARD"), ("IBAN", "IBAN_CODE")]
    for label, entity in fields:
        if rng.random() < 0.25:
            continue
        v = p.pii(entity, p.style(entity, allow_bare=True))
        c.setFont("Helvetica", 9)
        c.drawString(72, y, label + ":")
        c.setFont("Courier", 10)
        box = rng.choice([12, 16, 40])  # characters that fit in the box
        # A multi-line form field wraps like a paragraph: at spaces (and, in
        # some viewers, after hyphens), long words cut where the box ends.
        hyphens = rng.random() < 0.5
        lines = [ln for part in v.split("\n")
                 for ln in (textwrap.wrap(part, box, break_on_hyphens=hyphens) or [""])]
        for k, ln in enumerate(lines):
            c.drawString(180, y - 12 * k, ln)
        y -= 12 * len(lines) + 14
    c.save()
