"""Member lists in Excel: the template, the export (audited), and the import through upload →
preview → confirm, with real .xlsx files written by openpyxl."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, LossReason, Member, MemberEvent, MemberListUpload
from members.register.lists import HEADER_ROW, LIST_SHEET, list_read
from members.register.people import register_figures
from members.register.services import MemberData, member_admit, member_leave
from unionportal.lib.months import Month
from unionportal.testing.member_sheets import (
    BORN,
    CARD,
    GENDER,
    ID,
    JOB,
    JOINED,
    NAME,
    fill,
    id_number,
    list_file,
    own_layout,
    people,
    person,
    template,
    to_bytes,
)

MARCH = Month(2021, 3)
FIRST = HEADER_ROW + 1  # the line of the first person in the template


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


def upload(client, cdcs, data: bytes, month: Month = MARCH, name: str = "danh-sach.xlsx"):
    """Upload a list through the page; returns the response and the upload it made (or None)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = MemberListUpload.objects.count()
    response = client.post(
        reverse("members:member_list_upload", kwargs={"code": cdcs.code}),
        {"month": month.iso, "file": SimpleUploadedFile(name, data)},
    )
    made = MemberListUpload.objects.order_by("-pk").first() if MemberListUpload.objects.count() > before else None
    return response, made


def preview_of(client, made):
    return client.get(reverse("members:member_list_preview", kwargs={"code": made.cdcs.code, "pk": made.pk}))


def confirm(client, made, **data):
    return client.post(reverse("members:member_list_confirm", kwargs={"code": made.cdcs.code, "pk": made.pk}), data)


def problems_of(made) -> list[tuple[int | None, str, str]]:
    made.refresh_from_db()
    return [(problem["row"], problem["column"], problem["message"]) for problem in made.problems]


def five_people() -> list[dict]:
    """Three members since long ago and two admitted in March 2021."""
    return [
        person("Nguyễn Văn An", date(2015, 6, 1), serial=1, **{CARD: "DV001"}),
        person("Trần Thị Bình", date(2016, 1, 9), born_on=date(1992, 2, 2), female=True, serial=2),
        person("Lê Văn Cường", date(2010, 3, 1), born_on=date(1985, 7, 7), serial=3, **{JOB: "Tổ trưởng"}),
        person("Phạm Thị Dung", date(2021, 3, 5), born_on=date(2000, 1, 1), female=True, serial=4),
        person("Hoàng Văn Em", date(2021, 3, 31), born_on=date(2001, 12, 31), serial=5),
    ]


# --- a good list ------------------------------------------------------------------------------------


def test_a_good_list_is_previewed_then_imported_whole(staff, dt01):
    response, made = upload(staff, dt01, list_file(dt01, MARCH, five_people()))

    assert response.status_code == 302 and made.outcome == "preview"
    assert Member.objects.count() == 0  # nothing before the confirmation
    page = preview_of(staff, made).content.decode()
    assert 'id="count-admitted">2<' in page and 'id="count-opening">3<' in page
    assert "Nguyễn Văn An" in page and "•••••••••001" in page and "001090000001" not in page

    response = confirm(staff, made)

    assert response.status_code == 302 and response.url == reverse("members:cdcs_detail", kwargs={"code": "DT01"})
    members = {member.full_name: member for member in Member.objects.all()}
    assert len(members) == 5 and all(member.cdcs == dt01 and member.is_active for member in members.values())
    assert members["Nguyễn Văn An"].id_number == "001090000001" and members["Nguyễn Văn An"].card_number == "DV001"
    assert members["Trần Thị Bình"].gender == "female" and members["Lê Văn Cường"].job == "Tổ trưởng"
    events = {(event.member.full_name, event.kind, event.on) for event in MemberEvent.objects.select_related("member")}
    assert events == {
        ("Nguyễn Văn An", "opening", date(2021, 3, 1)),
        ("Trần Thị Bình", "opening", date(2021, 3, 1)),
        ("Lê Văn Cường", "opening", date(2021, 3, 1)),
        ("Phạm Thị Dung", "admitted", date(2021, 3, 5)),
        ("Hoàng Văn Em", "admitted", date(2021, 3, 31)),
    }
    dt01.refresh_from_db()
    assert dt01.register_from == date(2021, 3, 1)
    march = register_figures([dt01], MARCH)[dt01.pk]
    assert (march.members_start, march.values["admitted"], march.members_end) == (3, 2, 5)
    actions = list(AuditEntry.objects.filter(action__startswith="member").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        ["member.register"] * 3 + ["member.admit"] * 2 + ["member.lookup", "member_list.import"]
    )
    lookup = AuditEntry.objects.get(action="member.lookup")  # the five numbers, looked for in the province
    assert lookup.data == {"checked": 5, "found_elsewhere": 0, "refused": False} and lookup.user is not None
    entry = AuditEntry.objects.get(action="member_list.import")
    assert entry.data["admitted"] == 2 and entry.data["opening"] == 3 and entry.data["upload"] == made.pk
    assert "Nguyễn" not in str(list(AuditEntry.objects.values_list("data", "object_repr")))
    made.refresh_from_db()
    assert (made.outcome, made.parsed, made.rows_created, made.rows_updated) == ("imported", {}, 5, 0)


