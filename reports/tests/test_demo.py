"""The demo province: it reproduces the report of 7 April 2021 exactly and holds together, a
leader reads that report in Chromium, and a walk through the portal as each role takes the
screenshots of the user guides (docs/guide/), so that the guides show the portal as it is.

The demo is seeded once for the module and committed, so that the live server reads it too; the
module's `transactional_db` leaves it in place between the tests (which read it, sign in, or seed
again to find nothing to do) and the database is flushed once at the module's end, as
pytest-django does after each transactional test. On `make test`'s workers the module stays on one
of them (its xdist group): the demo, some 30 seconds, is seeded once for the whole suite.

The walk checks that every page shows what the guides say. Only with GUIDE_SCREENSHOTS=1 are the
images written into docs/guide/img/ (1366×768, squeezed by pngquant and optipng when they are
installed), to be looked at and committed; otherwise they go to a temporary directory, so that
`make test` leaves the worktree as it found it."""

import json
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import expect

from members.demo.tables import DEMO_PASSWORD as PASSWORD
from members.models import GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation
from reports.selectors import Scope, progress_report
from reports.texts import progress_sentence
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.clock import WORKED_EXAMPLE_DAY
from unionportal.testing.login import log_in

pytestmark = pytest.mark.xdist_group("demo")

END = Month(2026, 10)
SENTENCE = (
    "Từ đầu năm 2018 đến nay đã kết nạp mới 30.018 đoàn viên; giảm 10.979 đoàn viên "
    "(tăng tuyệt đối 19.039 đoàn viên); thành lập mới 67 CĐCS, giảm 64 CĐCS (tăng tuyệt đối 03 CĐCS)."
)
SENTENCE_START = SENTENCE.split(" (")[0]
GUIDE_IMAGES = Path(settings.BASE_DIR) / "docs" / "guide" / "img"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province up to END, committed; what seed_demo printed. The database is emptied
    again after the module."""
    with django_db_blocker.unblock():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            call_command("seed_demo", until=END.iso, stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def transactional_db(demo, django_db_blocker):
    """Here, the module's demo as it stands (live_server asks for this too): not flushed after
    each test, as pytest-django's own would be."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def province(transactional_db):
    return Organisation.objects.get(kind=Organisation.Kind.PROVINCE)


def test_the_report_of_7_april_2021_shows_the_seed_figures(province):
    report = progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province))
    figures = report.total.figures
    assert (figures.admitted, figures.decrease, figures.net_members) == (30_018, 10_979, 19_039)
    assert (figures.unions_founded, figures.unions_dissolved, figures.net_unions) == (67, 64, 3)
    assert progress_sentence(report, written_on=WORKED_EXAMPLE_DAY.date()) == SENTENCE


def test_the_worked_example_of_the_domain_page_is_what_the_portal_computes(province):
    """docs/domain.md quotes the 01/2018–03/2021 report line by line: each line must be the
    portal's, so that the page cannot drift from the code."""
    from pathlib import Path

    from django.conf import settings

    from unionportal.lib.formatting import count, percent

    page = (Path(settings.BASE_DIR) / "docs" / "domain.md").read_text()
    report = progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province))
    f = report.total.figures
    for label, members, unions in [
        ("Đầu kỳ (end of 12/2017)", f.members_start, f.unions_start),
        ("Kết nạp mới / thành lập mới", f.admitted, f.unions_founded),
        ("Giảm", f.decrease, f.unions_dissolved),
        ("Tăng tuyệt đối", f.net_members, f.net_unions),
        ("Cuối kỳ (end of 03/2021)", f.members_end, f.unions_end),
    ]:
        assert f"| {label} | {count(members)} | {count(unions)} |" in page, label
    lost = f.lost_by_reason
    assert f"lost {count(f.lost)} members in all, of which {count(lost['job'])} changed job" in page
    assert f"{count(lost['cdcs_dissolved'])} went with their dissolved CĐCS; {count(f.transferred_in)} arrived" in page
    total = report.total
    for label, attainment in [
        ("members, year 2021", total.year_members),
        ("CĐCS, year 2021", total.year_unions),
        ("members, programme", total.programme_members),
        ("CĐCS, programme", total.programme_unions),
    ]:
        assert f"| {count(attainment.quota)} | {percent(attainment.percent)} |" in page.split(f"| {label} |")[1]
        assert not attainment.on_track
    assert "> " + SENTENCE[:60] in page
    assert " ".join(line.removeprefix("> ") for line in page.splitlines() if line.startswith("> ")) == SENTENCE


