"""The demo province reproduces the report of 7 April 2021 exactly, holds together, and gives
each role's pages something to show."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from members.models import GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from reports.selectors import Scope, Structure, progress_report
from reports.texts import progress_sentence
from targets.models import Quota
from unionportal.lib.months import Month
from unionportal.testing.clock import WORKED_EXAMPLE_DAY

from . import END, SENTENCE

pytestmark = pytest.mark.xdist_group("demo")


def test_the_report_of_7_april_2021_shows_the_seed_figures(province):
    report = progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province))
    figures = report.total.figures
    assert (figures.admitted, figures.decrease, figures.net_members) == (30_018, 10_979, 19_039)
    assert (figures.unions_founded, figures.unions_dissolved, figures.net_unions) == (67, 64, 3)
    assert progress_sentence(report, written_on=WORKED_EXAMPLE_DAY.date()) == SENTENCE


def test_the_worked_example_of_the_domain_page_is_what_the_portal_computes(province):
    """docs/domain.md quotes the 01/2018–03/2021 report line by line: each line must be the
    portal's, so that the page cannot drift from the code."""
    from pathlib import Path

    from django.conf import settings

    from unionportal.lib.formatting import count, percent

    page = (Path(settings.BASE_DIR) / "docs" / "domain.md").read_text()
    report = progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province))
    f = report.total.figures
    for label, members, unions in [
        ("Đầu kỳ (end of 12/2017)", f.members_start, f.unions_start),
        ("Kết nạp mới / thành lập mới", f.admitted, f.unions_founded),
        ("Giảm", f.decrease, f.unions_dissolved),
        ("Tăng tuyệt đối", f.net_members, f.net_unions),
        ("Cuối kỳ (end of 03/2021)", f.members_end, f.unions_end),
    ]:
        assert f"| {label} | {count(members)} | {count(unions)} |" in page, label
    lost = f.lost_by_reason
    assert f"lost {count(f.lost)} members in all, of which {count(lost['job'])} changed job" in page
    assert f"{count(lost['cdcs_dissolved'])} went with their dissolved CĐCS; {count(f.transferred_in)} arrived" in page
    total = report.total
    for label, attainment in [
        ("members, year 2021", total.year_members),
        ("CĐCS, year 2021", total.year_unions),
        ("members, programme", total.programme_members),
        ("CĐCS, programme", total.programme_unions),
    ]:
        assert f"| {count(attainment.quota)} | {percent(attainment.percent)} |" in page.split(f"| {label} |")[1]
        assert not attainment.on_track
    assert "> " + SENTENCE[:60] in page
    assert " ".join(line.removeprefix("> ") for line in page.splitlines() if line.startswith("> ")) == SENTENCE


def test_the_report_command_prints_the_table_and_the_sentence(province, time_machine):
    time_machine.move_to(WORKED_EXAMPLE_DAY)
    out = StringIO()
    call_command("report", "--from", "2018-01", "--to", "2021-03", stdout=out)
    text = out.getvalue()
    assert SENTENCE in text
    assert "Kết nạp mới / thành lập mới             30.018      67" in text
    assert "Giảm                                    10.979      64" in text
    assert "Tăng tuyệt đối                          19.039       3" in text


def test_the_report_command_speaks_json_for_one_federation(province):
    out = StringIO()
    call_command("report", "--from", "2018-01", "--to", "2021-03", "--org", "KCN", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    federation = Organisation.objects.get(code="KCN")
    expected = progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(federation)).total.figures
    assert data["organisation"] == "KCN" and data["programme"]["document_number"] == "04/CTr-LĐLĐ"
    assert (data["total"]["admitted"], data["total"]["decrease"]) == (expected.admitted, expected.decrease)
    assert (
        data["total"]["members_start"]
        + data["total"]["net_members"]
        + data["total"]["members_moved_in"]
        - data["total"]["members_moved_out"]
        == data["total"]["members_end"]
    )


def _balances(f) -> bool:
    """start + net + moved + reorganised = end, for members and for CĐCS."""
    return (
        f.members_start + f.net_members + f.members_moved + f.members_reorganised == f.members_end
        and f.unions_start + f.net_unions + f.unions_moved + f.unions_reorganised == f.unions_end
    )


RANGES = ((Month(2018, 1), Month(2021, 3)), (Month(2019, 7), Month(2019, 7)), (Month(2024, 1), END))


def test_every_federation_balances_over_any_range_including_moves_and_the_merge(province):
    for start, end in RANGES:
        report = progress_report(start=start, end=end, scope=Scope(province))
        for row in [*report.rows, report.total]:
            assert _balances(row.figures), (row.org.code, start, end)
        assert sum(row.figures.members_end for row in report.rows) == report.total.figures.members_end
        assert sum(row.figures.admitted for row in report.rows) == report.total.figures.admitted
        assert (report.total.figures.members_moved, report.total.figures.members_reorganised) == (0, 0)


