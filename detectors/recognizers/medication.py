"""Medications: generic and brand drug names ("metformin", "Lipitor",
"insulin glargine"), from the drug dictionary of
drug-named-entity-recognition (DrugBank open vocabulary, MeSH, MedlinePlus,
NHS). Short brand names and everyday substances ("Alli", "iron",
"caffeine") count only with clinical context ("20 mg", "prescribed")."""

from __future__ import annotations

from detectors.recognizers.medical_terms import MedicalTermRecognizer
from detectors.recognizers.medical_vocabulary import MEDICATION


class MedicationRecognizer(MedicalTermRecognizer):
    ENTITY = MEDICATION
