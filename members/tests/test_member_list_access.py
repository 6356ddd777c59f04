"""Who sees a member list and what: the template and the CĐCS page, the export's token, other
federations and leadership, the daily limit of answers about members elsewhere, former members
of another federation, and the audit on a CĐCS's page. The helpers are test_member_lists.py's."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, LossReason, Member
from members.register.lists import HEADER_ROW, LIST_SHEET
from members.register.services import MemberData, member_admit, member_leave
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page
from unionportal.testing.member_sheets import (
    BORN,
    CARD,
    GENDER,
    ID,
    JOB,
    JOINED,
    NAME,
    list_file,
    people,
    reopen,
)

from .test_member_lists import GOOD, MARCH, confirm, five_people, preview_of, problems_of, upload


@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", name="CĐCS Công ty May Đại Từ", opening=0, first_month=Month(2020, 1))


@pytest.fixture
def pb01(other_federation, make_cdcs):
    return make_cdcs(other_federation, code="PB01", name="CĐCS Công ty Phú Bình", opening=0, first_month=Month(2020, 1))


@pytest.fixture
def staff(client, federation_user):
    client.force_login(federation_user)
    return client


# --- template, page, permissions --------------------------------------------------------------


def test_the_template_is_this_cdcs_and_month_with_id_numbers_as_text(staff, dt01):
    response = staff.get(reverse("members:member_list_template", kwargs={"code": "DT01"}) + "?month=2021-03")

    sheet = reopen(response.content)[LIST_SHEET]
    assert [sheet.cell(row, 3).value for row in (3, 4)] == ["DT01", "03/2021"]
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers == ["STT", NAME, BORN, GENDER, "Dân tộc", ID, CARD, JOINED, JOB]
    assert sheet.column_dimensions["F"].number_format == "@"


def test_the_cdcs_page_shows_the_register_card(staff, client, dt01, leader):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    confirm(staff, made)

    page = staff.get(reverse("members:cdcs_detail", kwargs={"code": "DT01"})).content.decode()
    assert 'id="register-from">03/2021<' in page and 'id="register-active">5<' in page
    assert 'id="register-upload"' in page
    client.force_login(leader)
    page = client.get(reverse("members:cdcs_detail", kwargs={"code": "DT01"})).content.decode()
    assert 'id="register-active">5<' in page and 'id="register-export"' not in page


def test_the_export_is_a_post_with_its_token_so_no_other_site_can_write_its_audit_entry(federation_user, dt01):
    from django.test import Client

    url = reverse("members:member_list_export", kwargs={"code": "DT01"})
    browser = Client(enforce_csrf_checks=True)  # as a browser is: the CSRF check enforced
    browser.force_login(federation_user)

    assert browser.get(url).status_code == 405  # a link or an <img> on another site
    assert browser.post(url).status_code == 403  # a form posted from another site: no token
    assert not AuditEntry.objects.filter(action="member_list.export").exists()
    card = browser.get(reverse("members:cdcs_detail", kwargs={"code": "DT01"}))
    form = find(page(card), "form", action=url)
    fields = find_all(form, "input")
    (token,) = [attr(field, "value") for field in fields if attr(field, "name") == "csrfmiddlewaretoken"]
    response = browser.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="member_list.export").count() == 1


def test_federation_staff_cannot_import_into_another_federations_cdcs(client, other_federation_user, dt01):
    client.force_login(other_federation_user)
    response, made = upload(client, dt01, list_file(dt01, MARCH, [GOOD]))
    assert response.status_code == 404 and made is None


def test_leadership_sees_no_member_list(client, leader, dt01, staff):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]))
    client.force_login(leader)
    assert client.post(reverse("members:member_list_export", kwargs={"code": "DT01"})).status_code == 403
    assert preview_of(client, made).status_code == 403
    assert not AuditEntry.objects.filter(action="member_list.export").exists()


# --- personal data: who is a member where -----------------------------------------------------


def _active_in(cdcs, count: int, joined_on=date(2020, 5, 1)) -> list[dict]:
    """`count` people of a list, each active in `cdcs` already."""
    rows = people(count, date(2021, 3, 2), start=100)
    for row in rows:
        data = MemberData(row[NAME], joined_on, row[BORN], "female" if row[GENDER] == "Nữ" else "male", "", row[ID])
        member_admit(cdcs=cdcs, data=data, user=None)
    return rows


def test_a_list_that_would_pass_the_daily_limit_of_answers_elsewhere_is_refused_whole(staff, dt01, pb01, settings):
    settings.REGISTER_LOOKUP_LIMIT = 3
    candidates = _active_in(pb01, 4) + people(2, date(2021, 3, 2), start=500)

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, candidates))

    (problem,) = problems_of(made)  # one answer for the whole list: nothing line by line
    assert problem[0] is None and "Ban Tổ chức LĐLĐ tỉnh" in problem[2] and "giới hạn mỗi ngày" in problem[2]
    assert made.outcome == "refused" and made.parsed == {} and Member.objects.filter(cdcs=dt01).count() == 0
    page = preview_of(staff, made).content.decode()
    assert "PB01" not in page and "đơn vị khác;" not in page
    lookup = AuditEntry.objects.get(action="member.lookup")
    assert lookup.data == {"checked": 6, "found_elsewhere": 4, "refused": True}
    assert not any(row[ID] in str(lookup.data) for row in candidates)

    # The day's answers are spent: the next list that looks anything up is refused before it is answered.
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, people(1, date(2021, 3, 2), start=900)))
    assert "giới hạn mỗi ngày" in problems_of(made)[0][2] and Member.objects.filter(cdcs=dt01).count() == 0


def test_lists_under_the_daily_limit_are_answered_and_each_upload_is_audited(staff, dt01, pb01, settings):
    settings.REGISTER_LOOKUP_LIMIT = 3
    candidates = _active_in(pb01, 2)

    for _ in range(2):
        _response, made = upload(staff, dt01, list_file(dt01, MARCH, candidates[:1]))
        assert "đơn vị khác" in problems_of(made)[0][2]
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, candidates[1:]))
    assert "đơn vị khác" in problems_of(made)[0][2]  # the third answer: the limit reached, not passed
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, candidates[1:]))
    assert "giới hạn mỗi ngày" in problems_of(made)[0][2]
    entries = AuditEntry.objects.filter(action="member.lookup").order_by("pk")
    assert [entry.data["found_elsewhere"] for entry in entries] == [1, 1, 1, 1]
    assert [entry.data["refused"] for entry in entries] == [False, False, False, True]


def test_another_federations_former_member_is_shown_only_as_the_line_says(staff, dt01, pb01, federation_user):
    data = MemberData("Nguyễn Văn Ấn", date(2015, 1, 5), date(1990, 5, 1), "male", "Tày", GOOD[ID], "PB-77", "Thợ hàn")
    member = member_admit(cdcs=pb01, data=data, user=None)
    member_leave(member=member, on=date(2020, 8, 20), reason=LossReason.JOB, user=None)
    line = {NAME: "Nguyễn Văn An", ID: GOOD[ID], JOINED: date(2021, 3, 2)}  # only a name, a CCCD and a date

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [line]))

    page = preview_of(staff, made).content.decode()
    for theirs in ("01/05/1990", "Nam", "Tày", "PB-77", "Thợ hàn", "Ấn", "20/08/2020", "PB01", "đã có hồ sơ"):
        assert theirs not in page, theirs
    assert 'id="count-admitted">1<' in page and "count-readmitted" not in page
    confirm(staff, made)

    member.refresh_from_db()  # the one record of the person, taken up again with what the list said
    assert (member.cdcs, member.is_active, member.id_number) == (dt01, True, GOOD[ID])
    assert member.full_name == "Nguyễn Văn An"
    assert (member.born_on, member.gender, member.ethnicity, member.card_number, member.job) == (None, "", "", "", "")
    person = staff.get(reverse("members:person", kwargs={"pk": member.pk})).content.decode()
    assert "PB01" not in person and "20/08/2020" not in person and 'id="events-elsewhere"' in person
    assert [(event.cdcs.code, event.kind) for event in member.events.all()] == [
        ("PB01", "admitted"),
        ("PB01", "lost"),
        ("DT01", "admitted"),
    ]


def test_another_federations_former_member_after_the_list_date_is_refused_without_the_date(staff, dt01, pb01):
    data = MemberData("Nguyễn Văn An", date(2015, 1, 5), date(1990, 5, 1), "male", "", GOOD[ID])
    member = member_admit(cdcs=pb01, data=data, user=None)
    member_leave(member=member, on=date(2021, 3, 20), reason=LossReason.JOB, user=None)

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD | {JOINED: date(2015, 1, 5)}]))

    (problem,) = problems_of(made)
    assert "đã là đoàn viên ở đơn vị khác" in problem[2] and "20/03/2021" not in problem[2]
    assert AuditEntry.objects.get(action="member.lookup").data["found_elsewhere"] == 1


def test_an_id_number_in_other_digits_is_the_same_person(staff, dt01):
    there = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", GOOD[JOINED], id_number=GOOD[ID]), user=None)
    arabic = GOOD[ID].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    wide = GOOD[ID].translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD | {ID: arabic}]))
    confirm(staff, made)
    _response, again = upload(staff, dt01, list_file(dt01, MARCH, [GOOD | {ID: wide, CARD: "ＤＶ００１"}]))

    assert Member.objects.get() == there
    there.refresh_from_db()
    assert (there.id_number, there.card_number) == (GOOD[ID], "DV001")
    assert 'id="count-unchanged">1<' in preview_of(staff, again).content.decode()


# --- the audit on a CĐCS's page ---------------------------------------------------------------


def _audit_rows(client, cdcs) -> list[tuple[str, str]]:
    """(action, details) of each entry of the audit table on the CĐCS's page."""
    response = client.get(reverse("members:cdcs_detail", kwargs={"code": cdcs.code}))
    rows = find_all(find(page(response), "table", data_audit_table=True), "tr", data_action=True)
    return [(attr(row, "data-action"), " ".join(str(cell) for cell in row.children)) for row in rows]


