"""End to end through the plan services (reorganisation.services): a plan applied is read by the
reports as the plan left it, on both structures, and undone it leaves the reports as they were.

DT (D1 10, D2 20, D3 30 members at the end of June 2025) ends in July 2025; PB has P1 (5). The plan
moves D1 to PB, merges D2 into P1 and ends D3 into N1, a CĐCS it founds in the direct block."""

import pytest

from members.figures.summary import summary_differences
from members.models import GrassrootsUnion, Organisation
from reorganisation.services import plan_apply, plan_create_draft, plan_undo
from reports.selectors import Scope, Structure, progress_report
from unionportal.lib.months import Month
from unionportal.testing.province import cdcs_create

JUNE, M = Month(2025, 6), Month(2025, 7)


@pytest.fixture
def plan(province, federation, other_federation, provincial_staff):
    for number, (code, org, opening) in enumerate(
        (("D1", federation, 10), ("D2", federation, 20), ("D3", federation, 30), ("P1", other_federation, 5)),
        start=1,
    ):
        cdcs_create(org, number, code=code, opening=opening, first_month=JUNE)
    return plan_create_draft(
        name="Đề án sắp xếp công đoàn cấp trên",
        effective_month=M,
        endings=["DT"],
        new_unions=[],
        new_cdcs=[{"code": "N1", "name": "CĐCS Trường liên cấp", "sector": "public", "union_code": ""}],
        lines=[
            {"cdcs_code": "D1", "action": "move", "union_code": "PB", "target_code": ""},
            {"cdcs_code": "D2", "action": "merge", "union_code": "", "target_code": "P1"},
            {"cdcs_code": "D3", "action": "end", "union_code": "", "target_code": "N1"},
        ],
        quotas=[],
        user=provincial_staff,
    )


def _report(org, structure=Structure.MONTHS):
    return progress_report(start=JUNE, end=M, scope=Scope(org, None, structure))


def _line(f) -> tuple:
    return (
        f.members_start, f.net_members, f.members_moved, f.members_reorganised, f.members_end,
        f.unions_start, f.net_unions, f.unions_moved, f.unions_reorganised, f.unions_end,
    )  # fmt: skip


def test_an_applied_plan_is_read_apart_from_development_and_undone_leaves_nothing(
    plan, province, federation, other_federation, provincial_staff
):
    before = _report(province).total.figures
    plan_apply(plan=plan, user=provincial_staff)
    assert summary_differences() == []
    report = _report(province)
    block = Organisation.objects.get(kind=Organisation.Kind.DIRECT)
    rows = {row.org.code: row.figures for row in report.rows}
    #                                start net moved reorg end | start net moved reorg end
    assert _line(report.total.figures) == (65, 0, 0, 0, 65, 4, 0, 0, -1, 3)
    assert (report.total.figures.admitted, report.total.figures.decrease) == (0, 0)
    assert (report.total.figures.unions_founded, report.total.figures.unions_dissolved) == (0, 0)
    assert _line(rows["DT"]) == (60, 0, -60, 0, 0, 3, 0, -3, 0, 0)
    assert _line(rows["PB"]) == (5, 0, 30, 0, 35, 1, 0, 2, -1, 2)
    assert _line(rows[block.code]) == (0, 0, 30, 0, 30, 0, 0, 1, 0, 1)
    assert (rows[block.code].reorg_in, rows[block.code].unions_reorg_founded) == (30, 1)

    today = {row.org.code: row.figures for row in _report(province, Structure.TODAY).rows}
    assert set(today) == {"PB", block.code}  # DT ended: its CĐCS are counted where they are now
    assert _line(today["PB"]) == (35, 0, 0, 0, 35, 3, 0, 0, -1, 2)
    assert _line(today[block.code]) == (30, 0, 0, 0, 30, 1, 0, 0, 0, 1)
    assert GrassrootsUnion.objects.get(code="D3").merged_into is None  # ended, found through the plan's line

    plan_undo(plan=plan, user=provincial_staff)
    assert _report(province).total.figures == before
    assert summary_differences() == []
