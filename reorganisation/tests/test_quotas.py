"""Quotas that follow the CĐCS. DT ends in July 2025: it hands on 6/12 of its 2025 quotas
(120/12/24 → 60/6/12, keeping 60/6/12) and the whole of 2026 (100/10/20). The full plan sends it
members to PB (D1 10 + D3 30 = 40), the direct block (D2 20) and XA1 (D4 40 + D5 50 = 90)."""

import pytest
from django.core.exceptions import ValidationError

from members.models import Organisation
from reorganisation.models import PlanQuota
from reorganisation.planning import plan_preview, plan_problems
from reorganisation.quotas import largest_remainder
from reorganisation.services import plan_apply
from targets.models import Quota
from unionportal.testing.province import federation_create

pytestmark = pytest.mark.django_db


def quotas_of(code: str) -> dict[int, tuple[int, int, int]]:
    org = Organisation.objects.get(code=code)
    return {
        quota.year: (quota.new_members, quota.new_unions, quota.trained_officers)
        for quota in Quota.objects.filter(organisation=org)
    }


def test_largest_remainder_adds_up_exactly_and_favours_the_largest_remainders():
    assert largest_remainder(6, [40, 20, 90]) == [2, 1, 3]  # 1.6, 0.8, 3.6: the 0.8 first, then the first 0.6
    assert largest_remainder(12, [40, 20, 90]) == [3, 2, 7]
    assert largest_remainder(100, [40, 20, 90]) == [27, 13, 60]
    assert largest_remainder(7, [0, 0]) == [0, 0]
    assert sum(largest_remainder(1_001, [3, 3, 3])) == 1_001


def test_pro_rata_by_members_received(world, make_plan, provincial_staff):
    plan = make_plan()
    plan_apply(plan=plan, user=provincial_staff)
    block = Organisation.objects.get(kind=Organisation.Kind.DIRECT).code
    assert quotas_of("DT") == {2025: (60, 6, 12)}  # keeps January–June; 2026 handed on whole
    assert quotas_of("PB") == {2025: (50 + 16, 5 + 2, 10 + 3), 2026: (27, 3, 5)}
    assert quotas_of(block) == {2025: (8, 1, 2), 2026: (13, 1, 3)}
    assert quotas_of("XA1") == {2025: (36, 3, 7), 2026: (60, 6, 12)}
    # The result is on record as the plan's quota rows.
    assert sorted(plan.quotas.values_list("union_code", "year", "new_members", "new_unions", "trained_officers")) == [
        ("", 2025, 8, 1, 2), ("", 2026, 13, 1, 3), ("PB", 2025, 16, 2, 3), ("PB", 2026, 27, 3, 5),
        ("XA1", 2025, 36, 3, 7), ("XA1", 2026, 60, 6, 12),
    ]  # fmt: skip


def test_the_preview_shows_the_quotas_before_and_after(world, make_plan):
    rows = {row.org_code: row for row in plan_preview(make_plan()).rows}
    assert (rows["DT"].quota_before[2025].new_members, rows["DT"].quota_after[2025].new_members) == (120, 60)
    assert (rows["DT"].quota_before[2026].new_members, rows["DT"].quota_after[2026].new_members) == (100, 0)
    assert rows["PB"].quota_after[2025].new_unions == 7
    assert rows[""].quota_after[2026].trained_officers == 3
    assert rows["XA1"].quota_before == {}
    assert rows["XA1"].quota_after[2026].new_members == 60


def typed(world, union: str, year: int, amounts: tuple[int, int, int]) -> dict:
    new_members, new_unions, trained = amounts
    return {
        "from_code": "DT", "union_code": union, "programme": world.programme, "year": year,
        "new_members": new_members, "new_unions": new_unions, "trained_officers": trained,
    }  # fmt: skip


def test_typed_quotas_are_handed_on_as_typed(world, make_plan, provincial_staff):
    quotas = [
        typed(world, "XA1", 2025, (60, 6, 12)),
        typed(world, "PB", 2026, (40, 4, 0)),
        typed(world, "", 2026, (60, 6, 20)),
    ]
    plan = make_plan(quota_rule="typed", quotas=quotas)
    assert plan_problems(plan) == []
    plan_apply(plan=plan, user=provincial_staff)
    block = Organisation.objects.get(kind=Organisation.Kind.DIRECT).code
    assert quotas_of("DT") == {2025: (60, 6, 12)}
    assert quotas_of("XA1") == {2025: (60, 6, 12)}
    assert quotas_of("PB") == {2025: (50, 5, 10), 2026: (40, 4, 0)}
    assert quotas_of(block) == {2026: (60, 6, 20)}
    assert PlanQuota.objects.filter(plan=plan).count() == 3


def test_typed_quotas_that_do_not_add_up_are_refused(world, make_plan, provincial_staff):
    quotas = [typed(world, "XA1", 2025, (60, 6, 12)), typed(world, "PB", 2026, (99, 10, 20))]
    plan = make_plan(quota_rule="typed", quotas=quotas)
    messages = [(problem.line_no, problem.message) for problem in plan_problems(plan)]
    assert messages == [
        (
            None,
            "Chỉ tiêu năm 2026 (04/CTr (2023–2028)) LĐLĐ huyện Đại Từ chuyển đi phải là 100 / 10 / 20; "
            "đã nhập 99 / 10 / 20 (kết nạp đoàn viên / thành lập CĐCS / đào tạo cán bộ).",
        )
    ]
    with pytest.raises(ValidationError):
        plan_apply(plan=plan, user=provincial_staff)
    assert quotas_of("DT") == {2025: (120, 12, 24), 2026: (100, 10, 20)}


def test_typed_quotas_to_an_unknown_union_are_refused(world, make_plan):
    quotas = [typed(world, "XA1", 2025, (60, 6, 12)), typed(world, "ZZ9", 2026, (100, 10, 20))]
    problems = [problem.message for problem in plan_problems(make_plan(quota_rule="typed", quotas=quotas))]
    assert problems == ["Chỉ tiêu chuyển đến ZZ9: không phải công đoàn cấp trên đang hoạt động hay mới."]


def test_quotas_of_an_ending_union_with_nowhere_to_go_are_refused(world, make_plan):
    kcn = federation_create(world.province, "KCN", "Công đoàn các Khu công nghiệp", kind="industrial_zone")
    Quota.objects.create(programme=world.programme, organisation=kcn, year=2026, new_members=10)
    problems = [problem.message for problem in plan_problems(make_plan(endings=("DT", "KCN")))]
    assert problems == [
        "Công đoàn các Khu công nghiệp còn chỉ tiêu phải chuyển nhưng không có CĐCS nào chuyển đi đâu: "
        "hãy nhập chỉ tiêu chuyển."
    ]