def test_restated_on_today_s_structure_the_province_is_the_same_and_nothing_moves(province):
    """Restated, each CĐCS counts for its federation today: the province's figures do not change
    (the worked example stays exact), the federations' lines add up to it, none has a move."""
    for start, end in RANGES:
        months = progress_report(start=start, end=end, scope=Scope(province))
        today = progress_report(start=start, end=end, scope=Scope(province, structure=Structure.TODAY))
        assert today.total.figures == months.total.figures, (start, end)
        for row in today.rows:
            assert _balances(row.figures) and row.figures.members_moved == 0, (row.org.code, start, end)
        for name in ("members_start", "members_end", "admitted", "lost", "unions_founded", "unions_end"):
            assert sum(getattr(row.figures, name) for row in today.rows) == getattr(today.total.figures, name)
        assert not any(row.org.code == "DHY" for row in today.rows)  # merged into TPTN in 2025: not today's


def test_the_demo_is_province_sized_with_history(province):
    # 13 federations, then 19 commune and ward unions and the province's direct block from 07/2025
    assert Organisation.objects.federations().count() == 13 + 19 + 1
    assert 1_400 <= GrassrootsUnion.objects.count() <= 1_700
    assert MonthlyFigure.objects.filter(month=END.first_day).exists()
    assert not MonthlyFigure.objects.filter(month__gt=END.first_day).exists()
    merged = Organisation.objects.get(code="DHY")
    assert merged.merged_into.code == "TPTN" and MonthlyFigure.objects.filter(federation=merged).exists()
    assert MonthlyReturn.objects.filter(month=END.first_day, status=MonthlyReturn.Status.DRAFT).exists()
    assert MonthlyReturn.objects.filter(month=(END - 2).first_day).exclude(status="approved").count() == 0


def test_the_command_says_what_it_built(demo, province):
    from members.models import Member
    from organising.models import Enterprise
    from ratings.models import Assessment
    from training.models import Course

    summary = demo.splitlines()[0]
    for count, what in [
        (GrassrootsUnion.objects.count(), "CĐCS,"),
        (Member.objects.count(), "đoàn viên trong sổ"),
        (Enterprise.objects.count(), "doanh nghiệp đang theo dõi"),
        (Assessment.objects.count(), "kết quả đánh giá CĐCS"),
        (Course.objects.count(), "lớp đào tạo cán bộ"),
    ]:
        assert count > 0 and f" {count} {what}" in summary, (count, what, summary)


def test_federation_quotas_add_up_to_the_province_every_year(province):
    for quota in Quota.objects.filter(organisation=province):
        parts = Quota.objects.filter(programme=quota.programme, year=quota.year).exclude(organisation=province)
        assert sum(parts.values_list("new_members", flat=True)) == quota.new_members
        assert sum(parts.values_list("new_unions", flat=True)) == quota.new_unions


def test_seeding_twice_changes_nothing(province):
    before = (GrassrootsUnion.objects.count(), MonthlyFigure.objects.count(), Quota.objects.count())
    out = StringIO()
    call_command("seed_demo", until=END.iso, stdout=out)
    assert "không thay đổi gì" in out.getvalue()
    assert "bantochuc" in out.getvalue()
    assert (GrassrootsUnion.objects.count(), MonthlyFigure.objects.count(), Quota.objects.count()) == before


def test_the_2021_window_does_not_depend_on_the_day_the_demo_is_built():
    from members.demo.builder import ProvinceBuilder
    from members.demo.tables import WINDOW

    def window_rows(end):
        builder = ProvinceBuilder(end)
        builder.build()
        return {
            (u.code, m): tuple(sorted(r.items())) for u in builder.unions for m, r in u.rows.items() if m <= WINDOW[1]
        }

    assert window_rows(Month(2021, 3)) == window_rows(Month(2026, 10))


def test_the_demo_users_have_addresses_and_notices_to_show(province):
    """notices seeds its demo when seed_demo records itself: each federation's staff have the
    months approved last and, where the last month is not sent, a reminder, and their CĐCS's chairs'
    posts vacant and terms ending (each term's reminder recorded); the month of Phan Đình Phùng's
    (TPTN's ground) that the home pages' demo sends back is told to its staff as it would be;
    nothing is mailed."""
    from django.contrib.auth import get_user_model

    from notices.models import Notice, Reminder

    users = get_user_model().objects.filter(profile__isnull=False)
    assert all(user.email.endswith("@ldld.example.vn") for user in users)
    kinds = {"return_approved", "return_due", "return_sent_back", "chair_vacant", "term_ending"}
    assert set(Notice.objects.values_list("kind", flat=True)) == kinds
    assert Reminder.objects.filter(kind="term_ending").count() == Notice.objects.filter(kind="term_ending").count()
    unread = Notice.objects.filter(user__username="cb.pdp", read_at__isnull=True)
    assert unread.filter(kind="return_approved", data__month=str(END - 2)).exists()
    assert set(Notice.objects.filter(kind="return_sent_back").values_list("user__username", flat=True)) == {"cb.pdp"}
    assert not Notice.objects.exclude(email=Notice.Email.NONE).exists()
