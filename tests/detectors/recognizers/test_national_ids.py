"""The European identifiers python-stdnum validates (national_ids.py): each
with values that must be found (valid numbers, in the forms and with the
labels they are written with) and near misses that must not (a wrong check
digit, an impossible date, no label where the shape alone is ambiguous)."""

import pytest

from detectors.catalog import recognizer_classes
from detectors.recognizers.national_ids import SPECS

MUST_MATCH = [
    ("DE_TAX_ID", "Steuer-ID: 31742180962", "31742180962"),
    ("DE_TAX_ID", "Steuerliche Identifikationsnummer 63 227 501 423", "63 227 501 423"),
    ("FR_NIR", "N° de sécurité sociale : 1 74 10 86 299 237 87", "1 74 10 86 299 237 87"),
    ("FR_NIR", "NIR 274111805016225", "274111805016225"),
    ("ES_NIF", "DNI 62650308X", "62650308X"),
    ("ES_NIF", "NIF: 43949522-H", "43949522-H"),
    ("ES_NIE", "NIE X5600898F", "X5600898F"),
    ("ES_NIE", "titular con Y-2106666-H", "Y-2106666-H"),
    ("IT_FISCAL_CODE", "Codice fiscale: MRTMTT91D08F205J", "MRTMTT91D08F205J"),
    ("IT_FISCAL_CODE", "cliente RSSMRA80A01H501U, Roma", "RSSMRA80A01H501U"),
    ("NL_BSN", "BSN: 676018956", "676018956"),
    ("NL_BSN", "burgerservicenummer 8979.71.140", "8979.71.140"),
    ("BE_NN", "Rijksregisternummer 85.07.30-033.28", "85.07.30-033.28"),
    ("BE_NN", "numéro national: 98100252786", "98100252786"),
    ("PL_PESEL", "PESEL 62030659793", "62030659793"),
    ("SE_PERSONNUMMER", "Personnummer: 830718-5630", "830718-5630"),
    ("SE_PERSONNUMMER", "personnr 19930223-5057", "19930223-5057"),
    ("DK_CPR", "CPR-nr. 040870-1150", "040870-1150"),
    ("FI_PERSONAL_IDENTITY_CODE", "henkilötunnus 190950-845N", "190950-845N"),
    ("FI_PERSONAL_IDENTITY_CODE", "employee 131052-308T", "131052-308T"),
    ("FI_PERSONAL_IDENTITY_CODE", "hetu 010594Y9032", "010594Y9032"),  # 2023 century sign, temporary number
    ("NO_FODSELSNUMMER", "Fødselsnummer: 16079564900", "16079564900"),
    ("NO_FODSELSNUMMER", "fnr 071089 57683", "071089 57683"),
    ("PT_CC", "Cartão de Cidadão 00000000 0 ZZ4", "00000000 0 ZZ4"),
    ("IE_PPS", "PPS No: 6871829W", "6871829W"),
    ("PT_CC", "cartão de cidadão n.º 000000000ZZ4", "000000000ZZ4"),
    ("AT_SVNR", "SVNR 1237 010180", "1237 010180"),
    ("CH_AHV", "AHV-Nr. 756.9182.6876.74", "756.9182.6876.74"),
    ("CH_AHV", "7561329148208", "7561329148208"),
    ("RO_CNP", "CNP: 1800101221144", "1800101221144"),
    ("CZ_RC", "Rodné číslo: 736028/5163", "736028/5163"),
    ("CZ_RC", "rodne cislo 8551011238", "8551011238"),
]

MUST_NOT_MATCH = [
    ("DE_TAX_ID", "Steuer-ID: 31742180963"),  # check digit
    ("DE_TAX_ID", "Rechnung 31742180962"),  # no label
    ("FR_NIR", "NIR 1 74 10 86 299 237 88"),  # key
    ("FR_NIR", "commande 174108629923787"),  # no label
    ("ES_NIF", "DNI 62650308A"),  # check letter
    ("ES_NIF", "ref 62650308X"),  # no label: 0.4
    ("ES_NIE", "NIE X5600898G"),  # check letter
    ("IT_FISCAL_CODE", "codice fiscale MRTMTT91D08F205K"),  # check character
    ("IT_FISCAL_CODE", "ABCDEFGHIJKLMNOP"),  # letters only
    ("NL_BSN", "BSN: 676018957"),  # 11-proof
    ("NL_BSN", "order 676018956"),  # no label
    ("BE_NN", "numéro national 98100252787"),  # mod 97
    ("BE_NN", "invoice 98100252786"),  # no label
    ("PL_PESEL", "PESEL 62030659794"),  # check digit
    ("PL_PESEL", "id 62030659793"),  # no label
    ("SE_PERSONNUMMER", "personnummer 830718-5631"),  # Luhn
    ("SE_PERSONNUMMER", "batch 830718-5630"),  # no label: 0.4
    ("DK_CPR", "CPR 320870-1150"),  # 32nd day
    ("DK_CPR", "job 040870-1150"),  # no label
    ("FI_PERSONAL_IDENTITY_CODE", "hetu 190950-845M"),  # check character
    ("NO_FODSELSNUMMER", "fødselsnummer 16079564901"),  # check digits
    ("PT_CC", "Cartão de Cidadão 00000000 0 ZZ5"),  # check digit
    ("IE_PPS", "PPS 6871829X"),  # check letter
    ("PT_CC", "req_id=000000000zz4"),  # compact and lower case: a hex id without a label
    ("AT_SVNR", "SVNR 1238 010180"),  # check digit
    ("AT_SVNR", "build 1237 010180"),  # no label
    ("CH_AHV", "AHV 756.9182.6876.75"),  # EAN check
    ("RO_CNP", "CNP 1800101221145"),  # check digit
    ("CZ_RC", "rodné číslo 736028/5164"),  # check
]


@pytest.mark.parametrize("entity,text,value", MUST_MATCH)
def test_national_id_found(found, entity, text, value):
    assert found(text, entity) == [value]


@pytest.mark.parametrize("entity,text", MUST_NOT_MATCH)
def test_national_id_not_found(found, entity, text):
    assert found(text, entity) == []


def test_every_spec_is_a_default_recognizer_with_a_case():
    entities = {c.ENTITY for c in recognizer_classes()}
    tested = {m[0] for m in MUST_MATCH} | {m[0] for m in MUST_NOT_MATCH}
    for spec in SPECS:
        assert spec.entity in entities
        assert spec.entity in tested, spec.entity


def test_header_context(found):
    assert found("62030659793", "PL_PESEL", context=("pesel",)) == ["62030659793"]
    assert found("676018956", "NL_BSN", context=("BSN",)) == ["676018956"]
    assert found("676018956", "NL_BSN", context=("order_id",)) == []
