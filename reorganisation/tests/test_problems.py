"""Every refusal of a plan, with the line it names (None: the plan as a whole), and the refusals
of plan_create_draft, which builds nothing when it refuses."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.models import Affiliation, GrassrootsUnion
from members.services.org import cdcs_dissolve
from reorganisation.models import Plan
from reorganisation.planning import plan_preview, plan_problems
from reorganisation.services import plan_create_draft
from unionportal.lib.months import Month

from .conftest import AUGUST, FULL_LINES, NEW_CDCS, NEW_UNIONS, M, line, record_month

pytestmark = pytest.mark.django_db


def problems(plan) -> list[tuple[int | None, str]]:
    return [(problem.line_no, problem.message) for problem in plan_problems(plan)]


def with_line(number: int, replacement: dict) -> list[dict]:
    lines = list(FULL_LINES)
    lines[number - 1] = replacement
    return lines


def test_the_full_plan_has_no_problems(make_plan):
    assert problems(make_plan()) == []


def test_a_cdcs_of_an_ending_union_without_a_line(make_plan):
    assert problems(make_plan(lines=FULL_LINES[:4])) == [
        (None, "CĐCS D5 – CĐCS D5 thuộc LĐLĐ huyện Đại Từ (kết thúc) chưa có dòng nào trong đề án.")
    ]


def test_an_ending_union_founded_in_the_month_or_ended_already(world, make_plan):
    world.dt.active_from = M.first_day
    world.dt.save()
    assert problems(make_plan()) == [
        (None, "LĐLĐ huyện Đại Từ bắt đầu hoạt động ngày 01/07/2025, không trước tháng 07/2025 nên không thể kết thúc.")
    ]
    world.dt.active_from, world.dt.active_to = None, date(2025, 3, 31)
    world.dt.save()
    assert (None, "LĐLĐ huyện Đại Từ đã kết thúc hoạt động ngày 31/03/2025.") in problems(make_plan())


def test_a_line_for_a_cdcs_not_active_in_the_month(world, make_plan, provincial_staff):
    cdcs_dissolve(cdcs=world["D1"], on=date(2025, 6, 10), reason="Doanh nghiệp giải thể", user=provincial_staff)
    assert problems(make_plan()) == [
        (1, "CĐCS D1 không hoạt động, hoặc chưa trực thuộc công đoàn cấp trên nào, trong tháng 07/2025.")
    ]


def test_a_move_to_a_union_that_is_neither_active_nor_new(world, make_plan):
    assert problems(make_plan(lines=with_line(1, line("D1", "move", union="ZZ")))) == [
        (1, "ZZ không phải công đoàn cấp trên đang hoạt động (và không kết thúc) hay mới trong đề án.")
    ]


def test_a_move_to_an_ending_union(world, make_plan):
    assert problems(make_plan(lines=FULL_LINES + [line("P2", "move", union="DT")])) == [
        (6, "DT không phải công đoàn cấp trên đang hoạt động (và không kết thúc) hay mới trong đề án.")
    ]


def test_a_move_to_the_union_it_is_in(world, make_plan):
    assert problems(make_plan(lines=FULL_LINES + [line("P2", "move", union="PB")])) == [
        (6, "CĐCS P2 đã trực thuộc LĐLĐ huyện Phú Bình trong tháng 07/2025.")
    ]


def test_a_target_that_is_neither_an_active_cdcs_nor_new(world, make_plan):
    assert problems(make_plan(lines=with_line(3, line("D3", "merge", target="X9")))) == [
        (3, "X9 không phải CĐCS đang hoạt động trong tháng 07/2025 hay CĐCS mới trong đề án.")
    ]


def test_a_target_that_itself_ends_in_the_plan(world, make_plan):
    assert problems(make_plan(lines=with_line(3, line("D3", "merge", target="D4")))) == [
        (3, "CĐCS nhận D4 cũng kết thúc trong đề án (dòng 4): hãy ghi thẳng CĐCS nhận cuối cùng.")
    ]


def test_a_cdcs_merged_into_itself(world, make_plan):
    assert problems(make_plan(lines=with_line(3, line("D3", "end", target="D3")))) == [
        (3, "CĐCS không thể hợp nhất vào chính nó.")
    ]


def test_a_merged_cdcs_with_figures_after_the_month(world, make_plan):
    record_month(M, {world["D3"]: 30})
    record_month(AUGUST, {world["D3"]: 31})
    assert problems(make_plan()) == [(3, "CĐCS D3 đã có số liệu tháng 08/2025, sau tháng có hiệu lực 07/2025.")]


def test_new_codes_that_exist_already(world, make_plan):
    plan = make_plan(
        new_unions=[{"code": "pb", "name": "Trùng mã", "kind": "commune"}, *NEW_UNIONS],
        new_cdcs=[*NEW_CDCS, {"code": "p1", "name": "Trùng mã", "sector": "public", "union_code": "XA1"}],
    )
    assert problems(plan) == [
        (None, "Mã pb của công đoàn cấp trên mới đã có: LĐLĐ huyện Phú Bình."),
        (None, "Công đoàn cấp trên mới pb – Trùng mã không có CĐCS nào trực thuộc."),
        (None, "Mã CĐCS mới p1 đã có (P1)."),
        (None, "CĐCS mới p1 – Trùng mã không có CĐCS nào hợp nhất hay chuyển đoàn viên vào."),
    ]


def test_a_new_union_without_cdcs(world, make_plan):
    plan = make_plan(new_unions=[*NEW_UNIONS, {"code": "XA2", "name": "Công đoàn xã Yên Lãng", "kind": "commune"}])
    assert problems(plan) == [
        (None, "Công đoàn cấp trên mới XA2 – Công đoàn xã Yên Lãng không có CĐCS nào trực thuộc.")
    ]


def test_a_new_cdcs_under_a_union_that_does_not_exist(world, make_plan):
    plan = make_plan(new_cdcs=[{**NEW_CDCS[0], "union_code": "QQ"}])
    assert problems(plan) == [
        (None, "Công đoàn cấp trên mới XA1 – Công đoàn xã Hùng Sơn không có CĐCS nào trực thuộc."),
        (None, "CĐCS mới N1: QQ không phải công đoàn cấp trên đang hoạt động hay mới trong đề án."),
    ]


def test_a_later_move_into_the_ending_union(world, make_plan):
    Affiliation.objects.create(cdcs=world["P2"], federation=world.dt, valid_from=AUGUST.first_day)
    assert problems(make_plan()) == [
        (None, "CĐCS P2 đã được ghi chuyển về LĐLĐ huyện Đại Từ từ tháng 08/2025, sau khi đơn vị này kết thúc.")
    ]


def test_a_month_locked_from_the_effective_month_on(world, make_plan, provincial_staff):
    from members.figures.workflow import return_approve, return_submit

    record_month(AUGUST, {world["P1"]: 5, world["P2"]: 7})  # July carries the stock: none typed
    record_month(M, {world["P1"]: 5, world["P2"]: 7})
    return_submit(federation=world.pb, month=AUGUST, user=provincial_staff)
    return_approve(federation=world.pb, month=AUGUST, user=provincial_staff, warnings_confirmed=True)
    assert problems(make_plan()) == [
        (
            None,
            "Tháng có hiệu lực 07/2025 phải sau các tháng đã duyệt và khóa của các đơn vị trong đề án; "
            "đã khóa: tháng 08/2025 của LĐLĐ huyện Phú Bình. Cần mở khóa các tháng đó hoặc chọn tháng có hiệu "
            "lực muộn hơn.",
        )
    ]


def test_the_checks_and_the_preview_read_a_fixed_number_of_queries(
    world, make_plan, provincial_staff, django_assert_num_queries
):
    small = make_plan()
    more_lines = FULL_LINES + [line("P1", "move", union="XA1"), line("P2", "to_province")]
    large = make_plan(lines=more_lines)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for plan in (small, large):
        for read in (plan_problems, plan_preview):
            with CaptureQueriesContext(connection) as context:
                read(plan)
            counts.append(len(context.captured_queries))
    assert counts[:2] == counts[2:]
    assert counts[0] <= 12


# --- plan_create_draft ------------------------------------------------------------------------


def test_a_draft_refuses_bad_input_with_every_reason_and_writes_nothing(world, provincial_staff):
    lines = [
        line("D1", "move"),
        line("D1", "to_province"),
        line("ZZ", "merge", target="P1"),
        line("D3", "jump"),
        line("D4", "merge", union="PB"),
        line("D5", "to_province", union="PB"),
    ]
    with pytest.raises(ValidationError) as refused:
        plan_create_draft(
            name="", effective_month=M, endings=["DT", "QQ"], new_unions=[{"code": "X A", "name": "", "kind": "x"}],
            new_cdcs=[{"code": "N1", "name": "CĐCS", "sector": "public"}], lines=lines, quotas=[],
            user=provincial_staff,
        )  # fmt: skip
    messages = refused.value.messages
    expected = [
        "Tên đề án: Trường này không được để trắng.",
        "Không có công đoàn cấp trên mã QQ.",
        "Dòng 1: chuyển sang công đoàn cấp trên khác thì phải ghi mã công đoàn cấp trên.",
        "Dòng 2: CĐCS D1 đã có ở dòng 1.",
        "Dòng 3: không có CĐCS mã ZZ.",
        "Dòng 5: hợp nhất hay kết thúc hoạt động thì phải ghi mã CĐCS nhận đoàn viên.",
        "Dòng 6: chuyển về LĐLĐ tỉnh trực tiếp quản lý thì bỏ trống mã công đoàn cấp trên.",
    ]
    for message in expected:
        assert message in messages, messages
    assert any(message.startswith("Dòng 4: ") for message in messages)
    assert any(message.startswith("Công đoàn cấp trên mới X A: ") for message in messages)
    assert not Plan.objects.exists()


def test_a_draft_from_codes(world, make_plan):
    plan = make_plan()
    assert plan.status == Plan.Status.DRAFT
    assert plan.effective_month == date(2025, 7, 1)
    assert [ending.organisation for ending in plan.endings.all()] == [world.dt]
    assert list(plan.lines.values_list("line_no", "cdcs__code", "action")) == [
        (1, "D1", "move"), (2, "D2", "to_province"), (3, "D3", "merge"), (4, "D4", "merge"), (5, "D5", "end"),
    ]  # fmt: skip
    assert GrassrootsUnion.objects.filter(code="N1").count() == 0
    assert Month.of(plan.effective_month) == M
