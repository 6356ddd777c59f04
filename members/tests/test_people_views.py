"""The member register's pages: the list and its search, a member's page and the whole ID number,
admitting, correcting, losing and transferring a member, and deciding transfers, for each role."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, Member, MemberEvent, MemberTransfer
from members.services import MemberData, member_admit, member_leave, member_transfer_request
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text

AN_ID = "001090001234"  # a man born in 1990
BINH_ID = "001192005678"  # a woman born in 1992


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _admit(cdcs, name, *, joined_on=date(2021, 3, 5), **extra) -> Member:
    return member_admit(cdcs=cdcs, data=MemberData(full_name=name, joined_on=joined_on, **extra), user=None)


def _person_url(name, member, **kwargs) -> str:
    return reverse(f"members:{name}", kwargs={"pk": member.pk, **kwargs})


def _shown(client, response) -> list[str]:
    """The messages the page a POST redirects to shows the user."""
    assert response.status_code == 302, response
    return [text(alert) for alert in find_all(page(client.get(response.url)), "div", role="alert")]


def _names(response) -> list[str]:
    return [member.full_name for member in response.context["page"]]


def _urls(response) -> list[str]:
    """Every address the response sends the browser to: its redirect, links, forms, sources."""
    urls = [response.get("Location", "")]
    if response.get("Content-Type", "").startswith("text/html") and response.content:
        root = page(response)
        for key in ("href", "action", "src"):
            urls += [attr(element, key) for element in find_all(root, None, **{key: True})]
    return urls


@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", name="CĐCS Trường THCS Hùng Sơn")


@pytest.fixture
def dt02(federation, make_cdcs):
    return make_cdcs(federation, code="DT02", name="CĐCS Công ty May Đại Từ")


@pytest.fixture
def pb01(other_federation, make_cdcs):
    return make_cdcs(other_federation, code="PB01", name="CĐCS Công ty May Phú Bình")


@pytest.fixture
def an(dt01):
    return _admit(dt01, "Nguyễn Văn An", born_on=date(1990, 5, 1), gender="male", id_number=AN_ID)


@pytest.fixture
def binh(pb01):
    return _admit(pb01, "Trần Thị Bình", born_on=date(1992, 2, 2), gender="female", id_number=BINH_ID)


# --- the list ---------------------------------------------------------------------------------


def test_each_role_sees_the_members_it_may(an, binh, dt02, federation_user, provincial_staff, leader, no_role_user):
    _admit(dt02, "Đặng Thị Xuân")
    people = reverse("members:people")

    assert _names(_client(federation_user).get(people)) == ["Đặng Thị Xuân", "Nguyễn Văn An"]
    assert _names(_client(provincial_staff).get(people)) == ["Đặng Thị Xuân", "Nguyễn Văn An", "Trần Thị Bình"]
    for user in (leader, no_role_user):
        response = _client(user).get(people)
        assert response.status_code == 403 and "Bình" not in response.content.decode()


def test_another_federations_member_is_not_found_even_by_number(an, binh, federation_user):
    client = _client(federation_user)
    for name in ("person", "person_edit", "person_leave", "person_transfer"):
        assert client.get(_person_url(name, binh)).status_code == 404, name
        assert client.get(_person_url(name, an)).status_code == 200, name
    response = client.post(_person_url("person_leave", binh), {"on": "2021-03-20", "reason": "job"})
    assert response.status_code == 404
    binh.refresh_from_db()
    assert binh.is_active


def test_the_list_masks_id_numbers_and_shows_the_columns(an, federation_user):
    response = _client(federation_user).get(reverse("members:people"))

    html = response.content.decode()
    assert AN_ID not in html
    row = find(page(response), "tr", data_member=str(an.pk))
    cells = [text(cell) for cell in find_all(row, "td")]
    assert cells == ["Nguyễn Văn An", "01/05/1990", "Nam", "•••••••••234", "–", "DT01", "Đang sinh hoạt", "05/03/2021"]


def test_search_is_posted_finds_names_without_diacritics_and_never_shows_in_a_url(an, binh, dt01, provincial_staff):
    _admit(dt01, "Nguyễn Văn Anh")
    _admit(dt01, "Đặng Thị Xuân")
    client = _client(provincial_staff)
    people = reverse("members:people")

    posted = client.post(f"{people}?cdcs=DT01&page=2", {"q": "nguyen van an"})

    assert posted.status_code == 302 and posted.url == f"{people}?cdcs=DT01"
    response = client.get(posted.url)
    assert _names(response) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert not any("nguyen" in url.lower() for url in _urls(posted) + _urls(response))
    assert "Xóa tìm kiếm" in response.content.decode()
    # the search stays while paging and filtering, until it is cleared
    assert _names(client.get(people)) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    cleared = client.post(people, {"clear": "1", "q": "nguyen van an"})
    assert cleared.url == people
    assert _names(client.get(people)) == ["Đặng Thị Xuân", "Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Thị Bình"]


def _search(client, query: str):
    client.post(reverse("members:people"), {"q": query})
    return client.get(reverse("members:people"))


def test_an_id_number_is_found_whole_or_by_its_last_four_digits_never_by_its_first(an, binh, provincial_staff):
    client = _client(provincial_staff)

    for query in ("0011 92", "001192", "00119200567", "05678", "92005678"):  # beginnings, longer endings
        assert _names(_search(client, query)) == [], query
    assert not AuditEntry.objects.filter(action="member.id_search").exists()
    assert _names(_search(client, "5678")) == ["Trần Thị Bình"]
    response = _search(client, "001 192 005 678")

    assert _names(response) == ["Trần Thị Bình"]
    entry = AuditEntry.objects.get(action="member.id_search")  # a look-up, as the reveal is
    assert (entry.user, entry.data) == (provincial_staff, {"found": 1})
    html = response.content.decode()
    assert BINH_ID not in html and "001 192 005 678" not in html and "•••••••••678" in html


def test_an_id_number_search_finds_only_members_the_user_reads(an, binh, federation_user):
    client = _client(federation_user)
    assert _names(_search(client, BINH_ID)) == [] and _names(_search(client, "5678")) == []
    assert AuditEntry.objects.get(action="member.id_search").data == {"found": 0}
    assert _names(_search(client, AN_ID)) == ["Nguyễn Văn An"]


def test_a_card_number_is_found_in_any_case_with_or_without_leading_zeros(dt01, federation_user):
    _admit(dt01, "Nguyễn Văn An", card_number="TN0001234")
    _admit(dt01, "Lê Văn Bảo", card_number="TN0012345")
    client = _client(federation_user)

    for query in ("TN0001234", "tn0001234", "tn1234", "Tn-1234", "ｔｎ１２３４", "tn 0001234"):
        assert _names(_search(client, query)) == ["Nguyễn Văn An"], query
    assert _names(_search(client, "tn12345")) == ["Lê Văn Bảo"]
    assert _names(_search(client, "tn123")) == []


def test_filters_by_cdcs_code_and_status(an, dt02, provincial_staff):
    gone = _admit(dt02, "Lý Văn Đi")
    member_leave(member=gone, on=date(2021, 3, 20), reason="retired", user=None)
    client = _client(provincial_staff)
    people = reverse("members:people")

    assert _names(client.get(people, {"cdcs": "dt02"})) == ["Lý Văn Đi"]
    assert _names(client.get(people, {"status": "active"})) == ["Nguyễn Văn An"]
    assert _names(client.get(people, {"status": "left", "cdcs": "DT01"})) == []
    unknown = client.get(people, {"cdcs": "XX99"})
    assert _names(unknown) == [] and "Không có CĐCS mã “XX99”" in unknown.content.decode()


def test_the_list_takes_a_constant_number_of_queries(dt01, dt02, provincial_staff, django_assert_max_num_queries):
    for number in range(120):
        _admit(dt01 if number % 2 else dt02, f"Người Thứ {number}")
    client = _client(provincial_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("members:people"))
    assert len(response.context["page"]) == 50 and response.context["page"].paginator.count == 120
    with django_assert_max_num_queries(8):
        client.get(reverse("members:people"), {"cdcs": "DT01", "status": "active", "page": 2})


def test_page_links_keep_the_filters_but_not_the_search(dt01, provincial_staff):
    for number in range(55):
        _admit(dt01, f"Người Thứ {number}")
    client = _client(provincial_staff)
    client.post(reverse("members:people"), {"q": "nguoi"})
    response = client.get(reverse("members:people"), {"cdcs": "DT01"})
    assert "?cdcs=DT01&amp;page=2" in response.content.decode()
    assert len(client.get(reverse("members:people"), {"cdcs": "DT01", "page": 2}).context["page"]) == 5


def test_the_menu_offers_the_register_to_staff_only(an, dt01, federation_user, leader):
    staff = _client(federation_user).get(reverse("members:cdcs_detail", kwargs={"code": "DT01"}))
    assert reverse("members:people") in _urls(staff)
    assert attr(find(page(staff), "a", id="cdcs-people"), "href") == reverse("members:people") + "?cdcs=DT01"
    lead = _client(leader).get(reverse("members:cdcs_detail", kwargs={"code": "DT01"}))
    assert not any(url.startswith(reverse("members:people")) for url in _urls(lead))


# --- a member's page and the whole ID number --------------------------------------------------


def test_the_page_shows_the_record_masked_and_the_history(an, dt02, federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user, note="Đổi nơi làm")
    response = _client(federation_user).get(_person_url("person", an))

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
    assert reverse("members:person_transfer", kwargs={"pk": an.pk}) not in _urls(response)


def test_the_whole_id_number_is_shown_on_request_and_audited(an, federation_user):
    client = _client(federation_user)
    assert client.get(_person_url("person_id", an)).status_code == 405

    response = client.post(_person_url("person_id", an))

    assert response.status_code == 200 and text(find(page(response), "span", id="full-id")) == AN_ID
    assert "no-store" in response["Cache-Control"]
    assert not any(AN_ID in url for url in _urls(response))
    entry = AuditEntry.objects.get(action="member.id_view")
    assert (entry.object_id, entry.federation.code, entry.username) == (str(an.pk), "DT", "canbo.dt")
    assert AN_ID not in str(entry.data) and "Nguyễn" not in entry.object_repr


def test_leadership_and_other_federations_cannot_see_the_id_number(an, leader, other_federation_user):
    assert _client(leader).post(_person_url("person_id", an)).status_code == 403
    assert _client(other_federation_user).post(_person_url("person_id", an)).status_code == 404
    assert not AuditEntry.objects.filter(action="member.id_view").exists()


# --- admitting and correcting -----------------------------------------------------------------


def _record(**fields) -> dict:
    return {"full_name": "Lê Văn Cường", "born_on": "1991-07-01", "gender": "male", "joined_on": "2021-03-08", **fields}


def test_admitting_a_new_member(dt01, federation_user):
    client = _client(federation_user)
    assert client.get(reverse("members:person_new"), {"cdcs": "DT01"}).context["form"]["cdcs"].value() == "DT01"

    response = client.post(reverse("members:person_new"), {"cdcs": "DT01 – CĐCS …", "mode": "new", **_record()})

    member = Member.objects.get()
    assert response.status_code == 302 and response.url == _person_url("person", member)
    assert (member.cdcs, member.full_name, member.search_name) == (dt01, "Lê Văn Cường", " le van cuong ")
    assert list(member.events.values_list("kind", "month")) == [("admitted", date(2021, 3, 1))]
    assert _shown(client, response) == [f"Đã kết nạp Đoàn viên #{member.pk} vào DT01 (tính vào số liệu tháng 03/2021)."]
    assert AuditEntry.objects.filter(action="member.admit", object_id=str(member.pk)).exists()


def test_entering_an_existing_member_opens_the_register_in_the_month_given(dt01, federation_user):
    client = _client(federation_user)
    response = client.post(
        reverse("members:person_new"),
        {"cdcs": "DT01", "mode": "existing", "month": "2021-02", **_record(joined_on="2015-06-01")},
    )

    member = Member.objects.get()
    assert response.status_code == 302
    assert list(member.events.values_list("kind", "on")) == [("opening", date(2021, 2, 1))]
    dt01.refresh_from_db()
    assert dt01.register_from == date(2021, 2, 1)
    assert "sổ bắt đầu từ tháng 02/2021" in _shown(client, response)[0]


def test_a_member_arriving_from_outside_the_province_is_transferred_in_that_day(dt01, federation_user):
    client = _client(federation_user)
    response = client.post(
        reverse("members:person_new"),
        {"cdcs": "DT01", "mode": "arrived", "arrived_on": "2021-03-20", **_record(joined_on="2012-05-01")},
    )

    member = Member.objects.get()
    assert response.status_code == 302
    assert list(member.events.values_list("kind", "on")) == [("transferred_in", date(2021, 3, 20))]
    shown = f"Đã ghi Đoàn viên #{member.pk} chuyển đến DT01 (tính vào số liệu tháng 03/2021)."
    assert _shown(client, response) == [shown]
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
    response = _client(federation_user).post(reverse("members:person_new"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Member.objects.count() == 1 and MemberEvent.objects.count() == 1


def test_leadership_cannot_admit(dt01, leader):
    response = _client(leader).post(reverse("members:person_new"), {"cdcs": "DT01", "mode": "new", **_record()})
    assert response.status_code == 403 and not Member.objects.exists()


def test_correcting_a_record(an, federation_user):
    client = _client(federation_user)
    form = client.get(_person_url("person_edit", an)).context["form"]
    assert form["full_name"].value() == "Nguyễn Văn An"

    data = {"full_name": "Nguyễn  Văn  Ân", "born_on": "1990-05-01", "gender": "male", "id_number": "",
            "joined_on": "2021-03-01", "job": "Thợ may"}  # fmt: skip
    response = client.post(_person_url("person_edit", an), data)

    assert _shown(client, response) == [f"Đã lưu hồ sơ Đoàn viên #{an.pk}."]
    an.refresh_from_db()
    assert (an.full_name, an.search_name, an.job, an.joined_on) == ("Nguyễn Văn Ân", " nguyen van an ", "Thợ may",
                                                                    date(2021, 3, 1))  # fmt: skip
    assert an.events.get().on == date(2021, 3, 1) and an.id_number == AN_ID  # blank: the number is kept
    assert AuditEntry.objects.get(action="member.update").data["changed"] == ["full_name", "joined_on", "job"]


def test_the_edit_form_never_carries_the_whole_id_number(an, federation_user):
    client = _client(federation_user)
    response = client.get(_person_url("person_edit", an))

    html = response.content.decode()
    assert AN_ID not in html and "•••••••••234" in html
    assert attr(find(page(response), "input", id="id_id_number"), "value") in (None, "")
    assert not AuditEntry.objects.filter(action="member.id_view").exists()


def test_a_new_id_number_replaces_the_saved_one_and_the_box_can_clear_it(an, federation_user):
    client = _client(federation_user)
    record = {"full_name": "Nguyễn Văn An", "born_on": "1990-05-01", "gender": "male", "joined_on": "2021-03-05"}

    client.post(_person_url("person_edit", an), {**record, "id_number": "００１０９００９９９９９"})
    an.refresh_from_db()
    assert an.id_number == "001090099999"
    assert AuditEntry.objects.get(action="member.update").data["id_number"] == ["•••••••••234", "•••••••••999"]

    client.post(_person_url("person_edit", an), {**record, "id_number": "", "clear_id": "on"})
    an.refresh_from_db()
    assert an.id_number == ""


def test_a_correction_that_breaks_a_rule_changes_nothing(an, binh, federation_user):
    data = {"full_name": "Nguyễn Văn An", "born_on": "1990-05-01", "gender": "male", "id_number": BINH_ID,
            "joined_on": "2021-03-05"}  # fmt: skip
    response = _client(federation_user).post(_person_url("person_edit", an), data)

    assert response.status_code == 200
    assert "năm sinh" in " ".join(response.context["form"].errors["id_number"])
    an.refresh_from_db()
    assert an.id_number == AN_ID and not AuditEntry.objects.filter(action="member.update").exists()


# --- losing and transferring ------------------------------------------------------------------


def test_losing_a_member(an, federation_user):
    client = _client(federation_user)
    response = client.post(_person_url("person_leave", an), {"on": "2021-04-02", "reason": "died"})

    assert _shown(client, response) == [f"Đã ghi giảm Đoàn viên #{an.pk} (tính vào số liệu tháng 04/2021)."]
    an.refresh_from_db()
    assert (an.status, an.left_on, an.left_reason) == ("left", date(2021, 4, 2), "died")
    page_after = client.get(_person_url("person", an))
    assert "Từ trần" in page_after.content.decode()
    assert reverse("members:person_leave", kwargs={"pk": an.pk}) not in _urls(page_after)


def test_leaving_the_province_is_a_reason_of_its_own(an, federation_user):
    choices = dict(
        _client(federation_user).get(_person_url("person_leave", an)).context["form"].fields["reason"].choices
    )
    assert choices["transferred_out"] == "Chuyển đi ngoài tỉnh" and "cdcs_dissolved" not in choices

    _client(federation_user).post(_person_url("person_leave", an), {"on": "2021-04-02", "reason": "transferred_out"})
    an.refresh_from_db()
    assert an.status == Member.Status.TRANSFERRED_OUT


@pytest.mark.parametrize(
    "data, message",
    [
        ({"on": "2021-03-01", "reason": "job"}, "trước biến động gần nhất"),
        ({"on": "2099-01-01", "reason": "job"}, "chưa đến"),
        ({"on": "2021-04-01", "reason": "cdcs_dissolved"}, "Hãy chọn một lựa chọn hợp lệ"),
    ],
)
def test_losing_refusals_change_nothing(an, federation_user, data, message):
    response = _client(federation_user).post(_person_url("person_leave", an), data)

    assert response.status_code == 200 and message in response.content.decode()
    an.refresh_from_db()
    assert an.is_active and an.events.count() == 1


def test_a_transfer_is_asked_accepted_and_moves_the_member(an, pb01, federation_user, other_federation_user):
    sender, receiver = _client(federation_user), _client(other_federation_user)
    form = sender.get(_person_url("person_transfer", an))
    assert ("DT01", "CĐCS Trường THCS Hùng Sơn") not in form.context["options"]
    assert ("PB01", "CĐCS Công ty May Phú Bình") in form.context["options"]

    asked = sender.post(_person_url("person_transfer", an), {"to_cdcs": "PB01 – CĐCS Công ty May Phú Bình"})

    transfer = MemberTransfer.objects.get()
    assert asked.status_code == 302 and transfer.status == "pending" and transfer.to_cdcs == pb01
    assert "Đã gửi đề nghị chuyển" in _shown(sender, asked)[0]
    assert receiver.get(_person_url("person", an)).status_code == 404  # not theirs until they accept
    waiting = receiver.get(reverse("members:transfers"))
    row = find(find(page(waiting), "table", id="incoming"), "tr", data_transfer=str(transfer.pk))
    assert "Nguyễn Văn An" in text(row) and "•••••••••234" in text(row) and AN_ID not in waiting.content.decode()
    assert find_all(
        find(page(sender.get(reverse("members:transfers"))), "table", id="outgoing"), "form", data_cancel=True
    )

    accepted = receiver.post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}), {"on": "2021-04-10"})

    assert accepted.status_code == 302 and accepted.url == reverse("members:transfers")
    assert _shown(receiver, accepted) == [f"Đã tiếp nhận Đoàn viên #{an.pk} vào PB01 (tính vào số liệu tháng 04/2021)."]
    an.refresh_from_db()
    assert an.cdcs == pb01
    assert sorted(an.events.filter(month=date(2021, 4, 1)).values_list("cdcs__code", "kind")) == [
        ("DT01", "lost"),
        ("PB01", "transferred_in"),
    ]
    assert sender.get(_person_url("person", an)).status_code == 404
    assert receiver.get(_person_url("person", an)).status_code == 200


def test_transfer_refusals_change_nothing(an, dt01, pb01, federation_user):
    client = _client(federation_user)
    to_itself = client.post(_person_url("person_transfer", an), {"to_cdcs": "DT01"})
    assert "Không có CĐCS mã “DT01”" in " ".join(to_itself.context["form"].errors["to_cdcs"])
    member_transfer_request(member=an, to_cdcs=pb01, user=federation_user)
    again = client.post(_person_url("person_transfer", an), {"to_cdcs": "PB01"})
    assert again.status_code == 200 and "Đã có đề nghị chuyển đến PB01" in text(
        find(page(again), id="pending-transfer")
    )
    leave = client.post(_person_url("person_leave", an), {"on": "2021-04-02", "reason": "job"})
    assert leave.status_code == 200 and "hãy hủy đề nghị chuyển trước" in leave.content.decode()
    assert MemberTransfer.objects.count() == 1 and an.events.count() == 1


def test_the_receiving_side_rejects_with_a_reason(an, pb01, federation_user, other_federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=pb01, user=federation_user)
    receiver = _client(other_federation_user)
    reject = reverse("members:transfer_reject", kwargs={"pk": transfer.pk})

    without = receiver.post(reject, {"note": "  "})
    assert without.status_code == 302 and _shown(receiver, without) == ["Trường này là bắt buộc."]
    transfer.refresh_from_db()
    assert transfer.status == "pending"

    rejected = receiver.post(reject, {"note": "Không có hồ sơ"})
    assert _shown(receiver, rejected) == [f"Đã từ chối tiếp nhận Đoàn viên #{an.pk}."]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decision_note, transfer.decided_by) == (
        "rejected",
        "Không có hồ sơ",
        other_federation_user,
    )
    # the decided transfer shows who decided, on the member's page and in the recent list
    assert "Canbo.Pb" in text(
        find(page(_client(federation_user).get(_person_url("person", an))), "table", id="transfers")
    )
    late = receiver.post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}), {"on": "2021-04-10"})
    assert _shown(receiver, late) == ["Đề nghị chuyển sinh hoạt này không còn chờ tiếp nhận: bị từ chối."]
    an.refresh_from_db()
    assert an.cdcs.code == "DT01"


def test_only_the_right_side_acts_on_a_transfer(an, dt02, pb01, federation_user, other_federation_user, leader):
    inside = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user)
    outsider = _client(other_federation_user)
    for action in ("accept", "reject", "cancel"):
        url = reverse(f"members:transfer_{action}", kwargs={"pk": inside.pk})
        assert outsider.post(url, {"on": "2021-04-10", "note": "x"}).status_code == 404, action
        assert _client(leader).post(url, {"on": "2021-04-10", "note": "x"}).status_code == 403, action
        assert _client(federation_user).get(url).status_code == 405, action
    assert find_all(page(outsider.get(reverse("members:transfers"))), "tr", data_transfer=str(inside.pk)) == []
    inside.refresh_from_db()
    assert inside.status == "pending"

    # PB01's request to DT: DT decides, but only PB cancels
    binh = _admit(pb01, "Trần Thị Bình")
    incoming = member_transfer_request(member=binh, to_cdcs=an.cdcs, user=other_federation_user)
    cancel = reverse("members:transfer_cancel", kwargs={"pk": incoming.pk})
    assert _client(federation_user).post(cancel).status_code == 403
    assert outsider.post(cancel).status_code == 302
    incoming.refresh_from_db()
    assert incoming.status == "cancelled"


def test_cancelling_from_the_members_page_goes_back_there(an, dt02, federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user)

    client = _client(federation_user)
    response = client.post(reverse("members:transfer_cancel", kwargs={"pk": transfer.pk}), {"back": "person"})

    assert response.url == _person_url("person", an)
    assert _shown(client, response) == [f"Đã hủy đề nghị chuyển Đoàn viên #{an.pk}."]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == ("cancelled", federation_user)


def test_an_acceptance_before_the_members_last_event_is_refused(an, dt02, federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=dt02, user=federation_user)
    url = reverse("members:transfer_accept", kwargs={"pk": transfer.pk})

    client = _client(federation_user)
    assert _shown(client, client.post(url, {"on": ""})) == ["Trường này là bắt buộc."]
    response = client.post(url, {"on": "2021-03-01"})

    assert "trước biến động gần nhất" in _shown(client, response)[0]
    transfer.refresh_from_db()
    an.refresh_from_db()
    assert transfer.status == "pending" and an.cdcs.code == "DT01" and an.events.count() == 1


def test_decided_transfers_name_only_members_the_user_may_read(an, pb01, federation_user, other_federation_user):
    transfer = member_transfer_request(member=an, to_cdcs=pb01, user=federation_user)
    _client(other_federation_user).post(
        reverse("members:transfer_reject", kwargs={"pk": transfer.pk}), {"note": "Không nhận"}
    )

    receiver = find(page(_client(other_federation_user).get(reverse("members:transfers"))), "table", id="decided")
    sender = find(page(_client(federation_user).get(reverse("members:transfers"))), "table", id="decided")

    assert f"Đoàn viên #{an.pk}" in text(receiver) and "Nguyễn" not in text(receiver)
    assert "Nguyễn Văn An" in text(sender) and "Không nhận" in text(sender)


def test_transfers_page_takes_a_constant_number_of_queries(dt01, dt02, provincial_staff, django_assert_max_num_queries):
    for number in range(30):
        member = _admit(dt01, f"Người Thứ {number}")
        member_transfer_request(member=member, to_cdcs=dt02, user=None)
    client = _client(provincial_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("members:transfers"))
    assert len(response.context["incoming"]) == 30


def test_the_register_month_is_this_month_by_default(dt01, federation_user):
    form = _client(federation_user).get(reverse("members:person_new")).context["form"]
    assert form["month"].value() == Month.of(timezone.localdate())


def test_a_transfer_asked_for_by_the_system_shows_on_the_members_page(an, dt02, federation_user):
    """A transfer without a requesting user (a command, the demo) broke the member's page (500)."""
    member_transfer_request(member=an, to_cdcs=dt02, user=None)

    response = _client(federation_user).get(_person_url("person", an))

    assert response.status_code == 200
    assert "hệ thống" in text(find(page(response), "table", id="transfers"))
