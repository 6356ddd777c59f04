"""The summary per federation × month (members.figures.summary) stays exactly what the monthly rows say,
whichever way the rows change: the grid, an upload, moves, merges, dissolutions, late openings."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from members.figures.exports import DISSOLVED_SHEET, FOUNDED_SHEET
from members.figures.services import FigureEntry, figures_record, figures_record_many
from members.figures.sheet import sheet_read
from members.figures.sheet_import import sheet_import, sheet_preview
from members.figures.summary import summary_differences, summary_ensure, summary_rebuild
from members.figures.summary_columns import ROW_FIELDS, RUNNING
from members.models import (
    LOSS_FIELDS,
    SECTORS_OF_GROUP,
    Affiliation,
    FederationMonth,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    Sector,
    SectorMonth,
    SummaryHorizon,
)
from members.services.org import cdcs_dissolve, cdcs_merge, cdcs_move, organisation_merge
from unionportal.lib.months import Month
from unionportal.testing.admin_io import import_file, row_errors, xlsx_file
from unionportal.testing.reorganised import plan_merge, plan_new_cdcs
from unionportal.testing.sheets import fill, list_rows, template, to_bytes

from .test_resources import CDCS, CDCS_HEADERS

MARCH, APRIL, MAY, JUNE = Month(2021, 3), Month(2021, 4), Month(2021, 5), Month(2021, 6)


def _stock(federation, month: Month, group: str) -> tuple[int, int]:
    """Members and CĐCS of the federation at the end of the month, counted CĐCS by CĐCS in Python."""
    members = unions = 0
    for cdcs in GrassrootsUnion.objects.filter(sector__in=SECTORS_OF_GROUP[group]):
        alive = cdcs.founded_on <= month.last_day and not (cdcs.dissolved_on and cdcs.dissolved_on <= month.last_day)
        then = Affiliation.objects.filter(cdcs=cdcs, valid_from__lte=month.first_day).order_by("-valid_from").first()
        if not alive or then is None or then.federation_id != federation.pk:
            continue
        latest = cdcs.figures.filter(month__lte=month.first_day).order_by("-month").first()
        first = cdcs.figures.order_by("month").first()
        members += latest.members_end if latest else (first.members_start if first else 0)
        unions += 1
    return members, unions


def _assert_consistent(*federations, months=(MARCH, APRIL, MAY, JUNE)):
    assert summary_differences() == []
    for federation in federations:
        for month in months:
            for group in ("state", "non_state"):
                row = FederationMonth.objects.filter(federation=federation, month=month.first_day, sector_group=group)
                row = row.first()
                rows = MonthlyFigure.objects.filter(
                    federation=federation, month=month.first_day, cdcs__sector__in=SECTORS_OF_GROUP[group]
                )
                admitted = sum(rows.values_list("admitted", flat=True))
                lost = sum(sum(values) for values in rows.values_list(*LOSS_FIELDS.values()))
                stored = (row.admitted, row.lost_job + row.lost_retired + row.lost_enterprise_closed + row.lost_left
                          + row.lost_died + row.lost_transferred_out + row.lost_cdcs_dissolved,
                          row.members_end, row.unions_end) if row else (0, 0, 0, 0)  # fmt: skip
                assert stored == (admitted, lost, *_stock(federation, month, group)), (federation.code, month, group)
                # Each flow's running total is every row of the federation up to the month.
                so_far = MonthlyFigure.objects.filter(
                    federation=federation, month__lte=month.first_day, cdcs__sector__in=SECTORS_OF_GROUP[group]
                )
                for flow, total in RUNNING.items():
                    if flow in ROW_FIELDS:
                        expected = sum(so_far.values_list(flow, flat=True))
                        assert (getattr(row, total) if row else 0) == expected, (federation.code, month, flow)
            for sector in Sector.values:
                rows = MonthlyFigure.objects.filter(federation=federation, month=month.first_day, cdcs__sector=sector)
                reported = tuple(sum(rows.values_list(column, flat=True)) for column in ("members_end", "workers"))
                stored = SectorMonth.objects.filter(federation=federation, month=month.first_day, sector=sector).first()
                assert ((stored.members, stored.workers) if stored else (0, 0)) == reported, (federation.code, month)


@pytest.fixture
def world(federation, other_federation, make_cdcs):
    return {
        "DT01": make_cdcs(federation, opening=100, first_month=MARCH, code="DT01"),
        "DT02": make_cdcs(federation, opening=40, first_month=MARCH, code="DT02", sector="public"),
        "PB01": make_cdcs(other_federation, opening=70, first_month=MARCH, code="PB01"),
    }


def test_grid_saves_keep_the_summary_equal_to_the_rows(world, federation, other_federation, federation_user):
    figures_record_many(
        month=APRIL,
        entries=[
            FigureEntry(cdcs=world["DT01"], admitted=12, lost={LossReason.RETIRED: 2}),
            FigureEntry(cdcs=world["DT02"], transferred_in=3),
        ],
        user=federation_user,
        federation=federation,
    )
    figures_record(cdcs=world["DT01"], month=MAY, admitted=1, user=None)
    # Editing April again carries forward into May.
    figures_record(cdcs=world["DT01"], month=APRIL, admitted=20, user=None)
    assert (
        FederationMonth.objects.get(federation=federation, month=MAY.first_day, sector_group="non_state").members_end
        == 121
    )
    _assert_consistent(federation, other_federation)


def test_an_uploaded_sheet_with_a_founded_and_a_dissolved_cdcs_keeps_the_summary_right(
    world, federation, other_federation, federation_user
):
    workbook = template(federation, APRIL)
    list_rows(workbook, FOUNDED_SHEET, [{
        "Mã CĐCS": "DT50", "Tên CĐCS": "CĐCS Công ty May Mới", "Khu vực": "Doanh nghiệp có vốn đầu tư nước ngoài",
        "Ngày thành lập": date(2021, 4, 15), "Số lao động": 300}])  # fmt: skip
    list_rows(
        workbook, DISSOLVED_SHEET, [{"Mã CĐCS": "DT02", "Ngày giải thể": "20/04/2021", "Lý do giải thể": "Phá sản"}]
    )
    fill(workbook, {"DT01": {"Kết nạp mới": 5}, "DT50": {"Kết nạp mới": 30}})
    sheet = sheet_read(to_bytes(workbook))
    preview = sheet_preview(sheet, federation=federation, month=APRIL, user=federation_user)
    assert not preview.problems, [problem.message for problem in preview.problems]
    sheet_import(sheet=sheet, federation=federation, month=APRIL, version=preview.version, user=federation_user)

    april = {
        row.sector_group: row for row in FederationMonth.objects.filter(federation=federation, month=APRIL.first_day)
    }
    assert (april["non_state"].unions_founded, april["state"].unions_dissolved) == (1, 1)
    assert (april["non_state"].members_end, april["state"].members_end, april["state"].unions_end) == (135, 0, 0)
    _assert_consistent(federation, other_federation)


def test_moves_and_merges_carry_stock_between_federations(
    world, federation, other_federation, make_federation, provincial_staff
):
    figures_record(cdcs=world["DT01"], month=APRIL, admitted=4, user=None)
    cdcs_move(cdcs=world["DT01"], federation=other_federation, from_month=MAY, user=provincial_staff)
    cdcs_merge(absorbed=world["PB01"], into=world["DT01"], on=date(2021, 6, 10), user=provincial_staff)
    third = make_federation("DH", "LĐLĐ huyện Định Hóa")
    organisation_merge(source_org=federation, into=third, from_month=JUNE, user=provincial_staff)
    _assert_consistent(federation, other_federation, third)
    june = FederationMonth.objects.get(federation=other_federation, month=JUNE.first_day, sector_group="non_state")
    assert (june.members_end, june.unions_end, june.unions_dissolved) == (174, 1, 1)


def test_a_cdcs_moved_in_a_month_without_rows_changes_both_federations_stock(
    world, federation, other_federation, provincial_staff
):
    cdcs_move(cdcs=world["DT01"], federation=other_federation, from_month=JUNE, user=provincial_staff)
    _assert_consistent(federation, other_federation)


def test_a_month_corrected_before_a_move_changes_the_stock_the_cdcs_took_to_its_new_federation(
    world, federation, other_federation, provincial_staff
):
    cdcs_move(cdcs=world["DT01"], federation=other_federation, from_month=APRIL, user=provincial_staff)
    figures_record(cdcs=world["DT01"], month=MARCH, admitted=50, user=None)
    june = FederationMonth.objects.get(federation=other_federation, month=JUNE.first_day, sector_group="non_state")
    assert (june.members_end, june.unions_end) == (70 + 100 + 50, 2)
    _assert_consistent(federation, other_federation)


def test_an_opening_entered_after_a_move_counts_back_in_the_federation_it_left(
    federation, other_federation, make_cdcs, provincial_staff
):
    cdcs = make_cdcs(federation, founded_on=date(2021, 3, 10))
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=MAY, user=provincial_staff)
    figures_record(cdcs=cdcs, month=JUNE, members_start=25, admitted=1, user=None)
    march = FederationMonth.objects.get(federation=federation, month=MARCH.first_day, sector_group="non_state")
    assert (march.members_end, march.unions_end) == (25, 1)
    _assert_consistent(federation, other_federation)


def test_a_dissolution_without_figures_counts_one_cdcs_fewer(federation, other_federation, make_cdcs):
    quiet = make_cdcs(federation, founded_on=date(2020, 5, 1))
    cdcs_dissolve(cdcs=quiet, on=date(2021, 4, 3), reason="Giải thể", user=None)
    april = FederationMonth.objects.get(federation=federation, month=APRIL.first_day, sector_group="non_state")
    assert (april.unions_dissolved, april.unions_end) == (1, 0)
    _assert_consistent(federation, other_federation)


def test_an_opening_entered_late_counts_back_to_the_founding(federation, other_federation, make_cdcs):
    cdcs = make_cdcs(federation, founded_on=date(2021, 3, 10))
    figures_record(cdcs=cdcs, month=MAY, members_start=25, admitted=1, user=None)
    march = FederationMonth.objects.get(federation=federation, month=MARCH.first_day, sector_group="non_state")
    assert (march.unions_founded, march.members_end, march.unions_end) == (1, 25, 1)
    _assert_consistent(federation, other_federation)


def test_a_sector_changed_through_the_admin_import_moves_the_figures_to_the_other_group(
    world, federation, other_federation, client, superuser
):
    client.force_login(superuser)
    row = ["DT01", "CĐCS 1", "Công ty 1", "soe", 100, date(2010, 1, 1), "", "DT"]
    preview, confirmation = import_file(client, CDCS, xlsx_file(CDCS_HEADERS, [row]))
    assert confirmation is not None, row_errors(preview)
    assert GrassrootsUnion.objects.get(code="DT01").sector == "soe"
    state = FederationMonth.objects.get(federation=federation, month=MARCH.first_day, sector_group="state")
    assert (state.members_end, state.unions_end) == (140, 2)
    _assert_consistent(federation, other_federation)


def test_rows_loaded_around_the_services_are_summarised_on_first_read(world, federation, other_federation):
    """Demo data and migrations write rows in bulk; the first report builds the summary."""
    FederationMonth.objects.all().delete()
    SummaryHorizon.objects.all().delete()
    summary_ensure(JUNE)
    _assert_consistent(federation, other_federation)


def test_a_month_that_passes_without_writes_carries_the_stock(world, federation, other_federation):
    horizon = SummaryHorizon.objects.get(federation=federation)
    FederationMonth.objects.filter(federation=federation, month__gt=MARCH.first_day).delete()
    SummaryHorizon.objects.filter(pk=horizon.pk).update(through=MARCH.first_day)
    summary_ensure(JUNE)
    assert SummaryHorizon.objects.get(federation=federation).through >= JUNE.first_day
    _assert_consistent(federation, other_federation)


def test_rebuild_gives_the_same_rows_as_the_services_kept(world, federation, other_federation, provincial_staff):
    figures_record(cdcs=world["DT01"], month=APRIL, admitted=4, user=None)
    cdcs_move(cdcs=world["DT02"], federation=other_federation, from_month=MAY, user=provincial_staff)
    kept = sorted(FederationMonth.objects.values_list("federation", "month", "sector_group", "members_end", "admitted"))
    summary_rebuild()
    assert (
        sorted(FederationMonth.objects.values_list("federation", "month", "sector_group", "members_end", "admitted"))
        == kept
    )


def test_differences_are_reported_when_rows_change_around_the_services(world, federation):
    MonthlyFigure.objects.filter(cdcs=world["DT01"]).update(admitted=1, members_end=101)
    assert any("03/2021" in difference for difference in summary_differences())


def test_a_save_in_a_federation_never_summarised_summarises_all_of_it(world, federation, other_federation):
    """Rows from before the summary existed: the first save, in whatever month, builds everything."""
    FederationMonth.objects.all().delete()
    SummaryHorizon.objects.all().delete()
    figures_record(cdcs=world["DT01"], month=JUNE, admitted=3, user=None)
    _assert_consistent(federation)  # from March on, not only June
    assert not SummaryHorizon.objects.filter(federation=other_federation).exists()  # built on its first read


# --- what a reorganisation plan leaves (unionportal/testing/reorganised.py) ---------------------


def _month_row(federation, month: Month, group: str) -> FederationMonth:
    return FederationMonth.objects.get(federation=federation, month=month.first_day, sector_group=group)


def test_a_plan_merge_into_another_union_is_counted_apart_from_development(world, federation, other_federation):
    """PB01 (70 members, PB) merged by a plan into DT01 (100, DT) in June: PB01 is first affiliated
    to DT for June, so both rows of June are DT's; its end counts as a reorganisation, not a loss."""
    may = _month_row(federation, MAY, "non_state")
    assert plan_merge(world["PB01"], world["DT01"], JUNE) == 70
    june = _month_row(federation, JUNE, "non_state")
    assert (june.transferred_in, june.lost_transferred_out, june.reorg_in, june.reorg_out) == (70, 70, 70, 70)
    assert (june.unions_dissolved, june.unions_reorg_ended, june.unions_founded, june.unions_reorg_founded) == (
        0,
        1,
        0,
        0,
    )
    assert (june.members_end, june.unions_end, june.founded_to_date) == (170, 1, may.founded_to_date)
    assert (_month_row(other_federation, JUNE, "non_state").members_end,) == (0,)
    _assert_consistent(federation, other_federation)


