"""Extractors: one module per content type (`registry.py`; plugins through
the same registry), turning a `Blob` into `Segment`s (text and where it
sits) and `Child`ren (archive members, attachments). The one RTF tokenizer
(`rtftext`) and the one HTML-to-text converter (`htmltext`) serve documents
and mail bodies alike; `textbuilder` cuts text into segments.

Extractors know formats, not sources or detection: may import scanner.mail,
scanner.sniff, scanner.refine, the shared settings (scanner.settings,
scanner.plugins) and the foundation; not connectors, detectors, the
inventory or the pipeline.
"""
