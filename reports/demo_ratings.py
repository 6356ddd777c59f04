"""Demo data for the ratings app (issue 8). Filled in by its owner."""


def seed_ratings(*, province, federations, users, end) -> int:
    """Seed the demo's ratings data up to the month `end`; returns how many main rows it wrote."""
    return 0
