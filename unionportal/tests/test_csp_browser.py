"""The Content Security Policy (script-src, style-src 'self', no inline anything) in a real browser:
provincial staff walk through the main page of every part of the portal and Chromium reports no
violation, no script error, and draws every chart."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.figures.services import figures_record
from members.models import GrassrootsUnion
from members.register.services import MemberData, member_admit
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

# Every securitypolicyviolation event the page sees, kept where the test can read it.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def portal(province, federation, other_federation, make_cdcs):
    """Two federations with figures this year and quotas, a member, an enterprise, a course and a rating year."""
    from organising.services import enterprise_create
    from ratings.services import rubric_create
    from training.services import CourseData, course_create

    latest = Month.last_complete(timezone.localdate())
    programme = Programme.objects.create(
        name="Chương trình thử", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=latest.year + 1,
    )  # fmt: skip
    for org, admitted in ((federation, 7), (other_federation, 30)):
        cdcs = make_cdcs(org, code=f"{org.code}01", opening=100, first_month=Month(latest.year, 1))
        figures_record(cdcs=cdcs, month=latest, admitted=admitted, user=None)
        Quota.objects.create(programme=programme, organisation=org, year=latest.year, new_members=40, new_unions=1)
    dt01 = GrassrootsUnion.objects.get(code="DT01")
    member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(latest.year, 1, 5)), user=None)
    enterprise_create(
        name="Công ty Gạch", tax_code="4600100001", federation=federation, sector="private", workers=80,
        on=date(latest.year, 1, 2), user=None,
    )  # fmt: skip
    course_create(
        organiser=federation, data=CourseData(date(latest.year, 1, 10), "Nghiệp vụ", 30, attendance=[(dt01, 4)]),
        user=None,
    )  # fmt: skip
    rubric_create(year=latest.year, user=None)
    return latest


def _pages(latest: Month) -> list[str]:
    year = latest.year
    return [
        reverse("reports:dashboard"),
        reverse("reports:progress"),
        reverse("reports:brief"),
        reverse("reports:federation_detail", kwargs={"code": "DT"}),
        reverse("members:grid", kwargs={"code": "DT", "month": latest.iso}),
        reverse("members:board"),
        reverse("members:people"),
        reverse("members:cdcs_list"),
        reverse("targets:programme_list"),
        reverse("organising:funnel"),
        reverse("organising:enterprise_list"),
        reverse("ratings:index"),
        reverse("ratings:grid", kwargs={"year": year, "code": "DT"}),
        reverse("ratings:report", kwargs={"year": year}),
        reverse("ratings:rubric_criteria", kwargs={"year": year}),
        reverse("ratings:rubric_levels", kwargs={"year": year}),
        reverse("training:report"),
        reverse("training:course_new"),
        reverse("admin:index"),
    ]


def test_every_main_page_works_under_the_content_security_policy(portal, live_server, page, provincial_staff):
    problems = []
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    failed = []  # Chromium's console says "Failed to load resource" without the address: keep the address
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(LISTEN)

    log_in(page, f"{live_server.url}{reverse('reports:dashboard')}", provincial_staff.username)
    provincial_staff.is_staff = True  # the admin index too
    provincial_staff.save(update_fields=["is_staff"])
    charts_seen = 0
    for url in _pages(portal):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("load")
        assert page.evaluate("window.__csp") == [], url
        charts = page.evaluate(
            "() => Array.from(document.querySelectorAll('canvas'))"
            ".map((canvas) => Boolean(window.Chart && window.Chart.getChart(canvas)))"
        )
        assert all(charts), f"{url}: a chart not drawn {charts}"
        charts_seen += len(charts)
    assert [text for text in problems if not text.startswith("Failed to load resource")] == []
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert charts_seen >= 8  # the dashboard's six, the brief's, the progress page's and the funnel's
