"""Demo data for the training app (issue 8). Filled in by its owner."""


def seed_training(*, province, federations, users, end) -> int:
    """Seed the demo's training data up to the month `end`; returns how many main rows it wrote."""
    return 0
