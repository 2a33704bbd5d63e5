"""A PDF page's text with wrapped lines put back together.

PDFium's plain text gives a page line by line, so a value that wrapped
inside a narrow table cell ("4532 7720 1938" over "4410", or
"brandon1986@robinso" over "n.com") is cut in two, with the neighbouring
cells' text between the halves. Here the page's text runs (PDFium's text
rectangles, one per run of text on a line) are linked into blocks: a run
continues the one above it when it starts at the same left edge, one line
lower. Each block becomes one piece of text; blocks whose first lines share
a baseline form one output line, left to right.

Joining a wrapped line: with a space, as the line break stood for one,
unless the upper line was cut inside a word that cannot hold a space: it
fills its column (reaches the rightmost edge seen at that left edge) and
ends inside an e-mail address or a long digit run, or the break falls at
a hyphen, dot, slash or @.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

LINE_STEP = 1.55  # a wrapped line's baseline is at most this many font sizes below the one above
ALIGN = 0.3  # left edges within this many font sizes are the same column
_JOINERS = ("-", "/", "_", "@", ".")
_LONG_TOKEN = re.compile(r"(?=[A-Za-z]*\d[A-Za-z]*\d)[A-Za-z0-9]{6,}$")  # IBANs, card and account numbers
_DOMAIN_REST = re.compile(r"[\w-]*(\.[\w-]+)*\.[A-Za-z]{2,}[>),;]*$")  # ence-malone.com
_GROUP_CUT = re.compile(r"(\d+)[./-](\d+)$")  # 4511-6453-4122-4 | 968
_LOCAL_PART = re.compile(r"[\w+-]+[._+-][\w.+-]*$")  # jane.q.smi | th@example.com
# An e-mail address cut before its end: nothing after the @ has a dot yet,
# or what is left on the next line is a scrap of a top-level domain.
_EMAIL_OPEN = re.compile(r"[\w.+-]+@[\w-]*$")
_EMAIL_TAIL = re.compile(r"[\w.+-]+@[\w.-]+\.[a-z]*$", re.I)
_SOFT_HYPHEN = str.maketrans({"\x02": "-", "\ufffe": "-", "\r": " ", "\n": " "})


@dataclass
class _Run:
    left: float
    bottom: float
    right: float
    top: float
    text: str
    height: float  # the font size, else the box height
    below: "_Run | None" = None
    above: "_Run | None" = None


def runs_of(textpage) -> list[_Run]:
    """PDFium's text rectangles with their text and font size.

    Asking PDFium for the text inside each rectangle costs a pass over the
    whole page per rectangle, and asking for each character's box a Python
    call per character. Instead, line by line: the rectangles of the line
    (one call), split at the spaces PDFium generated between them; only a
    line where that does not add up is searched rectangle by rectangle."""
    import pypdfium2.raw as raw

    n = textpage.count_chars()
    full = textpage.get_text_range()
    if len(full) != n:  # characters outside the Basic Multilingual Plane: index and text differ
        return _runs_bounded(textpage)
    handle = textpage.raw
    out = []
    for start, line in _raw_lines(full):
        k = raw.FPDFText_CountRects(handle, start, len(line))
        if k == 0:
            continue
        rects = [textpage.get_rect(i) for i in range(k)]
        pieces = [(start, line)] if k == 1 else _split_generated(handle, start, line)
        if len(pieces) != k:
            out += _search(textpage, full, start, start + len(line))
            continue
        for rect, (at, text) in zip(rects, pieces):
            text = text.translate(_SOFT_HYPHEN).strip()
            if text:
                out.append(_run(rect, text, raw.FPDFText_GetFontSize(handle, at)))
    return _merge_phrases(out)


def _raw_lines(full: str):
    """(index of the first character, text) of each line with text."""
    pos = 0
    for line in full.split("\r\n"):
        if line.strip():
            yield pos, line
        pos += len(line) + 2


def _split_generated(handle, start: int, line: str) -> list[tuple[int, str]]:
    """The line cut at the spaces PDFium put between text runs."""
    import pypdfium2.raw as raw

    pieces, last = [], 0
    i = line.find(" ")
    while i >= 0:
        if raw.FPDFText_IsGenerated(handle, start + i) == 1:
            if line[last:i].strip():
                pieces.append((start + last, line[last:i]))
            last = i + 1
        i = line.find(" ", i + 1)
    if line[last:].strip():
        pieces.append((start + last, line[last:]))
    return pieces


def _search(textpage, full: str, s: int, end: int) -> list[_Run]:
    """Runs of one line found rectangle by rectangle: the longest range from
    each start that still makes one rectangle (galloping, then bisecting)."""
    import pypdfium2.raw as raw

    handle = textpage.raw
    count = raw.FPDFText_CountRects
    out = []
    while s < end:
        if count(handle, s, 1) == 0:  # a space PDFium generated
            s += 1
            continue
        lo, hi = 1, 2  # lo chars make one rectangle; hi make more, or run past the line
        while s + hi <= end and count(handle, s, hi) == 1:
            lo, hi = hi, hi * 2
        hi = min(hi, end - s + 1)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if count(handle, s, mid) == 1:
                lo = mid
            else:
                hi = mid
        count(handle, s, lo)
        text = full[s:s + lo].translate(_SOFT_HYPHEN).strip()
        if text:
            out.append(_run(textpage.get_rect(0), text, raw.FPDFText_GetFontSize(handle, s)))
        s += lo
    return out


def _run(rect, text: str, size: float) -> _Run:
    left, bottom, right, top = rect
    return _Run(left, bottom, right, top, text, size if 2 < size < 200 else max(top - bottom, 1.0) / 0.75)


def _runs_bounded(textpage) -> list[_Run]:
    """The slow way, when the page's text and characters do not line up
    one to one (characters outside the Basic Multilingual Plane)."""
    out = []
    for rect in [textpage.get_rect(i) for i in range(textpage.count_rects())]:
        # PDFium writes a hyphen at a line end as \x02 (soft hyphen).
        text = textpage.get_text_bounded(*rect).translate(_SOFT_HYPHEN).strip()
        if text:
            out.append(_run(rect, text, 0.0))
    return _merge_phrases(out)


def _merge_phrases(runs: list[_Run]) -> list[_Run]:
    """PDFium cuts one line of text into several rectangles now and then
    ("Christinamou" "th"): pieces on one baseline closer than a word gap are
    one run again (no space when they touch)."""
    out: list[_Run] = []
    for r in runs:
        prev = out[-1] if out else None
        if prev is not None and abs(prev.bottom - r.bottom) < 0.25 * r.height and abs(prev.height - r.height) < 0.2 * r.height:
            gap = r.left - prev.right
            if -0.1 * r.height <= gap < 0.6 * r.height:
                sep = "" if gap < 0.15 * r.height else " "
                out[-1] = replace(prev, right=max(prev.right, r.right), top=max(prev.top, r.top),
                                  bottom=min(prev.bottom, r.bottom), text=prev.text + sep + r.text)
                continue
        out.append(r)
    return out


def _link(runs: list[_Run]) -> None:
    """Set each run's `below` to the run that continues it, if any: the
    nearest run below in the same column (left edges in 2-point buckets,
    neighbours included), one line lower, in the same font size."""
    by_top = sorted(runs, key=lambda r: -r.top)
    order = {id(r): i for i, r in enumerate(by_top)}
    columns: dict[int, list[_Run]] = {}
    for r in by_top:
        columns.setdefault(round(r.left / 2), []).append(r)
    place = {id(r): i for col in columns.values() for i, r in enumerate(col)}
    for a in by_top:
        h = a.height
        key = round(a.left / 2)
        best = None
        for k in (key - 1, key, key + 1):
            col = columns.get(k)
            if not col:
                continue
            start = place[id(a)] + 1 if k == key else _first_below(col, a.top)
            for b in col[start:]:
                if a.top - b.top > LINE_STEP * h + h:
                    break
                if b.above is not None or b.top >= a.top - 0.5 * h:
                    continue
                step = min(a.top - b.top, a.bottom - b.bottom)
                same_font = 0.8 < b.height / h < 1.25  # a title over a label is no wrap
                if same_font and abs(a.left - b.left) <= ALIGN * h and 0.5 * h < step <= LINE_STEP * max(h, b.height):
                    if best is None or b.top > best.top:
                        best = b
                    break
        if best is not None and not _blocked(a, best, by_top[order[id(a)] + 1:order[id(best)]]):
            a.below, best.above = best, a


def _first_below(col: list[_Run], top: float) -> int:
    """Index of the first run in `col` (sorted by falling top) lower than `top`."""
    lo, hi = 0, len(col)
    while lo < hi:
        mid = (lo + hi) // 2
        if col[mid].top >= top:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _blocked(a: _Run, b: _Run, between: list[_Run]) -> bool:
    """Another run sits between a and b, overlapping them horizontally."""
    lo, hi = min(a.left, b.left), max(a.right, b.right)
    return any(c.top <= a.bottom and c.top > b.top and c.left < hi and c.right > lo for c in between)


def _join(upper: _Run, lower: _Run, column_right: float) -> str:
    """The upper line's text and the lower's, with or without a space."""
    u, low = upper.text, lower.text
    first = low.split(" ", 1)[0]
    if u.endswith(_JOINERS) or (low[:1] in ("@", ".", "-") and low[1:2] not in ("", " ")):
        return u + low
    # The line reached its column's edge, or is no shorter than what wrapped.
    full = upper.right >= column_right - upper.height or upper.right >= lower.right - 0.5 * upper.height
    if not full:
        return u + " " + low
    tail = u[u.rfind(" ") + 1:]  # the patterns below hold no spaces: look at the last word only
    if "@" in first:
        if "@" not in tail and _LOCAL_PART.search(tail):
            return u + low  # cut inside the local part
        return u + " " + low
    if _EMAIL_OPEN.search(tail) or (_EMAIL_TAIL.search(tail) and len(first) <= 3 and first.isalpha()):
        return u + low
    if "@" in tail and _DOMAIN_REST.match(first):
        return u + low  # cut inside the domain
    group = _GROUP_CUT.search(tail)
    lead = re.match(r"\d+", first)
    if group and lead and len(group.group(2)) + len(lead.group()) in (len(group.group(1)), 4):
        return u + low  # the rest completes a digit group (4350.3566.690 | 2.0608, 682-18-3 | 636)
    # A long identifier broken mid-way (no group separators): the rest is a
    # shorter scrap of letters and digits, the whole the size of a card
    # number (digits) or an IBAN (letters too).
    cut = _LONG_TOKEN.search(tail)
    if cut and first.isalnum() and not first.isalpha() and len(first) < len(cut.group()):
        whole = cut.group() + first
        if 12 <= len(whole) <= (19 if whole.isdigit() else 34):
            return u + low
    return u + " " + low


Item = tuple  # ("text", line) | ("table", headers, rows)


def page_items(textpage) -> list[Item] | None:
    """The page as lines of text and tables (a header line and the rows
    whose cells sit under its columns), wrapped lines joined; None when
    PDFium gives no text runs (the caller then takes its plain text)."""
    runs = runs_of(textpage)
    if not runs:
        return None
    _link(runs)
    # The rightmost edge reached at each left edge: a cell's or column's width.
    right_at: dict[int, float] = {}
    for r in runs:
        key = round(r.left / 2)
        right_at[key] = max(right_at.get(key, 0.0), r.right)
    blocks = []
    for r in runs:
        if r.above is None:
            text, cur = r.text, r
            while cur.below is not None:
                text = _join(replace(cur, text=text), cur.below, right_at.get(round(cur.left / 2), cur.right))
                cur = cur.below
            blocks.append((r, text))
    return _tables(_lines(blocks))


def page_text(textpage) -> str | None:
    items = page_items(textpage)
    if items is None:
        return None
    out = []
    for item in items:
        if item[0] == "text":
            out.append(item[1])
        else:
            out += ["\t".join(item[1])] + ["\t".join(row) for row in item[2]]
    return "\n".join(out) + "\n"


def _lines(blocks) -> list[list[tuple[_Run, str]]]:
    """Blocks into lines: same first-line baseline, left to right."""
    blocks.sort(key=lambda b: -b[0].top)
    lines: list[list[tuple[_Run, str]]] = []
    for run, text in blocks:
        if lines:
            head = lines[-1][0][0]
            if abs(head.bottom - run.bottom) <= 0.5 * min(head.height, run.height) or \
                    abs(head.top - run.top) <= 0.3 * min(head.height, run.height):
                lines[-1].append((run, text))
                continue
        lines.append([(run, text)])
    return [sorted(line, key=lambda b: b[0].left) for line in lines]


def _tables(lines) -> list[Item]:
    """A line of three or more header-like cells starts a table; the lines
    below whose cells all start under its columns are its rows. Their
    headers are then context for every cell, as in a spreadsheet."""
    from scanner.extractors.textbuilder import looks_like_header

    out: list[Item] = []
    i = 0
    while i < len(lines):
        cells = [t for _, t in lines[i]]
        if len(cells) >= 3 and looks_like_header(cells):
            cols = [run.left for run, _ in lines[i]]
            rows = []
            j = i + 1
            while j < len(lines) and _under(lines[j], cols):
                rows.append(_place(lines[j], cols))
                j += 1
            if rows:
                out.append(("table", cells, rows))
                i = j
                continue
        out.append(("text", " ".join(cells)))
        i += 1
    return out


def _under(line, cols: list[float]) -> bool:
    """Whether a line is a row of the table with these column starts: at
    least two cells, none left of the first column, no new header."""
    if len(line) < 2 or line[0][0].left < cols[0] - line[0][0].height:
        return False
    from scanner.extractors.textbuilder import looks_like_header

    return not (len(line) >= 3 and looks_like_header([t for _, t in line]) and len(line) == len(cols))


def _place(line, cols: list[float]) -> list[str]:
    """A row's cells under their columns (a cell belongs to the rightmost
    column starting at or before it)."""
    cells = [""] * len(cols)
    for run, text in line:
        j = max((k for k, left in enumerate(cols) if left <= run.left + run.height * 0.5), default=0)
        cells[j] = (cells[j] + " " + text).strip()
    return cells
