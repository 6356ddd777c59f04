"""The month's workflow around the grid: sending with figures still typed, a sent month edited
(back to draft, and said so), a month sent back for correction with a reason, and an approval
that sees the warnings nobody ticked."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_send_back, return_submit
from members.models import AuditEntry, LossReason, MonthlyFigure, MonthlyReturn
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, grid_form, page, text

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


def _url(federation, name="members:grid", month=APRIL):
    return reverse(name, kwargs={"code": federation.code, "month": month})


def _return(federation, month=APRIL) -> MonthlyReturn:
    return MonthlyReturn.objects.get(federation=federation, month=month.first_day)


@pytest.fixture
def staff(federation_user):
    client = Client()
    client.force_login(federation_user)
    return client


@pytest.fixture
def province_client(provincial_staff):
    client = Client()
    client.force_login(provincial_staff)
    return client


@pytest.fixture
def unions(federation, make_cdcs):
    return make_cdcs(federation, opening=100, first_month=MARCH), make_cdcs(federation, opening=40, first_month=MARCH)


@pytest.fixture
def submitted(federation, federation_user, unions):
    """April saved for both CĐCS and sent."""
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=APRIL, workers=200, user=federation_user)
    return_submit(federation=federation, month=APRIL, user=federation_user)
    return unions


# --- "Gửi báo cáo" with figures still typed ------------------------------------------------------


def test_sending_from_the_grid_saves_the_typed_figures_first(staff, federation, unions):
    first, second = unions
    form = grid_form(staff.get(_url(federation)))
    form.update({f"r{first.pk}-admitted": "6", "action": "submit"})  # typed, not saved, then "Gửi báo cáo"
    response = staff.post(_url(federation), form, follow=True)
    assert MonthlyFigure.objects.get(cdcs=first, month=APRIL.first_day).admitted == 6
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED
    content = response.content.decode()
    assert "Đã lưu số liệu tháng 04/2021: 2 dòng." in content and "Đã gửi báo cáo tháng 04/2021" in content


def test_the_send_button_posts_the_gridgrid_form(staff, federation, unions):
    button = find(page(staff.get(_url(federation))), "button", id="submit-return")
    assert (attr(button, "form"), attr(button, "name"), attr(button, "value")) == ("grid-form", "action", "submit")


def test_sending_a_grid_with_a_refused_row_saves_nothing_and_sends_nothing(staff, federation, unions):
    first, second = unions
    form = grid_form(staff.get(_url(federation)))
    form.update({f"r{first.pk}-admitted": "6", f"r{second.pk}-lost_job": "41", "action": "submit"})
    response = staff.post(_url(federation), form)
    assert response.status_code == 200
    assert "Báo cáo chưa được gửi." in response.content.decode()
    assert not MonthlyFigure.objects.filter(month=APRIL.first_day).exists()
    assert not MonthlyReturn.objects.filter(federation=federation, month=APRIL.first_day).exists()


def test_sending_through_the_plain_endpoint_a_month_changed_since_it_was_seen_is_refused(
    staff, province_client, federation, unions
):
    first, _second = unions
    version = staff.get(_url(federation)).context["grid"].monthly_return.version
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=APRIL, user=None)  # someone saves meanwhile
    response = staff.post(_url(federation, "members:return_submit"), {"version": str(version)}, follow=True)
    assert "Chưa gửi: hệ thống đã sửa số liệu tháng 04/2021" in response.content.decode()
    assert _return(federation).status == MonthlyReturn.Status.DRAFT


def test_sending_from_a_grid_opened_before_someone_elses_save_sends_nothing_they_did_not_see(
    staff, federation, unions, provincial_staff
):
    first, _second = unions
    form = grid_form(staff.get(_url(federation)))  # both rows empty on this page
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=APRIL, admitted=9, workers=200, user=provincial_staff)  # saved meanwhile
    form.update({f"r{first.pk}-transferred_in": "2", "action": "submit"})

    response = staff.post(_url(federation), form, follow=True)

    assert "Chưa gửi: Bantochuc đã sửa số liệu tháng 04/2021" in response.content.decode()
    assert _return(federation).status == MonthlyReturn.Status.DRAFT
    saved = MonthlyFigure.objects.get(cdcs=first, month=APRIL.first_day)
    assert (saved.admitted, saved.transferred_in) == (9, 2)  # the typed cell is saved, merged with theirs
    again = grid_form(response)  # the page now shows what is saved: sending it sends that
    again["action"] = "submit"
    staff.post(_url(federation), again)
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED


# --- a sent month edited ------------------------------------------------------------------------


def test_editing_a_sent_month_says_it_is_back_in_draft_and_must_be_sent_again(staff, leader, federation, submitted):
    first, _second = submitted
    form = grid_form(staff.get(_url(federation)))
    form[f"r{first.pk}-admitted"] = "3"
    response = staff.post(_url(federation), form, follow=True)
    content = response.content.decode()
    assert "đã chuyển về “Đang nhập” – cần Gửi lại" in content  # the message after saving…
    assert _return(federation).status == MonthlyReturn.Status.DRAFT
    reopened = find(page(response), id="reopened")  # …and the page, for whoever opens it later
    assert "báo cáo đã chuyển về Đang nhập – cần Gửi lại" in text(reopened)
    assert text(find(page(response), "button", id="submit-return")) == "Gửi lại báo cáo"

    board = Client()
    board.force_login(leader)
    row = find(page(board.get(reverse("members:board"), {"month": "2021-04"})), "tr", data_federation="DT")
    assert attr(row, "data-status") == "resubmit"
    assert "Đang nhập – cần gửi lại" in text(row) and "cần gửi lại" in text(find_all(row, "td")[6])


# --- sent back for correction -----------------------------------------------------------------


def test_provincial_staff_send_a_month_back_with_a_reason_the_federation_sees(
    staff, province_client, leader, federation, provincial_staff, submitted
):
    response = province_client.post(
        _url(federation, "members:return_send_back"), {"reason": "Số chuyển đi của T0001 chưa khớp"}, follow=True
    )
    assert "Đã trả lại báo cáo tháng 04/2021" in response.content.decode()
    monthly_return = _return(federation)
    assert monthly_return.status == MonthlyReturn.Status.DRAFT
    assert (monthly_return.sent_back_by, monthly_return.send_back_reason) == (
        provincial_staff,
        "Số chuyển đi của T0001 chưa khớp",
    )
    entry = AuditEntry.objects.get(action="return.send_back")
    assert entry.data["reason"] == "Số chuyển đi của T0001 chưa khớp" and entry.user == provincial_staff

    notice = text(find(page(staff.get(_url(federation))), id="sent-back"))  # the federation's grid
    assert "Trả lại để sửa: Bantochuc" in notice and "Lý do: Số chuyển đi của T0001 chưa khớp" in notice

    board = Client()
    board.force_login(leader)
    row = find(page(board.get(reverse("members:board"), {"month": "2021-04"})), "tr", data_federation="DT")
    assert attr(row, "data-status") == "sent_back"
    assert "Trả lại để sửa" in text(row) and "Số chuyển đi của T0001 chưa khớp" in text(row)
    assert text(find_all(row, "td")[3]) == "—"  # not shown as sent
    timeline = text(find(page(staff.get(_url(federation, "members:return_history"))), id="timeline"))
    assert "Trả lại để sửa · Bantochuc · lý do: Số chuyển đi của T0001 chưa khớp" in timeline


def test_submitting_again_clears_the_send_back(federation, federation_user, provincial_staff, submitted):
    return_send_back(federation=federation, month=APRIL, reason="Thiếu số lao động", user=provincial_staff)
    return_submit(federation=federation, month=APRIL, user=federation_user)
    monthly_return = _return(federation)
    assert monthly_return.status == MonthlyReturn.Status.SUBMITTED
    assert (monthly_return.sent_back_at, monthly_return.send_back_reason) == (None, "")
    assert AuditEntry.objects.filter(action="return.send_back").count() == 1  # the trail keeps it


def test_a_send_back_needs_a_reason_a_submitted_month_and_provincial_staff(
    federation, federation_user, provincial_staff, unions
):
    with pytest.raises(ValidationError, match="Chỉ trả lại được báo cáo đã gửi"):
        return_send_back(federation=federation, month=APRIL, reason="Sai", user=provincial_staff)
    for cdcs in unions:
        figures_record(cdcs=cdcs, month=APRIL, user=federation_user)
    return_submit(federation=federation, month=APRIL, user=federation_user)
    with pytest.raises(ValidationError, match="Cần ghi lý do trả lại"):
        return_send_back(federation=federation, month=APRIL, reason="  ", user=provincial_staff)
    with pytest.raises(PermissionDenied):
        return_send_back(federation=federation, month=APRIL, reason="Sai", user=federation_user)
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED


def test_federation_staff_see_no_send_back_and_cannot_post_it(staff, province_client, federation, submitted):
    assert not find_all(page(staff.get(_url(federation))), "form", id="send-back-form")
    assert find_all(page(province_client.get(_url(federation))), "form", id="send-back-form")
    assert staff.post(_url(federation, "members:return_send_back"), {"reason": "x"}).status_code == 403
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED


# --- approving with warnings nobody ticked ------------------------------------------------------


@pytest.fixture
def warned(federation, federation_user, make_cdcs):
    """A sent April whose one CĐCS lost more than it had at the end of March: a warning, unticked."""
    cdcs = make_cdcs(federation, opening=5, first_month=MARCH, workers=100)
    figures_record(cdcs=cdcs, month=APRIL, admitted=10, lost={LossReason.JOB: 7}, user=federation_user)
    return_submit(federation=federation, month=APRIL, user=federation_user)
    return cdcs


def test_the_approve_button_counts_the_unticked_warnings_and_asks_to_confirm(province_client, federation, warned):
    form = find(page(province_client.get(_url(federation))), "form", id="approve-form")
    assert text(find(form, id="open-warnings")) == "⚠ 1"
    confirm = find(form, "input", id="approve-confirm")
    assert attr(confirm, "name") == "confirm" and "required" in dict(confirm.attributes)
    assert "Duyệt dù còn 1 CĐCS có cảnh báo chưa kiểm tra" in text(form)
    assert attr(find(form, "a", id="first-open-warning"), "href") == f"#row-{warned.pk}"


def test_an_approval_with_unticked_warnings_is_refused_unless_confirmed(
    province_client, federation, provincial_staff, warned
):
    response = province_client.post(_url(federation, "members:return_approve"), follow=True)
    assert "Chưa duyệt: còn 1 CĐCS có cảnh báo chưa được đánh dấu “Đã kiểm tra”" in response.content.decode()
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED

    province_client.post(_url(federation, "members:return_approve"), {"confirm": "1"})
    assert _return(federation).status == MonthlyReturn.Status.APPROVED
    assert AuditEntry.objects.get(action="return.approve").data["unchecked_warnings"] == 1


def test_an_approval_of_a_month_edited_and_sent_again_since_the_page_was_opened_locks_nothing(
    province_client, staff, federation, submitted
):
    """The approver looked at the figures as they were sent; the federation then corrected a row
    and sent the month again. Approving from the page opened before would lock figures nobody
    at the province had seen."""
    first, _second = submitted
    approve = grid_form(province_client.get(_url(federation)))
    form = grid_form(staff.get(_url(federation)))
    form.update({f"r{first.pk}-admitted": "9", "action": "submit"})
    staff.post(_url(federation), form)
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED

    response = province_client.post(
        _url(federation, "members:return_approve"), {"version": approve["version"]}, follow=True
    )
    content = response.content.decode()
    assert "Chưa duyệt:" in content and "sau khi bạn mở trang này" in content
    assert _return(federation).status == MonthlyReturn.Status.SUBMITTED

    fresh = grid_form(province_client.get(_url(federation)))
    province_client.post(_url(federation, "members:return_approve"), {"version": fresh["version"]})
    assert _return(federation).status == MonthlyReturn.Status.APPROVED


def test_a_month_whose_warnings_are_all_ticked_is_approved_without_confirmation(
    federation, federation_user, provincial_staff, warned
):
    MonthlyFigure.objects.filter(cdcs=warned, month=APRIL.first_day).update(acknowledged_warnings=["lost_over_stock"])
    return_approve(federation=federation, month=APRIL, user=provincial_staff)
    assert _return(federation).status == MonthlyReturn.Status.APPROVED
