"""Detectors: Presidio recognizers (piiscout's own and Presidio's), validators and the fast engine."""