def test_a_new_cdcs_founded_in_the_month_opens_at_zero_its_earlier_members_transferred_in(staff, federation, make_cdcs):
    """The FDI case: the CĐCS is founded on 08/03 with its list; people who joined the union
    before came from elsewhere (chuyển đến on the founding day), the rest are admitted."""
    fdi = make_cdcs(federation, code="DT77", founded_on=date(2021, 3, 8))
    rows = people(3, date(2019, 6, 1)) + people(4, date(2021, 3, 8), start=10)
    response, made = upload(staff, fdi, list_file(fdi, MARCH, rows))

    page = preview_of(staff, made).content.decode()
    assert 'id="count-admitted">4<' in page and 'id="count-arrived">3<' in page and 'id="count-opening">0<' in page
    confirm(staff, made)

    fdi.refresh_from_db()  # its register started through the pages
    march = register_figures([fdi], MARCH)[fdi.pk]
    assert (march.members_start, march.values["admitted"], march.values["transferred_in"], march.members_end) == (
        0, 4, 3, 7,
    )  # fmt: skip
    assert set(MemberEvent.objects.filter(kind="transferred_in").values_list("on", flat=True)) == {date(2021, 3, 8)}


def test_a_list_kept_elsewhere_is_read_with_its_own_headers_and_blank_rows(staff, dt01):
    born = date(1990, 5, 1)
    data = own_layout(
        [
            ["Công ty May Đại Từ – danh sách công nhân là đoàn viên"],
            [],
            ["TT", "Họ tên", "Ngày kết nạp", "CCCD", "Giới tính", "Ngày, tháng, năm sinh", "Chức vụ"],
            [1, "  Đỗ   Văn Giang ", "05/03/2021", "001 090 000 007", "nam", "01/05/1990", "Thợ máy"],
            [2],
            [3, "Ngô Thị Hà", date(2019, 4, 1), id_number(born, female=True, serial=8), "NỮ", born, ""],
            [4],
        ]
    )

    _response, made = upload(staff, dt01, data)
    confirm(staff, made)

    giang = Member.objects.get(id_number="001090000007")
    assert (giang.full_name, giang.joined_on, giang.job, giang.gender) == (
        "Đỗ Văn Giang",
        date(2021, 3, 5),
        "Thợ máy",
        "male",
    )
    assert Member.objects.get(full_name="Ngô Thị Hà").events.get().kind == "opening"


def test_an_id_number_that_excel_made_a_number_gets_its_leading_zeros_back(staff, dt01):
    row = person("Vũ Văn Khoa", date(2021, 3, 2), serial=1234)
    row[ID] = int(row[ID])  # 001090001234 typed into a number cell: 1090001234

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [row]))
    confirm(staff, made)

    assert Member.objects.get().id_number == "001090001234"


