"""The sentence of docs/domain.md, in its other shapes."""

from django.utils import translation

from members.models import Organisation
from reports.selectors import Attainment, Figures, ProgressReport, Row, Scope
from reports.texts import progress_sentence
from unionportal.lib.months import Month


def _report(start, **figures) -> ProgressReport:
    lost = figures.pop("lost", 0)
    f = Figures(**figures)
    f.lost_by_reason["job"] = lost
    empty = Attainment(0, None, 0)
    org = Organisation(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    return ProgressReport(
        start=start,
        end=Month(2021, 3),
        scope=Scope(org),
        programme=None,
        total=Row(org, f, empty, empty, empty, empty),
        rows=[],
        federation_quota_sums={},
    )


def test_a_range_not_starting_in_january_names_its_first_month():
    with translation.override("vi"):
        text = progress_sentence(_report(Month(2020, 4), admitted=1200, lost=200, unions_founded=5))
    assert text == (
        "Từ tháng 04/2020 đến nay đã kết nạp mới 1.200 đoàn viên; giảm 200 đoàn viên "
        "(tăng tuyệt đối 1.000 đoàn viên); thành lập mới 05 CĐCS, giảm 00 CĐCS (tăng tuyệt đối 05 CĐCS)."
    )


def test_falls_are_said_as_falls():
    with translation.override("vi"):
        text = progress_sentence(_report(Month(2020, 1), admitted=100, lost=350, unions_founded=1, unions_dissolved=4))
    assert "giảm 350 đoàn viên (giảm tuyệt đối 250 đoàn viên)" in text
    assert "(giảm tuyệt đối 03 CĐCS)" in text
