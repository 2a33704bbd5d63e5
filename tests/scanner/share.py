"""A small business's file share, generated: about 200 files for report tests.

Shaped like what an MSP finds on a client's server, not like a unit-test
toy: an HR tree with per-employee folders and years of payroll exports, a
finance tree with card batches and invoices, a clinic folder of visit
notes, application logs, sales lead lists, marketing material and policies
with no personal data at all, scanned images (not read without OCR), old
archives, mail, installers, files that are damaged or password-protected,
and a folder the scanning account may not open. Files have last-modified
times spread over eight years. A SQLite database of customers is a second
target. Real office documents, PDFs and archives are copied from
fixtures/documents (their planted values come with them).

Every value is synthetic (Faker with a fixed seed, valid check digits).
`make_share()` returns the raw values planted per file, so tests can check
that none of them reaches a report.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from faker import Faker

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DOCUMENTS = FIXTURES / "documents"


@dataclass
class Share:
    root: Path
    raw: dict[str, list[str]] = field(default_factory=dict)  # relative path -> raw values planted
    errors: list[str] = field(default_factory=list)  # relative paths that cannot be read
    skipped: list[str] = field(default_factory=list)  # relative paths not examined
    denied: list[str] = field(default_factory=list)  # need an unprivileged scan to be denied

    def values(self) -> set[str]:
        return {v for vals in self.raw.values() for v in vals}

    def files(self) -> int:
        return sum(1 for p in self.root.rglob("*") if p.is_file())


class Values:
    """Synthetic PII with valid check digits, never repeated."""

    def __init__(self, seed: int):
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.rnd = random.Random(seed)
        self.used: set[str] = set()

    def _new(self, make) -> str:
        while True:
            v = make()
            if v not in self.used:
                self.used.add(v)
                return v

    def ssn(self, dashed: bool = True) -> str:
        def make():
            area = self.rnd.choice([a for a in range(1, 900) if a != 666])
            raw = f"{area:03d}{self.rnd.randint(1, 99):02d}{self.rnd.randint(1, 9999):04d}"
            return f"{raw[:3]}-{raw[3:5]}-{raw[5:]}" if dashed else raw
        return self._new(make)

    def card(self) -> str:
        def make():
            prefix = self.rnd.choice(["4", "51", "53", "55", "2221", "34", "37", "6011"])
            length = 15 if prefix in ("34", "37") else 16
            digits = prefix + "".join(str(self.rnd.randint(0, 9)) for _ in range(length - len(prefix) - 1))
            total = 0
            for i, ch in enumerate(reversed(digits)):
                d = int(ch) * (2 if i % 2 == 0 else 1)
                total += d - 9 if d > 9 else d
            full = digits + str((10 - total % 10) % 10)
            if length == 16 and self.rnd.random() < 0.5:
                return " ".join(full[i:i + 4] for i in range(0, 16, 4))
            return full
        return self._new(make)

    def email(self) -> str:
        return self._new(lambda: f"{self.fake.user_name()}{self.rnd.randint(1, 99)}@{self.fake.free_email_domain()}")

    def phone(self) -> str:
        def make():
            area, mid, end = self.rnd.randint(201, 989), self.rnd.randint(200, 999), self.rnd.randint(0, 9999)
            return self.rnd.choice([f"({area}) {mid}-{end:04d}", f"{area}-{mid}-{end:04d}", f"+1 {area} {mid} {end:04d}"])
        return self._new(make)

    def account(self) -> str:
        return self._new(lambda: str(self.rnd.randint(10 ** 9, 10 ** 12 - 1)))

    def name(self) -> str:
        return self.fake.name()

    def dob(self) -> str:
        return self.fake.date_of_birth(minimum_age=18, maximum_age=90).strftime("%m/%d/%Y")


def _when(year: int, month: int = 6, day: int = 15) -> float:
    return datetime(year, month, day, 10, 0, tzinfo=timezone.utc).timestamp()


class Builder:
    def __init__(self, root: Path, seed: int):
        self.share = Share(root)
        self.v = Values(seed)
        self.rnd = self.v.rnd

    def write(self, rel: str, text: str | bytes, values: list[str] = (), year: int | None = None,
              encoding: str = "utf-8") -> Path:
        path = self.share.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        if values:
            self.share.raw[rel] = list(values)
        if year:
            t = _when(year, self.rnd.randint(1, 12), self.rnd.randint(1, 28))
            os.utime(path, (t, t))
        return path

    def copy(self, src: Path, rel: str, year: int | None = None) -> None:
        dest = self.share.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        truth = json.loads((FIXTURES / "expected" / "documents.json").read_text())
        planted = truth.get(str(src.relative_to(FIXTURES)), {})
        values = [v for vals in planted.values() for v in vals]
        if values:
            self.share.raw[rel] = values
        if year:
            t = _when(year)
            os.utime(dest, (t, t))

    # -- departments ---------------------------------------------------------------
    def hr(self) -> None:
        for i in range(18):
            emp = f"E{1040 + i}"
            name, ssn, dob = self.v.name(), self.v.ssn(), self.v.dob()
            addr = self.v.fake.address().replace("\n", ", ")
            self.write(f"HR/Personnel/{emp}/profile.txt",
                       f"Employee file {emp}\nName: {name}\nDate of birth: {dob}\nSSN: {ssn}\n"
                       f"Home address: {addr}\nEmergency contact: {self.v.phone()}\n",
                       [ssn, name, dob, addr], year=self.rnd.choice([2018, 2020, 2022, 2024, 2025]))
            if i % 3 == 0:
                self.write(f"HR/Personnel/{emp}/review_{2021 + i % 4}.txt",
                           f"Annual review for {name}. Goals met; promotion recommended.\n", year=2021 + i % 4)
        for year in range(2019, 2025):
            for quarter in range(1, 5):
                lines = ["employee_id,ssn,bank_routing,bank_account,net_pay"]
                vals = []
                for k in range(6):
                    ssn, acct = self.v.ssn(dashed=k % 2 == 0), self.v.account()
                    vals += [ssn, acct]
                    lines.append(f"E{1040 + k},{ssn},021000021,{acct},{self.rnd.randint(1500, 6500)}.00")
                self.write(f"HR/Payroll/{year}/payroll_{year}_Q{quarter}.csv", "\r\n".join(lines) + "\r\n", vals,
                           year=year)
        self.write("HR/Policies/handbook.txt", "Employee handbook. Holidays, leave and conduct.\n" * 40, year=2017)
        self.copy(DOCUMENTS / "office" / "letter.docx", "HR/Letters/offer_letter.docx", year=2023)
        self.copy(DOCUMENTS / "office" / "letter.odt", "HR/Letters/reference_letter.odt", year=2020)
        self.copy(DOCUMENTS / "legacy" / "letter.doc", "HR/Letters/old/reference_2014.doc", year=2014)

    def finance(self) -> None:
        for i in range(5):
            lines, vals = ["order,name,card_number,expiry,amount"], []
            for k in range(8):
                card = self.v.card()
                vals.append(card)
                lines.append(f"{7000 + i * 10 + k},{self.v.name()},{card},0{self.rnd.randint(1, 9)}/2{self.rnd.randint(6, 9)},"
                             f"{self.rnd.randint(10, 900)}.{self.rnd.randint(10, 99)}")
            self.write(f"Finance/Cards/card_batch_{i + 1}.csv", "\n".join(lines) + "\n", vals, year=2019 + i)
        for i in range(26):
            email, phone = self.v.email(), self.v.phone()
            self.write(f"Finance/Invoices/{2022 + i % 4}/invoice_{3100 + i}.txt",
                       f"INVOICE {3100 + i}\nBill to: {self.v.fake.company()}\nContact: {email}, {phone}\n"
                       f"Amount due: ${self.rnd.randint(100, 9000)}.00\n", [email, phone], year=2022 + i % 4)
        self.copy(DOCUMENTS / "office" / "roster.xlsx", "Finance/Reports/customer_roster.xlsx", year=2024)
        self.copy(DOCUMENTS / "pdf" / "claims.pdf", "Finance/Reports/claims_2023.pdf", year=2023)
        self._numeric_workbook("Finance/Reports/ssn_reconciliation.xlsx")

    def _numeric_workbook(self, rel: str) -> None:
        """SSNs stored as numbers, as a spreadsheet export does."""
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(["Employee", "SSN", "Salary"])
        vals = []
        for k in range(10):
            ssn = self.v.ssn(dashed=False)
            vals.append(ssn)
            ws.append([self.v.name(), int(ssn), self.rnd.randint(40000, 90000)])
        path = self.share.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        self.share.raw[rel] = vals

    def clinic(self) -> None:
        conditions = ["type 2 diabetes", "hypertension", "asthma", "major depressive disorder", "hypothyroidism"]
        meds = ["metformin", "lisinopril", "albuterol", "sertraline", "levothyroxine"]
        for i in range(16):
            name, dob = self.v.name(), self.v.dob()
            k = i % 5
            self.write(f"Clinic/Patients/visit_note_{i + 1:03d}.txt",
                       f"Patient: {name}\nDOB: {dob}\nAssessment: {conditions[k]} (stable).\n"
                       f"Plan: continue {meds[k]} 10 mg daily; follow up in 3 months.\n", [name, dob],
                       year=2021 + i % 5)
        self.write("Clinic/Forms/intake_form_blank.txt", "Patient intake form\nName: ____\nDate of birth: ____\n",
                   year=2019)

    def it(self) -> None:
        for day in range(1, 15):
            lines, vals = [], []
            for k in range(30):
                ip = f"10.{self.rnd.randint(0, 255)}.{self.rnd.randint(0, 255)}.{self.rnd.randint(1, 254)}"
                if k % 6 == 0:
                    email = self.v.email()
                    vals.append(email)
                    lines.append(f"2025-03-{day:02d}T08:{k:02d}:11Z INFO login ok user={email} ip={ip}")
                else:
                    lines.append(f"2025-03-{day:02d}T08:{k:02d}:11Z DEBUG cache hit key=sess:{self.rnd.randint(1, 10**9)}")
            self.write(f"IT/Logs/app-2025-03-{day:02d}.log", "\n".join(lines) + "\n", vals, year=2025)
        for name in ("backup.ini", "printers.ini"):
            self.write(f"IT/Config/{name}", "[general]\nserver=fs01.corp.example\nretries=3\n", year=2022)
        secret = "".join(self.rnd.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(14)) + "!7"
        self.write("IT/Config/vpn.conf", f"[vpn]\nserver=vpn.corp.example\nusername=svc_backup\npassword={secret}\n",
                   [secret], year=2022)
        for i in range(3):
            self.write(f"IT/Installers/setup_{i}.exe", b"MZ\x90\x00" + bytes(self.rnd.randrange(256) for _ in range(4000)))
            self.share.skipped.append(f"IT/Installers/setup_{i}.exe")
        self.write("IT/Installers/firmware.bin", bytes(range(256)) * 64)
        self.share.skipped.append("IT/Installers/firmware.bin")

    def sales(self) -> None:
        for i in range(12):
            lines, vals = ["first,last,email,phone,notes"], []
            for k in range(12):
                email, phone = self.v.email(), self.v.phone()
                vals += [email, phone]
                first, last = self.v.fake.first_name(), self.v.fake.last_name()
                lines.append(f"{first},{last},{email},{phone},\"met at expo, follow up\"")
            self.write(f"Sales/Leads/leads_{2020 + i % 6}_{i + 1:02d}.csv", "\n".join(lines) + "\n", vals,
                       year=2020 + i % 6)
        self.copy(DOCUMENTS / "office" / "deck.pptx", "Sales/Presentations/pitch.pptx", year=2024)
        self.copy(DOCUMENTS / "web" / "directory.html", "Sales/Web/partner_directory.html", year=2022)

    def public(self) -> None:
        for i in range(14):
            self.write(f"Marketing/Brochures/brochure_{i + 1:02d}.txt",
                       f"Spring offer {i + 1}: 20% off all services. Call our front desk.\n" * 10, year=2023)
        for i in range(8):
            self.write(f"Marketing/Web/page_{i + 1}.html",
                       f"<html><body><h1>Services</h1><p>Offer {i}</p></body></html>\n", year=2024)
        for i in range(18):
            self.write(f"Public/Policies/policy_{i + 1:02d}.txt", "This policy applies to all staff.\n" * 20,
                       year=2018 + i % 7)

    def scans_and_archives(self) -> None:
        from PIL import Image, ImageDraw

        for i in range(5):
            img = Image.new("RGB", (600, 300), "white")
            ImageDraw.Draw(img).text((20, 20), f"Scanned form {i}", fill="black")
            rel = f"Scans/2021/scan_{i + 1:03d}.png"
            path = self.share.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            img.save(path)
            self.share.skipped.append(rel)
        self.copy(DOCUMENTS / "ocr" / "scanned.pdf", "Scans/2021/signed_contract.pdf", year=2021)
        self.share.skipped.append("Scans/2021/signed_contract.pdf")
        self.share.raw.pop("Scans/2021/signed_contract.pdf", None)  # not read without OCR; kept for the leak test
        for year in (2015, 2016):
            lines, vals = [], []
            for k in range(15):
                ssn = self.v.ssn()
                vals.append(ssn)
                lines.append(f"{self.v.name()},{ssn},{self.v.dob()}")
            path = self.share.root / f"Archive/{year}/old_customers_{year}.zip"
            path.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr(f"customers_{year}.csv", "\n".join(lines) + "\n")
            os.utime(path, (_when(year), _when(year)))
            self.share.raw[f"Archive/{year}/old_customers_{year}.zip"] = vals
        self.copy(DOCUMENTS / "archives" / "backup.tar.gz", "Archive/2017/backup.tar.gz", year=2017)

    def mail(self) -> None:
        msgs, vals = [], []
        for i in range(6):
            ssn, email = self.v.ssn(), self.v.email()
            vals += [ssn, email]
            msgs.append(f"From {email} Mon Mar  3 10:0{i}:00 2025\nFrom: {email}\nTo: payroll@corp.example\n"
                        f"Subject: W-4 update {i}\nDate: Mon, 3 Mar 2025 10:0{i}:00 +0000\n\n"
                        f"Please update my withholding. My SSN is {ssn}.\n")
        self.write("Mail/payroll.mbox", "\n".join(msgs), vals, year=2025)
        for i in range(4):
            card, email = self.v.card(), self.v.email()
            self.write(f"Mail/Saved/order_{i + 1}.eml",
                       f"From: {email}\nTo: orders@corp.example\nSubject: Order {i}\n"
                       f"Date: Tue, 4 Mar 2025 09:00:00 +0000\n\nPlease charge card {card}.\n", [card, email], year=2025)

    def broken(self) -> None:
        for name in ("truncated.docx", "truncated.xlsx", "garbled.pdf", "not_really.docx"):
            dest = f"Finance/Reports/damaged/{name}"
            self.copy(DOCUMENTS / "bad" / name, dest, year=2024)
            self.share.errors.append(dest)
        self.copy(DOCUMENTS / "pdf" / "encrypted.pdf", "HR/Letters/protected_settlement.pdf", year=2023)
        self.share.skipped.append("HR/Letters/protected_settlement.pdf")
        self.write("HR/Confidential/terminations.txt", f"Termination list. SSN {self.v.ssn()}\n")
        self.share.denied.append("HR/Confidential")
        self.write("Finance/locked_budget.txt", f"Budget owner SSN {self.v.ssn()}\n")
        self.share.denied.append("Finance/locked_budget.txt")
        for rel in ("HR/Confidential/terminations.txt", "Finance/locked_budget.txt"):
            self.share.raw[rel] = [line.rsplit(" ", 1)[-1] for line in (self.share.root / rel).read_text().splitlines()]


# Who may read what, as on a share nobody tidied: most of it world-readable,
# HR and the clinic restricted to a group, personnel files to their owner.
# Longest prefix wins; the card batches stay readable by everyone.
PERMISSIONS = (("", 0o644, None), ("HR", 0o640, "staff"), ("HR/Personnel", 0o600, None),
               ("Clinic", 0o640, "staff"), ("Finance/Invoices", 0o640, "staff"))


def set_permissions(share: Share) -> None:
    import grp

    for path in share.root.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(share.root).as_posix()
        _, mode, group = max((p for p in PERMISSIONS if not p[0] or rel.startswith(p[0] + "/")),
                             key=lambda p: len(p[0]))
        os.chmod(path, mode)
        if group and os.geteuid() == 0:
            os.chown(path, -1, grp.getgrnam(group).gr_gid)


def make_share(root: Path, seed: int = 18, parts: tuple[str, ...] | None = None) -> Share:
    """Build the share under `root` (all departments, or the `parts` named)."""
    b = Builder(root, seed)
    for part in parts or ("hr", "finance", "clinic", "it", "sales", "public", "scans_and_archives", "mail", "broken"):
        getattr(b, part)()
    set_permissions(b.share)
    return b.share


def lock_denied(share: Share) -> None:
    for rel in share.denied:
        os.chmod(share.root / rel, 0o000)


def unlock_denied(share: Share) -> None:
    for rel in share.denied:
        p = share.root / rel
        os.chmod(p, 0o750 if p.is_dir() else 0o640)


def make_customer_db(path: Path, seed: int = 19) -> list[str]:
    """A SQLite CRM database: customers with SSNs, cards and e-mail addresses."""
    v = Values(seed)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT, ssn TEXT, notes TEXT)")
    con.execute("CREATE TABLE payments (id INTEGER PRIMARY KEY, customer_id INTEGER, card TEXT, amount REAL)")
    con.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, title TEXT, price REAL)")
    raw = []
    for i in range(60):
        email, ssn, card = v.email(), v.ssn(), v.card()
        raw += [email, ssn, card]
        con.execute("INSERT INTO customers VALUES (?, ?, ?, ?, ?)", (i, v.name(), email, ssn, "prefers e-mail"))
        con.execute("INSERT INTO payments VALUES (?, ?, ?, ?)", (i, i, card, 10.0 + i))
    for i in range(20):
        con.execute("INSERT INTO products VALUES (?, ?, ?)", (i, f"Service {i}", 50.0 + i))
    con.commit()
    con.close()
    return raw
