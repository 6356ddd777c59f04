"""The officers' pages through the test client: a congress recorded with its committee, a chair
leaving and her successor, the "Cần kiện toàn" list per federation and province-wide, and who
sees names (staff of the CĐCS's federation, provincial staff) and who sees numbers (leadership)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from members.models import Officer, Post, Term
from members.officers.services import OfficerData, TermData, term_open
from unionportal.testing.html import find, find_all, page, text


@pytest.fixture(autouse=True)
def today(time_machine):
    """The pages read today: 01/06/2025, in the term of 2021–2026, before its congress is due."""
    time_machine.move_to(datetime(2025, 6, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", name="CĐCS Trường THCS Hùng Sơn")


@pytest.fixture
def term(dt01):
    """A congress of DT01 on 15/03/2021: 3 of its 3 executive members, its chair Nguyễn Thị Lan."""
    people = [OfficerData("Nguyễn Thị Lan", Post.CHAIR, full_time=True), OfficerData("Trần Văn Hùng", Post.VICE_CHAIR),
              OfficerData("Lê Thị Hoa", Post.MEMBER)]  # fmt: skip
    data = TermData(congress_on=date(2021, 3, 15), committee_size=3)
    return term_open(cdcs=dt01, data=data, officers=people, user=None)


def test_a_congress_is_recorded_with_its_committee(client_for, federation_user, dt01):
    client = client_for(federation_user)
    url = reverse("members:term_new", kwargs={"code": "DT01"})
    assert client.get(url).status_code == 200
    form = {
        "term-kind": "congress", "term-congress_on": "20/04/2023", "term-committee_size": "5",
        "term-inspection_size": "0", "bch-TOTAL_FORMS": "15", "bch-INITIAL_FORMS": "0",
        "bch-0-full_name": "Nguyễn Thị Lan", "bch-0-post": "chair", "bch-0-full_time": "on",
        "bch-1-full_name": "Trần Văn Hùng", "bch-1-post": "vice_chair",
        "bch-2-full_name": "Lê Thị Hoa",  # no post: refused, nothing written
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "Dòng 3: chọn chức vụ." in text(find(page(response), id="form-errors"))
    assert not Term.objects.exists()
    response = client.post(url, {**form, "bch-2-post": "member"})
    assert response.status_code == 302
    term = Term.objects.get()
    assert (term.starts_on, term.ends_on, term.committee_size) == (date(2023, 4, 20), date(2028, 4, 20), 5)
    assert list(term.officers.order_by("pk").values_list("full_name", "post", "full_time")) == [
        ("Nguyễn Thị Lan", "chair", True), ("Trần Văn Hùng", "vice_chair", False), ("Lê Thị Hoa", "member", False),
    ]  # fmt: skip


def test_the_chair_leaves_and_her_successor_comes(client_for, federation_user, term, federation):
    client = client_for(federation_user)
    chair = term.officers.get(post=Post.CHAIR)
    url = reverse("members:officer_leave", kwargs={"code": "DT01", "pk": chair.pk})
    response = client.post(url, {"on": "01/02/2025", "reason": "retired"})
    assert response.status_code == 302
    officers_page = page(client.get(reverse("members:cdcs_officers", kwargs={"code": "DT01"})))
    assert "Không có Chủ tịch từ ngày 01/02/2025" in text(find(officers_page, id="officer-status"))
    attention = page(client.get(reverse("members:officers_attention")))
    (row,) = find_all(attention, "tr", data_cdcs="DT01")
    assert "Không có Chủ tịch từ 01/02/2025" in text(row)
    assert text(find(attention, "td", data_count="needing")) == "1"

    new = reverse("members:officer_new", kwargs={"code": "DT01"})
    response = client.post(new, {"full_name": "Hoàng Văn Long", "post": "chair", "how": "appointed",
                                 "from_on": "15/01/2025"})  # fmt: skip
    assert response.status_code == 200  # before his predecessor left: two chairs at once
    assert "mỗi lúc chỉ một người" in text(find(page(response), "form", id="officer-form"))
    response = client.post(new, {"full_name": "Hoàng Văn Long", "post": "chair", "how": "appointed",
                                 "from_on": "10/03/2025"})  # fmt: skip
    assert response.status_code == 302
    attention = page(client.get(reverse("members:officers_attention")))
    assert find_all(attention, "tr", data_cdcs="DT01") == []
    assert Officer.objects.get(full_name="Hoàng Văn Long").how == Officer.How.APPOINTED


def test_names_for_staff_numbers_for_leadership(client_for, term, federation_user, other_federation_user, leader):
    url = reverse("members:cdcs_officers", kwargs={"code": "DT01"})
    response = client_for(federation_user).get(url)
    assert "Nguyễn Thị Lan" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    response = client_for(leader).get(url)
    assert "Nguyễn Thị Lan" not in response.content.decode()
    assert "Chủ tịch 1" in text(find(page(response), id="post-counts"))
    officers = client_for(leader).get(reverse("members:officers"))
    assert "Nguyễn Thị Lan" not in officers.content.decode()
    assert find(page(officers), id="officer-counts")
    assert client_for(other_federation_user).get(url).status_code == 404
    assert client_for(leader).get(reverse("members:officer_new", kwargs={"code": "DT01"})).status_code == 403


def test_the_officers_list_filters_by_post(client_for, term, provincial_staff, federation):
    client = client_for(provincial_staff)
    response = client.get(reverse("members:officers"), {"federation": "DT", "post": "chair"})
    rows = find_all(find(page(response), "table", id="officers"), "tr")[1:]
    assert [text(row).split(" ")[0] for row in rows] == ["DT01"] and "Nguyễn Thị Lan" in text(rows[0])
    assert find(page(response), id="officer-upload")


def test_the_cdcs_page_shows_its_committee_without_names(client_for, term, leader):
    response = client_for(leader).get(reverse("members:cdcs_detail", kwargs={"code": "DT01"}))
    card = find(page(response), id="officers-card")
    assert "có, từ 15/03/2021" in text(card) and "3/3" in text(card)
    assert "Nguyễn Thị Lan" not in response.content.decode()


def test_a_dissolved_cdcs_page_sends_writes_back(client_for, term, federation_user):
    from members.services.org import cdcs_dissolve

    cdcs_dissolve(cdcs=term.cdcs, on=date(2024, 1, 1), reason="Doanh nghiệp giải thể", user=None)
    response = client_for(federation_user).get(reverse("members:officer_new", kwargs={"code": "DT01"}))
    assert response.status_code == 302
