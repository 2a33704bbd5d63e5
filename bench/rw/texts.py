"""Text-shaped files: legacy-encoded notes, SQL dumps, fixed-width reports,
NDJSON exports, number-dense logs, source code and configuration.

Each writer returns the bytes to store; the values in them were recorded by
the planter as they were written.
"""

from __future__ import annotations

import datetime as dt
import json

from rw import prose
from rw.plant import CORE, DECOYS, ENTITIES, NEW, Planter

# ---------------------------------------------------------------- legacy text

_JA_FILLER = ("お世話になっております。", "ご確認のほどよろしくお願いいたします。", "以下の通りご連絡いたします。",
              "担当者様", "先日の件につきまして、", "添付の資料をご参照ください。")
_JA_LABELS = {"EMAIL_ADDRESS": "メール：", "PHONE_NUMBER": "電話番号：", "CREDIT_CARD": "カード番号：", "US_SSN": "SSN：",
              "PERSON": "氏名："}
_ENCODINGS = {"cp1252": 4, "latin-1": 2, "utf-16": 2, "cp932": 2, "utf-8-sig": 1, "cp1250": 1, "mac_roman": 0.5}


def legacy_text(p: Planter) -> tuple[bytes, str]:
    """A note or letter in an older encoding, with accented names and
    Windows punctuation; cp932 files are Japanese with ASCII values."""
    rng = p.rng
    enc = rng.choices(list(_ENCODINGS), weights=list(_ENCODINGS.values()))[0]
    if enc == "cp932":
        lines = [rng.choice(_JA_FILLER)]
        for e in prose.pick_entities(p, rng.randint(3, 8), ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN")):
            v = p.pii(e, p.style(e, allow_bare=False))
            lines.append(f"{_JA_LABELS[e]}{v}")
            lines.append(rng.choice(_JA_FILLER))
        text = "\r\n".join(lines) + "\r\n"
    else:
        accented = ["Zoë", "José", "Renée", "Françoise", "Björn", "Müller", "Côté", "Núñez", "Łukasz", "Dvořák"]
        paras = []
        for _ in range(rng.randint(2, 6)):
            para = prose.paragraph(p, prose.pick_entities(p, rng.randint(1, 4)))
            para = para.replace(" - ", " – ").replace("'", "’") if enc in ("cp1252", "utf-16", "cp1250") else para
            paras.append(para + f" {rng.choice(accented)} {rng.choice(['confirmed', 'signed', 'replied'])}.")
        nl = "\r\n" if rng.random() < 0.7 else "\n"
        if rng.random() < 0.5:  # a letter: addressee, salutation, sign-off
            paras = ["\n".join(prose.letter_head(p))] + paras + ["\n".join(prose.letter_close(p))]
        text = (nl * 2).join(para.replace("\n", nl) for para in paras) + nl
    return text.encode(enc, "replace"), enc


# ---------------------------------------------------------------- SQL dumps

def _sql_rows(p: Planter, n: int, bare: bool):
    for i in range(1, n + 1):
        first, _, last = p.draw("PERSON").canonical
        p.record("PERSON", f"{first} {last}")
        yield {"id": i, "first_name": first, "last_name": last, "email": p.pii("EMAIL_ADDRESS"),
               "phone": p.pii("PHONE_NUMBER", p.style("PHONE_NUMBER", bare)), "ssn": p.pii("US_SSN", p.style("US_SSN", bare)),
               "order_no": p.decoy("order9"), "created": p.fake.date_time_this_decade().strftime("%Y-%m-%d %H:%M:%S")}


def sql_dump(p: Planter) -> bytes:
    rng = p.rng
    dialect = rng.choice(["mysql", "tsql", "pg"])
    table = rng.choice(["customers", "employees", "patients", "members"])
    # Only COPY blocks name the columns beside the values.
    rows = list(_sql_rows(p, rng.randint(10, 60), dialect == "pg"))
    cols = list(rows[0])
    if dialect == "pg":
        out = [f"--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\n"
               f"CREATE TABLE public.{table} (\n" + ",\n".join(f"    {c} text" for c in cols) + "\n);\n\n",
               f"COPY public.{table} ({', '.join(cols)}) FROM stdin;\n"]
        for r in rows:
            out.append("\t".join(str(r[c]) for c in cols) + "\n")
        out.append("\\.\n\n")
        return "".join(out).encode()
    if dialect == "mysql":
        def q(v):
            return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "\\'") + "'"
        head = (f"-- MySQL dump 10.13  Distrib 8.0.{rng.randint(20, 39)}\n--\n-- Table structure for table `{table}`\n--\n\n"
                f"DROP TABLE IF EXISTS `{table}`;\nCREATE TABLE `{table}` (\n" +
                ",\n".join(f"  `{c}` varchar(255) DEFAULT NULL" for c in cols) + "\n) ENGINE=InnoDB;\n\n"
                f"LOCK TABLES `{table}` WRITE;\n")
        values = ",".join("(" + ",".join(q(r[c]) for c in cols) + ")" for r in rows)
        return (head + f"INSERT INTO `{table}` VALUES {values};\nUNLOCK TABLES;\n").encode()
    out = [f"USE [{rng.choice(['HR', 'CRM', 'Billing'])}]\nGO\nSET IDENTITY_INSERT [dbo].[{table}] ON\nGO\n"]
    for r in rows:
        vals = ", ".join(str(r[c]) if isinstance(r[c], int) else f"N'{r[c]}'" for c in cols)
        out.append(f"INSERT [dbo].[{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({vals})\n")
    out.append("GO\n")
    return "".join(out).encode("utf-16" if rng.random() < 0.3 else "utf-8")


