"""Member lists uploaded again: the same list changes nothing, changed fields update the members
already in the register, an export edited and uploaded again, a discarded preview; and the
command that imports a list. The helpers are test_member_lists.py's."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from members.models import AuditEntry, Member, MemberEvent, MemberListUpload
from members.register.lists import LIST_SHEET
from unionportal.lib.months import Month
from unionportal.testing.member_sheets import (
    BORN,
    CARD,
    ID,
    JOB,
    JOINED,
    fill,
    line_of,
    list_file,
    person,
    reopen,
    to_bytes,
)

from .test_member_lists import FIRST, MARCH, confirm, five_people, preview_of, problems_of, upload


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


# --- a list uploaded again --------------------------------------------------------------------


def test_the_same_list_uploaded_again_changes_nothing(staff, dt01):
    data = list_file(dt01, MARCH, five_people())
    _response, made = upload(staff, dt01, data)
    confirm(staff, made)
    audited, events = AuditEntry.objects.count(), MemberEvent.objects.count()

    _response, again = upload(staff, dt01, data)
    page = preview_of(staff, again).content.decode()

    assert 'id="upload-unchanged"' in page and 'id="count-unchanged">5<' in page and 'id="confirm-upload"' not in page
    confirm(staff, again)
    assert Member.objects.count() == 5 and MemberEvent.objects.count() == events
    assert AuditEntry.objects.count() == audited


def test_changed_fields_update_the_members_already_in_the_register(staff, dt01):
    rows = five_people()
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, rows))
    confirm(staff, made)
    rows[0] |= {JOB: "Kế toán"}  # found by ID number
    rows[2] |= {CARD: "DV003", ID: None}  # found by name and birth date; an empty cell keeps what is saved
    rows[1] |= {BORN: None, ID: None}  # found by name alone: one member has it, and nothing contradicts

    _response, again = upload(staff, dt01, list_file(dt01, MARCH, rows))
    page = preview_of(staff, again).content.decode()
    assert 'id="count-updated">2<' in page and "Nghề nghiệp, chức vụ: – → <strong>Kế toán</strong>" in page
    assert 'id="count-unchanged">3<' in page and 'id="count-admitted">0<' in page and 'id="count-opening">0<' in page
    confirm(staff, again)

    an = Member.objects.get(full_name="Nguyễn Văn An")
    cuong = Member.objects.get(full_name="Lê Văn Cường")
    assert an.job == "Kế toán" and (cuong.card_number, cuong.id_number) == ("DV003", "001085000003")
    assert Member.objects.get(full_name="Trần Thị Bình").born_on == date(1992, 2, 2)
    updates = AuditEntry.objects.filter(action="member.update")
    assert sorted(entry.data["changed"] for entry in updates) == [["card_number"], ["job"]]
    assert MemberEvent.objects.filter(member__in=[an, cuong]).count() == 2  # their openings only


def test_a_new_date_of_joining_does_not_move_an_admission(staff, dt01):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    confirm(staff, made)
    rows = five_people()
    rows[3] |= {JOINED: date(2021, 3, 6)}  # admitted on 5 March through the list

    _response, again = upload(staff, dt01, list_file(dt01, MARCH, rows))

    (problem,) = problems_of(again)
    assert problem[:2] == (FIRST + 3, JOINED) and "05/03/2021" in problem[2]


def test_export_edit_and_upload_again(staff, dt01):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))
    confirm(staff, made)
    this_month = Month.of(timezone.localdate())

    response = staff.post(reverse("members:member_list_export", kwargs={"code": "DT01"}))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="member_list.export")
    assert entry.data == {"exported": 5} and entry.object_id == str(dt01.pk)
    workbook = reopen(response.content)
    sheet = workbook[LIST_SHEET]
    an = line_of(workbook, "Nguyễn Văn An")
    assert sheet.cell(an, 6).value == "001090000001" and sheet.cell(an, 6).number_format == "@"
    sheet.cell(an, 9, "Tổ phó")
    fill(
        workbook,
        [person("Mai Văn Lâm", date(2022, 5, 4), serial=77), person("Đinh Văn Mạnh", timezone.localdate(), serial=78)],
    )

    _response, again = upload(staff, dt01, to_bytes(workbook), month=this_month)
    page = preview_of(staff, again).content.decode()
    assert 'id="count-updated">1<' in page and 'id="count-unchanged">4<' in page
    confirm(staff, again)

    assert Member.objects.get(full_name="Nguyễn Văn An").job == "Tổ phó"
    lam = Member.objects.get(full_name="Mai Văn Lâm").events.get()
    assert (lam.kind, lam.on) == ("admitted", date(2022, 5, 4))  # the register was kept then: admitted that day
    assert Member.objects.get(full_name="Đinh Văn Mạnh").events.get().month == this_month.first_day
    assert Member.objects.count() == 7


def test_discarding_forgets_what_was_read(staff, dt01):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))

    response = staff.post(reverse("members:member_list_discard", kwargs={"code": "DT01", "pk": made.pk}))

    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.outcome, made.parsed) == ("discarded", {}) and Member.objects.count() == 0
    assert confirm(staff, made).status_code == 302 and Member.objects.count() == 0


# --- the command ------------------------------------------------------------------------------


def test_the_command_imports_a_list_or_nothing(tmp_path, dt01, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(list_file(dt01, MARCH, five_people()))

    call_command("import_members", str(path), cdcs="DT01", month="2021-03", dry_run=True)
    assert Member.objects.count() == 0
    call_command("import_members", str(path), cdcs="DT01", month="2021-03")
    assert Member.objects.count() == 5
    assert MemberListUpload.objects.filter(outcome="imported", parsed={}).count() == 1
    assert AuditEntry.objects.get(action="member_list.import").source == "command"

    bad = Workbook()
    bad.active.append(["Họ và tên"])
    path.write_bytes(to_bytes(bad))
    with pytest.raises(CommandError):
        call_command("import_members", str(path), cdcs="DT01", month="2021-03")
    assert "Ngày vào công đoàn" in capsys.readouterr().out
