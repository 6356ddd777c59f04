"""Restated on today's structure, by hand: a 2-union, 4-CĐCS province with a move and a merge."""

from datetime import date

from members.figures.services import figures_record
from members.models import LossReason
from members.services.org import cdcs_merge, cdcs_move
from reports.selectors import Scope, Structure, progress_report
from unionportal.lib.months import Month

MARCH, APRIL, MAY, JUNE = Month(2021, 3), Month(2021, 4), Month(2021, 5), Month(2021, 6)


def _report(org, structure=Structure.MONTHS):
    return progress_report(start=MARCH, end=JUNE, scope=Scope(org, None, structure))


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


def test_restated_figures_of_a_small_province_with_a_move_and_a_merge(
    province, federation, other_federation, make_cdcs
):
    """DT: a1 100, a2 40; PB: b1 60, b2 30, from 03/2021. a1 +5 (04); a2 moves to PB from May and
    admits 3 there in June; b1 −2 retired (05); b2 merged into a1 on 10/05/2021 (not a plan: a
    transfer and a dissolution). Restated, a2 is PB's in every month, b2 follows a1 into DT."""
    a1 = make_cdcs(federation, code="A1", opening=100, first_month=MARCH)
    a2 = make_cdcs(federation, code="A2", opening=40, first_month=MARCH)
    b1 = make_cdcs(other_federation, code="B1", opening=60, first_month=MARCH)
    b2 = make_cdcs(other_federation, code="B2", opening=30, first_month=MARCH)
    figures_record(cdcs=a1, month=APRIL, admitted=5, user=None)
    cdcs_move(cdcs=a2, federation=other_federation, from_month=MAY, user=None)
    figures_record(cdcs=a2, month=JUNE, admitted=3, user=None)
    figures_record(cdcs=b1, month=MAY, lost={LossReason.RETIRED: 2}, user=None)
    cdcs_merge(absorbed=b2, into=a1, on=date(2021, 5, 10), user=None)

    months = _rows(_report(province))
    assert _members(months["DT"]) == (140, 5, -30, 35, -40, 0, 135)
    assert _members(months["PB"]) == (90, 3, 32, -29, 40, 0, 101)
    today = _rows(_report(province, Structure.TODAY))
    assert sorted(today) == ["DT", "PB"]
    #                          start adm decr net moved reorg end
    assert _members(today["DT"]) == (130, 5, 0, 5, 0, 0, 135)
    assert _unions(today["DT"]) == (2, 0, 1, 0, 0, 1)
    assert _members(today["PB"]) == (100, 3, 2, 1, 0, 0, 101)
    assert _unions(today["PB"]) == (2, 0, 0, 0, 0, 2)
    both = (_report(province).total.figures, _report(province, Structure.TODAY).total.figures)
    assert both[0] == both[1] and _members(both[0]) == (230, 8, 2, 6, 0, 0, 236)
