"""Demo data for the organising app (issue 8). Filled in by its owner."""


def seed_organising(*, province, federations, users, end) -> int:
    """Seed the demo's organising data up to the month `end`; returns how many main rows it wrote."""
    return 0
