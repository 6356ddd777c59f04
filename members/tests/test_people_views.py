"""The member register's pages: the list and its search, a member's page and the whole ID number,
admitting and correcting a member, for each role (losing and transferring: test_people_transfers)."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import AuditEntry, Member, MemberEvent
from members.register.moves import member_transfer_request
from members.register.services import member_leave
from unionportal.testing.html import attr, find, find_all, page, text

from .people_pages import AN_ID, BINH_ID, admit, listed_names, messages_after, person_url, sent_to, signed_in

# --- the list ---------------------------------------------------------------------------------


def test_each_role_sees_the_members_it_may(an, binh, dt02, federation_user, provincial_staff, leader, no_role_user):
    admit(dt02, "Đặng Thị Xuân")
    people = reverse("members:people")

    assert listed_names(signed_in(federation_user).get(people)) == ["Đặng Thị Xuân", "Nguyễn Văn An"]
    assert listed_names(signed_in(provincial_staff).get(people)) == ["Đặng Thị Xuân", "Nguyễn Văn An", "Trần Thị Bình"]
    for user in (leader, no_role_user):
        response = signed_in(user).get(people)
        assert response.status_code == 403 and "Bình" not in response.content.decode()


def test_another_federations_member_is_not_found_even_by_number(an, binh, federation_user):
    client = signed_in(federation_user)
    for name in ("person", "person_edit", "person_leave", "person_transfer"):
        assert client.get(person_url(name, binh)).status_code == 404, name
        assert client.get(person_url(name, an)).status_code == 200, name
    response = client.post(person_url("person_leave", binh), {"on": "2021-03-20", "reason": "job"})
    assert response.status_code == 404
    binh.refresh_from_db()
    assert binh.is_active


def test_the_list_masks_id_numbers_and_shows_the_columns(an, federation_user):
    response = signed_in(federation_user).get(reverse("members:people"))

    html = response.content.decode()
    assert AN_ID not in html
    row = find(page(response), "tr", data_member=str(an.pk))
    cells = [text(cell) for cell in find_all(row, "td")]
    assert cells == ["Nguyễn Văn An", "01/05/1990", "Nam", "•••••••••234", "–", "DT01", "Đang sinh hoạt", "05/03/2021"]


def test_search_is_posted_finds_names_without_diacritics_and_never_shows_in_a_url(an, binh, dt01, provincial_staff):
    admit(dt01, "Nguyễn Văn Anh")
    admit(dt01, "Đặng Thị Xuân")
    client = signed_in(provincial_staff)
    people = reverse("members:people")

    posted = client.post(f"{people}?cdcs=DT01&page=2", {"q": "nguyen van an"})

    assert posted.status_code == 302 and posted.url == f"{people}?cdcs=DT01"
    response = client.get(posted.url)
    assert listed_names(response) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert not any("nguyen" in url.lower() for url in sent_to(posted) + sent_to(response))
    assert "Xóa tìm kiếm" in response.content.decode()
    # the search stays while paging and filtering, until it is cleared
    assert listed_names(client.get(people)) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    cleared = client.post(people, {"clear": "1", "q": "nguyen van an"})
    assert cleared.url == people
    assert listed_names(client.get(people)) == ["Đặng Thị Xuân", "Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Bình"]


def _search(client, query: str):
    client.post(reverse("members:people"), {"q": query})
    return client.get(reverse("members:people"))


def test_an_id_number_is_found_whole_or_by_its_last_four_digits_never_by_its_first(an, binh, provincial_staff):
    client = signed_in(provincial_staff)

    for query in ("0011 92", "001192", "00119200567", "05678", "92005678"):  # beginnings, longer endings
        assert listed_names(_search(client, query)) == [], query
    assert not AuditEntry.objects.filter(action="member.id_search").exists()
    assert listed_names(_search(client, "5678")) == ["Trần Thị Bình"]
    response = _search(client, "001 192 005 678")

    assert listed_names(response) == ["Trần Thị Bình"]
    entry = AuditEntry.objects.get(action="member.id_search")  # a look-up, as the reveal is
    assert (entry.user, entry.data) == (provincial_staff, {"found": 1})
    html = response.content.decode()
    assert BINH_ID not in html and "001 192 005 678" not in html and "•••••••••678" in html


def test_an_id_number_search_finds_only_members_the_user_reads(an, binh, federation_user):
    client = signed_in(federation_user)
    assert listed_names(_search(client, BINH_ID)) == [] and listed_names(_search(client, "5678")) == []
    assert AuditEntry.objects.get(action="member.id_search").data == {"found": 0}
    assert listed_names(_search(client, AN_ID)) == ["Nguyễn Văn An"]


def test_a_card_number_is_found_in_any_case_with_or_without_leading_zeros(dt01, federation_user):
    admit(dt01, "Nguyễn Văn An", card_number="TN0001234")
    admit(dt01, "Lê Văn Bảo", card_number="TN0012345")
    client = signed_in(federation_user)

    for query in ("TN0001234", "tn0001234", "tn1234", "Tn-1234", "ｔｎ１２３４", "tn 0001234"):
        assert listed_names(_search(client, query)) == ["Nguyễn Văn An"], query
    assert listed_names(_search(client, "tn12345")) == ["Lê Văn Bảo"]
    assert listed_names(_search(client, "tn123")) == []


def test_filters_by_cdcs_code_and_status(an, dt02, provincial_staff):
    gone = admit(dt02, "Lý Văn Đi")
    member_leave(member=gone, on=date(2021, 3, 20), reason="retired", user=None)
    client = signed_in(provincial_staff)
    people = reverse("members:people")

    assert listed_names(client.get(people, {"cdcs": "dt02"})) == ["Lý Văn Đi"]
    assert listed_names(client.get(people, {"status": "active"})) == ["Nguyễn Văn An"]
    assert listed_names(client.get(people, {"status": "left", "cdcs": "DT01"})) == []
    unknown = client.get(people, {"cdcs": "XX99"})
    assert listed_names(unknown) == [] and "Không có CĐCS mã “XX99”" in unknown.content.decode()


def test_the_list_takes_a_constant_number_of_queries(dt01, dt02, provincial_staff, django_assert_max_num_queries):
    for number in range(120):
        admit(dt01 if number % 2 else dt02, f"Người Thứ {number}")
    client = signed_in(provincial_staff)
    # 9: one of them is the provincial staff's latest export of the whole register (its link)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("members:people"))
    assert len(response.context["page"]) == 50 and response.context["page"].paginator.count == 120
    with django_assert_max_num_queries(9):
        client.get(reverse("members:people"), {"cdcs": "DT01", "status": "active", "page": 2})


def test_page_links_keep_the_filters_but_not_the_search(dt01, provincial_staff):
    for number in range(55):
        admit(dt01, f"Người Thứ {number}")
    client = signed_in(provincial_staff)
    client.post(reverse("members:people"), {"q": "nguoi"})
    response = client.get(reverse("members:people"), {"cdcs": "DT01"})
    assert "?cdcs=DT01&amp;page=2" in response.content.decode()
    assert len(client.get(reverse("members:people"), {"cdcs": "DT01", "page": 2}).context["page"]) == 5


def test_the_menu_offers_the_register_to_staff_only(an, dt01, federation_user, leader):
    staff = signed_in(federation_user).get(reverse("members:cdcs_detail", kwargs={"code": "DT01"}))
    assert reverse("members:people") in sent_to(staff)
    assert attr(find(page(staff), "a", id="cdcs-people"), "href") == reverse("members:people") + "?cdcs=DT01"
    lead = signed_in(leader).get(reverse("members:cdcs_detail", kwargs={"code": "DT01"}))
    assert not any(url.startswith(reverse("members:people")) for url in sent_to(lead))


# --- a member's page and the whole ID number --------------------------------------------------


def test_the_page_shows_the_record_masked_and_the_history(an, dt02, federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user, note="Đổi nơi làm")
    response = signed_in(federation_user).get(person_url("person", an))

    html = response.content.decode()
    assert AN_ID not in html and "•••••••••234" in html
    events = find(page(response), "table", id="events")
    assert [text(cell) for cell in find_all(find(events, "tr", data_kind="admitted"), "td")][:2] == [
        "05/03/2021",
        "Kết nạp mới",
    ]
    assert text(find(page(response), "tr", data_status="pending")).count("Chờ tiếp nhận") == 1
    assert find(page(response), "form", id="cancel-transfer")
    assert attr(find(page(response), "form", id="cancel-transfer"), "action") == reverse(
        "members:transfer_cancel", kwargs={"pk": transfer.pk}
    )
    # a member waiting to move can be neither moved again nor lost
    assert reverse("members:person_transfer", kwargs={"pk": an.pk}) not in sent_to(response)


def test_the_whole_id_number_is_shown_on_request_and_audited(an, federation_user):
    client = signed_in(federation_user)
    assert client.get(person_url("person_id", an)).status_code == 405

    response = client.post(person_url("person_id", an))

    assert response.status_code == 200 and text(find(page(response), "span", id="full-id")) == AN_ID
    assert "no-store" in response["Cache-Control"]
    assert not any(AN_ID in url for url in sent_to(response))
    entry = AuditEntry.objects.get(action="member.id_view")
    assert (entry.object_id, entry.federation.code, entry.username) == (str(an.pk), "DT", "canbo.dt")
    assert AN_ID not in str(entry.data) and "Nguyễn" not in entry.object_repr


def test_leadership_and_other_federations_cannot_see_the_id_number(an, leader, other_federation_user):
    assert signed_in(leader).post(person_url("person_id", an)).status_code == 403
    assert signed_in(other_federation_user).post(person_url("person_id", an)).status_code == 404
    assert not AuditEntry.objects.filter(action="member.id_view").exists()


# --- admitting and correcting -----------------------------------------------------------------


def _record(**fields) -> dict:
    return {"full_name": "Lê Văn Cường", "born_on": "1991-07-01", "gender": "male", "joined_on": "2021-03-08", **fields}


def test_admitting_a_new_member(dt01, federation_user):
    client = signed_in(federation_user)
    assert client.get(reverse("members:person_new"), {"cdcs": "DT01"}).context["form"]["cdcs"].value() == "DT01"

    response = client.post(reverse("members:person_new"), {"cdcs": "DT01 – CĐCS …", "mode": "new", **_record()})

    member = Member.objects.get()
    assert response.status_code == 302 and response.url == person_url("person", member)
    assert (member.cdcs, member.full_name, member.search_name) == (dt01, "Lê Văn Cường", " le van cuong ")
    assert list(member.events.values_list("kind", "month")) == [("admitted", date(2021, 3, 1))]
    assert messages_after(client, response) == [
        f"Đã kết nạp Đoàn viên #{member.pk} vào DT01 (tính vào số liệu tháng 03/2021)."
    ]
    assert AuditEntry.objects.filter(action="member.admit", object_id=str(member.pk)).exists()


def test_entering_an_existing_member_opens_the_register_in_the_month_given(dt01, federation_user):
    client = signed_in(federation_user)
    response = client.post(
        reverse("members:person_new"),
        {"cdcs": "DT01", "mode": "existing", "month": "2021-02", **_record(joined_on="2015-06-01")},
    )

    member = Member.objects.get()
    assert response.status_code == 302
    assert list(member.events.values_list("kind", "on")) == [("opening", date(2021, 2, 1))]
    dt01.refresh_from_db()
    assert dt01.register_from == date(2021, 2, 1)
    assert "sổ bắt đầu từ tháng 02/2021" in messages_after(client, response)[0]


def test_a_member_arriving_from_outside_the_province_is_transferred_in_that_day(dt01, federation_user):
    client = signed_in(federation_user)
    response = client.post(
        reverse("members:person_new"),
        {"cdcs": "DT01", "mode": "arrived", "arrived_on": "2021-03-20", **_record(joined_on="2012-05-01")},
    )

    member = Member.objects.get()
    assert response.status_code == 302
    assert list(member.events.values_list("kind", "on")) == [("transferred_in", date(2021, 3, 20))]
    shown = f"Đã ghi Đoàn viên #{member.pk} chuyển đến DT01 (tính vào số liệu tháng 03/2021)."
    assert messages_after(client, response) == [shown]
    assert AuditEntry.objects.filter(action="member.register", object_id=str(member.pk)).exists()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"cdcs": "PB01"}, "cdcs", "Không có CĐCS mã “PB01”"),
        ({"joined_on": "2099-01-01"}, "joined_on", "chưa đến"),
        ({"id_number": "12345"}, "id_number", "đúng 12 chữ số"),
        (
            {"id_number": BINH_ID, "born_on": "1992-02-02", "gender": "female"},
            "id_number",
            "đã là đoàn viên ở đơn vị khác; Ban Tổ chức LĐLĐ tỉnh có thể giúp",
        ),
        ({"mode": "existing", "month": ""}, "month", "Cần chọn tháng bắt đầu sổ"),
        ({"mode": "arrived", "arrived_on": ""}, "arrived_on", "Cần ghi ngày chuyển đến"),
        ({"mode": "arrived", "arrived_on": "2021-03-01", "joined_on": "2021-03-08"}, "arrived_on", "không được trước"),
        ({"full_name": ""}, "full_name", "bắt buộc"),
    ],
)
def test_admission_refusals_are_shown_next_to_the_field(binh, dt01, federation_user, fields, field, message):
    data = {"cdcs": "DT01", "mode": "new", **_record(), **fields}
    response = signed_in(federation_user).post(reverse("members:person_new"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Member.objects.count() == 1 and MemberEvent.objects.count() == 1


def test_leadership_cannot_admit(dt01, leader):
    response = signed_in(leader).post(reverse("members:person_new"), {"cdcs": "DT01", "mode": "new", **_record()})
    assert response.status_code == 403 and not Member.objects.exists()


def test_correcting_a_record(an, federation_user):
    client = signed_in(federation_user)
    form = client.get(person_url("person_edit", an)).context["form"]
    assert form["full_name"].value() == "Nguyễn Văn An"

    data = {"full_name": "Nguyễn  Văn  Ân", "born_on": "1990-05-01", "gender": "male", "id_number": "",
            "joined_on": "2021-03-01", "job": "Thợ may"}  # fmt: skip
    response = client.post(person_url("person_edit", an), data)

    assert messages_after(client, response) == [f"Đã lưu hồ sơ Đoàn viên #{an.pk}."]
    an.refresh_from_db()
    assert (an.full_name, an.search_name, an.job, an.joined_on) == ("Nguyễn Văn Ân", " nguyen van an ", "Thợ may",
                                                                    date(2021, 3, 1))  # fmt: skip
    assert an.events.get().on == date(2021, 3, 1) and an.id_number == AN_ID  # blank: the number is kept
    assert AuditEntry.objects.get(action="member.update").data["changed"] == ["full_name", "joined_on", "job"]


def test_the_edit_form_never_carries_the_whole_id_number(an, federation_user):
    client = signed_in(federation_user)
    response = client.get(person_url("person_edit", an))

    html = response.content.decode()
    assert AN_ID not in html and "•••••••••234" in html
    assert attr(find(page(response), "input", id="id_id_number"), "value") in (None, "")
    assert not AuditEntry.objects.filter(action="member.id_view").exists()


def test_a_new_id_number_replaces_the_saved_one_and_the_box_can_clear_it(an, federation_user):
    client = signed_in(federation_user)
    record = {"full_name": "Nguyễn Văn An", "born_on": "1990-05-01", "gender": "male", "joined_on": "2021-03-05"}

    client.post(person_url("person_edit", an), {**record, "id_number": "００１０９００９９９９９"})
    an.refresh_from_db()
    assert an.id_number == "001090099999"
    assert AuditEntry.objects.get(action="member.update").data["id_number"] == ["•••••••••234", "•••••••••999"]

    client.post(person_url("person_edit", an), {**record, "id_number": "", "clear_id": "on"})
    an.refresh_from_db()
    assert an.id_number == ""


def test_a_correction_that_breaks_a_rule_changes_nothing(an, binh, federation_user):
    data = {"full_name": "Nguyễn Văn An", "born_on": "1990-05-01", "gender": "male", "id_number": BINH_ID,
            "joined_on": "2021-03-05"}  # fmt: skip
    response = signed_in(federation_user).post(person_url("person_edit", an), data)

    assert response.status_code == 200
    assert "năm sinh" in " ".join(response.context["form"].errors["id_number"])
    an.refresh_from_db()
    assert an.id_number == AN_ID and not AuditEntry.objects.filter(action="member.update").exists()
