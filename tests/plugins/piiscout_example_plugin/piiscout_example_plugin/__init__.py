"""Example piiscout plugin (see docs/plugins.md)."""
