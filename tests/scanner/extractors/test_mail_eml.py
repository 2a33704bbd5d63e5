"""EML / RFC 822: headers, bodies, attachments, broken input, part names."""

from __future__ import annotations

from pathlib import Path

from scanner import evaluation
from scanner.extractors.htmltext import html_to_text
from scanner.mail.mime import decode_header_value, parse_message
from scanner.mail.names import attachment_part, folder_part, safe_text
from scanner.sniff import sniff
from tests.conftest import FIXTURES
from tests.scanner.extractors.mail_helpers import rel

EML = FIXTURES / "mail" / "eml"


def test_headers_bodies_and_attachments():
    msg = parse_message((EML / "message_2.eml").read_bytes())
    names = [h[0].lower() for h in msg.headers]
    assert "from" in names and "to" in names and "subject" in names
    assert "message-id" not in names and "date" not in names  # ids and dates only make false positives
    assert msg.message_id and msg.message_id.startswith("<")
    assert len(msg.attachments) == 2 and all(a.open is not None for a in msg.attachments)
    # multipart/alternative: the HTML repeats the plain body, so it is not scanned twice.
    assert len(msg.bodies) == 1


def test_encoded_words_and_8bit_headers():
    msg = parse_message((EML / "encoded_headers.eml").read_bytes())
    head = dict(msg.headers)
    assert head["From"].startswith("Jürgen Müller <")
    assert head["Subject"].startswith("Überweisung – Tel. ")
    latin = parse_message((EML / "latin1_8bit.eml").read_bytes())
    assert dict(latin.headers)["Subject"] == "Résumé"
    assert "Numéro de sécurité sociale" in latin.bodies[0]
    assert decode_header_value("=?utf-8?q?J=C3=BCrgen?= <j@example.com>") == "Jürgen <j@example.com>"
    assert decode_header_value("=?bogus?q?broken") == "=?bogus?q?broken"


def test_broken_mime_is_noted_and_read():
    msg = parse_message((EML / "broken_mime.eml").read_bytes())
    notes = "; ".join(msg.notes)
    assert "CloseBoundaryNotFoundDefect" in notes and "unknown charset" in notes
    data = msg.attachments[0].open().read()  # base64 cut short: every complete byte is kept
    assert data.startswith(b"ssn,phone\n") and b"more rows" in data


def test_garbage_and_empty_input_do_not_raise():
    for data in (b"", b"\x00\xff" * 100, b"Subject: x\n\n", b"Content-Type: multipart/mixed\n\nno boundary"):
        parse_message(data)


def test_html_to_text_keeps_visible_text_only():
    html = ("<html><head><title>t</title><style>p{x:1}</style></head><body><p>SSN&nbsp;234-56-7890</p>"
            "<script>var a='345-67-8901'</script><table><tr><td>Phone</td><td>(212) 555-0147</td></tr></table>")
    text = html_to_text(html)
    assert "SSN 234-56-7890" in text and "(212) 555-0147" in text
    assert "345-67-8901" not in text and "p{x:1}" not in text
    linked = html_to_text('<p>Write <a href="mailto:jane%40example.com?subject=x">here</a> or '
                          '<a href="TEL:+12125550147">call</a></p>')
    assert "jane@example.com" in linked and "+12125550147" in linked
    # The same converter as HTML documents: what a reader sees in attributes counts too.
    shown = html_to_text('<p><img alt="badge of Jo, SSN 234-56-7891"><input value="jo@example.org"></p>')
    assert "SSN 234-56-7891" in shown and "jo@example.org" in shown
    assert html_to_text("") == "" and html_to_text("<<<") == "<<<"


