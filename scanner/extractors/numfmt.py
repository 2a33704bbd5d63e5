"""Spreadsheet number formats: a cell's value as the spreadsheet displays it.

Clients store identifiers as numbers and let a format show them: 12345678
under `000-00-0000` is the SSN 012-34-5678, 2125550123 under
`[<=9999999]###-####;(###) ###-####` is (212) 555-0123, 2134 under `00000`
the ZIP 02134. Reading the stored number alone loses the leading zero and
the separators that make the value recognisable.

`NumberFormat.render(value)` implements the part of Excel's format language
([MS-OI29500] / ECMA-376 18.8.31) that shapes digits: sections chosen by
sign or condition, digit placeholders `0 # ?` with literal text between
them (quoted, escaped, or plain punctuation), thousands separators and
scaling commas, decimals, percent, scientific notation, currency and colour
brackets, and date/time codes for date values. Fractions and text sections
fall back to General. python-calamine does not expose formats (0.9), and the
one Python port of SheetJS SSF on PyPI (`ssf` 0.2.2, 2020) fails to import
with current Babel, hence this module.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

# Built-in number formats (ECMA-376 18.8.30) by numFmtId, en-US rendering.
BUILTIN = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00",
    12: "# ?/?", 13: "# ??/??", 14: "m/d/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yyyy h:mm", 37: "#,##0 ;(#,##0)",
    38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
    46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)\]")
_DATE_CODE = re.compile(r"(?i)(am/pm|a/p|\[h+\]|\[m+\]|\[s+\]|y+|m+|d+|h+|s+(?:\.0+)?|e+)")


class _Section:
    """One `;`-separated section, with what rendering needs worked out once."""

    __slots__ = ("tokens", "condition", "is_date", "kind", "template", "fills", "slots", "date_plan")

    def __init__(self, tokens: tuple[tuple[str, str], ...], condition: tuple[str, float] | None):
        self.tokens = tokens
        self.condition = condition
        kinds = {k for k, _ in tokens}
        self.is_date = "date" in kinds and "digit" not in kinds
        self.template = self.fills = self.date_plan = None
        self.slots = 0
        if kinds & {"general", "text"}:
            self.kind = "general"
        elif self.is_date:
            self.kind = "date"
            self.date_plan = _date_plan(tokens)
        elif "date" in kinds or ("lit", "/") in tokens and any(t == "?" for _, t in tokens):
            self.kind = "general"  # fractions, and digits mixed with date codes
        else:
            self.kind = "number"
            if kinds <= {"digit", "lit"}:  # 000-00-0000, (###) ###-####: a template
                self.slots = sum(1 for k, _ in tokens if k == "digit")
                self.fills = tuple({"0": "0", "#": "", "?": " "}[t] for k, t in tokens if k == "digit")
                self.template = "".join("{}" if k == "digit" else t.replace("{", "{{").replace("}", "}}")
                                        for k, t in tokens)

    def holds(self, v: float) -> bool:
        op, n = self.condition
        return {"<": v < n, "<=": v <= n, ">": v > n, ">=": v >= n, "=": v == n, "<>": v != n}[op]

    def number(self, v: float) -> str:
        if self.template is None:
            return _render_number(self.tokens, v)
        if v == int(v):
            digits = str(int(v)) if v else ""
        else:
            digits = str(int(Decimal(repr(float(v))).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
            digits = "" if digits == "0" else digits
        k = self.slots
        if len(digits) >= k:
            cut = len(digits) - k + 1  # the leftmost placeholder takes every digit left
            parts = [digits[:cut], *digits[cut:]]
        else:
            parts = [*self.fills[:k - len(digits)], *digits]
        return self.template.format(*parts)


def _tokenize(code: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, float] | None]:
    tokens: list[tuple[str, str]] = []
    condition = None
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == '"':
            j = code.find('"', i + 1)
            j = n if j < 0 else j
            tokens.append(("lit", code[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < n:
            tokens.append(("lit", code[i + 1]))
            i += 2
        elif ch == "_" and i + 1 < n:  # padding as wide as the next character
            tokens.append(("lit", " "))
            i += 2
        elif ch == "*" and i + 1 < n:  # fill: repeats to the cell's width; nothing in text
            i += 2
        elif ch == "[":
            j = code.find("]", i)
            j = n - 1 if j < 0 else j
            inner = code[i + 1:j]
            m = _CONDITION.fullmatch(code[i:j + 1])
            if m:
                condition = (m.group(1), float(m.group(2)))
            elif inner.startswith("$"):  # [$€-407]: currency symbol and locale
                tokens.append(("lit", inner[1:].split("-", 1)[0]))
            elif re.fullmatch(r"(?i)h+|m+|s+", inner):
                tokens.append(("date", "[" + inner.lower() + "]"))
            i = j + 1  # colours, locales
        elif ch in "0#?":
            tokens.append(("digit", ch))
            i += 1
        elif ch == ".":
            tokens.append(("dot", "."))
            i += 1
        elif ch == ",":
            tokens.append(("comma", ","))
            i += 1
        elif ch == "%":
            tokens.append(("pct", "%"))
            i += 1
        elif ch in "Ee" and i + 1 < n and code[i + 1] in "+-":
            tokens.append(("exp", code[i + 1]))
            i += 2
        elif ch == "@":
            tokens.append(("text", "@"))
            i += 1
        elif code[i:i + 7].lower() == "general":
            tokens.append(("general", ""))
            i += 7
        else:
            m = _DATE_CODE.match(code, i)
            if m:
                tokens.append(("date", m.group(0).lower() if m.group(0).lower() not in ("am/pm", "a/p") else m.group(0)))
                i = m.end()
            else:
                tokens.append(("lit", ch))
                i += 1
    return tuple(tokens), condition


def _split_sections(code: str) -> list[str]:
    out, cur, quoted, i = [], [], False, 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\" and not quoted and i + 1 < len(code):
            cur.append(code[i:i + 2])
            i += 2
            continue
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


class NumberFormat:
    """One compiled format code. `render` returns None where General applies."""

    __slots__ = ("code", "sections", "is_date", "shapes_digits", "_conditional", "_numeric", "_rest", "_date")

    def __init__(self, code: str):
        self.code = code
        self.sections = []
        for part in _split_sections(code):
            self.sections.append(_Section(*_tokenize(part)))
        self.is_date = bool(self.sections) and self.sections[0].is_date
        self.shapes_digits = self.is_date or any(_shapes(s) for s in self.sections)
        secs = self.sections
        self._conditional = any(s.condition for s in secs[:2])
        self._rest = [s for s in secs if not s.condition and not any(k == "text" for k, _ in s.tokens)]
        # A fourth section is for text.
        self._numeric = [s for s in secs if not (len(secs) == 4 and s is secs[3])]
        self._date = next((s for s in secs if s.is_date), None)

    # -- choosing a section ---------------------------------------------------
    def _section(self, v: float) -> tuple[_Section | None, bool]:
        """(section, whether a minus sign is still to be written)."""
        if self._conditional:
            for s in self.sections[:2]:
                if s.condition and s.holds(v):
                    return s, v < 0 and not _has_sign_role(s, v)
            return (self._rest[0] if self._rest else None), v < 0
        numeric = self._numeric
        if v < 0 and len(numeric) >= 2:
            return numeric[1], False
        if v == 0 and len(numeric) >= 3:
            return numeric[2], False
        return (numeric[0] if numeric else None), v < 0

    def render(self, value) -> str | None:
        t = type(value)
        if t is not float and t is not int:
            if isinstance(value, (dt.date, dt.time, dt.timedelta)):
                return _render_date(self._date.date_plan, value) if self._date else None
            if t is bool or not isinstance(value, (int, float)):
                return None
        sec, minus = self._section(value)
        # General and text sections, fractions; and a date format on a plain
        # number (calamine gives dates as dates): the plain value.
        if sec is None or sec.kind != "number":
            return None
        out = sec.number(abs(value))
        return ("-" + out) if minus and out else out


def _has_sign_role(sec: _Section, v: float) -> bool:
    return sec.condition is not None and sec.condition[1] < 0


def _shapes(sec: _Section) -> bool:
    """Whether this section writes digits differently from General: zero
    padding, or literal text between digit placeholders."""
    digits = [i for i, (k, _) in enumerate(sec.tokens) if k == "digit"]
    if not digits:
        return False
    zeros_before_dot = 0
    for k, t in sec.tokens:
        if k == "dot":
            break
        if k == "digit" and t == "0":
            zeros_before_dot += 1
    inner = sec.tokens[digits[0]:digits[-1] + 1]
    return zeros_before_dot > 1 or any(k == "lit" and t.strip() for k, t in inner) or any(k == "lit" and t == " " for k, t in inner)


def _render_number(tokens, v: float) -> str:
    # Split at the decimal point and the exponent.
    exp_at = next((i for i, (k, _) in enumerate(tokens) if k == "exp"), None)
    main = tokens if exp_at is None else tokens[:exp_at]
    dot = next((i for i, (k, _) in enumerate(main) if k == "dot"), None)
    int_part = main if dot is None else main[:dot]
    frac_part = () if dot is None else main[dot + 1:]
    for k, _ in tokens:
        if k == "pct":
            v *= 100
    # Commas right after the last integer placeholder scale by 1000 each;
    # a comma between placeholders groups thousands.
    last_digit = max((i for i, (k, _) in enumerate(int_part) if k == "digit"), default=-1)
    grouping = any(k == "comma" for k, _ in int_part[:last_digit])
    scale = 0
    for k, _ in int_part[last_digit + 1:]:
        if k == "comma":
            scale += 1
        elif k != "lit":
            break
    v /= 1000 ** scale
    decimals = sum(1 for k, _ in frac_part if k == "digit")
    exponent = None
    if exp_at is not None:
        # One integer placeholder: scientific (1.23E+08); more: the exponent
        # is a multiple of their count (engineering, ##0.0E+0).
        int_digits = sum(1 for k, _ in int_part if k == "digit") or 1
        adj = Decimal(repr(float(v))).adjusted() if v else 0
        exponent = adj - adj % int_digits if int_digits > 1 else adj
        v /= 10.0 ** exponent
    q = Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    whole = whole.lstrip("0")
    text = _fill_integer(int_part, whole, grouping)
    if dot is not None:
        text += "." + _fill_fraction(frac_part, frac.ljust(decimals, "0"))
    if exponent is not None:
        exp_tokens = tokens[exp_at + 1:]
        width = sum(1 for k, _ in exp_tokens if k == "digit")
        sign = "-" if exponent < 0 else ("+" if tokens[exp_at][1] == "+" else "")
        text += "E" + sign + str(abs(exponent)).rjust(width, "0")
        text += "".join(t for k, t in exp_tokens if k == "lit")
    return text


def _fill_integer(part, whole: str, grouping: bool) -> str:
    """Digits into the integer placeholders, right to left, literals in place."""
    slots = [i for i, (k, _) in enumerate(part) if k == "digit"]
    if grouping:
        zeros = sum(1 for k, t in part if k == "digit" and t == "0")
        digits = whole.rjust(zeros, "0") if whole or zeros else ""
        grouped = f"{int(digits):,}" if digits else ""
        lead = "".join(t for k, t in part[:slots[0]] if k == "lit") if slots else ""
        tail = "".join(t for k, t in part[slots[-1] + 1:] if k == "lit") if slots else ""
        return lead + grouped + tail
    out = [t if k in ("lit", "pct") else "" for k, t in part]
    rest = whole
    for n, i in enumerate(reversed(slots)):
        ch = part[i][1]
        if n == len(slots) - 1:  # leftmost placeholder takes every digit left
            out[i] = rest if rest else ("0" if ch == "0" else " " if ch == "?" else "")
        elif rest:
            out[i] = rest[-1]
            rest = rest[:-1]
        else:
            out[i] = "0" if ch == "0" else " " if ch == "?" else ""
    if not slots:
        out.insert(0, whole)
    return "".join(out)


def _fill_fraction(part, frac: str) -> str:
    out, pos = [], 0
    digits = [t for k, t in part if k == "digit"]
    # trailing '#' drop zeros, '?' turn them into spaces
    keep = len(frac)
    for ch in reversed(digits):
        if keep and frac[keep - 1] == "0" and ch in "#?":
            keep -= 1
        else:
            break
    for k, t in part:
        if k == "digit":
            if pos < keep:
                out.append(frac[pos])
            elif t == "?":
                out.append(" ")
            pos += 1
        elif k in ("lit", "pct"):
            out.append(t)
    return "".join(out)


def _date_plan(tokens) -> tuple:
    """(literal text | (code, 12-hour clock, minutes)) per token, worked out once."""
    ampm = any(k == "date" and t.lower() in ("am/pm", "a/p") for k, t in tokens)
    dates = [i for i, (k, _) in enumerate(tokens) if k == "date"]
    plan = []
    for idx, (k, t) in enumerate(tokens):
        if k != "date":
            plan.append(t if k in ("lit", "pct", "comma", "dot") else "")
        else:
            plan.append(_date_part(t, ampm, _minute_context(tokens, dates, idx)))
    return tuple(plan)


def _date_part(t: str, ampm: bool, minutes: bool):
    """A function of the datetime for one date/time code."""
    c = t.lower()
    n = len(c)
    if c == "yyyy" or (c[0] == "y" and n > 2) or c[0] == "e":
        return lambda v: f"{v.year:04d}"
    if c[0] == "y":
        return lambda v: f"{v.year % 100:02d}"
    if c[0] == "d" and n <= 2:
        return (lambda v: str(v.day)) if n == 1 else (lambda v: f"{v.day:02d}")
    if c[0] == "m" and not minutes and n <= 2:
        return (lambda v: str(v.month)) if n == 1 else (lambda v: f"{v.month:02d}")
    return lambda v: _date_code(t, v, ampm, minutes)


def _render_date(plan, value) -> str:
    if isinstance(value, dt.timedelta):
        value = dt.datetime(1899, 12, 31) + value
    if isinstance(value, dt.time):
        value = dt.datetime.combine(dt.date(1899, 12, 31), value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return "".join([p if type(p) is str else p(value) for p in plan])


def _minute_context(tokens, dates, idx) -> bool:
    """'m' means minutes right after an hour code or right before a second code."""
    pos = dates.index(idx)
    prev = tokens[dates[pos - 1]][1] if pos else ""
    nxt = tokens[dates[pos + 1]][1] if pos + 1 < len(dates) else ""
    return prev.startswith(("h", "[h")) or nxt.startswith(("s", "[s"))


def _date_code(t: str, v: dt.datetime, ampm: bool, minutes: bool) -> str:
    c = t.lower()
    if c in ("am/pm",):
        return "AM" if v.hour < 12 else "PM"
    if c == "a/p":
        return "A" if v.hour < 12 else "P"
    if c[0] == "y":
        return f"{v.year % 100:02d}" if len(c) <= 2 else f"{v.year:04d}"
    if c[0] == "e":
        return str(v.year)
    if c[0] == "d":
        return {1: str(v.day), 2: f"{v.day:02d}", 3: _DAYS[v.weekday()][:3]}.get(len(c), _DAYS[v.weekday()])
    if c[0] == "h":
        h = v.hour % 12 or 12 if ampm else v.hour
        return f"{h:02d}" if len(c) >= 2 else str(h)
    if c[0] == "m" and minutes:
        return f"{v.minute:02d}" if len(c) >= 2 else str(v.minute)
    if c[0] == "m":
        return {1: str(v.month), 2: f"{v.month:02d}", 3: _MONTHS[v.month - 1][:3],
                5: _MONTHS[v.month - 1][0]}.get(len(c), _MONTHS[v.month - 1])
    if c[0] == "s":
        return f"{v.second:02d}" if len(c.split(".")[0]) >= 2 else str(v.second)
    if c.startswith("[h"):
        return str(v.hour)
    return ""


@lru_cache(maxsize=4096)
def compile_format(code: str) -> NumberFormat | None:
    """A compiled format, or None for General/text (nothing to apply)."""
    if not code or code.strip().lower() in ("general", "@"):
        return None
    try:
        return NumberFormat(code)
    except (ValueError, IndexError, KeyError):
        return None


def display(value, code: str | None) -> str | None:
    """`value` as `code` shows it, or None when General applies (or the
    format is not understood): callers then write the plain value."""
    if code is None:
        return None
    fmt = compile_format(code)
    if fmt is None:
        return None
    try:
        return fmt.render(value)
    except (ValueError, ArithmeticError, OverflowError, IndexError):
        return None
