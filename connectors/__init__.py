"""Connectors: one module per kind of source, chosen by URL scheme."""
