"""The report pages, one module per concern."""
