"""Detectors: Presidio recognizers (piiscout's own and Presidio's), validators and the fast engine."""

from detectors.presidio_lazy import install as _install_presidio_lazy

# Before anything imports presidio_analyzer: its package __init__ (spaCy,
# every country's recognizers) then runs only when something needs it.
_install_presidio_lazy()
