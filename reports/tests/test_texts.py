"""The sentence of docs/domain.md, in its other shapes: ranges that reach the day it is written
and ranges that ended before, and counts of zero said in words."""

import re
from datetime import date

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from members.models import Organisation
from reports.selectors import Attainment, Figures, ProgressReport, Row, Scope
from reports.texts import progress_sentence
from unionportal.lib.months import Month

APRIL_7_2021 = date(2021, 4, 7)  # the report of 7 April 2021: its range ends in March


def _report(start, end=Month(2021, 3), **figures) -> ProgressReport:
    lost = figures.pop("lost", 0)
    f = Figures(**figures)
    f.lost_by_reason["job"] = lost
    empty = Attainment(0, None, 0)
    org = Organisation(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    return ProgressReport(
        start=start,
        end=end,
        scope=Scope(org),
        programme=None,
        total=Row(org, f, empty, empty, empty, empty),
        rows=[],
        federation_quota_sums={},
    )


def _sentence(report, written_on) -> str:
    with translation.override("vi"):
        return progress_sentence(report, written_on=written_on)


def test_a_range_not_starting_in_january_names_its_first_month():
    report = _report(Month(2020, 4), admitted=1200, lost=200, unions_founded=5, unions_dissolved=2)
    assert _sentence(report, APRIL_7_2021) == (
        "Từ tháng 04/2020 đến nay đã kết nạp mới 1.200 đoàn viên; giảm 200 đoàn viên "
        "(tăng tuyệt đối 1.000 đoàn viên); thành lập mới 05 CĐCS, giảm 02 CĐCS (tăng tuyệt đối 03 CĐCS)."
    )


def test_falls_are_said_as_falls():
    report = _report(Month(2020, 1), admitted=100, lost=350, unions_founded=1, unions_dissolved=4)
    text = _sentence(report, APRIL_7_2021)
    assert "giảm 350 đoàn viên (giảm tuyệt đối 250 đoàn viên)" in text
    assert "(giảm tuyệt đối 03 CĐCS)" in text


def test_a_range_that_ended_before_says_where_it_ended():
    report = _report(Month(2019, 6), Month(2020, 3), admitted=40, lost=10, unions_founded=2, unions_dissolved=1)
    assert _sentence(report, APRIL_7_2021) == (
        "Từ tháng 06/2019 đến hết tháng 03/2020 đã kết nạp mới 40 đoàn viên; giảm 10 đoàn viên "
        "(tăng tuyệt đối 30 đoàn viên); thành lập mới 02 CĐCS, giảm 01 CĐCS (tăng tuyệt đối 01 CĐCS)."
    )
    for start, end, opening in (
        (Month(2019, 1), Month(2019, 12), "Trong năm 2019 "),
        (Month(2019, 1), Month(2020, 5), "Từ đầu năm 2019 đến hết tháng 05/2020 "),
        (Month(2020, 5), Month(2020, 5), "Trong tháng 05/2020 "),
    ):
        assert _sentence(_report(start, end, admitted=1), APRIL_7_2021).startswith(opening)


def test_zeros_are_said_in_words():
    report = _report(Month(2021, 1), Month(2021, 3))
    assert _sentence(report, APRIL_7_2021) == (
        "Từ đầu năm 2021 đến nay chưa kết nạp thêm đoàn viên nào; không giảm đoàn viên nào "
        "(số đoàn viên không đổi); chưa thành lập thêm CĐCS nào, không giảm CĐCS nào (số CĐCS không đổi)."
    )
    closed = _report(Month(2020, 1), Month(2020, 12), lost=3, unions_founded=2, unions_dissolved=2)
    assert _sentence(closed, APRIL_7_2021) == (
        "Trong năm 2020 không kết nạp được đoàn viên nào; giảm 03 đoàn viên (giảm tuyệt đối 03 đoàn viên); "
        "thành lập mới 02 CĐCS, giảm 02 CĐCS (số CĐCS không đổi)."
    )


months = st.builds(Month, st.integers(2015, 2030), st.integers(1, 12))
days = st.dates(date(2015, 1, 1), date(2031, 12, 31))
counts = st.integers(0, 50_000)


@given(months, months, days)
def test_now_only_when_the_range_reaches_the_day_it_is_written(first, second, written_on):
    start, end = min(first, second), max(first, second)
    text = _sentence(_report(start, end, admitted=5), written_on)
    reaches = end >= Month.of(written_on) - 1
    assert ("đến nay" in text) == reaches
    if not reaches:
        assert f"đến hết tháng {end}" in text or text.startswith((f"Trong năm {end.year} ", f"Trong tháng {end} "))
    if start.month != 1 and start != end:
        assert text.startswith(f"Từ tháng {start} ")


@given(counts, counts, counts, counts, counts, months, days)
def test_no_count_of_zero_is_written_as_a_number(admitted, lost, transferred_in, founded, dissolved, start, on):
    report = _report(
        start,
        max(start, Month.of(on) - 1),
        admitted=admitted,
        lost=lost,
        transferred_in=transferred_in,
        unions_founded=founded,
        unions_dissolved=dissolved,
    )
    text = _sentence(report, on)
    numbers = re.findall(r"\d[\d.]*", text.replace(f"{start}", "").replace(f"{report.end}", ""))
    assert all(number.strip("0.") for number in numbers), text  # no "0", "00", no "kết nạp mới 00"
    assert ("kết nạp" in text) and ("CĐCS" in text) and text.endswith(").")
    for value in (admitted, founded, dissolved):
        if value:
            assert f"{value:,}".replace(",", ".").zfill(2) in text
