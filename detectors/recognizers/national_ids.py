"""European personal identification numbers that python-stdnum validates.

One recognizer class per identifier, built from the table below: the forms
the number is written in, the words that label it, and the stdnum module
whose `is_valid` checks its check digits and embedded dates. Entity names
follow Presidio's where it has one (DE_TAX_ID, ES_NIF, IT_FISCAL_CODE,
PL_PESEL, SE_PERSONNUMMER, FI_PERSONAL_IDENTITY_CODE), so `--entities`
means the same thing with either engine.

Most of these are plain runs of 9-11 digits, and a check digit passes one
random number in ten (in 97 at best): such forms count only with context
(a label on the line, or a column or key so named). Only shapes that
nothing else has (an Italian codice fiscale, a Finnish HETU with its
century sign, a Spanish NIE, a Belgian number written 85.07.30-033.28)
count alone.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

from detectors.base import PiiRecognizer, Rule, Trigger

# The value must not touch a letter, digit or a separator-digit on either side.
_L = r"(?<![\w.-])"
_R = r"(?![\w]|[.-]\d)"
# The same boundaries in a trigger (Hyperscan has no lookarounds): an ASCII
# letter, digit, "_", "." or "-" before, or an ASCII letter, digit or "_"
# after, rule a match out; a non-ASCII byte passes (a superset of \w's
# test). Hex ids and hashes in logs hold digit runs that, unbounded, look
# like a DNI or a PPS number: bounded, they wake nothing.
_TL = r"(?:^|[^0-9A-Za-z_.\-])"
_TR = r"(?:[^0-9A-Za-z_]|$)"
_TR_SEP = r"(?:[^0-9A-Za-z_.\-]|[.\-](?:[^0-9]|$)|$)"  # _R's: nor "." or "-" and a digit


@dataclass(frozen=True)
class IdSpec:
    entity: str
    stdnum: str  # module under stdnum
    rules: tuple[Rule, ...]
    context: tuple[str, ...]
    triggers: tuple[Trigger, ...]
    max_len: int
    doc: str
    # Keyword arguments of the stdnum module's is_valid.
    options: tuple[tuple[str, object], ...] = ()


def _digits_rule(name: str, n: int, score: float = 0.0, context_score: float = 0.8) -> Rule:
    return Rule(name, rf"(\d(?<![\w.-]\d)\d{{{n - 1}}})(?!\w|[.,]\d)", score, context_score)


def _digits_trigger(n: int) -> Trigger:
    return Trigger(rf"(?:^|[^0-9.])\d{{{n}}}(?:[^0-9]|$)", bare=True)


SPECS: tuple[IdSpec, ...] = (
    IdSpec(
        "DE_TAX_ID", "de.idnr",
        (Rule("idnr_grouped", r"([1-9](?<![\w.-]\d)\d (?:\d{3} ){2}\d{3})(?!\w| \d)", 0.0, 0.9),
         _digits_rule("idnr", 11, 0.0, 0.85)),
        ("steuer-id", "steuer id", "steuerid", "steuer-identifikationsnummer", "steueridentifikationsnummer",
         "identifikationsnummer", "idnr", "id-nr", "steuerliche identifikationsnummer", "tax id", "tin"),
        (_digits_trigger(11), Trigger(r"\d{2} \d{3} \d{3} \d{3}", bare=True)), 14,
        "German tax identification number (Steuer-ID), 11 digits with check digit",
    ),
    IdSpec(
        "FR_NIR", "fr.nir",
        (Rule("nir_spaced", r"([1278](?<![\w.-]\d) ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3}"
                            r" ?\d{2})(?!\w| \d)", 0.0, 0.9),),
        ("nir", "numéro de sécurité sociale", "numero de securite sociale", "sécurité sociale",
         "securite sociale", "sécu", "secu", "n° ss", "insee", "carte vitale", "numéro ss", "social security"),
        (Trigger(r"[1278] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}", bare=True),), 21,
        "French social security number (NIR), 15 characters, mod-97 key",
    ),
    IdSpec(
        "ES_NIF", "es.dni",
        (Rule("dni", r"(\d(?<![\w.-]\d)\d{7}-?[A-Za-z])(?![\w])", 0.4, 0.9),),
        ("dni", "d.n.i.", "nif", "n.i.f.", "documento nacional de identidad", "documento de identidad"),
        (Trigger(_TL + r"\d{8}-?[A-Za-z]" + _TR),), 10,
        "Spanish DNI/NIF, 8 digits and a check letter",
    ),
    IdSpec(
        "ES_NIE", "es.nie",
        # In capitals alone; any case (a product code "z2646483q") only with a label.
        (Rule("nie", r"([XYZ](?<![\w.-]\w)-?\d{7}-?[A-Z])(?![\w])", 0.6, 0.95),
         Rule("nie_any_case", r"([XYZxyz](?<![\w.-]\w)-?\d{7}-?[A-Za-z])(?![\w])", 0.0, 0.95)),
        ("nie", "n.i.e.", "número de identidad de extranjero", "identidad de extranjero", "extranjero"),
        (Trigger(_TL + r"[XYZxyz]-?\d{7}-?[A-Za-z]" + _TR),), 11,
        "Spanish foreigner number (NIE), X/Y/Z, 7 digits and a check letter",
    ),
    IdSpec(
        "IT_FISCAL_CODE", "it.codicefiscale",
        # Upper case alone; lower case (rare, and a hex-like string can take
        # the shape) only with a label.
        (Rule("codice_fiscale", r"([A-Z](?<![\w]\w)[A-Z]{5}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z]"
                                r"[0-9LMNPQRSTUV]{3}[A-Z])(?![\w])", 0.85, 1.0),
         Rule("codice_fiscale_any_case", r"((?i:[a-z](?<![\w]\w)[a-z]{5}[0-9lmnpqrstuv]{2}[a-ehlmpr-t]"
                                         r"[0-9lmnpqrstuv]{2}[a-z][0-9lmnpqrstuv]{3}[a-z]))(?![\w])", 0.0, 0.9)),
        ("codice fiscale", "cod. fiscale", "cod. fisc.", "c.f.", "cf", "fiscal code", "tax code"),
        (Trigger(r"[A-Za-z]{6}[0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{2}[A-Za-z][0-9LMNPQRSTUV]{3}[A-Za-z]",
                 caseless=True),), 16,
        "Italian tax code (codice fiscale), 16 characters with check letter",
    ),
    IdSpec(
        "NL_BSN", "nl.bsn",
        (Rule("bsn_dotted", r"(\d(?<![\w.-]\d)\d{3}\.\d{2}\.\d{3})(?!\w|\.\d)", 0.0, 0.9),
         _digits_rule("bsn", 9, 0.0, 0.85)),
        ("bsn", "burgerservicenummer", "burger service nummer", "sofinummer", "sofi-nummer", "sofi nummer"),
        (_digits_trigger(9), Trigger(r"\d{4}\.\d{2}\.\d{3}", bare=True)), 11,
        "Dutch citizen service number (BSN), 9 digits, 11-proof",
    ),
    IdSpec(
        "BE_NN", "be.nn",
        (Rule("nn_formatted", r"(\d(?<![\w.-]\d)\d\.[01]\d\.[0-3]\d-\d{3}\.\d{2})" + _R, 0.7, 0.95),
         _digits_rule("nn", 11, 0.0, 0.85)),
        ("rijksregisternummer", "rijksregister", "numéro national", "numero national", "registre national",
         "national number", "niss", "insz", "identificatienummer"),
        (Trigger(r"\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}"), _digits_trigger(11)), 15,
        "Belgian national register number, 11 digits with mod-97 check",
    ),
    IdSpec(
        "PL_PESEL", "pl.pesel",
        (_digits_rule("pesel", 11, 0.0, 0.9),),
        ("pesel", "nr pesel", "numer pesel"),
        (_digits_trigger(11),), 11,
        "Polish PESEL, 11 digits with birth date and check digit",
    ),
    IdSpec(
        "SE_PERSONNUMMER", "se.personnummer",
        (Rule("personnummer", r"(\d(?<![\w.-]\d)\d(?:\d{2})?\d{4}[-+]\d{4})" + _R, 0.4, 0.9),
         _digits_rule("personnummer_bare", 10, 0.0, 0.85)),
        ("personnummer", "personnr", "person nr", "pers.nr", "samordningsnummer", "personal identity number"),
        (Trigger(_TL + r"\d{6}(?:\d{2})?[-+]\d{4}" + _TR_SEP), _digits_trigger(10)), 13,
        "Swedish personal identity number, YYMMDD-NNNC (Luhn)",
    ),
    IdSpec(
        "DK_CPR", "dk.cpr",
        (Rule("cpr", r"([0-3](?<![\w.-]\d)\d[01]\d{3}-?\d{4})" + _R, 0.0, 0.85),),
        ("cpr", "cpr-nr", "cpr nr", "cpr-nummer", "cpr nummer", "personnummer"),
        (Trigger(r"[0-3]\d[01]\d{3}-?\d{4}", bare=True),), 11,
        "Danish CPR number, DDMMYY-NNNN with a valid birth date",
    ),
    IdSpec(
        "FI_PERSONAL_IDENTITY_CODE", "fi.hetu",
        (Rule("hetu", r"([0-3](?<![\w.-]\d)\d[01]\d{3}[-+A-FU-Y]\d{3}[0-9A-Y])(?![\w])", 0.7, 0.95),
         Rule("hetu_lower", r"([0-3](?<![\w.-]\d)\d[01]\d{3}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y])(?![\w])", 0.0, 0.9)),
        ("hetu", "henkilötunnus", "henkilotunnus", "sotu", "personbeteckning", "personal identity code"),
        (Trigger(_TL + r"[0-3]\d[01]\d{3}[-+A-FU-Ya-fu-y]\d{3}[0-9A-Ya-y]" + _TR),), 11,
        "Finnish personal identity code (HETU), DDMMYY, century sign, 3 digits, check character",
        # Temporary codes (individual number 900-999) identify people too.
        (("allow_temporary", True),),
    ),
    IdSpec(
        "NO_FODSELSNUMMER", "no.fodselsnummer",
        (Rule("fnr_spaced", r"([0-7](?<![\w.-]\d)\d[0-5]\d{3} \d{5})(?!\w| \d)", 0.0, 0.9),
         _digits_rule("fnr", 11, 0.0, 0.85)),
        ("fødselsnummer", "fodselsnummer", "foedselsnummer", "f.nr", "fnr", "personnummer"),
        (_digits_trigger(11), Trigger(r"\d{6} \d{5}", bare=True)), 12,
        "Norwegian national identity number (fødselsnummer), 11 digits, two check digits",
    ),
    IdSpec(
        "PT_CC", "pt.cc",
        # Printed spaced and in capitals; the compact form is also a hex id
        # (req_id=123456780ca1), so it counts only with a label.
        (Rule("cc", r"(\d(?<![\w.-]\d)\d{7} \d [A-Z]{2}\d)(?![\w])", 0.6, 0.95),
         Rule("cc_compact", r"(\d(?<![\w.-]\d)\d{7} ?\d ?[A-Za-z]{2}\d)(?![\w])", 0.0, 0.9)),
        ("cartão de cidadão", "cartao de cidadao", "cartão do cidadão", "cartao do cidadao",
         "número de identificação civil", "identificação civil", "n.º cc", "nº cc"),
        (Trigger(r"\d{8} \d [A-Z]{2}\d"), Trigger(r"\d{8} ?\d ?[A-Za-z]{2}\d", bare=True)), 14,
        "Portuguese citizen card number, 8 digits, check digit, 2 letters, check digit",
    ),
    IdSpec(
        "IE_PPS", "ie.pps",
        (Rule("pps", r"(\d(?<![\w.-]\d)\d{6}[A-Wa-w][A-IWa-iw]?)(?![\w])", 0.4, 0.9),),
        ("pps", "ppsn", "pps no", "pps number", "personal public service", "rsi", "rsi no"),
        (Trigger(_TL + r"\d{7}[A-Wa-w][A-IWa-iw]?" + _TR),), 9,
        "Irish Personal Public Service number, 7 digits and 1-2 check letters",
    ),
    IdSpec(
        "AT_SVNR", "at.vnr",
        (Rule("vnr", r"([1-9](?<![\w.-]\d)\d{3} ?[0-3]\d[01]\d{3})" + _R, 0.0, 0.85),),
        ("sozialversicherungsnummer", "versicherungsnummer", "sv-nummer", "sv-nr", "svnr", "vsnr"),
        (Trigger(r"\d{4} ?\d{6}", bare=True),), 11,
        "Austrian social insurance number (VNR), 10 digits with check digit and birth date",
    ),
    IdSpec(
        "CH_AHV", "ch.ssn",
        (Rule("ahv", r"(7(?<![\w.-]\d)56\.?\d{4}\.?\d{4}\.?\d{2})" + _R, 0.7, 0.95),),
        ("ahv", "avs", "ahv-nr", "ahv-nummer", "numéro avs", "sozialversicherungsnummer", "ahvn13"),
        (Trigger(_TL + r"756\.?\d{4}\.?\d{4}\.?\d{2}" + _TR_SEP),), 16,
        "Swiss social security number (AHV/AVS), 756 and 10 digits, EAN-13 check",
    ),
    IdSpec(
        "RO_CNP", "ro.cnp",
        (_digits_rule("cnp", 13, 0.0, 0.9),),
        ("cnp", "cod numeric personal", "codul numeric personal"),
        (_digits_trigger(13),), 13,
        "Romanian personal numeric code (CNP), 13 digits with birth date and check digit",
    ),
    IdSpec(
        "CZ_RC", "cz.rc",
        (Rule("rc", r"(\d(?<![\w.-]\d)\d[0-35-8]\d[0-3]\d/?\d{3,4})" + _R, 0.0, 0.85),),
        ("rodné číslo", "rodne cislo", "rodné č.", "r.č.", "birth number"),
        (Trigger(r"\d{6}/?\d{3,4}", bare=True),), 11,
        "Czech/Slovak birth number (rodné číslo), YYMMDD/NNNN",
    ),
)


@lru_cache(maxsize=None)
def _module(name: str):
    return importlib.import_module(f"stdnum.{name}")


def is_valid_id(stdnum_module: str, value: str, options: tuple[tuple[str, object], ...] = ()) -> bool:
    try:
        return bool(_module(stdnum_module).is_valid(value, **dict(options)))
    except Exception:  # noqa: BLE001 - stdnum raises on odd input; not valid then
        return False


def placeholder(value: str) -> bool:
    """A number that is one digit repeated but for its check character
    (00000000T, 00000000 0 ZZ4): the zero value of a form or a sample, not
    a person's, even when its check digit works out."""
    digits = [c for c in value if c.isdigit()]
    return len(digits) >= 6 and len(set(digits[:-1])) == 1


def _notes(spec: IdSpec) -> str:
    alone = [r for r in spec.rules if r.score >= 0.5]
    how = ("only with context" if not alone else "counts alone, context raises the score"
           if len(alone) == len(spec.rules) else "the distinctive form alone, other forms only with context")
    return f"{spec.doc}; checked by python-stdnum {spec.stdnum}; {how} ({', '.join(spec.context[:3])}…)"


def _make(spec: IdSpec) -> type[PiiRecognizer]:
    def validate(self, value: str) -> bool:
        return not placeholder(value) and is_valid_id(spec.stdnum, value, spec.options)

    # "Stdnum..." so as not to collide with Presidio's class names.
    name = "Stdnum" + "".join(p.capitalize() for p in spec.entity.split("_")) + "Recognizer"
    return type(name, (PiiRecognizer,), {
        "__doc__": spec.doc, "__module__": __name__, "ENTITY": spec.entity, "RULES": spec.rules,
        "CONTEXT": spec.context, "TRIGGERS": spec.triggers, "MAX_LEN": spec.max_len,
        "STDNUM": spec.stdnum, "validate": validate, "NOTES": _notes(spec),
    })


RECOGNIZERS: tuple[type[PiiRecognizer], ...] = tuple(_make(s) for s in SPECS)
