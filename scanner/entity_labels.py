"""Entity types for people: plain-English names, sensitivity and kind.

The one place that turns an entity code (`US_SSN`) into what a business
owner reads ("Social Security number"). The client report, the XLSX
export, the CLI and webhooks all ask here, so a name is spelled the same
everywhere. Codes appear only in technical places (the report's appendix,
the export's technical sheet, JSON).

Pure data, no imports of detectors: the CLI and exports use it without
loading Presidio. An entity not in the table (a plugin, a custom rule, an
entity added later) still gets a readable name from its code (`info()`:
country prefix, words), a sensitivity of "medium" and the kind "other".

Sensitivity drives the risk score (scanner/risk.py, README "Risk score"):
  high    identity theft, fraud or health data: SSN, payment card, bank
          account, passport, national id, credential, medical
  medium  identifies or locates a person: date of birth, address, name
  low     contact and network data: e-mail, phone, IP address
  none    not personal data: published test card numbers
"""

from __future__ import annotations

from dataclasses import dataclass

HIGH, MEDIUM, LOW, NONE = "high", "medium", "low", "none"
SENSITIVITIES = (HIGH, MEDIUM, LOW, NONE)

# Kinds group entities for recommendations and obligations (scanner/reporting/guidance.py).
GOVERNMENT_ID = "government_id"
FINANCIAL = "financial"
CARD = "card"
HEALTH = "health"
CREDENTIAL = "credential"
PERSONAL = "personal"
CONTACT = "contact"
NETWORK = "network"
TEST_DATA = "test_data"
OTHER = "other"


@dataclass(frozen=True)
class EntityInfo:
    code: str
    name: str  # singular, sentence case: "Social Security number"
    plural: str  # "Social Security numbers"
    sensitivity: str  # high | medium | low | none
    kind: str  # government_id | financial | card | health | credential | personal | contact | network | ...
    known: bool = True  # False: the name was made up from the code

    def count(self, n: int) -> str:
        """"1 Social Security number", "412 Social Security numbers"."""
        return f"{n:,} {self.name if n == 1 else self.plural}"


def _e(code: str, name: str, plural: str | None, sensitivity: str, kind: str) -> EntityInfo:
    return EntityInfo(code, name, plural or name + "s", sensitivity, kind)


