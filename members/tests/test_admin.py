"""The admin writes through the services: it cannot do what the portal refuses."""

from django.urls import reverse

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit
from members.models import AuditEntry, LossReason, MonthlyFigure, MonthlyReturn
from unionportal.lib.months import Month
from unionportal.testing.admin_io import figure_change_post

MARCH = Month(2021, 3)


def test_admin_edit_of_figures_goes_through_the_service(client, superuser, federation, make_cdcs):
    row = make_cdcs(federation, opening=100, first_month=MARCH).figures.get()
    client.force_login(superuser)
    response = figure_change_post(client, row, admitted=7)
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.admitted, row.members_end) == (7, 107)
    assert AuditEntry.objects.filter(action="figures.record", source=AuditEntry.Source.ADMIN).count() == 1


def test_admin_cannot_change_a_locked_month(
    client, superuser, federation, make_cdcs, federation_user, provincial_staff
):
    row = make_cdcs(federation, opening=100, first_month=MARCH).figures.get()
    return_submit(federation=federation, month=MARCH, user=federation_user)
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    client.force_login(superuser)
    response = figure_change_post(client, row, admitted=7)
    assert response.status_code == 200
    assert "đã được Bantochuc duyệt và khóa" in response.content.decode()
    assert MonthlyFigure.objects.get(pk=row.pk).admitted == 0
    assert not AuditEntry.objects.filter(source=AuditEntry.Source.ADMIN).exists()


def test_admin_refuses_losses_above_the_stock_with_the_services_message(client, superuser, federation, make_cdcs):
    row = make_cdcs(federation, opening=5, first_month=MARCH).figures.get()
    client.force_login(superuser)
    response = figure_change_post(client, row, lost_died=9)
    assert response.status_code == 200
    assert "lớn hơn số đoàn viên có trong tháng" in response.content.decode()
    assert MonthlyFigure.objects.get(pk=row.pk).members_end == 5


def test_admin_approval_of_a_month_with_unticked_warnings_needs_its_own_action(
    client, superuser, federation, make_cdcs, federation_user
):
    """The approval's rule holds in the admin too: the plain action is refused with the reason,
    the one that says "despite the warnings" goes through."""
    cdcs = make_cdcs(federation, opening=5, first_month=MARCH, workers=100)
    figures_record(cdcs=cdcs, month=Month(2021, 4), admitted=10, lost={LossReason.JOB: 7}, user=federation_user)
    monthly_return = return_submit(federation=federation, month=Month(2021, 4), user=federation_user)
    client.force_login(superuser)
    url = reverse("admin:members_monthlyreturn_changelist")
    response = client.post(url, {"action": "approve", "_selected_action": [monthly_return.pk]}, follow=True)
    assert "còn 1 CĐCS có cảnh báo chưa được đánh dấu" in response.content.decode()
    assert MonthlyReturn.objects.get(pk=monthly_return.pk).status == MonthlyReturn.Status.SUBMITTED
    client.post(url, {"action": "approve_despite_warnings", "_selected_action": [monthly_return.pk]})
    assert MonthlyReturn.objects.get(pk=monthly_return.pk).status == MonthlyReturn.Status.APPROVED
