"""Reports keep development and reorganisation apart, on the months' structure and restated on
today's, for the small province a reorganisation plan of June 2021 left
(unionportal.testing.reorganised.reorganised_province, whose docstring has its table)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.figures.services import figures_record
from members.services.org import cdcs_move
from reports.drilldown import federation_cdcs
from reports.restated import ENDED
from reports.selectors import Scope, Structure, progress_report
from unionportal.lib.months import Month
from unionportal.testing.province import cdcs_create

MARCH, APRIL, MAY, JUNE = Month(2021, 3), Month(2021, 4), Month(2021, 5), Month(2021, 6)
TODAY = Structure.TODAY


@pytest.fixture
def world(reorganised):
    return reorganised


def _report(org, structure=Structure.MONTHS, start=MARCH, end=JUNE, sector_group=None):
    return progress_report(start=start, end=end, scope=Scope(org, sector_group, structure))


def _rows(report) -> dict:
    return {row.org.code: row.figures for row in report.rows}


def _members(f) -> tuple:
    return (
        f.members_start,
        f.admitted,
        f.decrease,
        f.net_members,
        f.members_moved,
        f.members_reorganised,
        f.members_end,
    )


def _unions(f) -> tuple:
    return (f.unions_start, f.unions_founded, f.unions_dissolved, f.unions_moved, f.unions_reorganised, f.unions_end)


def _balanced(f) -> bool:
    return (
        f.members_start + f.net_members + f.members_moved + f.members_reorganised == f.members_end
        and f.unions_start + f.net_unions + f.unions_moved + f.unions_reorganised == f.unions_end
    )


def test_the_province_counts_no_loss_and_no_founding_for_what_the_plan_did(world):
    f = _report(world["province"]).total.figures
    #                 start  adm  decr  net  moved  reorg  end
    assert _members(f) == (320, 10, 15, -5, 0, 0, 315)
    assert (f.transferred_in, f.lost, f.lost_by_reason["transferred_out"], f.reorg_in, f.reorg_out) == (
        0,
        15,
        0,
        50,
        50,
    )
    #                start founded dissolved moved reorg end
    assert _unions(f) == (7, 0, 1, 0, -1, 5)
    assert (f.unions_reorg_founded, f.unions_reorg_ended) == (1, 2)
    assert _balanced(f)


def test_each_federation_shows_its_moves_and_its_part_of_the_plan(world):
    rows = _rows(_report(world["province"]))
    block = world["block"].code
    assert _members(rows["DT"]) == (140, 10, 0, 10, 30, 0, 180)
    assert _unions(rows["DT"]) == (2, 0, 0, 1, -1, 2)
    assert (rows["DT"].reorg_in, rows["DT"].reorg_out) == (30, 30)
    assert _members(rows["PB"]) == (100, 0, 5, -5, -30, 0, 65)
    assert _unions(rows["PB"]) == (2, 0, 0, -1, 0, 1)
    assert _members(rows["VN"]) == (80, 0, 10, -10, -70, 0, 0)
    assert _unions(rows["VN"]) == (3, 0, 1, -2, 0, 0)
    assert _members(rows[block]) == (0, 0, 0, 0, 70, 0, 70)
    assert _unions(rows[block]) == (0, 0, 0, 2, 0, 2)
    assert (rows[block].unions_reorg_founded, rows[block].unions_reorg_ended) == (1, 1)
    assert all(_balanced(f) for f in rows.values())


@pytest.mark.parametrize("code", ["DT", "PB", "VN", "block"])
def test_one_federation_alone_gives_its_row_of_the_province_report(world, code):
    org = world[code]
    alone = _report(org).total.figures
    assert alone == _rows(_report(world["province"]))[org.code] and _balanced(alone)


def test_a_pure_reorganisation_leaves_the_provinces_net_figures_as_they_were(world):
    """June alone: nothing but the plan happened, so the province's flows and net are zero."""
    f = _report(world["province"], start=JUNE).total.figures
    assert (f.admitted, f.decrease, f.net_members, f.net_unions, f.transferred_in, f.lost) == (0, 0, 0, 0, 0, 0)
    assert (f.members_start, f.members_end, f.members_reorganised, f.unions_reorganised) == (315, 315, 0, -1)


