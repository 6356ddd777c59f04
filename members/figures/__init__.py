"""The monthly figures: each CĐCS's month entered in the grid or by Excel sheet, the federation's
month submitted, approved, sent back and unlocked (workflow, locks), the per-federation summary
the reports read (summary), the exports and the admin's import-export resources, the
reconciliation with the member register, and their pages (views)."""