def test_a_cdcs_ended_into_a_cdcs_the_plan_founds_counts_neither_as_founded_nor_as_lost(
    world, federation, other_federation
):
    """DT02 (40, public) ended in June into DT90, a public CĐCS the plan founds in DT."""
    may = _month_row(federation, MAY, "state")
    new = plan_new_cdcs(federation, JUNE, code="DT90", sector="public")
    plan_merge(world["DT02"], new, JUNE, end=True)
    june = _month_row(federation, JUNE, "state")
    assert (june.unions_founded, june.unions_dissolved, june.unions_reorg_founded, june.unions_reorg_ended) == (
        0,
        0,
        1,
        1,
    )
    assert (june.reorg_in, june.reorg_out, june.members_end, june.unions_end) == (40, 40, 40, 1)
    assert june.founded_to_date == may.founded_to_date
    _assert_consistent(federation, other_federation)


def test_the_summary_check_command_agrees_after_a_plan_and_a_rebuild_gives_the_same_rows(
    world, federation, other_federation
):
    plan_merge(world["PB01"], world["DT01"], JUNE)
    plan_merge(world["DT02"], plan_new_cdcs(federation, JUNE, code="DT90"), JUNE, end=True)
    out = StringIO()
    call_command("summary", "--check", stdout=out)
    assert "khớp" in out.getvalue()
    columns = ("federation", "month", "sector_group", "reorg_in", "reorg_out", "unions_reorg_founded",
               "unions_reorg_ended", "unions_founded", "unions_dissolved", "founded_to_date")  # fmt: skip
    kept = sorted(FederationMonth.objects.values_list(*columns))
    summary_rebuild()
    assert sorted(FederationMonth.objects.values_list(*columns)) == kept


