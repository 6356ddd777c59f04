"""Applying and undoing a plan as jobs (reorganisation.jobs): the steps the job's page shows, a
second click while the plan is being applied refused in words, a refusal found by the job
leaving everything as it was with a link back to the plan, and a real worker applying a plan."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from jobs.models import Job
from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit
from members.models import AuditEntry, GrassrootsUnion, Organisation, Role
from reorganisation.jobs import APPLY, plan_job_key
from reorganisation.models import Plan
from reorganisation.services import plan_apply, plan_undo
from unionportal.testing.html import attr, find, find_all, page
from unionportal.testing.province import user_create
from unionportal.testing.worker import thread_worker, wait_for

from .pages_world import MONTH, reorg_province
from .test_plan_pages import make_plan


class Steps:
    """A reporter that keeps what it is told, as the job's page would show it step by step."""

    def __init__(self):
        self.seen: list[list] = []

    def step(self, words: str, total: int = 0) -> None:
        self.seen.append([str(words), total, 0])

    def advance(self, count: int = 1) -> None:
        self.seen[-1][2] += count


@pytest.fixture
def staff(province):
    reorg_province(province)
    return user_create("bantochuc", Role.PROVINCIAL_STAFF)


def _plan_page(client, plan):
    return page(client.get(reverse("reorganisation:plan_detail", args=[plan.pk])))


def test_applying_and_undoing_report_their_steps_and_the_summary_federation_by_federation(staff):
    plan = make_plan(staff)
    steps = Steps()
    plan_apply(plan=plan, user=staff, progress=steps)
    words = [seen[0] for seen in steps.seen]
    assert words == [
        "Kiểm tra đề án với cơ cấu và số liệu hiện có",
        "Ghi lại số liệu tháng 07/2025 trở đi của 3 CĐCS (để hoàn tác)",
        "Thành lập công đoàn cấp trên và CĐCS mới",
        "Chuyển 3 CĐCS sang đơn vị mới từ tháng 07/2025",
        "Chuyển đoàn viên của các CĐCS hợp nhất, kết thúc (số liệu tháng 07/2025)",
        "Chuyển sổ đoàn viên của các CĐCS hợp nhất, kết thúc",
        "Kết thúc CĐCS và công đoàn cấp trên theo đề án",
        "Giao lại chỉ tiêu của các công đoàn cấp trên kết thúc",
        "Ghi nhật ký thay đổi của 3 CĐCS",
        "Tính lại số liệu tổng hợp của các công đoàn cấp trên",
    ]
    federations = len(Plan.objects.get().undo_record["federations"])
    assert federations >= 4 and steps.seen[-1][1:] == [federations, federations]  # one refresh each, all counted
    steps = Steps()
    plan_undo(plan=plan, user=staff, progress=steps)
    assert [seen[0] for seen in steps.seen][-1] == "Tính lại số liệu tổng hợp của các công đoàn cấp trên"
    assert steps.seen[-1][1] == steps.seen[-1][2] > 0


def test_a_second_click_while_the_plan_is_being_applied_is_refused_in_words(client, staff):
    """The first click's job waits for a worker: the second is told so and sent to it; the plan's
    page shows it instead of its buttons; the draft cannot be deleted under it."""
    plan = make_plan(staff)
    first = Job.objects.create(kind=APPLY, params={"plan": plan.pk}, key=plan_job_key(plan), created_by=staff)
    client.force_login(staff)
    for name in ("reorganisation:plan_apply", "reorganisation:plan_delete"):
        response = client.post(reverse(name, args=[plan.pk]))
        assert response.url == reverse("jobs:detail", kwargs={"pk": first.pk})
        said = [str(message) for message in get_messages(response.wsgi_request)][-1:]
        assert said == [f"Đề án “{plan.name}” đang được áp dụng hoặc hoàn tác (việc #{first.pk}): chưa làm thêm gì, "
                        "hãy chờ việc đó xong."]  # fmt: skip
    assert Job.objects.count() == 1 and Plan.objects.get().status == Plan.Status.DRAFT
    root = _plan_page(client, plan)
    assert attr(find(root, "a", id="plan-job-link"), "href") == reverse("jobs:detail", kwargs={"pk": first.pk})
    assert find_all(root, id="plan-apply") == [] and find_all(root, id="plan-delete") == []
    # another provincial officer follows the job; a federation's staff do not see it
    colleague = user_create("bantochuc2", Role.PROVINCIAL_STAFF)
    client.force_login(colleague)
    assert client.get(reverse("jobs:detail", kwargs={"pk": first.pk})).status_code == 200
    client.force_login(user_create("canbo.dt", Role.FEDERATION_STAFF, Organisation.objects.get(code="DT")))
    assert client.get(reverse("jobs:detail", kwargs={"pk": first.pk})).status_code == 404


def test_a_refusal_the_job_finds_changes_nothing_and_links_back_to_the_plan(client, staff):
    """Between the plan's page and the job, Phú Bình's July was approved: the job refuses the whole
    plan in the service's words, the plan stays a draft and the tree as it was."""
    plan = make_plan(staff)
    pb = Organisation.objects.get(code="PB")
    figures_record(cdcs=GrassrootsUnion.objects.get(code="PB01"), month=MONTH, admitted=1, user=staff)
    return_submit(federation=pb, month=MONTH, user=staff)
    return_approve(federation=pb, month=MONTH, user=staff, warnings_confirmed=True)
    client.force_login(staff)
    response = client.post(reverse("reorganisation:plan_apply", args=[plan.pk]), follow=True)
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and job.error.startswith("Chưa thay đổi gì.") and "khóa" in job.error
    assert job.result["url"] == reverse("reorganisation:plan_detail", args=[plan.pk])
    assert attr(find(page(response), "a", id="job-link"), "href") == job.result["url"]
    assert Plan.objects.get().status == Plan.Status.DRAFT and Organisation.objects.get(code="DT").active_to is None
    assert not AuditEntry.objects.filter(action="reorganisation.apply").exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_applies_the_plan_the_page_queued(client, background_jobs, province):
    reorg_province(province)
    staff = user_create("bantochuc", Role.PROVINCIAL_STAFF)
    plan = make_plan(staff)
    client.force_login(staff)
    response = client.post(reverse("reorganisation:plan_apply", args=[plan.pk]))
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", kwargs={"pk": job.pk}) and job.state == Job.State.QUEUED
    assert find(_plan_page(client, plan), id="plan-running")
    with thread_worker(background_jobs):
        wait_for(lambda: Job.objects.get(pk=job.pk).state in Job.ENDED, what="the plan applied")
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.runner != "inline"
    assert job.step == "Tính lại số liệu tổng hợp của các công đoàn cấp trên" and job.done == job.total > 0
    assert Plan.objects.get().status == Plan.Status.APPLIED
    assert AuditEntry.objects.get(action="reorganisation.apply").user == staff
    assert find(_plan_page(client, plan), id="plan-undo")
