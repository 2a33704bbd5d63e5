"""End to end, the forms issue 22 found missed or misread (and issue 21's
routing numbers), in the files they come in: a payroll export, a pg_dump, a
fixed-width report, NDJSON, a T-SQL dump, an access log. Each is found as
its entity, nothing else is reported, and no raw value reaches the
inventory, the logs, the reports or the exports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from tests.conftest import all_strings, raw_variants, run_piiscout

# Synthetic values; the cards are Luhn-valid but not published test cards.
FILES = {
    "payroll/ach_2024.csv": (
        "Employee,Routing Number,Account Number,Notes\n"
        "Jo Lee,021000021,12345678901,direct deposit\n"
        "Al Roe,011000015,98765432109,\n",
        {"ABA_ROUTING_NUMBER": ["021000021", "011000015"], "US_BANK_NUMBER": ["12345678901", "98765432109"]},
    ),
    "backups/crm.sql": (
        "COPY public.people (id, email, phone, ssn, order_no) FROM stdin;\n"
        "1\tjo.lee@example.org\t2125550147\t546481209\t635131844\n"
        "2\tal.roe@example.com\t3125550148\t010613295\t860520258\n"
        "\\.\n"
        "INSERT INTO dbo.contacts VALUES (N'kim.wu@att.net', 'x');\n",
        {"EMAIL_ADDRESS": ["jo.lee@example.org", "al.roe@example.com", "kim.wu@att.net"],
         "PHONE_NUMBER": ["2125550147", "3125550148"], "US_SSN": ["546481209", "010613295"]},
    ),
    "reports/PAYREG.txt": (
        "ACME INC                 PAYROLL REGISTER\r\nRUN DATE 05/31/26   JOB 799840592\r\n\r\n"
        "EMP NO       EMPLOYEE NAME          SOC SEC NO   PHONE\r\n"
        "------------ ---------------------- ------------ ------------\r\n"
        "00005448313  Gonzalez, Amanda       823161556    6202512331\r\n"
        "00005431371  Murphy, Tammy          831.63.0543  780-863-4936\r\n",
        {"US_SSN": ["823161556", "831.63.0543"], "PHONE_NUMBER": ["6202512331", "780-863-4936"]},
    ),
    "exports/orders.ndjson": (
        '{"order_id": 345678901, "ssn": "234-56-7890", "card": "5258638099924933 12/27"}\n'
        '{"order_id": 456789012, "seq": 2125550199, "iban": "be68 5390 0754 7034"}\n',
        {"US_SSN": ["234-56-7890"], "CREDIT_CARD": ["5258638099924933"], "IBAN_CODE": ["be68 5390 0754 7034"]},
    ),
    "logs/access.log": (
        '145.250.70.245 - - [10/Oct/2026:13:55:36 -0700] "GET /u?email=jessica.smith19%40gmail.com HTTP/1.1" 200\n'
        "peer 2a00:1450:4001:81b::200e. closed; trace=63afd36883546c74847 took=1700000000123\n",
        {"IP_ADDRESS": ["145.250.70.245", "2a00:1450:4001:81b::200e"],
         "EMAIL_ADDRESS": ["jessica.smith19%40gmail.com"]},
    ),
    "letters/contact.txt": (
        "Please call Maria on Mobile: 0490 75 40 81 or the office.\n"
        "Her Social Insurance Number: 046-454-286 is not a US number. NPI: 1234567893.\n"
        "Test card for the sandbox: 4111 1111 1111 1111.\n",
        {"PHONE_NUMBER": ["0490 75 40 81"]},
    ),
}
NOT_FOUND = ["635131844", "860520258", "799840592", "345678901", "456789012", "2125550199", "1234567893",
             "00005448313", "1700000000123", "4111 1111 1111 1111"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("forms")
    share = root / "share"
    for rel, (text, _) in FILES.items():
        path = share / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    inv, log = root / "inv", root / "scan.log"
    proc = run_piiscout("scan", str(share), "-i", str(inv), "-v", "--log-format", "json", "--log-file", str(log))
    assert proc.returncode == 0, proc.stderr
    return root, share, inv, log, proc


def _found(inv: Path, share: Path) -> dict[str, set[tuple[str, str]]]:
    from scanner import privacy
    from tests.conftest import TEST_KEY

    rows = ds.dataset(inv / "findings", format="parquet").to_table().to_pylist()
    out: dict[str, set[tuple[str, str]]] = {}
    for r in rows:
        out.setdefault(str(Path(r["location"]).relative_to(share)), set()).add((r["entity_type"], r["value_hash"]))
    return out, (lambda ent, v: privacy.value_hash(ent, v, TEST_KEY.encode()))


def test_every_form_is_found_as_its_entity(scanned):
    _, share, inv, _, _ = scanned
    found, h = _found(inv, share)
    for rel, (_, truth) in FILES.items():
        want = {(ent, h(ent, v)) for ent, vals in truth.items() for v in vals}
        assert want <= found.get(rel, set()), rel
        core = {"US_SSN", "CREDIT_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "ABA_ROUTING_NUMBER", "US_BANK_NUMBER"}
        extra = {(e, x) for e, x in found.get(rel, set()) - want if e in core}
        assert extra == set(), (rel, extra)


def test_no_raw_value_leaves_the_scan(scanned):
    root, share, inv, log, proc = scanned
    outputs = [proc.stdout, proc.stderr, log.read_text(encoding="utf-8"), "\n".join(all_strings(inv))]
    for fmt in ("text", "json"):
        rep = run_piiscout("report", str(inv), "--format", fmt)
        assert rep.returncode == 0, rep.stderr
        outputs += [rep.stdout, rep.stderr]
    for name in ("out.csv", "out.xlsx"):
        exp = run_piiscout("export", str(inv), "-o", str(root / name))
        assert exp.returncode == 0, exp.stderr
    outputs.append((root / "out.csv").read_text(encoding="utf-8"))
    with zipfile.ZipFile(root / "out.xlsx") as z:
        outputs += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    blob = "\n".join(outputs)
    raws = {v for _, truth in FILES.values() for vals in truth.values() for raw in vals for v in raw_variants(raw)
            if len(v) >= 8}
    raws |= {"jessica.smith19@gmail.com", "4111111111111111"}
    assert sorted(v for v in raws if v in blob) == []


def test_decoys_and_test_cards_are_not_findings(scanned):
    _, share, inv, _, _ = scanned
    from scanner.inventory.reader import Inventory

    found, h = _found(inv, share)
    everything = {x for per in found.values() for _, x in per}
    for ent in ("US_SSN", "PHONE_NUMBER", "CREDIT_CARD", "US_BANK_NUMBER", "ABA_ROUTING_NUMBER"):
        for v in NOT_FOUND:
            assert h(ent, v) not in everything, (ent, v)
    i = Inventory(inv)
    assert i.scans().to_pylist()[-1]["suppressed"] >= 1  # the test card
