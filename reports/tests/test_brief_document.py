"""The brief as a document to sign: the issuer and the number line, the place and date, the
sections numbered without gaps, "Nơi nhận" and the signature, the page number, and the form on
which whoever prepares it fills in the number, the date and the signer (small province of
conftest.py, range 01–06/2021)."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from unionportal.testing.html import find, find_all, page, text

URL, DOCX_URL = reverse("reports:brief"), reverse("reports:brief_docx")
RANGE = {"start": "2021-01", "end": "2021-06", "org": "TN", "on": "05/07/2021"}
SIGNED = {
    **RANGE,
    "number": "15",
    "signer_title": "KT. TRƯỞNG BAN",
    "signer_name": "Nguyễn Thị Hoa",
    "recipients": "Thường trực LĐLĐ tỉnh (để báo cáo);\n- Ban Chỉ đạo tỉnh;\nLưu: VT, BTC.",
}
# The world has no organising pipeline: that section is left out and the charts move up to V.
PAGE_HEADINGS = [
    "I. KẾT QUẢ CHUNG",
    "II. KHU VỰC NGOÀI NHÀ NƯỚC",
    "III. KẾT QUẢ THEO ĐƠN VỊ",
    "IV. ĐƠN VỊ CHẬM TIẾN ĐỘ",
    "V. BIỂU ĐỒ",
]


def _docx(client, params) -> Document:
    response = client.get(DOCX_URL, params)
    assert response.status_code == 200, response.status_code
    return Document(BytesIO(response.content))


def _cell_lines(table) -> tuple[list[str], list[str]]:
    left, right = table.rows[0].cells
    return [p.text for p in left.paragraphs if p.text], [p.text for p in right.paragraphs if p.text]


def test_the_word_file_carries_issuer_number_date_recipients_signature_and_page_numbers(world, client_for, leader):
    document = _docx(client_for(leader), SIGNED)
    issuer, motto = _cell_lines(document.tables[0])
    assert issuer == ["LIÊN ĐOÀN LAO ĐỘNG TỈNH THÁI NGUYÊN", "BAN TỔ CHỨC", "Số: 15/BC-LĐLĐ"]
    assert motto == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thái Nguyên, ngày 05 tháng 7 năm 2021",
    ]
    recipients, signer = _cell_lines(document.tables[-1])
    assert recipients == [
        "Nơi nhận:",
        "- Thường trực LĐLĐ tỉnh (để báo cáo);",
        "- Ban Chỉ đạo tỉnh;",
        "- Lưu: VT, BTC.",
    ]
    assert signer == ["KT. TRƯỞNG BAN", "Nguyễn Thị Hoa"]
    footer = document.sections[0].footer._element
    instructions = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert [node.get(qn("w:fldCharType")) for node in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_the_word_file_numbers_its_sections_without_a_gap(world, client_for, leader):
    document = _docx(client_for(leader), RANGE)
    headings = [p.text for p in document.paragraphs if re.match(r"[IVX]+\. [A-ZĐ]", p.text)]
    assert headings == [*PAGE_HEADINGS[:-1], "V. SỐ LIỆU THEO THÁNG"]


def test_without_a_number_the_line_leaves_room_for_the_office(world, client_for, leader, settings):
    settings.BRIEF_SIGNER_NAME = "Trần Văn Bình"
    document = _docx(client_for(leader), RANGE)
    issuer, _motto = _cell_lines(document.tables[0])
    assert issuer[-1] == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-LĐLĐ"
    _recipients, signer = _cell_lines(document.tables[-1])
    assert signer == ["TRƯỞNG BAN", "Trần Văn Bình"]  # the settings' signer until someone types another


def test_the_page_numbers_its_sections_and_signs_as_the_form_says(world, client_for, leader):
    response = client_for(leader).get(URL, SIGNED)
    assert response.status_code == 200
    html = page(response)
    assert [text(h2) for h2 in find_all(find(html, "article", id="brief"), "h2")] == PAGE_HEADINGS
    assert text(find(html, id="brief-number")) == "Số: 15/BC-LĐLĐ"
    assert text(find(html, id="brief-date")) == "Thái Nguyên, ngày 05 tháng 7 năm 2021"
    signature = text(find(html, id="brief-signature"))
    assert "Nơi nhận:" in signature and "- Ban Chỉ đạo tỉnh;" in signature
    assert "KT. TRƯỞNG BAN" in signature and "Nguyễn Thị Hoa" in signature
    docx_link = find(html, "a", id="brief-docx")
    assert "signer_name=Nguy" in dict(docx_link.attributes)["href"]  # the Word file signs the same


def test_sections_after_an_absent_one_move_up(world, client_for, leader):
    """The non-state part of the province: no quotas, so no laggards; the charts follow on."""
    brief = client_for(leader).get(URL, {**RANGE, "sector_group": "non_state"}).context["brief"]
    numbered = [heading.split(". ")[0] for key, heading in brief.headings.items() if key != "months"]
    assert brief.laggards == "" and "laggards" not in brief.headings
    assert numbered == ["I", "II", "III", "IV"][: len(numbered)]


def test_federation_staff_issue_the_brief_as_their_federation(world, client_for, federation_user):
    brief = client_for(federation_user).get(URL, {**RANGE, "org": "DT"}).context["brief"]
    assert (brief.issuer_above, brief.issuer) == ("LĐLĐ TỈNH THÁI NGUYÊN", "LIÊN ĐOÀN LAO ĐỘNG HUYỆN ĐẠI TỪ")
    assert brief.date_line == "Đại Từ, ngày 05 tháng 7 năm 2021"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"on": "7/31/2021"}, "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy"),  # an English browser's month first
        ({"on": "Jul 5, 2021"}, "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy"),
        ({"on": "15/05/2021"}, "Ngày báo cáo 15/05/2021 ở trước tháng cuối của kỳ báo cáo (06/2021)."),
        ({"on": ""}, "Trường này là bắt buộc."),
        ({"number": "15/BC"}, "Số văn bản chỉ gồm chữ số"),
        ({"recipients": "\n".join(f"Nơi {n}" for n in range(13))}, "Nơi nhận có nhiều nhất 12 dòng."),
    ],
)
def test_a_bad_entry_on_the_form_is_said_in_vietnamese_on_the_page(world, client_for, leader, change, message):
    client = client_for(leader)
    response = client.get(URL, {**SIGNED, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["brief"] is None
    refused = client.get(DOCX_URL, {**SIGNED, **change}, follow=True)  # the Word link of such a page
    assert refused.redirect_chain[-1][0].startswith(URL)
    assert "Không tải được bản Word" in refused.content.decode() and message in refused.content.decode()


def test_an_impossible_range_goes_back_to_the_dashboard_in_vietnamese(world, client_for, leader):
    response = client_for(leader).get(URL, {**SIGNED, "start": "2021-06", "end": "2021-01"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("reports:dashboard"))
    assert "Không lập được báo cáo nhanh: Tháng cuối phải sau hoặc bằng tháng đầu." in response.content.decode()
