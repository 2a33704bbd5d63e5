"""Medical procedures: operations, therapies and diagnostic procedures
("appendectomy", "colonoscopy", "total knee replacement", "chemotherapy"),
from the ICD-10-PCS index, ICD-9-CM procedure titles and MeSH. Index words
that are not procedure names on their own ("mapping", "packing") count only
with clinical context."""

from __future__ import annotations

from detectors.recognizers.medical_terms import MedicalTermRecognizer
from detectors.recognizers.medical_vocabulary import MEDICAL_PROCEDURE


class MedicalProcedureRecognizer(MedicalTermRecognizer):
    ENTITY = MEDICAL_PROCEDURE