# ---------------------------------------------------------------- fixed width

def fixed_width(p: Planter) -> bytes:
    """A mainframe/ERP print report: a header line, dashes, padded columns,
    page breaks with the header repeated."""
    rng = p.rng
    cols = [("EMP NO", 15, lambda: p.decoy("zero_padded")), ("EMPLOYEE NAME", 34, lambda: p.pii("PERSON", "last_first")),
            (rng.choice(["SSN", "SOC SEC NO", "SS NUMBER"]), 13, lambda: p.pii("US_SSN", rng.choice(["bare", "dashed", "bare"]))),
            (rng.choice(["PHONE", "HOME PHONE"]), 21, lambda: p.pii("PHONE_NUMBER", rng.choice(["bare", "dashed", "paren"]))),
            ("DEPT", 6, lambda: str(rng.randint(100, 999))), ("GROSS PAY", 12, lambda: f"{rng.uniform(900, 9000):>11.2f}")]
    header = "".join(h.ljust(w) for h, w, _ in cols)
    lines = []
    n = rng.randint(20, 120)
    for i in range(n):
        if i % 50 == 0:
            if i:
                lines.append("\f")
            lines.append(f"{p.fake.company().upper()[:40]:<40}PAYROLL REGISTER   PAGE {i // 50 + 1:>4}")
            lines.append(f"RUN DATE {p.fake.date_this_year().strftime('%m/%d/%y')}   JOB {p.decoy('order9')}")
            lines.append("")
            lines.append(header)
            lines.append("".join("-" * (w - 1) + " " for _, w, _ in cols))
        lines.append("".join(str(f()).ljust(w) for _, w, f in cols))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", "replace")


# ---------------------------------------------------------------- NDJSON

def ndjson(p: Planter) -> bytes:
    rng = p.rng
    out = []
    for _ in range(rng.randint(20, 150)):
        rec = {"order_id": int(p.decoy("order9")), "ts": int(p.decoy("epoch")),
               "customer": {"name": p.pii("PERSON"), "email": p.pii("EMAIL_ADDRESS")}}
        if rng.random() < 0.6:
            rec["customer"]["ssn"] = p.pii("US_SSN", rng.choice(["bare", "dashed"]))
        if rng.random() < 0.6:
            rec["customer"]["phone"] = p.pii("PHONE_NUMBER")
        if rng.random() < 0.3:
            rec["payment"] = {"card": p.pii("CREDIT_CARD", rng.choice(["plain", "spaced"])), "amount": round(rng.uniform(5, 900), 2)}
        if rng.random() < 0.2:
            rec["customer"]["dob"] = p.pii("DATE_OF_BIRTH", "iso")
        rec["meta"] = {"seq": int(p.decoy("seq12")), "trace": p.decoy("hex_id"), "zip": p.decoy("zip4")}
        out.append(json.dumps(rec, separators=(",", ":") if rng.random() < 0.5 else (", ", ": ")))
    return ("\n".join(out) + "\n").encode()


# ---------------------------------------------------------------- logs

_LOG_SHAPES = (
    "{ts} INFO  [worker-{w}] processed batch counter={counter10} bytes={counter10} in {ms}ms",
    "{ts} DEBUG cache get key={zero_padded} hit=true ttl={s}",
    "{ts} INFO  order {order9} shipped via UPS tracking {tracking}",
    "{ts} WARN  seq={seq12} out of order (expected {seq12})",
    "{ts} INFO  agent version {version} started pid={pid}",
    "{ts} DEBUG request id={hex_id} upstream_ts={epoch} status=200",
    "{ts} INFO  device imei={imei} checked in from zip {zip4}",
    "{ts} INFO  catalogue sync isbn={isbn} qty={s}",
    "{ts} INFO  meter M{w} reading {counter10} kWh",
    "{ts} ERROR invoice {order9} failed: upstream timeout after {ms}ms",
    "{ts} INFO  provider npi={npi} claims={s}",
)
_LOG_PII = (
    "{ts} INFO  user login ok user={EMAIL_ADDRESS} from 10.{a}.{b}.{c}",
    "{ts} INFO  sms sent to {PHONE_NUMBER} template=otp",
    "{ts} WARN  payment declined card={CREDIT_CARD} order {order9}",
    "{ts} DEBUG customer lookup ssn={US_SSN} result=1",
)


