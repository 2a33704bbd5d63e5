"""What the client should do, and why: recommendations per kind of data,
mapped to the obligations MSP clients face, and skip/error reasons in
plain English.

Wording is factual: what a rule covers and what it asks, with its
reference, never a legal conclusion about the client. The report says that
it is not legal advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scanner import entity_labels as el


@dataclass(frozen=True)
class Obligation:
    framework: str  # "PCI DSS", "HIPAA", "US state breach laws", "GDPR"...
    text: str
    # Shown only when an entity code found starts with one of these ("CA_": Canadian data).
    requires: tuple[str, ...] = ()

    def applies(self, codes) -> bool:
        return not self.requires or any(c.startswith(self.requires) for c in codes)


@dataclass(frozen=True)
class Guidance:
    kind: str
    title: str
    why: str
    obligations: tuple[Obligation, ...]
    actions: tuple[str, ...]


_BREACH_LAWS = "US state breach laws"
_GDPR = "GDPR / UK GDPR"

GUIDANCE: dict[str, Guidance] = {g.kind: g for g in (
    Guidance(
        el.CARD, "Payment card numbers",
        "Stored card numbers put the business in scope of PCI DSS wherever they sit, and are among the "
        "data most often used for fraud.",
        (
            Obligation("PCI DSS v4.0", "Requirement 3.2.1: keep stored account data to a minimum, with "
                                       "retention and disposal rules. Requirement 3.5.1: render a stored "
                                       "card number (PAN) unreadable wherever it is stored."),
            Obligation("PCI DSS v4.0", "Requirement 12.5.2: confirm the PCI DSS scope, including every "
                                       "location where account data is stored, at least once every 12 months. "
                                       "Requirement 7: limit access to account data to those who need it."),
            Obligation(_BREACH_LAWS, "Every US state, the District of Columbia, Guam, Puerto Rico and the "
                                     "US Virgin Islands have breach-notification laws; a card or account "
                                     "number, with any code needed to use it, together with a person's "
                                     "name is personal information under them."),
        ),
        (
            "Delete card numbers that are no longer needed; card data should live only in the payment "
            "system, not in spreadsheets, exports or mail.",
            "Where a file must be kept, restrict it to the people who need it and store it encrypted.",
            "Check the files listed under 'Where the risk is' first: they hold the most card numbers or "
            "are readable by the most people.",
        ),
    ),
    Guidance(
        el.GOVERNMENT_ID, "Social Security and other government identifiers",
        "Government identifiers (Social Security, taxpayer, passport, driver's license and national "
        "identity numbers) enable identity theft and are named in every US state's breach law.",
        (
            Obligation(_BREACH_LAWS, "A Social Security number, driver's license or state ID number together "
                                     "with a person's name is personal information under the breach laws of "
                                     "every state; unauthorised access to it can require notifying the people "
                                     "affected and, in many states, the attorney general. Most states exempt "
                                     "data that was encrypted and whose key was not exposed."),
            Obligation(_BREACH_LAWS, "Several states require reasonable security measures for it, for example "
                                     "Massachusetts 201 CMR 17.00 (encryption of personal information on "
                                     "laptops and portable media) and New York's SHIELD Act."),
            Obligation(_GDPR, "National identification numbers are personal data; Article 87 lets member "
                              "states set conditions for processing them. Articles 5(1)(c) and 5(1)(e): keep "
                              "only what is needed, for no longer than needed. Article 32: secure it."),
            Obligation("Canada PIPEDA", "The Social Insurance Number is personal information; the Office of the "
                                        "Privacy Commissioner advises collecting it only where the law requires.",
                       requires=("CA_",)),
        ),
        (
            "Remove copies that are not needed (old exports, scans of forms, personal folders) and keep the "
            "rest in the system of record (HR, payroll) rather than on file shares.",
            "Restrict the folders that must keep them to named groups, and encrypt them.",
            "Set a retention period and delete what is past it: old files score higher in this report.",
        ),
    ),
    Guidance(
        el.FINANCIAL, "Bank account details",
        "Account numbers with routing numbers are enough to set up fraudulent debits and are named in "
        "state breach laws.",
        (
            Obligation(_BREACH_LAWS, "A financial account number, with any code or password needed to access "
                                     "the account, together with a person's name is personal information under "
                                     "state breach laws."),
            Obligation("GLBA Safeguards Rule", "Financial institutions (including many tax preparers and lenders) "
                                               "must protect customer information: 16 CFR 314.4, including "
                                               "encryption and access controls."),
            Obligation(_GDPR, "Bank details (including IBANs) of people are personal data: Article 32 asks for "
                              "security appropriate to the risk."),
        ),
        (
            "Keep bank details only in the finance or payroll system; delete copies in exports and mail.",
            "Restrict and encrypt what must remain on shares.",
        ),
    ),
    Guidance(
        el.HEALTH, "Health information",
        "Medical terms next to people's identifiers (names, dates of birth, record numbers) are health "
        "information; on their own (a leaflet, a price list) they are not.",
        (
            Obligation("HIPAA", "For covered entities and their business associates (an MSP that hosts or "
                                "manages a practice's systems usually is one), individually identifiable health "
                                "information is protected health information. The Security Rule asks for a "
                                "risk analysis (45 CFR 164.308(a)(1)) and access control (164.312(a)); the "
                                "Breach Notification Rule (164.400-414) applies to unsecured PHI."),
            Obligation("HIPAA", "Minimum necessary (45 CFR 164.502(b)): use and disclose only the PHI needed "
                                "for the purpose."),
            Obligation(_GDPR, "Data concerning health is a special category (Article 9): processing it needs a "
                              "specific legal ground and, often, a data protection impact assessment (Article 35)."),
            Obligation(_BREACH_LAWS, "Several states (for example California, Texas, Florida) also count medical "
                                     "or health-insurance information as personal information."),
        ),
        (
            "Check the files with both health terms and identifiers first: they are the ones that can be PHI.",
            "Keep clinical records in the practice-management or EHR system; remove copies from shares and "
            "mail.",
            "Limit the folders that must keep them to clinical staff.",
        ),
    ),
    Guidance(
        el.CREDENTIAL, "Passwords and access keys",
        "A password, private key or cloud access key in a file gives whoever reads the file the access it "
        "protects.",
        (
            Obligation(_BREACH_LAWS, "Several states (for example California Civil Code 1798.82) count a user name "
                                     "or e-mail address together with a password that permits access to an "
                                     "online account as personal information."),
            Obligation("PCI DSS v4.0", "Requirement 8.3.2: render authentication factors unreadable with strong "
                                       "cryptography in storage and transmission."),
            Obligation("HIPAA / GDPR", "Access control and security of processing (45 CFR 164.312(a); GDPR "
                                       "Article 32) cover the credentials that guard personal data."),
        ),
        (
            "Treat every credential listed as exposed: change the password or rotate the key.",
            "Move them to a password manager or secret store; delete the files.",
        ),
    ),
    Guidance(
        el.PERSONAL, "Names, dates of birth and addresses",
        "These identify people. They are rarely a problem alone, but combined with the numbers above they "
        "make the data far more useful to an attacker.",
        (
            Obligation(_GDPR, "Any information relating to an identifiable person is personal data (Article 4(1)); "
                              "Articles 5(1)(c) and 5(1)(e): keep only what is needed, for no longer than needed."),
            Obligation(_BREACH_LAWS, "A name is the first half of the 'personal information' that state breach laws "
                                     "define: with an SSN, an account number or a driver's license number it "
                                     "triggers them."),
        ),
        (
            "Where these sit in the same files as identifiers or health data, deal with those files first.",
            "Keep customer and staff lists in the CRM or HR system rather than in loose spreadsheets.",
        ),
    ),
    Guidance(
        el.CONTACT, "E-mail addresses and phone numbers",
        "Contact details are low-risk one by one, but large lists are what phishing and spam campaigns "
        "are built from.",
        (
            Obligation(_GDPR, "Contact details of people are personal data: keep a lawful basis and a retention "
                              "period for customer and marketing lists (Articles 5 and 6)."),
            Obligation(_BREACH_LAWS, "An e-mail address alone is not covered by most state breach laws; with a "
                                     "password it can be (see credentials)."),
        ),
        (
            "Remove old exports of customer and mailing lists; keep one copy in the CRM.",
        ),
    ),
    Guidance(
        el.NETWORK, "IP addresses",
        "IP addresses in logs are mostly a concern under European law.",
        (
            Obligation(_GDPR, "An IP address can be personal data (Court of Justice of the EU, Breyer, "
                              "C-582/14): set a retention period for logs that hold them."),
        ),
        (
            "Rotate and delete logs after the retention period the business has chosen.",
        ),
    ),
    Guidance(
        el.TEST_DATA, "Published test card numbers",
        "These are the card numbers card networks and payment providers publish for testing. They belong "
        "to nobody and are listed only to show they were recognised.",
        (),
        ("No action needed.",),
    ),
    Guidance(
        el.OTHER, "Other identifiers",
        "Identifiers found by custom rules or plugins, or data types without a specific rule.",
        (
            Obligation(_GDPR, "If they relate to identifiable people they are personal data (Article 4(1))."),
        ),
        ("Review whether these files need to be kept, and who needs to read them.",),
    ),
)}

# Order of the recommendations: what matters most first.
KIND_ORDER = (el.CARD, el.GOVERNMENT_ID, el.HEALTH, el.CREDENTIAL, el.FINANCIAL, el.PERSONAL,
              el.CONTACT, el.NETWORK, el.OTHER, el.TEST_DATA)


def guidance_for(kind: str) -> Guidance:
    return GUIDANCE.get(kind, GUIDANCE[el.OTHER])


# -- why an item was not examined --------------------------------------------------------

OCR_OFF = "Image or scanned page: text recognition (OCR) was off"

_REASONS: tuple[tuple[str, str], ...] = (
    (r"^ocr disabled", OCR_OFF),
    (r"^ocr unavailable", "Image or scanned page: OCR (Tesseract) is not installed"),
    (r"too large for ocr|decompression bomb", "Image too large to read"),
    (r"permission denied|access denied|access is denied|STATUS_ACCESS_DENIED", "Access denied to the scanning account"),
    (r"encrypted|password", "Password-protected or encrypted"),
    (r"^binary|application/x-(executable|dosexec)", "Program or binary file"),
    (r"unsupported format \(image/", "Image in a format that is not read"),
    (r"unsupported format|not an mbox", "File format that is not read"),
    (r"too large|larger than|over the limit|size limit", "Larger than the scan's size limit"),
    (r"compression ratio|members|archive bomb", "Archive too large when unpacked"),
    (r"timed? ?out|time limit|deadline", "Took longer than the scan's time limit"),
    (r"no such file|not found|vanished|disappeared", "Gone before it could be read"),
    (r"connection|network|reset by peer|broken pipe", "Connection lost while reading"),
    (r"corrupt|truncat|damaged|invalid|not a valid|badzip|not a zip|malformed|unexpected end|bad magic|eof",
     "Damaged, or not the format its name says"),
)


def explain_reason(status: str, reason: str | None) -> str:
    """A plain-English category for a skip or error reason."""
    text = reason or ""
    for pattern, plain in _REASONS:
        if re.search(pattern, text, re.IGNORECASE):
            return plain
    return "Could not be read" if status == "error" else "Not examined"


def is_ocr_off(reason: str | None) -> bool:
    return bool(reason) and explain_reason("skipped", reason) == OCR_OFF