_TABLE: tuple[EntityInfo, ...] = (
    # United States
    _e("US_SSN", "Social Security number", None, HIGH, GOVERNMENT_ID),
    _e("US_ITIN", "Individual Taxpayer Identification Number", None, HIGH, GOVERNMENT_ID),
    _e("US_PASSPORT", "US passport number", None, HIGH, GOVERNMENT_ID),
    _e("US_DRIVER_LICENSE", "driver's license number", None, HIGH, GOVERNMENT_ID),
    _e("US_BANK_NUMBER", "bank account number", None, HIGH, FINANCIAL),
    _e("ABA_ROUTING_NUMBER", "bank routing number", None, LOW, FINANCIAL),
    _e("US_ABA_ROUTING_NUMBER", "bank routing number", None, LOW, FINANCIAL),
    _e("US_ADDRESS", "street address", "street addresses", MEDIUM, PERSONAL),
    _e("MEDICAL_LICENSE", "medical license number", None, MEDIUM, GOVERNMENT_ID),
    _e("US_NPI", "National Provider Identifier", None, LOW, OTHER),
    # Payment and banking
    _e("CREDIT_CARD", "payment card number", None, HIGH, CARD),
    _e("TEST_CARD", "published test card number", None, NONE, TEST_DATA),
    _e("TEST_CREDIT_CARD", "published test card number", None, NONE, TEST_DATA),
    _e("CREDIT_CARD_TEST", "published test card number", None, NONE, TEST_DATA),
    _e("TEST_PAYMENT_CARD", "published test card number", None, NONE, TEST_DATA),
    _e("IBAN_CODE", "international bank account number (IBAN)", "international bank account numbers (IBAN)",
       HIGH, FINANCIAL),
    _e("CRYPTO", "cryptocurrency wallet address", "cryptocurrency wallet addresses", MEDIUM, FINANCIAL),
    # Health
    _e("MEDICAL_CONDITION", "medical condition term", None, HIGH, HEALTH),
    _e("MEDICATION", "medication name", None, HIGH, HEALTH),
    _e("MEDICAL_PROCEDURE", "medical procedure term", None, HIGH, HEALTH),
    _e("ICD10_CODE", "diagnosis code (ICD-10)", "diagnosis codes (ICD-10)", HIGH, HEALTH),
    _e("UK_NHS", "NHS number", None, HIGH, HEALTH),
    _e("AU_MEDICARE", "Australian Medicare number", None, HIGH, HEALTH),
    # Secrets
    _e("CREDENTIAL", "password or access key", "passwords and access keys", HIGH, CREDENTIAL),
    _e("PASSWORD", "password", None, HIGH, CREDENTIAL),
    _e("PRIVATE_KEY", "private key", None, HIGH, CREDENTIAL),
    _e("API_KEY", "API key", None, HIGH, CREDENTIAL),
    # People
    _e("PERSON", "person's name", "people's names", MEDIUM, PERSONAL),
    _e("DATE_OF_BIRTH", "date of birth", "dates of birth", MEDIUM, PERSONAL),
    _e("NRP", "nationality, religious or political group", "nationality, religious or political groups",
       MEDIUM, PERSONAL),
    _e("LOCATION", "place name", None, LOW, PERSONAL),
    _e("ORGANIZATION", "organisation name", None, LOW, OTHER),
    _e("DATE_TIME", "date or time", "dates or times", LOW, OTHER),
    # Contact and network
    _e("EMAIL_ADDRESS", "e-mail address", "e-mail addresses", LOW, CONTACT),
    _e("PHONE_NUMBER", "phone number", None, LOW, CONTACT),
    _e("IP_ADDRESS", "IP address", "IP addresses", LOW, NETWORK),
    _e("URL", "web address", "web addresses", LOW, NETWORK),
    _e("MAC_ADDRESS", "MAC address", "MAC addresses", LOW, NETWORK),
    # National identifiers elsewhere (python-stdnum validates most of them)
    _e("UK_NINO", "UK National Insurance number", None, HIGH, GOVERNMENT_ID),
    _e("UK_PASSPORT", "UK passport number", None, HIGH, GOVERNMENT_ID),
    _e("UK_DRIVING_LICENCE", "UK driving licence number", None, HIGH, GOVERNMENT_ID),
    _e("CA_SIN", "Canadian Social Insurance Number", None, HIGH, GOVERNMENT_ID),
    _e("DE_TAX_ID", "German tax ID (Steuer-ID)", "German tax IDs (Steuer-ID)", HIGH, GOVERNMENT_ID),
    _e("DE_STEUER_ID", "German tax ID (Steuer-ID)", "German tax IDs (Steuer-ID)", HIGH, GOVERNMENT_ID),
    _e("DE_IDNR", "German tax ID (Steuer-ID)", "German tax IDs (Steuer-ID)", HIGH, GOVERNMENT_ID),
    _e("DE_SVNR", "German social insurance number", None, HIGH, GOVERNMENT_ID),
    _e("FR_NIR", "French social security number (NIR)", "French social security numbers (NIR)",
       HIGH, GOVERNMENT_ID),
    _e("FR_INSEE", "French social security number (NIR)", "French social security numbers (NIR)",
       HIGH, GOVERNMENT_ID),
    _e("ES_DNI", "Spanish national ID (DNI)", "Spanish national IDs (DNI)", HIGH, GOVERNMENT_ID),
    _e("ES_NIF", "Spanish tax ID (NIF)", "Spanish tax IDs (NIF)", HIGH, GOVERNMENT_ID),
    _e("ES_NIE", "Spanish foreigner ID (NIE)", "Spanish foreigner IDs (NIE)", HIGH, GOVERNMENT_ID),
    _e("IT_FISCAL_CODE", "Italian fiscal code", None, HIGH, GOVERNMENT_ID),
    _e("IT_CODICE_FISCALE", "Italian fiscal code", None, HIGH, GOVERNMENT_ID),
    _e("NL_BSN", "Dutch citizen service number (BSN)", "Dutch citizen service numbers (BSN)",
       HIGH, GOVERNMENT_ID),
    _e("BE_NN", "Belgian national number", None, HIGH, GOVERNMENT_ID),
    _e("PL_PESEL", "Polish PESEL number", None, HIGH, GOVERNMENT_ID),
    _e("SE_PERSONNUMMER", "Swedish personal identity number", None, HIGH, GOVERNMENT_ID),
    _e("DK_CPR", "Danish CPR number", None, HIGH, GOVERNMENT_ID),
    _e("FI_HETU", "Finnish personal identity code", None, HIGH, GOVERNMENT_ID),
    _e("FI_PERSONAL_IDENTITY_CODE", "Finnish personal identity code", None, HIGH, GOVERNMENT_ID),
    _e("NO_FODSELSNUMMER", "Norwegian national identity number", None, HIGH, GOVERNMENT_ID),
    _e("PT_NIF", "Portuguese tax number (NIF)", "Portuguese tax numbers (NIF)", HIGH, GOVERNMENT_ID),
    _e("IE_PPS", "Irish PPS number", None, HIGH, GOVERNMENT_ID),
    _e("AT_SVNR", "Austrian social insurance number", None, HIGH, GOVERNMENT_ID),
    _e("PT_CC", "Portuguese citizen card number", None, HIGH, GOVERNMENT_ID),
    _e("CH_AHV", "Swiss social security number (AHV)", "Swiss social security numbers (AHV)", HIGH, GOVERNMENT_ID),
    _e("CZ_RC", "Czech birth number", None, HIGH, GOVERNMENT_ID),
    _e("RO_CNP", "Romanian personal numeric code (CNP)", "Romanian personal numeric codes (CNP)",
       HIGH, GOVERNMENT_ID),
    _e("BG_EGN", "Bulgarian personal number (EGN)", "Bulgarian personal numbers (EGN)", HIGH, GOVERNMENT_ID),
    _e("IT_PASSPORT", "Italian passport number", None, HIGH, GOVERNMENT_ID),
    _e("IT_IDENTITY_CARD", "Italian identity card number", None, HIGH, GOVERNMENT_ID),
    _e("IT_DRIVER_LICENSE", "Italian driving licence number", None, HIGH, GOVERNMENT_ID),
    _e("IT_VAT_CODE", "Italian VAT number", None, LOW, OTHER),
    _e("AU_TFN", "Australian tax file number", None, HIGH, GOVERNMENT_ID),
    _e("AU_ABN", "Australian business number", None, LOW, OTHER),
    _e("AU_ACN", "Australian company number", None, LOW, OTHER),
    _e("IN_AADHAAR", "Indian Aadhaar number", None, HIGH, GOVERNMENT_ID),
    _e("IN_PAN", "Indian PAN", None, HIGH, GOVERNMENT_ID),
    _e("IN_PASSPORT", "Indian passport number", None, HIGH, GOVERNMENT_ID),
    _e("IN_VOTER", "Indian voter ID", None, HIGH, GOVERNMENT_ID),
    _e("IN_VEHICLE_REGISTRATION", "Indian vehicle registration", None, LOW, OTHER),
    _e("SG_NRIC_FIN", "Singapore NRIC/FIN", "Singapore NRIC/FINs", HIGH, GOVERNMENT_ID),
    _e("KR_RRN", "Korean resident registration number", None, HIGH, GOVERNMENT_ID),
    _e("TH_TNIN", "Thai national ID number", None, HIGH, GOVERNMENT_ID),
)
_BY_CODE: dict[str, EntityInfo] = {e.code: e for e in _TABLE}

