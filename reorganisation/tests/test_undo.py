"""Undoing a plan puts the database back exactly as it was, and is refused once anyone builds on it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.figures.services import figures_record
from members.figures.summary import summary_differences
from members.figures.workflow import return_submit
from members.models import (
    AuditEntry,
    Organisation,
)
from members.register.moves import member_transfer_request
from members.register.services import MemberData, member_admit
from members.services.org import cdcs_found, direct_block
from reorganisation.models import Plan
from reorganisation.services import plan_apply, plan_undo, plan_undo_refusal
from unionportal.lib.months import Month

from .conftest import AUGUST, M, database, line, record_month

pytestmark = pytest.mark.django_db
SPRING = date(2021, 3, 5)


@pytest.fixture
def busy_world(world, provincial_staff):
    """The world with July already entered for two CĐCS, August for the receiving P1, and people in
    the register of merged CĐCS, one of them with a transfer pending."""
    record_month(M, {world["D3"]: 32, world["P1"]: 6})
    record_month(AUGUST, {world["P1"]: 9})
    an = member_admit(
        cdcs=world["D3"], data=MemberData(full_name="Nguyễn Văn An", joined_on=date(2021, 3, 5)), user=None
    )
    member_admit(cdcs=world["D5"], data=MemberData(full_name="Lê Thị Bình", joined_on=date(2022, 1, 5)), user=None)
    member_transfer_request(member=an, to_cdcs=world["P2"], user=provincial_staff)
    return world


def test_undo_restores_everything_exactly(busy_world, make_plan, provincial_staff):
    before = database()
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    assert database() != before
    plan.refresh_from_db()
    assert plan_undo_refusal(plan) is None
    plan_undo(plan=plan, user=provincial_staff)
    assert database() == before
    assert summary_differences() == []
    plan.refresh_from_db()
    assert (plan.status, plan.undone_by) == (Plan.Status.UNDONE, provincial_staff)
    assert plan.new_unions.get().organisation is None
    assert AuditEntry.objects.filter(action="reorganisation.undo").count() == 1


def test_undo_is_refused_once_a_figure_of_the_month_is_entered(world, make_plan, provincial_staff):
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    figures_record(cdcs=world["P1"], month=M, admitted=1, transferred_in=30, user=provincial_staff)
    plan.refresh_from_db()
    refusal = plan_undo_refusal(plan)
    assert refusal.startswith("Đã có số liệu tháng 07/2025 của P1 – CĐCS P1 nhập lúc ")
    assert refusal.endswith(", sau khi áp dụng đề án: không thể hoàn tác nữa.")
    with pytest.raises(ValidationError, match="không thể hoàn tác nữa"):
        plan_undo(plan=plan, user=provincial_staff)
    assert Plan.objects.get().status == Plan.Status.APPLIED


def test_undo_is_refused_once_a_return_of_the_month_is_submitted(world, make_plan, provincial_staff):
    plan = make_plan(endings=(), new_unions=(), new_cdcs=(), lines=[line("P1", "merge", target="P2")])
    plan_apply(plan=plan, user=provincial_staff)
    return_submit(federation=world.pb, month=M, user=provincial_staff)  # P1 and P2 have July: the plan's
    plan.refresh_from_db()
    assert plan_undo_refusal(plan) == (
        "Báo cáo tháng 07/2025 của LĐLĐ huyện Phú Bình đã gửi hoặc đã duyệt: không thể hoàn tác nữa."
    )


def test_undo_is_refused_once_a_cdcs_is_founded_in_a_new_union(world, make_plan, provincial_staff):
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    cdcs_found(
        code="N2", name="CĐCS mới thêm", employer="Công ty", sector="private", founded_on=date(2025, 9, 1),
        federation=Organisation.objects.get(code="XA1"), user=provincial_staff,
    )  # fmt: skip
    plan.refresh_from_db()
    assert "N2 – CĐCS mới thêm đã được đưa vào Công đoàn xã Hùng Sơn" in plan_undo_refusal(plan)


def test_a_draft_or_an_undone_plan_cannot_be_undone(world, make_plan, provincial_staff):
    plan = make_plan()
    assert plan_undo_refusal(plan) == "Chỉ hoàn tác được đề án đã áp dụng."
    plan_apply(plan=plan, user=provincial_staff)
    plan_undo(plan=plan, user=provincial_staff)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="Chỉ hoàn tác được đề án đã áp dụng."):
        plan_undo(plan=plan, user=provincial_staff)


def test_a_direct_block_made_later_is_brought_forward_and_back(world, make_plan, provincial_staff):
    block = direct_block(create=True, month=Month(2025, 9))
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    block.refresh_from_db()
    assert block.active_from == date(2025, 7, 1)
    plan_undo(plan=plan, user=provincial_staff)
    block.refresh_from_db()
    assert block.active_from == date(2025, 9, 1)
