"""The meeting brief: the paragraphs a Ban Tổ chức officer would write, word for word, on the
small province of conftest.py (range 01–06/2021, half the year gone), as a page and as .docx."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

URL, DOCX_URL = reverse("reports:brief"), reverse("reports:brief_docx")
# Dated the week after the range, as the brief for a meeting is: its "đến nay" is then.
RANGE = {"start": "2021-01", "end": "2021-06", "org": "TN", "on": "05/07/2021"}

SENTENCE = (
    "Từ đầu năm 2021 đến nay đã kết nạp mới 540 đoàn viên; giảm 52 đoàn viên (tăng tuyệt đối 488 đoàn viên); "
    "thành lập mới 03 CĐCS, giảm 01 CĐCS (tăng tuyệt đối 02 CĐCS)."
)
YEAR = (
    "So với chỉ tiêu năm 2021: kết nạp mới đạt 45,0 % (540/1.200 đoàn viên); "
    "thành lập mới CĐCS đạt 25,0 % (03/12 CĐCS); thời gian đã qua 50,0 %."
)
PROGRAMME = (
    "So với chỉ tiêu cả chương trình 04/CTr-LĐLĐ: kết nạp mới đạt 14,0 % (590/4.200 đoàn viên); "
    "thành lập mới CĐCS đạt 7,1 % (03/42 CĐCS); thời gian đã qua 58,3 %."
)
NON_STATE = (
    "Khu vực ngoài nhà nước kết nạp mới 430 đoàn viên (79,6 % tổng số kết nạp mới), giảm 12 đoàn viên; "
    "thành lập mới 01 CĐCS, không giảm CĐCS nào. Đến cuối tháng 06/2021, khu vực này có 1.718 đoàn viên trong 03 CĐCS, "
    "bằng 75,1 % số đoàn viên."
)
LAGGARDS = "02 đơn vị chậm so với tiến độ thời gian (50,0 % của năm 2021):"
LAGGARD_ITEMS = [
    "LĐLĐ huyện Phú Bình: đạt 22,5 % chỉ tiêu đoàn viên, còn thiếu 310 (bình quân 52 mỗi tháng còn lại); "
    "đạt 25,0 % chỉ tiêu CĐCS, còn thiếu 03 (bình quân 01 mỗi tháng còn lại).",
    "LĐLĐ huyện Đại Từ: đạt 33,3 % chỉ tiêu CĐCS, còn thiếu 04 (bình quân 01 mỗi tháng còn lại).",
]


def test_the_brief_says_the_range_in_the_officers_words(world, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    assert response.status_code == 200
    brief = response.context["brief"]
    assert brief.sentence == SENTENCE
    assert brief.attainment == [YEAR, PROGRAMME]
    assert brief.non_state == NON_STATE
    assert (brief.laggards, brief.laggard_items) == (LAGGARDS, LAGGARD_ITEMS)
    html = response.content.decode()
    assert "Thái Nguyên, ngày" in html and "BÁO CÁO NHANH" in html
    assert 'id="chart-monthly"' in html and 'id="chart-monthly-data"' in html


def test_the_word_document_carries_the_same_paragraphs_on_a4(world, client_for, leader):
    response = client_for(leader).get(DOCX_URL, RANGE)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-nhanh-TN-2021-01-2021-06.docx"'
    document = Document(BytesIO(response.content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    for text in (SENTENCE, YEAR, PROGRAMME, NON_STATE, LAGGARDS, *(f"- {item}" for item in LAGGARD_ITEMS)):
        assert text in paragraphs
    section = document.sections[0]
    size = (section.page_width.cm, section.page_height.cm, section.left_margin.cm, section.right_margin.cm)
    assert [round(value, 1) for value in size] == [21.0, 29.7, 3.0, 2.0]  # A4, Nghị định 30/2020 margins
    federations = document.tables[1]
    assert [cell.text for cell in federations.rows[-1].cells][:4] == ["Cộng", "540", "52", "488"]


def test_a_non_state_brief_has_no_quota_paragraphs(world, client_for, leader):
    response = client_for(leader).get(URL, {**RANGE, "sector_group": "non_state"})
    brief = response.context["brief"]
    assert brief.attainment == [] and brief.laggards == "" and brief.laggard_items == []
    assert brief.sentence.startswith("Từ đầu năm 2021 đến nay đã kết nạp mới 430 đoàn viên; giảm 12 đoàn viên")


@pytest.mark.parametrize("url", [URL, DOCX_URL])
def test_a_bad_range_goes_back_to_the_dashboard_with_the_reason(world, client_for, leader, url):
    response = client_for(leader).get(url, {**RANGE, "end": "2020-13"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("reports:dashboard"))
    assert "Không lập được báo cáo nhanh" in response.content.decode()


def test_federation_staff_get_a_brief_of_their_own_federation_only(world, client_for, federation_user):
    response = client_for(federation_user).get(URL, {**RANGE, "org": "DT"})
    assert response.status_code == 200
    assert [line.row.org.code for line in response.context["board"].lines] == ["DT"]
    refused = client_for(federation_user).get(URL, {**RANGE, "org": "PB"}, follow=True)
    assert "Không lập được báo cáo nhanh" in refused.content.decode()