def test_the_report_command_prints_the_table_and_the_sentence(province, time_machine):
    time_machine.move_to(WORKED_EXAMPLE_DAY)
    out = StringIO()
    call_command("report", "--from", "2018-01", "--to", "2021-03", stdout=out)
    text = out.getvalue()
    assert SENTENCE in text
    assert "Kết nạp mới / thành lập mới             30.018      67" in text
    assert "Giảm                                    10.979      64" in text
    assert "Tăng tuyệt đối                          19.039       3" in text


def test_the_report_command_speaks_json_for_one_federation(province):
    out = StringIO()
    call_command("report", "--from", "2018-01", "--to", "2021-03", "--org", "KCN", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    federation = Organisation.objects.get(code="KCN")
    expected = progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(federation)).total.figures
    assert data["organisation"] == "KCN" and data["programme"]["document_number"] == "04/CTr-LĐLĐ"
    assert (data["total"]["admitted"], data["total"]["decrease"]) == (expected.admitted, expected.decrease)
    assert (
        data["total"]["members_start"]
        + data["total"]["net_members"]
        + data["total"]["members_moved_in"]
        - data["total"]["members_moved_out"]
        == data["total"]["members_end"]
    )


def test_every_federation_balances_over_any_range_including_moves_and_the_merge(province):
    for start, end in ((Month(2018, 1), Month(2021, 3)), (Month(2019, 7), Month(2019, 7)), (Month(2024, 1), END)):
        report = progress_report(start=start, end=end, scope=Scope(province))
        for row in [*report.rows, report.total]:
            f = row.figures
            assert f.members_start + f.net_members + f.members_moved == f.members_end, (row.org.code, start, end)
            assert f.unions_start + f.net_unions + f.unions_moved == f.unions_end, (row.org.code, start, end)
        assert sum(row.figures.members_end for row in report.rows) == report.total.figures.members_end
        assert sum(row.figures.admitted for row in report.rows) == report.total.figures.admitted


def test_the_demo_is_province_sized_with_history(province):
    assert Organisation.objects.federations().count() == 13
    assert 1_400 <= GrassrootsUnion.objects.count() <= 1_700
    assert MonthlyFigure.objects.filter(month=END.first_day).exists()
    assert not MonthlyFigure.objects.filter(month__gt=END.first_day).exists()
    merged = Organisation.objects.get(code="DHY")
    assert merged.merged_into.code == "TPTN" and MonthlyFigure.objects.filter(federation=merged).exists()
    assert MonthlyReturn.objects.filter(month=END.first_day, status=MonthlyReturn.Status.DRAFT).exists()
    assert MonthlyReturn.objects.filter(month=(END - 2).first_day).exclude(status="approved").count() == 0


def test_the_command_says_what_it_built(demo, province):
    from members.models import Member
    from organising.models import Enterprise
    from ratings.models import Assessment
    from training.models import Course

    summary = demo.splitlines()[0]
    for count, what in [
        (GrassrootsUnion.objects.count(), "CĐCS,"),
        (Member.objects.count(), "đoàn viên trong sổ"),
        (Enterprise.objects.count(), "doanh nghiệp đang theo dõi"),
        (Assessment.objects.count(), "kết quả đánh giá CĐCS"),
        (Course.objects.count(), "lớp đào tạo cán bộ"),
    ]:
        assert count > 0 and f" {count} {what}" in summary, (count, what, summary)


def test_federation_quotas_add_up_to_the_province_every_year(province):
    for quota in Quota.objects.filter(organisation=province):
        parts = Quota.objects.filter(programme=quota.programme, year=quota.year).exclude(organisation=province)
        assert sum(parts.values_list("new_members", flat=True)) == quota.new_members
        assert sum(parts.values_list("new_unions", flat=True)) == quota.new_unions


def test_seeding_twice_changes_nothing(province):
    before = (GrassrootsUnion.objects.count(), MonthlyFigure.objects.count(), Quota.objects.count())
    out = StringIO()
    call_command("seed_demo", until=END.iso, stdout=out)
    assert "không thay đổi gì" in out.getvalue()
    assert "bantochuc" in out.getvalue()
    assert (GrassrootsUnion.objects.count(), MonthlyFigure.objects.count(), Quota.objects.count()) == before