def test_a_list_of_5000_reads_in_few_queries(dt01, federation_user, django_assert_max_num_queries):
    from members.register.list_import import list_preview

    members = list_read(list_file(dt01, MARCH, people(5000, date(2018, 1, 1))))
    assert not members.problems and len(members.rows) == 5000

    with django_assert_max_num_queries(12):
        preview = list_preview(members, cdcs=dt01, month=MARCH, user=federation_user)
    assert not preview.problems and len(preview.opening) == 5000


# --- refusals --------------------------------------------------------------------------------------

GOOD = person("Nguyễn Văn An", date(2021, 3, 2), serial=1, **{CARD: "DV001"})

REFUSALS = {
    "no name": ({NAME: None}, NAME, "Cần ghi họ và tên"),
    "no date of joining": ({JOINED: None}, JOINED, "Cần ghi ngày vào công đoàn"),
    "a date that is not one": ({BORN: "31/02/1990"}, BORN, "không phải ngày"),
    "joined after the month": ({JOINED: date(2021, 4, 1)}, JOINED, "sau tháng ghi sổ 03/2021"),
    "younger than 15": ({BORN: date(2010, 1, 1), ID: id_number(date(2010, 1, 1), serial=9)}, BORN, "đủ 15 tuổi"),
    "an ID number of 11 digits": ({ID: "00109000002"}, ID, "đúng 12 chữ số"),
    "an ID number of another birth year": ({ID: id_number(date(1991, 5, 1), serial=9)}, ID, "không khớp năm sinh"),
    "an ID number of the other gender": ({ID: id_number(date(1990, 5, 1), female=True, serial=9)}, ID, "giới tính"),
    "an ID number that lost its zeros for good": ({ID: 12345678}, ID, "chỉ còn 8 chữ số"),
    "a gender that is neither": ({GENDER: "X"}, GENDER, "Nam hoặc Nữ"),
    "the same ID number twice": ({NAME: "Người Khác", ID: GOOD[ID]}, ID, f"trùng với dòng {FIRST}"),
    "the same card number twice": ({ID: id_number(date(1990, 5, 1), serial=9), CARD: "DV001"}, CARD, "trùng với dòng"),
    "the same name and birth date twice": (
        {NAME: GOOD[NAME], ID: None},
        NAME,
        f"Họ tên và ngày sinh trùng với dòng {FIRST}",
    ),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_bad_line_refuses_the_whole_list_with_its_line_number(staff, dt01, kind):
    change, column, message = REFUSALS[kind]
    other = person("Trần Văn Bảo", date(2021, 3, 3), serial=2) | change

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD, other]))

    assert made.outcome == "refused" and made.parsed == {}
    problems = problems_of(made)
    assert [(row, col) for row, col, _text in problems] == [(FIRST + 1, column)], problems
    assert message in problems[0][2]
    assert Member.objects.count() == 0 and MemberEvent.objects.count() == 0
    assert 'id="confirm-upload"' not in preview_of(staff, made).content.decode()


def test_two_people_of_the_same_name_and_birth_date_with_their_own_id_numbers_are_two(staff, dt01):
    twins = [GOOD, GOOD | {ID: id_number(date(1990, 5, 1), serial=2), CARD: None}]

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, twins))
    confirm(staff, made)

    assert Member.objects.filter(full_name="Nguyễn Văn An").count() == 2


def test_a_line_that_could_be_several_members_is_refused(staff, dt01):
    for _twice in range(2):
        member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 3, 1)), user=None)
    row = {NAME: "Nguyễn Văn An", JOINED: date(2021, 3, 1)}  # nothing to tell which one

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [row]))

    assert problems_of(made) == [
        (FIRST, NAME, "Có 2 đoàn viên cùng họ tên trong sổ; cần ghi ngày sinh, số CCCD hoặc số thẻ để phân biệt.")
    ]
    page = preview_of(staff, made).content.decode()
    assert "Có 2 đoàn viên cùng họ tên trong sổ" in page and f"<td>{FIRST}</td>" in page