def test_the_cdcs_pages_audit_shows_register_activity_to_its_federation_of_the_time_and_no_file_names_to_leaders(
    client, staff, dt01, other_federation, federation_user, other_federation_user, provincial_staff, leader
):
    from members.services.org import cdcs_move

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]), name="ds-Nguyen-Van-An.xlsx")
    confirm(staff, made)
    staff.post(reverse("members:member_list_export", kwargs={"code": "DT01"}))
    # All that in spring 2021; from June 2021 DT01 belongs to PB.
    AuditEntry.objects.filter(action__startswith="member").update(at=timezone.make_aware(timezone.datetime(2021, 4, 2)))
    cdcs_move(cdcs=dt01, federation=other_federation, from_month=Month(2021, 6), user=provincial_staff)
    client.force_login(other_federation_user)
    client.post(reverse("members:member_list_export", kwargs={"code": "DT01"}))  # PB's own, now

    pb_sees = _audit_rows(client, dt01)
    assert [action for action, _details in pb_sees if action.startswith("member")] == ["member_list.export"]
    assert "cdcs.move" in [action for action, _details in pb_sees]
    client.force_login(federation_user)
    dt_sees = [action for action, _details in _audit_rows(client, dt01) if action.startswith("member")]
    assert sorted(dt_sees) == ["member.lookup", "member_list.export", "member_list.import"]  # theirs, not PB's
    client.force_login(provincial_staff)
    everything = _audit_rows(client, dt01)
    assert {"member.lookup", "member_list.import"} <= {action for action, _details in everything}
    assert any("ds-Nguyen-Van-An.xlsx" in details for _action, details in everything)
    client.force_login(leader)
    leaders_see = _audit_rows(client, dt01)
    assert [action for action, _details in leaders_see] == [action for action, _details in everything]
    assert not any("ds-Nguyen-Van-An" in details for _action, details in leaders_see)