def test_restated_each_cdcs_counts_for_its_federation_today(world):
    """Today d1 (and p2, merged into it) are PB's, v2 follows N1 (the plan's line names it) into
    DT, and v3, dissolved in VN which ended without a successor, is on the line "Đơn vị đã kết
    thúc"."""
    report = _report(world["province"], TODAY)
    assert sorted(row.org.code for row in report.rows) == ["", "DT", "PB", world["block"].code]
    assert report.rows[-1].org.name == "Đơn vị đã kết thúc" and report.rows[-1].org.pk is None
    rows = {row.org.code or ENDED: row.figures for row in report.rows}
    assert _members(rows["DT"]) == (60, 0, 0, 0, 0, 0, 60)
    assert _unions(rows["DT"]) == (2, 0, 0, 0, 0, 2)
    assert (rows["DT"].reorg_in, rows["DT"].reorg_out, rows["DT"].unions_reorg_founded) == (20, 20, 1)
    assert _members(rows["PB"]) == (200, 10, 5, 5, 0, 0, 205)
    assert _unions(rows["PB"]) == (3, 0, 0, 0, -1, 2)
    assert _members(rows[world["block"].code]) == (50, 0, 0, 0, 0, 0, 50)
    assert _unions(rows[world["block"].code]) == (1, 0, 0, 0, 0, 1)
    assert _members(rows[ENDED]) == (10, 0, 10, -10, 0, 0, 0)
    assert _unions(rows[ENDED]) == (1, 0, 1, 0, 0, 0)
    assert all(_balanced(f) for f in rows.values())
    assert report.total.figures == _report(world["province"]).total.figures


def test_restated_attainment_uses_todays_organisations_quotas(world):
    months, today = _report(world["province"]), _report(world["province"], TODAY)
    assert (_by_code(months)["DT"].year_members.actual, _by_code(months)["PB"].year_members.actual) == (10, 0)
    pb = _by_code(today)["PB"]
    assert (pb.year_members.actual, pb.year_members.quota, pb.year_members.percent) == (10, 100, 10.0)
    assert _by_code(today)[""].year_members.quota is None  # the ended line has no quota
    assert today.total.year_members.quota == 200


def _by_code(report) -> dict:
    return {row.org.code: row for row in report.rows}


def test_restated_one_federation_alone_is_its_row(world):
    alone = _report(world["PB"], TODAY).total.figures
    assert alone == _rows(_report(world["province"], TODAY))["PB"]
    assert _report(world["VN"], TODAY).total.figures.members_start == 0  # gone from today's structure


def test_the_drilldown_lines_show_the_plan_and_add_up(world):
    drill = federation_cdcs(org=world["DT"], start=MARCH, end=JUNE)
    lines = {line.cdcs.code: line for line in drill.lines}
    p2, d1 = lines["P2"], lines["D1"]
    assert (p2.figures.members_moved, p2.figures.members_reorganised, p2.figures.members_end) == (30, -30, 0)
    assert (p2.figures.unions_moved, p2.figures.unions_reorganised, p2.reorg_ended_on) == (1, -1, JUNE.first_day)
    assert p2.dissolved_on is None and p2.figures.unions_dissolved == 0
    assert (d1.figures.members_reorganised, d1.figures.transferred_in, d1.figures.members_end) == (30, 0, 140)
    assert all(_balanced(line.figures) for line in drill.lines)
    assert drill.total == _rows(_report(world["province"]))["DT"]
    block = federation_cdcs(org=world["block"], start=MARCH, end=JUNE)
    n1 = next(line for line in block.lines if line.cdcs.code == "N1")
    assert (n1.reorg_founded_on, n1.founded_on, n1.figures.members_reorganised) == (JUNE.first_day, None, 20)


