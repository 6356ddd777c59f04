"""The demo province in Chromium: a leader reads the report of 7 April 2021, and a walk through the
portal as each role takes the screenshots of the user guides (docs/guide/), so that the guides show
the portal as it is.

The walk checks that every page shows what the guides say. Only with GUIDE_SCREENSHOTS=1 are the
images written into docs/guide/img/ (1366×768, squeezed by pngquant and optipng when they are
installed), to be looked at and committed; otherwise they go to a temporary directory, so that
`make test` leaves the worktree as it found it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from members.demo.tables import DEMO_PASSWORD as PASSWORD
from targets.models import Programme
from unionportal.testing.clock import WORKED_EXAMPLE_DAY
from unionportal.testing.login import log_in

from . import SENTENCE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("demo")]

SENTENCE_START = SENTENCE.split(" (")[0]
GUIDE_IMAGES = Path(settings.BASE_DIR) / "docs" / "guide" / "img"


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
    walk.visit("/figures/DTU/2026-09/")
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
    walk.sign_in("cb.dtu", "/figures/DTU/2026-10/")
    for button in ("Lưu số liệu", "Gửi báo cáo"):
        assert walk.page.get_by_role("button", name=button).count() == 1, button
    assert walk.page.get_by_role("link", name="Tải mẫu Excel").count() == 1
    walk.shot("huyen-1-nhap-so-lieu", heading="Nhập số liệu tháng 10/2026")
    walk.visit("/figures/DTU/2026-10/upload/")
    assert walk.page.get_by_role("button", name="Kiểm tra tệp").count() == 1
    walk.shot("huyen-2-tai-excel", heading="Tải tệp Excel số liệu tháng 10/2026")
    walk.visit("/people/")
    walk.shot("huyen-3-so-doan-vien", heading="Sổ đoàn viên")
    walk.visit("/organising/")
    walk.shot("huyen-4-doanh-nghiep", heading="Doanh nghiệp chưa có CĐCS")
    walk.visit("/figures/PBI/2026-10/")  # another federation's month is not theirs
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


def test_the_guides_walk_through_the_demo_province_as_each_role(live_server, page, shots):
    walk = Walk(page, live_server.url, shots)
    provincial_staff(walk)
    federation_staff(walk)
    leadership(walk)
    administrator(walk)
    assert len(walk.taken) == 13 and all(path.stat().st_size > 10_000 for path in walk.taken)
    if shots == GUIDE_IMAGES:
        squeeze(walk.taken)
