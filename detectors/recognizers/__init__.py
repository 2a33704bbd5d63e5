"""piiscout's own recognizers, one module per entity type."""