def test_part_names_hold_no_pii():
    assert attachment_part(2, "W2 123-45-6789.pdf") == "att-2-W# ###-##-####.pdf"
    assert attachment_part(1, "jane.doe@example.com.txt") == "att-1-***@example.com.txt"
    assert attachment_part(3, "John Smith (212) 555-0147.docx") == "att-3-J* S* (###) ###-####.docx"
    assert attachment_part(4, "Payroll 2023 Q3.xlsx") == "att-4-Payroll 2023 Q3.xlsx"
    assert attachment_part(5, None, ".msg") == "att-5.msg"
    assert attachment_part(6, "..\\..\\evil/name.txt") == "att-6-name.txt"
    assert folder_part(["Top of Personal Folders", "Inbox", "Clients", "Smith, John 4111111111111111"]) == \
        "Top of Personal Folders/Inbox/Clients/S*, J* ################"
    assert "/" not in safe_text("a/b")


def test_sniffing_by_content():
    assert sniff((EML / "message_1.eml").read_bytes()[:8192], "x.bin") == "message/rfc822"
    assert sniff((FIXTURES / "mail/mbox/inbox.mbox").read_bytes()[:8192], "inbox") == "application/mbox"


def test_nested_msg_inside_eml_is_scanned(mail_scan):
    _, _, items, findings = mail_scan
    rows = {r["part"]: r for r in items if rel(r["location"]) == "mail/eml/with_msg_attachment.eml"}
    assert rows["att-1-Fwd_ payroll question.msg"]["content_type"] == "application/vnd.ms-outlook"
    assert rows["att-1-Fwd_ payroll question.msg"]["status"] == "scanned"
    assert rows["att-1-Fwd_ payroll question.msg/att-1-payroll.csv"]["findings"] > 0


def test_broken_mime_item_is_scanned_with_reason(mail_scan):
    _, _, items, _ = mail_scan
    row = next(r for r in items if rel(r["location"]) == "mail/eml/broken_mime.eml" and r["part"] == "")
    assert row["status"] == "scanned" and "broken MIME" in row["reason"]


def test_precision_recall_per_message_file(mail_scan, truth):
    inv, _, _, _ = mail_scan
    found = evaluation.found_hashes(Path(inv), None, FIXTURES)
    files = [p for p in truth if p.startswith(("mail/eml/", "mail/maildir/"))]
    assert len(files) >= 15
    result = evaluation.evaluate(found, truth, entities=("US_SSN", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD"),
                                 files=files)
    assert evaluation.worst_files(result, 0.95) == []


def test_no_raw_value_in_the_inventory(mail_scan, truth):
    from tests.conftest import all_strings, raw_variants

    inv, _, _, _ = mail_scan
    text = "\n".join(all_strings(Path(inv)))
    planted = [v for p, per in truth.items() if p.startswith("mail/") for vals in per.values() for v in vals]
    assert planted
    leaked = [v for value in planted for v in raw_variants(value) if v in text]
    assert leaked == []


def test_custom_x_headers_are_scanned_technical_ones_are_not():
    data = (b"From: a@example.com\nX-Customer-Phone: (212) 555-0147\nX-MS-Exchange-Organization-Id: 1234567890\n"
            b"Message-ID: <1234.jane@example.com>\nReceived: from host by host for <b@example.com>\n\nbody\n")
    msg = parse_message(data)
    names = [n.lower() for n, _ in msg.headers]
    assert names == ["from", "x-customer-phone"]
    assert msg.message_id == "<1234.jane@example.com>"


def test_encrypted_parts_are_skipped_with_a_reason():
    smime = (b"From: a@example.com\nMIME-Version: 1.0\nContent-Type: application/pkcs7-mime; name=smime.p7m\n"
             b"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n")
    msg = parse_message(smime)
    assert [a.skip for a in msg.attachments] == ["encrypted (S/MIME)"]
    pgp = (b"From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/encrypted; boundary=b;"
           b" protocol=\"application/pgp-encrypted\"\n\n--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
           b"--b\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\nhQEMA\n--b--\n")
    msg = parse_message(pgp)
    assert [a.skip for a in msg.attachments] == ["encrypted (PGP)", "encrypted (PGP)"]