def log_file(p: Planter, pii: bool, lines: int) -> bytes:
    rng = p.rng
    t = dt.datetime(2024, 1, 1) + dt.timedelta(seconds=rng.randint(0, 3e7))
    out = []
    for _ in range(lines):
        t += dt.timedelta(milliseconds=rng.randint(1, 5000))
        shape = rng.choice(_LOG_PII) if pii and rng.random() < 0.02 else rng.choice(_LOG_SHAPES)
        fields = {"ts": t.strftime("%Y-%m-%d %H:%M:%S,%f")[:-3], "w": rng.randint(1, 16), "ms": rng.randint(1, 99999),
                  "s": rng.randint(1, 9999), "pid": rng.randint(300, 65000), "a": rng.randint(0, 255),
                  "b": rng.randint(0, 255), "c": rng.randint(1, 254)}
        for key in DECOYS:
            if "{" + key + "}" in shape:
                fields[key] = p.decoy(key)
        for ent in CORE:
            if "{" + ent + "}" in shape:
                fields[ent] = p.pii(ent, p.style(ent, allow_bare=False))
        out.append(shape.format(**fields))
    return ("\n".join(out) + "\n").encode()


# ---------------------------------------------------------------- code, config

def code_fixture(p: Planter) -> tuple[bytes, str]:
    """Unit tests and QA fixtures with public test card numbers; config
    files with credentials."""
    rng = p.rng
    kind = rng.choice(["pytest", "js", "config", "env", "appsettings"])
    if kind == "pytest":
        pans = [p.decoy("test_pan") for _ in range(rng.randint(2, 6))]
        body = "import pytest\n\nfrom billing.gateway import charge\n\n\n@pytest.mark.parametrize('pan', [\n"
        body += "".join(f"    '{x}',\n" for x in pans)
        body += "])\ndef test_charge_accepts_test_cards(pan):\n    assert charge(pan, amount=100, order_id="
        body += f"{p.decoy('order9')}).ok\n\n\ndef test_idempotency_key():\n    assert key_for({p.decoy('seq12')}) == '{p.decoy('hex_id')}'\n"
        return body.encode(), ".py"
    if kind == "js":
        pans = [p.decoy_written("test_pan", lambda x: group4(x, rng)) for _ in range(rng.randint(2, 5))]
        body = "// Stripe test fixtures - see https://docs.stripe.com/testing\nexport const TEST_CARDS = {\n"
        body += "".join(f"  card{i}: '{x}',\n" for i, x in enumerate(pans))
        body += f"}};\nexport const BUILD = '{p.decoy('version')}';\nexport const STARTED = {p.decoy('epoch')};\n"
        return body.encode(), ".js"
    pw = p.pii("CREDENTIAL", "password")
    if kind == "env":
        lines = [f"APP_VERSION={p.decoy('version')}", f"DB_PASSWORD={pw}",
                 f"AWS_ACCESS_KEY_ID={p.pii('CREDENTIAL', 'aws')}", f"AWS_SECRET_ACCESS_KEY={p.pii('CREDENTIAL', 'aws_secret')}",
                 f"SUPPORT_PHONE={p.incidental('PHONE_NUMBER', ENTITIES['PHONE_NUMBER'].render(p.draw('PHONE_NUMBER').canonical, 'dashed', rng))}"]
        return ("\n".join(lines) + "\n").encode(), ".env"
    if kind == "appsettings":
        conn = p.pii("CREDENTIAL", "connstr")
        body = json.dumps({"ConnectionStrings": {"Default": conn}, "Smtp": {"User": "mailer", "Password": pw},
                           "Build": p.decoy("version")}, indent=2)
        return body.encode(), ".json"
    body = (f"[database]\nhost = db01.corp.local\nuser = svc_app\npassword = {pw}\n\n[service]\nversion = {p.decoy('version')}\n"
            f"started = {p.decoy('epoch')}\n\n[tls]\nkey = \"\"\"\n{p.pii('CREDENTIAL', 'pem')}\n\"\"\"\n")
    return body.encode(), ".ini"


def group4(x: str, rng) -> str:
    return " ".join(x[i:i + 4] for i in range(0, len(x), 4)) if rng.random() < 0.5 else x


__all__ = ["legacy_text", "sql_dump", "fixed_width", "ndjson", "log_file", "code_fixture", "NEW"]
