"""Detectors: recognizers (piiscout's own in `recognizers/`, plugins',
custom rules', Presidio's predefined ones), the fast engine (`engine`,
`prefilter`), Presidio's own engine (`presidio_engine`), NER (`ner`) and
which recognizers exist (`catalog`, built on the shared registry).

Detectors know text, not sources: they take `Segment`s and return
detections. May import the foundation (scanner.model, scanner.privacy,
scanner.errors, scanner.cachedir) and the shared settings (scanner.plugins);
not connectors, extractors, the inventory or the pipeline. `validators` and
`dates` (value rules privacy's normalisation shares) import nothing of
piiscout's.
"""

from detectors.presidio_lazy import install as _install_presidio_lazy

# Before anything imports presidio_analyzer: its package __init__ (spaCy,
# every country's recognizers) then runs only when something needs it.
_install_presidio_lazy()
