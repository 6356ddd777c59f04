"""The organising pipeline in the meeting brief, as a page and as .docx: the small province of
conftest.py with the pipeline of unionportal/testing/funnel_world.py, over 01–06/2021."""

from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document

from unionportal.testing.funnel_world import build_pipeline

URL, DOCX_URL = reverse("reports:brief"), reverse("reports:brief_docx")
RANGE = {"start": "2021-01", "end": "2021-06", "org": "TN"}

PARAGRAPH = (
    "Đang vận động 04 doanh nghiệp chưa có CĐCS (01 doanh nghiệp đã có ban vận động); "
    "từ đầu năm 2021 đã thành lập 01 CĐCS qua vận động; dự kiến thành lập thêm 01 CĐCS đến hết năm, "
    "so với 07 CĐCS còn phải thành lập theo chỉ tiêu (còn thiếu 06 CĐCS)."
)
STUCK = [
    "Công ty 03 (LĐLĐ huyện Đại Từ): Đã xác định từ ngày 01/05/2020 (425 ngày).",
    "Công ty 03 (LĐLĐ huyện Phú Bình): Đã tuyên truyền từ ngày 01/11/2020 (241 ngày).",
    "Công ty 02 (LĐLĐ huyện Đại Từ): Đã tuyên truyền từ ngày 01/03/2021 (121 ngày).",
]


@pytest.fixture
def pipeline(world, federation, other_federation, make_cdcs):
    return build_pipeline(federation, other_federation, make_cdcs)


def test_the_brief_says_where_the_pipeline_stands_and_names_the_three_stuck_longest(pipeline, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    assert response.status_code == 200
    brief = response.context["brief"]
    assert brief.organising == PARAGRAPH
    assert brief.organising_stuck == STUCK
    html = response.content.decode()
    assert "V. VẬN ĐỘNG THÀNH LẬP CĐCS" in html and "VI. BIỂU ĐỒ" in html
    assert 'id="brief-organising"' in html


def test_the_word_document_carries_the_same_paragraph(pipeline, client_for, leader):
    response = client_for(leader).get(DOCX_URL, RANGE)
    assert response.status_code == 200
    paragraphs = [paragraph.text for paragraph in Document(BytesIO(response.content)).paragraphs]
    for text in ("V. VẬN ĐỘNG THÀNH LẬP CĐCS", PARAGRAPH, *(f"- {item}" for item in STUCK)):
        assert text in paragraphs
    assert paragraphs.index(PARAGRAPH) < paragraphs.index("VI. SỐ LIỆU THEO THÁNG")


def test_a_federations_brief_compares_with_its_own_quota(pipeline, client_for, federation_user):
    brief = client_for(federation_user).get(URL, {**RANGE, "org": "DT"}).context["brief"]
    assert brief.organising == (
        "Đang vận động 03 doanh nghiệp chưa có CĐCS (01 doanh nghiệp đã có ban vận động); "
        "từ đầu năm 2021 đã thành lập 01 CĐCS qua vận động; chưa dự kiến thành lập thêm CĐCS nào đến hết năm, "
        "so với 02 CĐCS còn phải thành lập theo chỉ tiêu (còn thiếu 02 CĐCS)."
    )
    assert all("Phú Bình" not in item for item in brief.organising_stuck)


def test_a_sector_groups_brief_has_no_quota_to_compare_with(pipeline, client_for, leader):
    brief = client_for(leader).get(URL, {**RANGE, "sector_group": "non_state"}).context["brief"]
    assert brief.organising.endswith("dự kiến thành lập thêm 01 CĐCS đến hết năm (chưa giao chỉ tiêu thành lập CĐCS).")


def test_without_a_pipeline_the_brief_has_no_such_section(world, client_for, leader):
    response = client_for(leader).get(URL, RANGE)
    assert response.context["brief"].organising == ""
    assert "VẬN ĐỘNG THÀNH LẬP CĐCS" not in response.content.decode()
    docx = client_for(leader).get(DOCX_URL, RANGE)
    assert "VẬN ĐỘNG THÀNH LẬP CĐCS" not in [p.text for p in Document(BytesIO(docx.content)).paragraphs]
