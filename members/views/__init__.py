"""Views of the members app, one module per concern: the entry grid and its workflow, the
submission board, the CĐCS register and the audit history."""
