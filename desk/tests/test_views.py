"""Each role's home page on a small province: what federation staff see of their month due, and
the province approving or sending back a month from its queue, through the figures' own rules."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_send_back, return_submit
from members.models import AuditEntry, MonthlyReturn
from organising.services import enterprise_create
from unionportal.lib.months import Month
from unionportal.testing.html import find, find_all, page, text

LAST = Month.last_complete(timezone.localdate())  # the month due


@pytest.fixture
def unions(federation, make_cdcs):
    """Two CĐCS of DT with their stock of the month before; the second admits more people than it
    has workers who are not members, a warning nobody ticks."""
    first = make_cdcs(federation, opening=100, first_month=LAST - 1, workers=300)
    second = make_cdcs(federation, opening=90, first_month=LAST - 1, workers=100)
    return first, second


@pytest.fixture
def submitted(federation, federation_user, unions):
    first, second = unions
    figures_record(cdcs=first, month=LAST, admitted=3, workers=300, user=federation_user)
    figures_record(cdcs=second, month=LAST, admitted=20, workers=100, user=federation_user)
    return return_submit(federation=federation, month=LAST, user=federation_user)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _return(federation) -> MonthlyReturn:
    return MonthlyReturn.objects.get(federation=federation, month=LAST.first_day)


def _url(name, federation):
    return reverse(name, kwargs={"code": federation.code, "month": LAST})


# --- federation staff: what to do now -----------------------------------------------------------


def test_the_month_due_shows_its_deadline_and_state_and_opens_the_grid(client_for, federation, federation_user, unions):
    html = page(client_for(federation_user).get(reverse("desk:todo")))
    month = find(html, "section", id="todo-month")
    assert f"Báo cáo tháng {LAST}" in text(month)
    due = (LAST + 1).first_day.replace(day=10)
    assert f"Hạn gửi: hết ngày {due:%d/%m/%Y}." in text(find(html, id="todo-deadline"))
    assert "0 / 2 CĐCS đã có số liệu" in text(month)
    link = find(html, "a", id="todo-open-grid")
    assert dict(link.attributes)["href"] == _url("members:grid", federation)
    assert not find_all(html, id="nothing-pending")


def test_an_earlier_month_never_sent_is_on_the_list(client_for, federation_user, unions):
    """The opening month the fixture saved (LAST - 1) was never sent, and its deadline has passed."""
    html = page(client_for(federation_user).get(reverse("desk:todo")))
    (item,) = find_all(find(html, "section", id="todo-earlier"), "li")
    assert text(item) == f"Tháng {LAST - 1} : đang nhập, chưa gửi, đã quá hạn."


def test_a_month_sent_back_says_why_to_the_federation(
    client_for, federation, federation_user, provincial_staff, submitted
):
    return_send_back(federation=federation, month=LAST, reason="CĐCS 2 kết nạp quá số lao động", user=provincial_staff)
    html = page(client_for(federation_user).get(reverse("desk:todo")))
    assert text(find(html, id="todo-status")) == "Trả lại để sửa"
    assert "Lý do: CĐCS 2 kết nạp quá số lao động" in text(find(html, id="todo-sent-back"))
    assert text(find(html, "a", id="todo-open-grid")) == "Sửa và gửi lại"


def test_a_federation_with_nothing_to_do_is_told_so(
    client_for, federation, federation_user, provincial_staff, submitted
):
    return_submit(federation=federation, month=LAST - 1, user=federation_user)  # the opening month too
    return_approve(federation=federation, month=LAST - 1, user=provincial_staff)
    html = page(client_for(federation_user).get(reverse("desk:todo")))
    assert "Không có việc gì đang chờ" in text(find(html, id="nothing-pending"))
    assert text(find(html, id="todo-status")) == "Đã gửi"


def test_an_overdue_organising_step_is_on_the_list_and_another_federations_is_not(
    client_for, federation, other_federation, federation_user, submitted
):
    yesterday = timezone.localdate() - timedelta(days=1)
    for org, name in ((federation, "Công ty May Đại Từ"), (other_federation, "Công ty Gạch Phú Bình")):
        enterprise = enterprise_create(
            name=name, tax_code=f"46000{org.pk:05d}", federation=org, sector="private", workers=80,
            on=yesterday - timedelta(days=30), user=None,
        )  # fmt: skip
        enterprise.next_step, enterprise.next_step_on = "Gặp lại giám đốc", yesterday
        enterprise.save()
    html = page(client_for(federation_user).get(reverse("desk:todo")))
    overdue = text(find(html, "section", id="todo-overdue"))
    assert "Công ty May Đại Từ" in overdue and "Gặp lại giám đốc" in overdue
    assert "Phú Bình" not in overdue
    assert not find_all(html, id="nothing-pending")


def test_other_roles_are_refused_the_federations_page(client_for, leader, provincial_staff):
    for user in (leader, provincial_staff):
        assert client_for(user).get(reverse("desk:todo")).status_code == 403


# --- the province's queue ---------------------------------------------------------------------


def test_the_queue_lists_the_month_waiting_with_its_unticked_warnings(
    client_for, provincial_staff, federation, submitted
):
    html = page(client_for(provincial_staff).get(reverse("desk:approvals")))
    (item,) = find_all(find(html, "section", id="queue-waiting"), "li", data_federation=True)
    assert federation.name in text(item) and "⚠ 1 CĐCS có cảnh báo chưa kiểm tra" in text(item)
    assert [box for box in find_all(item, "input", required=True) if dict(box.attributes)["name"] == "confirm"]


def test_approving_from_the_queue_locks_the_month(client_for, provincial_staff, federation, submitted):
    client = client_for(provincial_staff)
    data = {"version": submitted.version, "confirm": "1"}
    response = client.post(_url("desk:approve", federation), data)
    assert response.url == reverse("desk:approvals")
    assert _return(federation).status == MonthlyReturn.Status.APPROVED
    assert AuditEntry.objects.filter(action="return.approve", federation=federation).count() == 1
    assert "Đã duyệt và khóa số liệu" in _messages(response)[0]
    assert "Không có báo cáo nào chờ duyệt." in client.get(reverse("desk:approvals")).content.decode()


def test_unticked_warnings_must_be_confirmed_as_on_the_grid(client_for, provincial_staff, federation, submitted):
    response = client_for(provincial_staff).post(_url("desk:approve", federation), {"version": submitted.version})
    assert "còn 1 CĐCS có cảnh báo chưa được đánh dấu" in _messages(response)[0]
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED


def test_a_send_back_without_a_reason_changes_nothing(client_for, provincial_staff, federation, submitted):
    audited = AuditEntry.objects.count()
    response = client_for(provincial_staff).post(_url("desk:send_back", federation), {"reason": "   "})
    assert _messages(response) == ["Cần ghi lý do trả lại để đơn vị biết phải sửa gì."]
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED and AuditEntry.objects.count() == audited


def test_sending_back_from_the_queue_gives_the_federation_the_reason(
    client_for, provincial_staff, federation, submitted
):
    response = client_for(provincial_staff).post(_url("desk:send_back", federation), {"reason": "Thiếu CĐCS 2"})
    assert "Đã trả lại báo cáo" in _messages(response)[0]
    monthly_return = _return(federation)
    assert monthly_return.is_sent_back and monthly_return.send_back_reason == "Thiếu CĐCS 2"


def test_approving_a_month_someone_else_just_approved_says_so_and_changes_nothing(
    client_for, provincial_staff, superuser, federation, submitted
):
    version = submitted.version
    return_approve(federation=federation, month=LAST, user=superuser, warnings_confirmed=True)
    audited = AuditEntry.objects.count()
    response = client_for(provincial_staff).post(_url("desk:approve", federation), {"version": version, "confirm": "1"})
    assert "Chỉ duyệt được báo cáo đã gửi" in _messages(response)[0]
    assert _return(federation).approved_by == superuser and AuditEntry.objects.count() == audited


def test_sending_back_a_month_someone_else_just_sent_back_changes_nothing(
    client_for, provincial_staff, superuser, federation, submitted
):
    return_send_back(federation=federation, month=LAST, reason="Lý do thứ nhất", user=superuser)
    response = client_for(provincial_staff).post(_url("desk:send_back", federation), {"reason": "Lý do thứ hai"})
    assert "Chỉ trả lại được báo cáo đã gửi và chưa duyệt" in _messages(response)[0]
    assert _return(federation).send_back_reason == "Lý do thứ nhất"


def test_approving_a_month_changed_since_the_queue_showed_it_is_refused(
    client_for, provincial_staff, federation, federation_user, submitted, unions
):
    version = submitted.version
    return_send_back(federation=federation, month=LAST, reason="Sửa CĐCS 2", user=provincial_staff)
    figures_record(cdcs=unions[1], month=LAST, admitted=5, workers=100, user=federation_user)
    return_submit(federation=federation, month=LAST, user=federation_user)
    response = client_for(provincial_staff).post(_url("desk:approve", federation), {"version": version, "confirm": "1"})
    assert "sau khi bạn mở trang này" in _messages(response)[0]
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED


def test_a_federation_that_sent_nothing_after_the_deadline_is_late(
    client_for, provincial_staff, federation, other_federation, make_cdcs, submitted
):
    make_cdcs(other_federation, opening=40, first_month=LAST - 2)
    html = page(client_for(provincial_staff).get(reverse("desk:approvals")))
    late = find(html, "section", id="queue-late")
    assert {dict(li.attributes)["data-federation"] for li in find_all(late, "li", data_federation=True)} >= {"PB"}
    assert f"Tháng {LAST - 1}" in text(late)


def test_federation_staff_cannot_approve_their_own_month(client_for, federation_user, federation, submitted):
    response = client_for(federation_user).post(_url("desk:approve", federation), {"version": submitted.version})
    assert response.status_code == 403
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED
