"""Connectors: one module per kind of source, chosen by URL scheme
(`registry.py`; plugins through the same registry).

A connector lists a target's items and hands over each item's content: a
byte `Stream` (files, messages) or a `Table` of typed rows (SQL). It knows
nothing of detection: the pipeline (scanner/pipeline.py) does the rest.

May import: the foundation (scanner.model, scanner.errors, scanner.privacy,
scanner.names, scanner.streams), the shared settings (scanner.settings,
scanner.plugins) and scanner.exposure (who may read an item). Not the
detectors, the extractors, the inventory, the pipeline or anything above it.
"""
