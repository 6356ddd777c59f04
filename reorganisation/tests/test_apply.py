"""Applying a plan: each kind of line, hand-computed, on the province of conftest.py (D1…D5 under
DT with 10…50 members at the end of June 2025, P1 and P2 under PB with 5 and 7; M = July 2025)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.figures.locks import returns_touch
from members.figures.services import figures_record
from members.figures.summary import summary_differences
from members.models import Affiliation, AuditEntry, FederationMonth, GrassrootsUnion, MonthlyFigure, Organisation, Role
from members.register.services import MemberData, member_admit
from reorganisation.models import Plan
from reorganisation.services import plan_apply
from unionportal.testing.html import grid_form
from unionportal.testing.province import user_create

from .conftest import AUGUST, JUNE, M, line, record_month

pytestmark = pytest.mark.django_db


def row(cdcs, month=M) -> MonthlyFigure:
    return MonthlyFigure.objects.get(cdcs=cdcs, month=month.first_day)


def figures(cdcs, month=M) -> tuple:
    """(federation, start, transferred in, reorg in, transferred out, reorg out, end) of a month."""
    item = row(cdcs, month)
    return (
        item.federation.code, item.members_start, item.transferred_in, item.reorg_in,
        item.lost_transferred_out, item.reorg_out, item.members_end,
    )  # fmt: skip


def federation_in(cdcs, month=M) -> str:
    return Affiliation.objects.filter(cdcs=cdcs, valid_from__lte=month.first_day).latest("valid_from").federation.code


def stock(org, month=M) -> tuple[int, int]:
    """(CĐCS, members) of an organisation at the end of a month, as the summary says."""
    rows = FederationMonth.objects.filter(federation=org, month=month.first_day)
    return sum(item.unions_end for item in rows), sum(item.members_end for item in rows)


def test_a_moved_cdcs_belongs_to_its_new_union_from_the_month_and_keeps_its_history(world, make_plan, provincial_staff):
    plan_apply(plan=make_plan(), user=provincial_staff)
    assert federation_in(world["D1"], JUNE) == "DT"
    assert federation_in(world["D1"]) == "PB"
    assert row(world["D1"], JUNE).federation == world.dt
    assert not MonthlyFigure.objects.filter(cdcs=world["D1"], month=M.first_day).exists()
    # PB: P1 with its 5 and the 30 of D3 merged into it, P2 with 7, and D1 with its 10.
    assert stock(world.pb) == (3, 5 + 30 + 7 + 10)


def test_a_cdcs_passed_to_the_province_sits_in_the_direct_block(world, make_plan, provincial_staff):
    assert not Organisation.objects.filter(kind=Organisation.Kind.DIRECT).exists()
    plan_apply(plan=make_plan(), user=provincial_staff)
    block = Organisation.objects.get(kind=Organisation.Kind.DIRECT)
    assert block.parent == world.province
    assert federation_in(world["D2"]) == block.code
    assert stock(block) == (1, 20)


def test_a_cdcs_merged_into_an_existing_one_hands_its_members_on_in_the_month(world, make_plan, provincial_staff):
    plan_apply(plan=make_plan(), user=provincial_staff)
    d3, p1 = GrassrootsUnion.objects.get(code="D3"), world["P1"]
    # D3 closes July in PB, the federation of the CĐCS that takes it in: 30 out, all by the plan.
    assert figures(d3) == ("PB", 30, 0, 0, 30, 30, 0)
    assert figures(p1) == ("PB", 5, 30, 30, 0, 0, 35)
    assert (d3.dissolved_on, d3.ended_by_reorganisation, d3.merged_into) == (date(2025, 7, 1), True, p1)
    assert d3.dissolution_reason.startswith("Hợp nhất vào P1 – CĐCS P1")


def test_several_cdcs_merged_or_ended_into_a_new_cdcs_found_it_with_their_members(world, make_plan, provincial_staff):
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    n1 = GrassrootsUnion.objects.get(code="N1")
    xa1 = Organisation.objects.get(code="XA1")
    assert (n1.founded_on, n1.founded_by_reorganisation, n1.workers) == (date(2025, 7, 1), True, 200)
    assert (xa1.kind, xa1.active_from, xa1.parent) == ("commune", date(2025, 7, 1), world.province)
    assert federation_in(n1) == "XA1"
    assert figures(n1) == ("XA1", 0, 90, 90, 0, 0, 90)
    assert figures(world["D4"]) == ("XA1", 40, 0, 0, 40, 40, 0)
    assert figures(world["D5"]) == ("XA1", 50, 0, 0, 50, 50, 0)
    d4, d5 = GrassrootsUnion.objects.filter(code__in=["D4", "D5"]).order_by("code")
    assert (d4.merged_into, d5.merged_into) == (n1, None)  # D5 ended, its members sent to N1
    assert d5.dissolution_reason.startswith("Kết thúc hoạt động theo đề án")
    plan.refresh_from_db()
    assert plan.new_unions.get().organisation == xa1
    assert plan.new_cdcs.get().cdcs == n1
    assert stock(xa1) == (1, 90)


def test_the_ended_union_closes_the_day_before_and_keeps_nothing(world, make_plan, provincial_staff):
    plan_apply(plan=make_plan(), user=provincial_staff)
    world.dt.refresh_from_db()
    assert world.dt.active_to == date(2025, 6, 30)
    assert stock(world.dt, JUNE) == (5, 150)
    assert stock(world.dt) == (0, 0)
    assert summary_differences() == []


def test_the_receiving_cdcs_carries_the_members_into_months_already_entered(world, make_plan, provincial_staff):
    record_month(M, {world["P1"]: 6})
    record_month(AUGUST, {world["P1"]: 8})
    plan_apply(plan=make_plan(), user=provincial_staff)
    assert figures(world["P1"]) == ("PB", 5, 30, 30, 0, 0, 36)
    assert row(world["P1"]).admitted == 1
    assert (row(world["P1"], AUGUST).members_start, row(world["P1"], AUGUST).members_end) == (36, 38)


def test_a_month_already_entered_for_the_merged_cdcs_is_kept_and_closed(world, make_plan, provincial_staff):
    record_month(M, {world["D3"]: 33})  # 3 admitted in July before the plan
    plan_apply(plan=make_plan(), user=provincial_staff)
    assert figures(world["D3"]) == ("PB", 30, 0, 0, 33, 33, 0)
    assert row(world["D3"]).admitted == 3
    assert figures(world["P1"])[2:] == (33, 33, 0, 0, 38)


def test_members_in_the_register_move_to_the_receiving_cdcs(world, make_plan, provincial_staff):
    member = member_admit(
        cdcs=world["D3"], data=MemberData(full_name="Nguyễn Văn An", joined_on=date(2021, 3, 5)), user=None
    )
    plan_apply(plan=make_plan(), user=provincial_staff)
    member.refresh_from_db()
    assert member.cdcs == world["P1"]
    assert list(member.events.order_by("pk").values_list("cdcs__code", "kind", "on")) == [
        ("D3", "admitted", date(2021, 3, 5)),
        ("D3", "lost", date(2025, 7, 1)),
        ("P1", "transferred_in", date(2025, 7, 1)),
    ]


def test_the_plan_is_applied_once_and_audited(world, make_plan, provincial_staff):
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    plan.refresh_from_db()
    assert (plan.status, plan.applied_by) == (Plan.Status.APPLIED, provincial_staff)
    entry = AuditEntry.objects.get(action="reorganisation.apply")
    assert entry.data == {
        "unions_ended": 1, "unions_founded": 1, "cdcs_founded": 1, "moved": 1, "to_province": 1, "merged": 2,
        "ended": 1, "members_transferred": 120, "quotas": 8,
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="reorganisation.cdcs").count() == 5
    with pytest.raises(ValidationError, match="không còn là dự thảo"):
        plan_apply(plan=plan, user=provincial_staff)
    assert AuditEntry.objects.filter(action="reorganisation.apply").count() == 1


def test_only_provincial_staff_apply_a_plan(world, make_plan):
    plan = make_plan()
    for user in (user_create("canbo.dt", Role.FEDERATION_STAFF, world.dt), user_create("lanhdao", Role.LEADERSHIP)):
        with pytest.raises(PermissionDenied):
            plan_apply(plan=plan, user=user)
    assert Plan.objects.get().status == Plan.Status.DRAFT


def test_a_locked_month_refuses_the_whole_plan_and_changes_nothing(world, make_plan, provincial_staff):
    from members.figures.workflow import return_approve, return_submit

    record_month(M, {world["P1"]: 5, world["P2"]: 7})
    return_submit(federation=world.pb, month=M, user=provincial_staff)
    return_approve(federation=world.pb, month=M, user=provincial_staff, warnings_confirmed=True)
    before = (MonthlyFigure.objects.count(), Affiliation.objects.count(), Organisation.objects.count())
    plan = make_plan()
    with pytest.raises(ValidationError, match="đã duyệt và khóa"):
        plan_apply(plan=plan, user=provincial_staff)
    assert (MonthlyFigure.objects.count(), Affiliation.objects.count(), Organisation.objects.count()) == before
    assert Plan.objects.get().status == Plan.Status.DRAFT


def test_a_later_save_of_the_month_keeps_what_the_plan_moved(world, make_plan, provincial_staff):
    plan_apply(plan=make_plan(), user=provincial_staff)
    figures_record(cdcs=world["P1"], month=M, admitted=2, transferred_in=31, user=provincial_staff)
    assert figures(world["P1"]) == ("PB", 5, 31, 30, 0, 0, 38)


def test_typing_fewer_transfers_than_the_plan_moved_is_refused_in_words(world, make_plan, provincial_staff):
    plan_apply(plan=make_plan(), user=provincial_staff)
    with pytest.raises(ValidationError) as refused:
        figures_record(cdcs=world["P1"], month=M, transferred_in=10, user=provincial_staff)
    assert "30 đoàn viên chuyển do sắp xếp tổ chức" in refused.value.message_dict["transferred_in"][0]
    with pytest.raises(ValidationError) as refused:
        figures_record(cdcs=world["D3"], month=M, lost={}, user=provincial_staff)
    assert figures(world["P1"]) == ("PB", 5, 30, 30, 0, 0, 35)


def test_a_plan_moving_cdcs_of_a_union_that_stays(world, make_plan, provincial_staff):
    plan = make_plan(
        endings=(), new_unions=(), new_cdcs=(), lines=[line("P2", "to_province"), line("P1", "merge", target="D1")]
    )
    plan_apply(plan=plan, user=provincial_staff)
    assert federation_in(world["P2"]).endswith("-TT")
    assert figures(world["P1"]) == ("DT", 5, 0, 0, 5, 5, 0)
    assert figures(world["D1"]) == ("DT", 10, 5, 5, 0, 0, 15)
    assert summary_differences() == []


def test_returns_of_the_month_are_touched(world, make_plan, provincial_staff):
    returns_touch([(world.pb.pk, M.first_day)], provincial_staff)
    version = world.pb.returns.get(month=M.first_day).version
    plan_apply(plan=make_plan(), user=provincial_staff)
    assert world.pb.returns.get(month=M.first_day).version > version


def test_the_entry_grid_keeps_what_the_plan_moved_and_refuses_fewer_transfers(
    world, make_plan, provincial_staff, client_for
):
    plan_apply(plan=make_plan(), user=provincial_staff)
    client, p1 = client_for(provincial_staff), world["P1"]
    url = reverse("members:grid", kwargs={"code": "PB", "month": M})

    def post(changes):  # the grid as the page shows it, with some cells typed over
        return client.post(url, grid_form(client.get(url)) | changes)

    response = post({f"r{p1.pk}-admitted": "3"})
    assert response.status_code == 302
    assert figures(p1) == ("PB", 5, 30, 30, 0, 0, 38)
    response = post({f"r{p1.pk}-transferred_in": "20"})
    assert response.status_code == 200
    assert "30 đoàn viên chuyển do sắp xếp tổ chức" in response.content.decode()
    assert figures(p1) == ("PB", 5, 30, 30, 0, 0, 38)