def test_the_restated_drilldown_lines_add_up_to_the_restated_row(world):
    drill = federation_cdcs(org=world["PB"], start=MARCH, end=JUNE, structure=TODAY)
    assert sorted(line.cdcs.code for line in drill.lines) == ["D1", "P1", "P2"]
    assert all(_balanced(line.figures) and not line.moves for line in drill.lines)
    assert drill.total == _rows(_report(world["province"], TODAY))["PB"]


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


def test_the_restated_report_runs_a_fixed_number_of_queries(world):
    province = world["province"]
    before = _queries(lambda: _report(province, TODAY))
    for number in range(20, 30):  # ten more CĐCS, each with a move and months of figures
        cdcs = cdcs_create(world["DT"], number, opening=5, first_month=MARCH)
        figures_record(cdcs=cdcs, month=APRIL, admitted=1, user=None)
        cdcs_move(cdcs=cdcs, federation=world["PB"], from_month=MAY, user=None)
    assert _queries(lambda: _report(province, TODAY)) == before <= 7
    assert _queries(lambda: _report(province)) <= 8


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else (f"−{-value}" if value < 0 else "0")


def test_the_domain_page_quotes_what_the_portal_computes(world):
    """docs/domain.md's example of a plan, line by line, on both structures."""
    from pathlib import Path

    from django.conf import settings

    page = (Path(settings.BASE_DIR) / "docs" / "domain.md").read_text()
    months, today = _report(world["province"]), _report(world["province"], TODAY)
    rows, restated = _rows(months), {row.org.code or ENDED: row.figures for row in today.rows}
    block = world["block"].code

    def line(label, f, *, unions=False, moved=True):
        values = _unions(f) if unions else _members(f)
        if unions:  # start, founded, dissolved, moved, reorganised, end → as the members' columns
            start, founded, dissolved, moved_, reorganised, end = values
            values = (start, founded, dissolved, founded - dissolved, moved_, reorganised, end)
        start, admitted, decrease, net, moved_, reorganised, end = values
        cells = [label, str(start), str(admitted), _signed(decrease) if decrease < 0 else str(decrease), _signed(net)]
        cells[-1] = cells[-1] if net < 0 else str(net)
        cells += ([_signed(moved_)] if moved else []) + [_signed(reorganised), str(end)]
        return "| " + " | ".join(cells) + " |"

    for text in (
        line("DT, members", rows["DT"]),
        line("DT, CĐCS", rows["DT"], unions=True),
        line("PB, members", rows["PB"]),
        line("VN, members", rows["VN"]),
        line("direct block, members", rows[block]),
        line("province, members", months.total.figures),
        line("province, CĐCS", months.total.figures, unions=True),
        line("DT (d2, N1, v2), members", restated["DT"], moved=False),
        line("PB (d1, p1, p2), members", restated["PB"], moved=False),
        line("direct block (v1), members", restated[block], moved=False),
        line("Đơn vị đã kết thúc (v3), members", restated[ENDED], moved=False),
    ):
        assert text in page, text
    assert "against PB's quota of 100 (10,0 %)" in page


def test_the_dashboard_s_months_restated_are_pb_s_cdcs_of_today(world):
    """PB today holds d1, p1 and p2: its months restated carry d1's April admissions, p1's May
    loss, and in June the plan's merge of p2 into d1, which changes no member count of PB."""
    from reports.dashboard import dashboard

    board = dashboard(start=MARCH, end=JUNE, scope=Scope(world["PB"], None, TODAY), organising=False)
    months = [(p.totals.admitted, p.totals.decrease, p.totals.members_end, p.totals.unions_end) for p in board.months]
    assert months == [(0, 0, 200, 3), (10, 0, 210, 3), (0, 5, 205, 3), (0, 0, 205, 2)]
    june = board.months[-1].totals
    assert (june.reorg_in, june.reorg_out, june.unions_reorg_ended, june.unions_dissolved) == (30, 30, 1, 0)
    assert board.report.total.figures == _rows(_report(world["province"], TODAY))["PB"]
    on_months = dashboard(start=MARCH, end=JUNE, scope=Scope(world["PB"]), organising=False)
    assert [p.totals.members_end for p in on_months.months] == [100, 100, 95, 65]
