""" "Cần kiện toàn" on the home pages: a federation's staff see their CĐCS without a chair, short,
overdue or with a congress due, the most urgent first, each linked to its committees; the
province's staff see the counts and the federations with the most to fill
(unionportal/testing/committees.py builds the CĐCS, days counted back from today)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from desk.selectors import approvals_queue, federation_todo
from members.officers.rules import add_years
from unionportal.testing.committees import committees_create
from unionportal.testing.html import attr, find, find_all, page, text


@pytest.fixture
def committees(federation, other_federation):
    return committees_create(federation, other_federation)


def test_federation_staff_see_their_cdcs_to_fill_the_most_urgent_first(client_for, federation_user, committees):
    html = page(client_for(federation_user).get(reverse("desk:todo")))
    block = find(html, "section", id="todo-filling")
    assert text(find(block, id="todo-filling-count")) == "2"
    items = find_all(block, "li", data_cdcs=True)
    assert [attr(item, "data-cdcs") for item in items] == ["DT01", "DT02", "DT03"]
    today = timezone.localdate()
    ended = add_years(add_years(today, -5) - timedelta(days=10), 5)  # DT02's congress, five years on
    due = add_years(add_years(today, -5) + timedelta(days=40), 5)
    assert [text(item) for item in items] == [
        f"CĐCS Công ty May Việt Đức : Chưa có chủ tịch từ {today - timedelta(days=30):%d/%m/%Y}; BCH có 2/3 ủy viên",
        f"CĐCS Trường THPT Đại Từ : Quá nhiệm kỳ hết nhiệm kỳ ngày {ended:%d/%m/%Y}, chưa đại hội",
        f"CĐCS Bệnh viện Đại Từ : Sắp đại hội nhiệm kỳ hết ngày {due:%d/%m/%Y}",
    ]
    assert attr(find(items[0], "a"), "href") == reverse("members:cdcs_officers", kwargs={"code": "DT01"})
    assert "1 CĐCS chưa ghi nhiệm kỳ" in text(find(block, id="todo-filling-no-term"))
    assert "Phú Bình" not in text(block) and "Nguyễn" not in text(block)  # CĐCS, never people
    assert not find_all(html, id="nothing-pending")


def test_the_federations_todo_counts_its_own_cdcs_only(federation, federation_user, committees):
    todo = federation_todo(user=federation_user, federation=federation, today=timezone.localdate())
    t = todo.filling.total
    assert (t.cdcs, t.needing, t.no_chair, t.short, t.overdue, t.due, t.no_term) == (5, 2, 1, 1, 1, 1, 1)
    assert todo.filling.more == 0


def test_the_province_sees_counts_and_the_federations_with_the_most_to_fill(client_for, provincial_staff, committees):
    queue = approvals_queue(user=provincial_staff, today=timezone.localdate())
    t = queue.filling.total
    assert (t.cdcs, t.needing, t.no_chair, t.short, t.overdue, t.due, t.no_term) == (6, 3, 1, 2, 1, 1, 1)
    assert [(org.code, counts.needing) for org, counts in queue.filling.federations] == [("DT", 2), ("PB", 1)]

    html = page(client_for(provincial_staff).get(reverse("desk:approvals")))
    block = find(html, "section", id="queue-filling")
    assert text(find(block, id="queue-filling-count")) == "3"
    counts = {attr(li, "data-key"): text(li) for li in find_all(block, "li", data_key=True)}
    assert counts == {
        "no_chair": "Chưa có chủ tịch: 1",
        "short": "Thiếu ủy viên: 2",
        "overdue": "Quá nhiệm kỳ, chưa đại hội: 1",
        "due": "Đại hội trong 3 tháng tới: 1",
        "no_term": "Chưa ghi nhiệm kỳ: 1",
    }
    assert text(find(block, "li", data_federation="DT")) == "LĐLĐ huyện Đại Từ : 2 CĐCS (1 chưa có chủ tịch)"
    assert attr(find_all(block, "a")[-1], "href") == reverse("members:officers_attention")
    assert "Nguyễn" not in text(block)
