"""Pages of the monthly figures, one module per concern: the entry grid and its workflow, the
submission board, the Excel round trip, the audit history and the reconciliation."""
