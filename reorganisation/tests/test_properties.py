"""The property the issue asks for: a valid plan changes no province-wide member total. Random
small provinces (one or two ending unions, one that stays, CĐCS with or without figures, some
with July entered already) and random plans of every kind of line; the plan has no problems,
applies, and the province's members at the end of June, the start of July and the end of July are
what they were, in the rows and in the summary the reports read; undone, it leaves the database as
it found it. Each example is rolled back."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.figures.services import FigureEntry, figures_record_many
from members.figures.summary import summary_differences
from members.models import FederationMonth, GrassrootsUnion
from reorganisation.planning import plan_problems
from reorganisation.services import plan_apply, plan_create_draft, plan_undo
from unionportal.testing.province import cdcs_create, federation_create

from .conftest import JUNE, MAY, M, database

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
FOUNDED = date(2025, 4, 1)
ACTIONS = ("move_stays", "move_new", "to_province", "merge_existing", "merge_new", "end_existing")


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def totals() -> tuple[int, ...]:
    """Members province-wide: end of June, start of July, end of July (rows), and the summary's
    end of June and end of July."""
    june_end = july_start = july_end = 0
    for cdcs in GrassrootsUnion.objects.all():
        rows = {row.month: row for row in cdcs.figures.filter(month__lte=M.first_day)}
        june = max((month for month in rows if month < M.first_day), default=None)
        carried = rows[june].members_end if june else 0
        july = rows.get(M.first_day)
        june_end += carried
        july_start += july.members_start if july else carried
        july_end += july.members_end if july else carried
    summary = [
        FederationMonth.objects.filter(month=month.first_day).aggregate(total=Sum("members_end"))["total"] or 0
        for month in (JUNE, M)
    ]
    return june_end, july_start, july_end, *summary


def build(draw, province):
    ending = [federation_create(province, f"E{index}") for index in range(draw(st.integers(1, 2)))]
    stays = federation_create(province, "S")
    number = iter(range(1, 100))
    # Founded lately, so that the summary each write refreshes spans months, not years.
    staying = [cdcs_create(stays, next(number), founded_on=FOUNDED) for _ in range(draw(st.integers(1, 2)))]
    leaving = [
        cdcs_create(org, next(number), founded_on=FOUNDED) for org in ending for _ in range(draw(st.integers(1, 4)))
    ]
    with_rows = [cdcs for cdcs in staying + leaving if draw(st.booleans()) or cdcs in staying[:1]]
    stocks = {cdcs: draw(st.integers(0, 60)) for cdcs in with_rows}
    figures_record_many(month=MAY, entries=[FigureEntry(cdcs=c, members_start=s) for c, s in stocks.items()], user=None)
    figures_record_many(
        month=JUNE, entries=[FigureEntry(cdcs=c, admitted=draw(st.integers(0, 5))) for c in stocks], user=None
    )
    july = [cdcs for cdcs in with_rows if draw(st.integers(0, 3)) == 0]
    if july:
        figures_record_many(month=M, entries=[FigureEntry(cdcs=c, admitted=draw(st.integers(0, 3))) for c in july],
                            user=None)  # fmt: skip
    return ending, staying, leaving


def plan_for(draw, ending, staying, leaving, user):
    lines, used = [], set()
    for cdcs in leaving:
        action = draw(st.sampled_from(ACTIONS))
        target = draw(st.sampled_from(staying)).code
        lines.append(
            {
                "move_stays": {"action": "move", "union_code": "S"},
                "move_new": {"action": "move", "union_code": "U1"},
                "to_province": {"action": "to_province"},
                "merge_existing": {"action": "merge", "target_code": target},
                "merge_new": {"action": "merge", "target_code": "N1"},
                "end_existing": {"action": "end", "target_code": target},
            }[action]
            | {"cdcs_code": cdcs.code}
        )
        used.add(action)
    if draw(st.booleans()):  # a CĐCS of the union that stays passes to the province too
        lines.append({"cdcs_code": staying[-1].code, "action": "to_province"})
    n1_union = draw(st.sampled_from(["U1", ""])) if "move_new" in used else draw(st.sampled_from(["U1", "", "S"]))
    new_cdcs = [{"code": "N1", "name": "CĐCS mới", "sector": "public", "union_code": n1_union}]
    new_cdcs = new_cdcs if "merge_new" in used else []
    needs_u1 = "move_new" in used or any(cdcs["union_code"] == "U1" for cdcs in new_cdcs)
    return plan_create_draft(
        name="Đề án", effective_month=M, endings=[org.code for org in ending],
        new_unions=[{"code": "U1", "name": "Công đoàn xã", "kind": "commune"}] if needs_u1 else [],
        new_cdcs=new_cdcs, lines=lines, quotas=[], user=user,
    )  # fmt: skip


@EXAMPLES
@given(data=st.data())
def test_a_valid_plan_changes_no_province_wide_member_total(data, province, provincial_staff):
    with rolled_back():
        ending, staying, leaving = build(data.draw, province)
        plan = plan_for(data.draw, ending, staying, leaving, provincial_staff)
        assert plan_problems(plan) == []
        before, rows = totals(), database()
        plan_apply(plan=plan, user=provincial_staff)
        assert totals() == before
        assert summary_differences() == []
        plan_undo(plan=plan, user=provincial_staff)
        assert database() == rows
