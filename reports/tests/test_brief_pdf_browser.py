"""The brief printed to PDF by Chromium, as "In / lưu PDF" does: A4, the number line, the
signature, and a number on every page (small province of conftest.py, range 01–06/2021)."""

import re
import unicodedata
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser

QUERY = (
    "start=2021-01&end=2021-06&org=TN&on=05/07/2021&number=15"
    "&signer_title=TR%C6%AF%E1%BB%9ENG+BAN&signer_name=Nguy%E1%BB%85n+Th%E1%BB%8B+Hoa"
)
A4 = (595, 842)  # points
PRINTED = ("Số: 15/BC-LĐLĐ", "Thái Nguyên, ngày 05 tháng 7 năm 2021", "Nơi nhận:", "TRƯỞNG BAN", "Nguyễn Thị Hoa")


def _squashed(text: str) -> str:
    """The text without its spaces and line breaks: the PDF's text layer puts a space around each
    accented letter drawn as a glyph of its own, and breaks lines where the page did."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def test_the_printed_brief_has_its_number_signature_and_page_numbers(world, live_server, page, leader):
    log_in(page, f"{live_server.url}/reports/brief/?{QUERY}", leader.username)
    expect(page.locator("#brief-number")).to_have_text("Số: 15/BC-LĐLĐ")
    page.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length > 0")
    page.evaluate("() => document.fonts.ready")

    reader = PdfReader(BytesIO(page.pdf(prefer_css_page_size=True)))
    pages = [sheet.extract_text() for sheet in reader.pages]
    assert len(pages) >= 2
    for sheet in reader.pages:
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == A4
    whole = _squashed("".join(pages))
    for line in PRINTED:
        assert _squashed(line) in whole, line
    for line in ("Tải bản Word", "Cập nhật"):  # the toolbar and the form are for the screen only
        assert _squashed(line) not in whole, line
    for number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert str(number) in lines, (number, lines[-3:])  # the page number, on a line of its own