def test_a_card_number_of_someone_else_in_the_register_is_refused(staff, dt01):
    data = MemberData("Lê Văn Cường", date(2015, 1, 1), date(1985, 7, 7), "male", "", "001085000003", "DV001")
    member_admit(cdcs=dt01, data=data, existing=True, month=MARCH, user=None)

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]))  # card DV001, another ID number

    (problem,) = problems_of(made)
    assert problem[:2] == (FIRST, CARD) and "một người khác trong sổ" in problem[2]


def test_a_list_longer_than_the_cap_is_refused(dt01):
    members = list_read(list_file(dt01, MARCH, people(3, date(2018, 1, 1))), max_rows=2)
    assert [(problem.row, problem.message) for problem in members.problems] == [
        (FIRST + 2, "Tệp có quá 2 dòng, không nhận.")
    ]


def test_a_person_active_in_another_federation_is_refused_without_naming_where(staff, dt01, pb01):
    there = member_admit(
        cdcs=pb01, data=MemberData("Nguyễn Văn An", date(2020, 5, 1), date(1990, 5, 1), "male", "", GOOD[ID]), user=None
    )

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]))

    (problem,) = problems_of(made)
    assert problem[0] == FIRST and "đã là đoàn viên ở đơn vị khác; Ban Tổ chức LĐLĐ tỉnh có thể giúp" in problem[2]
    page = preview_of(staff, made).content.decode()
    assert "PB01" not in page and "Phú Bình" not in page
    there.refresh_from_db()
    assert there.cdcs == pb01 and there.is_active and Member.objects.count() == 1
    lookup = AuditEntry.objects.get(action="member.lookup")
    assert (lookup.data, lookup.object_id) == ({"checked": 1, "found_elsewhere": 1, "refused": False}, str(dt01.pk))


def test_a_person_active_in_another_cdcs_is_named_to_whoever_may_read_it(client, provincial_staff, dt01, pb01):
    member_admit(
        cdcs=pb01, data=MemberData("Nguyễn Văn An", date(2020, 5, 1), date(1990, 5, 1), "male", "", GOOD[ID]), user=None
    )
    client.force_login(provincial_staff)

    _response, made = upload(client, dt01, list_file(dt01, MARCH, [GOOD]))

    (problem,) = problems_of(made)
    assert "đang sinh hoạt tại PB01 – CĐCS Công ty Phú Bình" in problem[2] and "chuyển sinh hoạt" in problem[2]
    assert AuditEntry.objects.get(action="member.lookup").data["found_elsewhere"] == 0


def test_someone_who_left_is_readmitted_with_their_history(staff, dt01, make_cdcs, federation):
    dt02 = make_cdcs(federation, code="DT02")
    data = MemberData("Nguyễn Văn An", date(2021, 1, 5), date(1990, 5, 1), "male", "Kinh", GOOD[ID])
    member = member_admit(cdcs=dt02, data=data, user=None)
    member_leave(member=member, on=date(2021, 2, 1), reason=LossReason.JOB, user=None)

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]))
    assert 'id="count-readmitted">1<' in preview_of(staff, made).content.decode()  # DT02 is theirs too
    confirm(staff, made)

    member.refresh_from_db()
    assert Member.objects.count() == 1
    assert (member.cdcs, member.status, member.left_on, member.joined_on) == (dt01, "active", None, date(2021, 3, 2))
    assert [(event.cdcs.code, event.kind) for event in member.events.all()] == [
        ("DT02", "admitted"),
        ("DT02", "lost"),
        ("DT01", "admitted"),
    ]


def test_a_readmission_before_the_persons_last_event_is_refused(staff, dt01, make_cdcs, federation):
    dt02 = make_cdcs(federation, code="DT02")
    data = MemberData("Nguyễn Văn An", date(2015, 1, 5), date(1990, 5, 1), "male", "", GOOD[ID])
    member = member_admit(cdcs=dt02, data=data, user=None)
    member_leave(member=member, on=date(2021, 3, 20), reason=LossReason.JOB, user=None)
    row = GOOD | {JOINED: date(2015, 1, 5)}  # a member already: entered at the start of March, before leaving DT02

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [row]))

    (problem,) = problems_of(made)
    assert problem[0] == FIRST and "20/03/2021" in problem[2]