# For codes not in the table: "XX_SOMETHING" from another country.
_COUNTRIES = {
    "AT": "Austrian", "AU": "Australian", "BE": "Belgian", "BG": "Bulgarian", "BR": "Brazilian",
    "CA": "Canadian", "CH": "Swiss", "CY": "Cypriot", "CZ": "Czech", "DE": "German", "DK": "Danish",
    "EE": "Estonian", "ES": "Spanish", "EU": "EU", "FI": "Finnish", "FR": "French", "GB": "UK",
    "GR": "Greek", "HR": "Croatian", "HU": "Hungarian", "IE": "Irish", "IN": "Indian", "IS": "Icelandic",
    "IT": "Italian", "JP": "Japanese", "KR": "Korean", "LT": "Lithuanian", "LU": "Luxembourg",
    "LV": "Latvian", "MT": "Maltese", "MX": "Mexican", "NL": "Dutch", "NO": "Norwegian", "NZ": "New Zealand",
    "PL": "Polish", "PT": "Portuguese", "RO": "Romanian", "SE": "Swedish", "SG": "Singapore",
    "SI": "Slovenian", "SK": "Slovak", "TH": "Thai", "UK": "UK", "US": "US", "ZA": "South African",
}
# Words of a code that say "an identifier of a person".
_ID_WORDS = {"ID", "IDNR", "NIN", "NINO", "SSN", "SIN", "TIN", "NIF", "NIE", "DNI", "PIN", "PESEL", "BSN",
             "CNP", "EGN", "RC", "NIR", "TAX", "SOCIAL", "NATIONAL", "PERSONAL", "IDENTITY", "PASSPORT",
             "LICENSE", "LICENCE", "INSURANCE", "CITIZEN"}
_ACRONYMS = {"ID", "IBAN", "NHS", "VAT", "PIN", "IP", "URL", "API"}


def _guess(code: str) -> EntityInfo:
    words = [w for w in code.upper().split("_") if w]
    if not words:
        return EntityInfo(code, "unnamed entity type", "unnamed entity types", MEDIUM, OTHER, known=False)
    country = _COUNTRIES.get(words[0]) if len(words) > 1 else None
    rest = words[1:] if country else words
    text = " ".join(w if w in _ACRONYMS or (len(w) <= 4 and w in _ID_WORDS) else w.lower() for w in rest)
    name = f"{country} {text}" if country else text[:1].upper() + text[1:]
    national_id = bool(country) and any(w in _ID_WORDS for w in rest)
    sensitivity = HIGH if national_id else MEDIUM
    kind = GOVERNMENT_ID if national_id else OTHER
    plural = name if name.endswith("s") else name + "s"
    return EntityInfo(code, name, plural, sensitivity, kind, known=False)


def info(code: str) -> EntityInfo:
    """What an entity code means for people; a readable guess for unknown codes."""
    got = _BY_CODE.get(code)
    if got is None:
        got = _BY_CODE.get(code.upper()) or _guess(code)
    return got


def name(code: str) -> str:
    """Singular name in sentence case, as it starts a table cell: "Social Security number"."""
    n = info(code).name
    return n[:1].upper() + n[1:]


def plural(code: str) -> str:
    return info(code).plural


def sensitivity(code: str) -> str:
    return info(code).sensitivity


def known_codes() -> tuple[str, ...]:
    return tuple(_BY_CODE)
