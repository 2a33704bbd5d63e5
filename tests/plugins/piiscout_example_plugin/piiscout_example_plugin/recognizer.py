"""A recognizer for ACME employee IDs, e.g. EMP-204815: a plain Presidio
PatternRecognizer. piiscout runs it on whole segments and applies its
context words ("employee", "staff") the way Presidio does, without spaCy.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class EmployeeIdRecognizer(PatternRecognizer):
    # Optional, read by piiscout: how values are hashed and masked.
    NORMALISE = "identifier"
    MASK = "tail"

    def __init__(self):
        super().__init__(
            supported_entity="EMPLOYEE_ID",
            name="EmployeeIdRecognizer",
            patterns=[Pattern("employee id", r"\bEMP-\d{6}\b", 0.5)],
            context=["employee", "staff"],
        )