def test_a_file_of_another_cdcs_or_month_is_refused_whole(staff, dt01, pb01):
    _response, made = upload(staff, dt01, list_file(pb01, MARCH, [GOOD]))
    assert [problem[2] for problem in problems_of(made)] == [
        "Tệp này là danh sách của CĐCS mã PB01, không phải của DT01 – CĐCS Công ty May Đại Từ."
    ]
    _response, made = upload(staff, dt01, list_file(dt01, Month(2021, 2), [GOOD]))
    assert "tháng ghi sổ 02/2021, không phải tháng 03/2021" in problems_of(made)[0][2]
    assert Member.objects.count() == 0


def test_a_month_the_register_cannot_take_is_refused_on_the_form(staff, dt01):
    future = Month.of(timezone.localdate()) + 1
    response, made = upload(staff, dt01, list_file(dt01, future, [GOOD]), month=future)
    assert made is None and "chưa đến" in response.content.decode()

    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]))
    confirm(staff, made)  # the register now starts in March 2021
    response, made = upload(staff, dt01, list_file(dt01, Month(2021, 1), [GOOD]), month=Month(2021, 1))
    assert made is None and "ghi từ tháng 03/2021" in response.content.decode()


def test_a_formula_without_a_saved_value_is_refused(staff, dt01):
    workbook = fill(template(dt01, MARCH), [GOOD])
    workbook[LIST_SHEET].cell(row=FIRST, column=8, value="=DATE(2021,3,2)")  # openpyxl saves no value

    _response, made = upload(staff, dt01, to_bytes(workbook))

    (problem,) = problems_of(made)
    assert problem[1] == f"H{FIRST}" and "công thức" in problem[2]


def test_not_an_excel_file_is_refused(staff, dt01):
    _response, made = upload(staff, dt01, "Họ và tên;Ngày sinh\n".encode(), name="ds.csv")
    assert made.outcome == "refused" and "văn bản" in problems_of(made)[0][2]


def test_a_stale_preview_is_checked_again_at_confirmation(staff, dt01, pb01):
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, [GOOD]))
    # Meanwhile the same person is admitted in PB01.
    member_admit(
        cdcs=pb01, data=MemberData("Nguyễn Văn An", date(2021, 3, 1), date(1990, 5, 1), "", "", GOOD[ID]), user=None
    )

    response = confirm(staff, made)

    assert response.status_code == 302
    made.refresh_from_db()
    assert made.outcome == "refused" and made.parsed == {}
    assert "đã là đoàn viên ở đơn vị khác" in made.problems[0]["message"]
    assert Member.objects.get().cdcs == pb01


def test_a_preview_the_register_changed_under_is_confirmed_again(staff, dt01):
    rows = [GOOD, person("Trần Văn Bảo", date(2021, 3, 3), serial=2)]
    _response, made = upload(staff, dt01, list_file(dt01, MARCH, rows))
    plan = made.parsed["plan"]
    # Meanwhile someone enters Bảo by hand: the list would now match him rather than create him.
    member_admit(
        cdcs=dt01, data=MemberData("Trần Văn Bảo", date(2021, 3, 3), date(1990, 5, 1), "male", "", ""), user=None
    )

    response = confirm(staff, made, plan=plan)

    made.refresh_from_db()
    assert made.outcome == "preview" and Member.objects.count() == 1
    follow = staff.get(response.url).content.decode()
    assert "đã thay đổi sau khi bạn xem trước" in follow and 'id="count-admitted">1<' in follow
    confirm(staff, made, plan=made.parsed["plan"])
    made.refresh_from_db()
    assert made.outcome == "imported" and Member.objects.count() == 2
    assert Member.objects.get(full_name="Trần Văn Bảo").id_number == rows[1][ID]  # the list added his ID number