def test_a_save_of_a_few_rows_adjusts_the_summary_by_what_they_change_and_nothing_else(
    world, federation, other_federation, federation_user
):
    """A grid save recomputes what the CĐCS it writes add to their federation, before and after,
    and adds the difference (summary_rows_change), rather than reading every CĐCS of the
    federation: corrections carried into later months come out as a recomputation would, and a
    stored month it does not concern is left as it was, even a wrong one."""
    figures_record(cdcs=world["DT01"], month=APRIL, admitted=5, user=None)
    figures_record(cdcs=world["DT01"], month=MAY, admitted=1, user=None)
    figures_record(cdcs=world["DT02"], month=MAY, transferred_in=2, user=None)
    _assert_consistent(federation, other_federation)

    planted = FederationMonth.objects.get(federation=federation, month=JUNE.first_day, sector_group="state")
    FederationMonth.objects.filter(pk=planted.pk).update(admitted=99)
    figures_record_many(
        month=APRIL,
        entries=[FigureEntry(cdcs=world["DT01"], admitted=9, lost={LossReason.JOB: 50})],  # carried into May and June
        user=federation_user,
        federation=federation,
    )
    may = FederationMonth.objects.get(federation=federation, month=MAY.first_day, sector_group="non_state")
    assert (may.admitted, may.members_end) == (1, 60)
    june = FederationMonth.objects.get(federation=federation, month=JUNE.first_day, sector_group="non_state")
    assert june.members_end == 60
    differences = summary_differences()
    assert len(differences) == 1 and f"federation {federation.pk} 06/2021 state" in differences[0]
    FederationMonth.objects.filter(pk=planted.pk).update(admitted=0)
    _assert_consistent(federation, other_federation)
