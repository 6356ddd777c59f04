"""The reports' summary rebuilt as a job from its page (provincial staff): progress federation by
federation, the summary equal to the rows at the end, one rebuild at a time."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from jobs.models import Job
from members.figures.summary import summary_differences
from members.models import AuditEntry, FederationMonth, MonthlyFigure
from unionportal.lib.months import Month

MARCH = Month(2021, 3)
URL = reverse("members:summary_rebuild")


@pytest.fixture
def unions(federation, other_federation, make_cdcs):
    return (
        make_cdcs(federation, opening=100, first_month=MARCH, code="DT01"),
        make_cdcs(other_federation, opening=70, first_month=MARCH, code="PB01"),
    )


def test_provincial_staff_rebuild_the_summary_as_a_job(client_for, provincial_staff, unions):
    client = client_for(provincial_staff)
    FederationMonth.objects.all().delete()
    MonthlyFigure.objects.filter(cdcs=unions[0]).update(admitted=1, members_end=101)  # around the services
    assert client.get(URL).status_code == 200
    response = client.post(URL)
    job = Job.objects.get(kind="members.summary_rebuild")
    assert response.url == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.state == Job.State.DONE and (job.done, job.total) == (2, 2)  # DT and PB
    assert job.result["message"].startswith("Đã tính lại số liệu tổng hợp của 2 công đoàn cấp trên:")
    assert job.result["url"] == reverse("reports:dashboard")
    assert summary_differences() == [] and FederationMonth.objects.exists()
    entry = AuditEntry.objects.get(action="summary.rebuild")
    assert entry.user == provincial_staff and entry.data["federations"] == 2
    page = client.get(URL).content.decode()
    assert reverse("jobs:detail", kwargs={"pk": job.pk}) in page  # the recent rebuilds


def test_a_second_rebuild_waits_for_the_first(client_for, provincial_staff, unions):
    running = Job.objects.create(kind="members.summary_rebuild", key="members.summary_rebuild", state="running")
    response = client_for(provincial_staff).post(URL)
    assert response.url == reverse("jobs:detail", kwargs={"pk": running.pk})
    assert Job.objects.count() == 1


def test_federation_staff_and_leadership_may_not_rebuild(client_for, federation_user, leader, unions):
    for user in (federation_user, leader):
        assert client_for(user).post(URL).status_code == 403
    assert not Job.objects.exists()


def test_the_command_needs_a_broker_to_rebuild_in_the_background(db):
    with pytest.raises(CommandError, match="CELERY_BROKER_URL"):
        call_command("summary", "--rebuild", "--background")
