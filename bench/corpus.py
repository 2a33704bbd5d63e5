"""A synthetic file share for benchmarks, with its truth.

    python bench/corpus.py OUT_DIR --size 50MB [--seed 1] [--files 0]

Writes text files that look like what an MSP finds on a client share (logs,
notes, CSV exports, JSON dumps) with SSNs, card numbers, e-mail addresses
and phone numbers planted at a realistic density, plus decoys (order
numbers, tracking numbers that fail Luhn, version strings, internal IPs).
Writes OUT_DIR/truth.json: {relative path: {entity: [values]}}.

Everything is synthetic: values are generated, never real.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
from pathlib import Path

WORDS = (
    "the of and to in is for on that with as this by are be from at or it an was have not "
    "which will can has all more their were one been but if they also other its new about "
    "report quarterly budget meeting server backup project client invoice update review policy "
    "schedule migration network printer license renewal vendor contract office shipment order "
    "team manager account customer service ticket request approved pending completed weekly "
    "summary notes action items follow next steps deadline draft final version release deploy "
    "database storage folder share access permission group user password reset laptop desktop "
    "monitor firewall switch router email calendar training onboarding payroll benefits audit"
).split()
FIRST = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Sandra".split()
LAST = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson".split()
DOMAINS = ["example.com", "example.org", "example.net", "acme-corp.com", "mail.example.co.uk", "gmail.com",
           "yahoo.com", "outlook.com", "clinic-example.org"]


class Planter:
    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.truth: dict[str, dict[str, list[str]]] = {}
        self.path = ""

    def _add(self, entity: str, value: str) -> str:
        self.truth.setdefault(self.path, {}).setdefault(entity, []).append(value)
        return value

    def ssn(self, bare: bool = False) -> str:
        r = self.rnd
        while True:
            a, g, s = r.randint(1, 899), r.randint(1, 99), r.randint(1, 9999)
            if a != 666 and f"{a:03d}{g:02d}{s:04d}" not in ("078051120", "219099999", "123456789"):
                break
        v = f"{a:03d}{g:02d}{s:04d}" if bare else f"{a:03d}-{g:02d}-{s:04d}"
        return self._add("US_SSN", v)

    def card(self) -> str:
        r = self.rnd
        prefix, length = r.choice([("4", 16), ("51", 16), ("2221", 16), ("37", 15), ("6011", 16), ("3530", 16)])
        num = prefix + "".join(str(r.randint(0, 9)) for _ in range(length - len(prefix) - 1))
        num += str(_luhn_digit(num))
        if length == 16 and r.random() < 0.5:
            num = " ".join(num[i : i + 4] for i in range(0, 16, 4))
        return self._add("CREDIT_CARD", num)

    def email(self) -> str:
        r = self.rnd
        local = f"{r.choice(FIRST).lower()}.{r.choice(LAST).lower()}{r.randint(1, 999)}"
        return self._add("EMAIL_ADDRESS", f"{local}@{r.choice(DOMAINS)}")

    def person(self) -> str:
        r = self.rnd
        return self._add("PERSON", f"{r.choice(FIRST)} {r.choice(LAST)}")

    def phone(self) -> str:
        r = self.rnd
        a = f"{r.randint(2, 9)}{r.randint(0, 9)}{r.randint(0, 9)}"
        e = f"{r.randint(2, 9)}{r.randint(0, 9)}{r.randint(0, 9)}"
        n = f"{r.randint(0, 9999):04d}"
        v = r.choice([f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"+1 {a} {e} {n}"])
        return self._add("PHONE_NUMBER", v)


def _luhn_digit(partial: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def _words(r: random.Random, n: int) -> str:
    return " ".join(r.choice(WORDS) for _ in range(n))


def log_file(p: Planter, size: int) -> str:
    r = p.rnd
    lines, total, i = [], 0, 0
    while total < size:
        i += 1
        ts = f"2026-0{r.randint(1, 9)}-{r.randint(10, 28)}T{r.randint(10, 23)}:{r.randint(10, 59)}:{r.randint(10, 59)}.{r.randint(100, 999)}Z"
        x = r.random()
        if x < 0.02:
            line = f"{ts} INFO auth login ok user={p.email()} src=10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        elif x < 0.022:
            line = f"{ts} WARN billing declined card={p.card()} order={r.randint(10 ** 8, 10 ** 9 - 1)}"
        elif x < 0.024:
            line = f"{ts} DEBUG crm contact phone={p.phone()} ssn={p.ssn(bare=True)}"
        else:
            line = (f"{ts} {r.choice(['INFO', 'INFO', 'DEBUG', 'WARN'])} {r.choice(['http', 'db', 'queue', 'auth'])} "
                    f"req={''.join(r.choices(string.hexdigits.lower(), k=16))} path=/api/v{r.randint(1, 3)}/"
                    f"{r.choice(WORDS)}/{r.randint(1, 99999)} status={r.choice([200, 200, 201, 304, 404, 500])} "
                    f"took={r.randint(1, 999)}ms host=10.0.{r.randint(0, 9)}.{r.randint(1, 254)} {_words(r, 4)}")
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


def prose_file(p: Planter, size: int) -> str:
    r = p.rnd
    paras, total = [], 0
    while total < size:
        para = _words(r, r.randint(40, 120)).capitalize() + "."
        x = r.random()
        if x < 0.05:
            para += f" Please contact {p.person()} at {p.email()} or {p.phone()}."
        elif x < 0.07:
            para += f" The employee's SSN is {p.ssn()} and the corporate card {p.card()} was used."
        elif x < 0.10:
            para += (f" Order {r.randint(10 ** 8, 10 ** 9 - 1)} (release {r.randint(1, 20)}.{r.randint(0, 9)}."
                     f"{r.randint(0, 99)}) shipped, tracking {_not_luhn(r)}.")
        paras.append(para)
        total += len(para) + 2
    return "\n\n".join(paras) + "\n"


def _not_luhn(r: random.Random) -> str:
    num = "4" + "".join(str(r.randint(0, 9)) for _ in range(14))
    return num + str((_luhn_digit(num) + 1) % 10)


def csv_file(p: Planter, size: int) -> str:
    r = p.rnd
    if r.random() < 0.02:  # now and then a customer export
        rows, total = ["id,name,email,phone,ssn,balance"], 0
        while total < size:
            row = (f"{r.randint(1, 10 ** 6)},{p.person()},{p.email()},{p.phone()},"
                   f"{p.ssn(bare=r.random() < 0.5)},{r.randint(0, 99999)}.{r.randint(0, 99):02d}")
            rows.append(row)
            total += len(row) + 1
        return "\n".join(rows) + "\n"
    rows, total = ["sku,warehouse,qty,price,updated,notes"], 0
    while total < size:
        row = (f"SKU-{r.randint(10 ** 5, 10 ** 6)},{r.choice(['ATL', 'BOS', 'CHI', 'DEN'])},{r.randint(0, 5000)},"
               f"{r.randint(1, 999)}.{r.randint(0, 99):02d},2026-0{r.randint(1, 9)}-{r.randint(10, 28)},{_words(r, 5)}")
        rows.append(row)
        total += len(row) + 1
    return "\n".join(rows) + "\n"


def json_file(p: Planter, size: int) -> str:
    r = p.rnd
    records, total = [], 0
    while total < size:
        rec = {"id": r.randint(1, 10 ** 9), "type": r.choice(WORDS), "tags": [_words(r, 2)], "score": r.random()}
        if r.random() < 0.05:
            rec["contact"] = {"email": p.email(), "phone": p.phone()}
        s = json.dumps(rec)
        records.append(s)
        total += len(s) + 1
    return "\n".join(records) + "\n"


KINDS = [("logs", ".log", log_file, 0.4), ("docs", ".txt", prose_file, 0.3), ("exports", ".csv", csv_file, 0.2),
         ("api", ".json", json_file, 0.1)]


def build(out: Path, size: int, seed: int = 1, file_size: int = 256 << 10) -> dict:
    rnd = random.Random(seed)
    p = Planter(rnd)
    out.mkdir(parents=True, exist_ok=True)
    written, n = 0, 0
    while written < size:
        x, acc = rnd.random(), 0.0
        for folder, ext, gen, share in KINDS:
            acc += share
            if x <= acc:
                break
        fsize = min(size - written, int(file_size * rnd.uniform(0.25, 1.75))) or 1
        rel = f"{folder}/{n // 500:03d}/{folder}_{n:06d}{ext}"
        p.path = rel
        text = gen(p, fsize)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written += len(text.encode())
        n += 1
    (out / "truth.json").write_text(json.dumps(p.truth))
    return {"files": n, "bytes": written}


def main(argv=None) -> int:
    from scanner.streams import parse_size

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--size", default="50MB")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--file-size", default="256KB", help="average file size")
    a = ap.parse_args(argv)
    info = build(a.out, parse_size(a.size), a.seed, parse_size(a.file_size))
    print(f"wrote {info['files']} files, {info['bytes'] / 1e6:.1f} MB to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