def test_the_2021_window_does_not_depend_on_the_day_the_demo_is_built():
    from members.demo.builder import ProvinceBuilder
    from members.demo.tables import WINDOW

    def window_rows(end):
        builder = ProvinceBuilder(end)
        builder.build()
        return {
            (u.code, m): tuple(sorted(r.items())) for u in builder.unions for m, r in u.rows.items() if m <= WINDOW[1]
        }

    assert window_rows(Month(2021, 3)) == window_rows(Month(2026, 10))


def test_the_demo_users_have_addresses_and_notices_to_show(province):
    """notices seeds its demo when seed_demo records itself: each federation's staff have the
    months approved last and, where the last month is not sent, a reminder; the month of TPTN's
    that the home pages' demo sends back is told to TPTN's staff as it would be; nothing is mailed."""
    from django.contrib.auth import get_user_model

    from notices.models import Notice

    users = get_user_model().objects.filter(profile__isnull=False)
    assert all(user.email.endswith("@ldld.example.vn") for user in users)
    kinds = {"return_approved", "return_due", "return_sent_back"}
    assert set(Notice.objects.values_list("kind", flat=True)) == kinds
    unread = Notice.objects.filter(user__username="cb.tptn", read_at__isnull=True)
    assert unread.filter(kind="return_approved", data__month=str(END - 2)).exists()
    assert set(Notice.objects.filter(kind="return_sent_back").values_list("user__username", flat=True)) == {"cb.tptn"}
    assert not Notice.objects.exclude(email=Notice.Email.NONE).exists()


@pytest.mark.browser
def test_a_leader_logs_in_and_reads_the_2021_report(live_server, page, output_path, time_machine):
    time_machine.move_to(WORKED_EXAMPLE_DAY)
    log_in(page, f"{live_server.url}/reports/", "lanhdao", password=PASSWORD)
    assert "Báo cáo phát triển đoàn viên" in page.locator("h1").inner_text()
    page.fill("input[name=start]", "2018-01")
    page.fill("input[name=end]", "2021-03")
    page.select_option("select[name=org]", "TN")
    page.click("text=Xem báo cáo")
    assert page.locator("[data-figure=admitted]").inner_text() == "30.018"
    assert page.locator("[data-figure=decrease]").inner_text() == "10.979"
    assert page.locator("[data-figure=net_members]").inner_text() == "+19.039"
    assert page.locator("#sentence").inner_text() == SENTENCE
    expect(page.locator("#federations tbody tr")).to_have_count(13)
    assert page.locator("#attainment-chart").is_visible()
    page.screenshot(path=Path(output_path) / "report-2021.png", full_page=True)  # kept for people to look at


