"""Written dates as the dates they mean: the value rules that both the
date-of-birth recognizers and scanner.privacy (DATE values are hashed in ISO
form, so 03/12/1985 and 1985-03-12 compare) use. Imports nothing of
piiscout's: like detectors/validators.py, it sits below everything.

Numeric dates: YYYY-MM-DD; with dots (European) or a first part over 12,
day first; otherwise month first (US). Two-digit years are this century's
up to this year, else the last's.
"""

from __future__ import annotations

import datetime as _dt
import re

_MONTHS = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen"),
    2: ("february", "feb", "febr", "februar", "février", "fevrier", "févr", "fev", "febrero", "febbraio"),
    3: ("march", "mar", "märz", "maerz", "mars", "marzo"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "maggio", "mag"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "giu"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug"),
    8: ("august", "aug", "août", "aout", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre"),
}
_MONTH_OF = {name: n for n, names in _MONTHS.items() for name in names}

def _year(y: str) -> int:
    if len(y) == 4:
        return int(y)
    yy, now = int(y), _dt.date.today().year % 100
    return 2000 + yy if yy <= now else 1900 + yy


def _date(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except (ValueError, OverflowError):  # OverflowError: a run of digits read as a year
        return None


_SPLIT = re.compile(r"[-/.]")
_WORDS = re.compile(r"[^\W\d_]+|\d+")


def parse_date(value: str) -> _dt.date | None:
    """The date a written date means (see the module doc for the reading of
    ambiguous numeric dates), or None."""
    v = value.strip().lower()
    if re.fullmatch(r"\d{8}", v):
        return _date(int(v[:4]), int(v[4:6]), int(v[6:]))
    parts = _SPLIT.split(v)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        a, b, c = parts
        if len(a) == 4:
            return _date(int(a), int(b), int(c))
        first, second = int(a), int(b)
        if "." in v or first > 12:
            return _date(_year(c), second, first)
        return _date(_year(c), first, second)
    words = _WORDS.findall(v)
    month = next((_MONTH_OF[w] for w in words if w in _MONTH_OF), None)
    nums = [w for w in words if w.isdigit()]
    if month is None or len(nums) != 2:
        return None
    day, year = (nums[0], nums[1]) if len(nums[1]) >= 2 and len(nums[0]) <= 2 else (nums[1], nums[0])
    return _date(_year(year), month, int(day))


def iso_date(value: str) -> str | None:
    d = parse_date(value)
    return d.isoformat() if d else None
