"""A job's page in Chromium on a phone: the bar follows the job's progress without a reload, then
the page reloads itself once the job has ended and shows what it did; no content security policy
violation (the bar's width is set by static/js/jobs.js, never by an inline style)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import Job
from jobs.progress import Progress
from unionportal.testing.login import log_in

from . import kinds  # noqa: F401  (registers the test kinds)

pytestmark = pytest.mark.browser

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


def test_the_bar_moves_then_the_page_shows_the_result(live_server, browser, federation_user):
    job = Job.objects.create(
        kind="jobs_test.groups", subject="Tám nhóm", created_by=federation_user, state=Job.State.RUNNING,
        attempts=1, started_at=timezone.now(), heartbeat_at=timezone.now(),
    )  # fmt: skip
    progress = Progress(job)  # as the work reports it (the live server shares this process's cache)
    progress.step("Tạo nhóm", total=8)
    progress.set(2)
    progress.flush()
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.add_init_script(LISTEN)
    log_in(page, f"{live_server.url}/jobs/{job.pk}/", federation_user.username)
    expect(page.locator("#job-count")).to_have_text("2 / 8 · 25 %")
    expect(page.locator("#job-step")).to_have_text("Tạo nhóm")
    assert page.locator("#job-bar").evaluate("bar => bar.style.width") == "25%"
    progress.set(6)
    progress.flush()
    expect(page.locator("#job-count")).to_have_text("6 / 8 · 75 %")  # polled, no reload
    assert page.locator("#job-bar").evaluate("bar => bar.style.width") == "75%"
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE, done=8, total=8, finished_at=timezone.now(),
        result={"message": "Đã tạo 8 nhóm.", "url": "/jobs/", "link": "Xem các việc"},
    )  # fmt: skip
    expect(page.locator("#job-result")).to_contain_text("Đã tạo 8 nhóm.")
    expect(page.locator("#job-progress")).to_have_count(0)
    page.click("#job-link")
    expect(page.locator("#job-list")).to_contain_text("Tám nhóm")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert page.evaluate("window.__csp") == []
