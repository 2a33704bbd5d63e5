"""piiscout's own recognizers, one module per entity type (a class declaring
ENTITY, RULES, CONTEXT, TRIGGERS; detectors/base.py), each with its own
test table in tests/detectors/recognizers/.

May import detectors.base, detectors.validators, detectors.dates and each
other's shared pieces (`columns`, `sql_insert`, `medical_*`); nothing of
scanner/ but scanner.model and scanner.cachedir.
"""
