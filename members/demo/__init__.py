"""The demo province like Thái Nguyên, built deterministically: its shape (tables), the
generator (builder), what is written (province) and the member register of a few CĐCS (people).
Over 01/2018–03/2021 its figures are those of the report to the steering committee of 7 April
2021 (the worked example of docs/domain.md): 30.018 members admitted, a decrease of 10.979, 67
CĐCS founded and 64 dissolved.

Each app seeds its own part (members.demo.province, targets.demo, organising.demo, ratings.demo,
training.demo); reports' seed_demo command calls them in that order, in one transaction."""

_LATER = []  # seeders of apps that stand above reports (desk), which seed_demo may not import


def register_seeder(seed) -> None:
    """An app above reports adds its demo rows after everyone's: seed_demo calls
    `seed(federations=…, users=…, end=…)` last, in the same transaction. Registered from the app's
    own apps.py, as its audit labels are."""
    if seed not in _LATER:
        _LATER.append(seed)


def later_seeders() -> list:
    return list(_LATER)
