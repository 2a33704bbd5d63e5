"""Medical conditions: diagnoses, diseases, disorders, injuries and the
symptoms that name a condition ("type 2 diabetes", "major depressive
disorder", "migraines"), from ICD-10-CM and MeSH. See medical_terms.py for
how ambiguous words ("cold", "stroke", "depression") are handled."""

from __future__ import annotations

from detectors.recognizers.medical_terms import MedicalTermRecognizer
from detectors.recognizers.medical_vocabulary import MEDICAL_CONDITION


class MedicalConditionRecognizer(MedicalTermRecognizer):
    ENTITY = MEDICAL_CONDITION