@pytest.fixture
def shots(tmp_path):
    """Where the images go: the guide's folder when asked for, else a temporary one."""
    folder = GUIDE_IMAGES if os.environ.get("GUIDE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Walk:
    """One browser page signed in as one demo user at a time, taking a picture of each stop."""

    def __init__(self, page, url: str, folder: Path):
        self.page, self.url, self.folder, self.taken = page, url, folder, []
        page.set_viewport_size({"width": 1366, "height": 768})

    def sign_in(self, username: str, path: str) -> None:
        self.page.context.clear_cookies()
        log_in(self.page, f"{self.url}{path}", username, password=PASSWORD)

    def visit(self, path: str) -> None:
        self.page.goto(f"{self.url}{path}")

    def shot(self, name: str, *, heading: str) -> None:
        """Check that the page is the one the guide describes, then take its picture (the
        window, not the whole page: what a person sees on opening it)."""
        self.page.wait_for_load_state("networkidle")
        assert heading in " ".join(self.page.locator("h1").all_inner_texts()), (name, self.page.url)
        path = self.folder / f"{name}.png"
        self.page.screenshot(path=path)
        self.taken.append(path)

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.inner_text()


def provincial_staff(walk: Walk) -> None:
    """docs/guide/can-bo-ldld-tinh.md"""
    walk.sign_in("bantochuc", "/board/?month=2026-10")
    walk.shot("tinh-1-theo-doi-nop-bao-cao", heading="Theo dõi nộp báo cáo tháng")
    assert "Đã gửi" in walk.text("main") and "Đang nhập" in walk.text("main")
    walk.visit("/figures/DT/2026-09/")
    assert walk.page.get_by_role("button", name="Duyệt và khóa số liệu").count() == 1
    assert walk.page.get_by_role("button", name="Trả lại để sửa").count() >= 1
    walk.shot("tinh-2-duyet-so-lieu", heading="Nhập số liệu tháng 09/2026")
    programme = Programme.objects.order_by("first_year").first()
    walk.visit(f"/quotas/{programme.pk}/")
    walk.shot("tinh-3-chi-tieu", heading=programme.name)
    walk.visit("/cdcs/")
    walk.shot("tinh-4-so-cdcs", heading="Sổ công đoàn cơ sở")


def federation_staff(walk: Walk) -> None:
    """docs/guide/can-bo-cong-doan-cap-tren.md"""
    walk.sign_in("cb.dt", "/figures/DT/2026-10/")
    for button in ("Lưu số liệu", "Gửi báo cáo"):
        assert walk.page.get_by_role("button", name=button).count() == 1, button
    assert walk.page.get_by_role("link", name="Tải mẫu Excel").count() == 1
    walk.shot("huyen-1-nhap-so-lieu", heading="Nhập số liệu tháng 10/2026")
    walk.visit("/figures/DT/2026-10/upload/")
    assert walk.page.get_by_role("button", name="Kiểm tra tệp").count() == 1
    walk.shot("huyen-2-tai-excel", heading="Tải tệp Excel số liệu tháng 10/2026")
    walk.visit("/people/")
    walk.shot("huyen-3-so-doan-vien", heading="Sổ đoàn viên")
    walk.visit("/organising/")
    walk.shot("huyen-4-doanh-nghiep", heading="Doanh nghiệp chưa có CĐCS")
    walk.visit("/figures/PB/2026-10/")  # another federation's month is not theirs
    assert walk.page.locator("h1").first.inner_text() != "Nhập số liệu tháng 10/2026"


def leadership(walk: Walk) -> None:
    """docs/guide/lanh-dao.md"""
    walk.sign_in("lanhdao", "/reports/dashboard/?start=2026-01&end=2026-10&org=TN")
    assert walk.page.get_by_role("link", name="Báo cáo nhanh họp Ban Chỉ đạo").count() == 1
    walk.shot("lanhdao-1-bang-dieu-khien", heading="Bảng điều khiển phát triển đoàn viên")
    with time_machine.travel(WORKED_EXAMPLE_DAY):  # the report of 7 April 2021, read that day
        walk.visit("/reports/?start=2018-01&end=2021-03&org=TN")
        assert walk.text("[data-figure=admitted]") == "30.018"
        assert walk.text("[data-figure=decrease]") == "10.979"
        assert walk.text("#sentence").startswith(SENTENCE_START)
        walk.shot("lanhdao-2-bao-cao-2021", heading="Báo cáo phát triển đoàn viên, thành lập CĐCS")
        walk.visit("/reports/brief/?start=2018-01&end=2021-03&org=TN")
        assert SENTENCE_START in walk.text("main")
        walk.shot("lanhdao-3-bao-cao-nhanh", heading="BÁO CÁO NHANH")
    walk.visit("/organising/funnel/?year=2025")  # a past year: read on 31/12, the same every day
    walk.shot("lanhdao-4-van-dong-thanh-lap", heading="Báo cáo vận động thành lập CĐCS")
    walk.visit("/people/")  # leaders see counts, never names
    assert "Sổ đoàn viên" not in walk.page.locator("h1").first.inner_text()


def administrator(walk: Walk) -> None:
    """docs/guide/quan-tri.md"""
    walk.sign_in("admin", "/reports/dashboard/?start=2026-01&end=2026-10&org=TN")
    walk.visit("/admin/")
    for model in ("Hồ sơ người dùng", "Phiên họp Ban Chỉ đạo", "Mã truy cập API"):
        assert model in walk.text("body"), model
    walk.shot("quantri-1-trang-quan-tri", heading="Quản trị dữ liệu")


def squeeze(paths: list[Path]) -> None:
    """Smaller files for the repository, when the tools are there (never needed for the test)."""
    for path in paths:
        if shutil.which("pngquant"):
            subprocess.run(
                ["pngquant", "--force", "--skip-if-larger", "--quality=70-95", "--output", str(path), str(path)],
                check=False,
                timeout=60,
            )
        if shutil.which("optipng"):
            subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False, timeout=120)


@pytest.mark.browser
def test_the_guides_walk_through_the_demo_province_as_each_role(live_server, page, shots):
    walk = Walk(page, live_server.url, shots)
    provincial_staff(walk)
    federation_staff(walk)
    leadership(walk)
    administrator(walk)
    assert len(walk.taken) == 13 and all(path.stat().st_size > 10_000 for path in walk.taken)
    if shots == GUIDE_IMAGES:
        squeeze(walk.taken)
