"""The demo's ratings on a small province: three years, the complete ones final and closed."""

from members.models import Sector
from ratings.demo import seed_ratings
from ratings.models import Assessment, Rubric
from ratings.reporting import rating_report
from unionportal.lib.months import Month


def test_demo_ratings_rate_most_cdcs_and_close_the_complete_years(province, federation, other_federation, make_cdcs):
    for number in range(12):
        make_cdcs(federation if number % 2 else other_federation, sector=[Sector.PUBLIC, Sector.FDI][number % 3 > 0])
    written = seed_ratings(province=province, federations={}, users={}, end=Month(2026, 10))
    assert written == Assessment.objects.count() > 24
    assert list(Rubric.objects.order_by("year").values_list("year", "status")) == [
        (2024, "closed"), (2025, "closed"), (2026, "open"),
    ]  # fmt: skip
    assert not Assessment.objects.filter(rubric__year__lt=2026).exclude(status="final").exists()
    for assessment in Assessment.objects.exclude(reviewed_total=None):
        assert assessment.reviewed_total <= assessment.self_total
    report = rating_report(rubric=Rubric.objects.get(year=2025))
    assert report.total.total == 12 and report.previous.year == 2024
