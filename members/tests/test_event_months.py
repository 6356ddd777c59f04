"""Which month a register event counts in: said beside its date before it is saved, said again
when it is, refused before the CĐCS's register starts, and written into an approved month only
when the user confirms it."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from members.figures.workflow import return_approve, return_submit
from members.models import LossReason, Member, MemberEvent, MemberListUpload
from members.register.moves import member_transfer_request
from members.register.services import MemberData, member_admit, member_update
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text
from unionportal.testing.member_sheets import list_file, person

MARCH = Month(2021, 3)
CONFIRM = "Vẫn ghi vào tháng đã duyệt"


@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", opening=0, first_month=MARCH)


@pytest.fixture
def pb01(other_federation, make_cdcs):
    return make_cdcs(other_federation, code="PB01", opening=0, first_month=MARCH)


@pytest.fixture
def march_approved(dt01, federation, federation_user, provincial_staff):
    """DT's figures of March 2021 submitted, approved and locked."""
    return_submit(federation=federation, month=MARCH, user=federation_user)
    return return_approve(federation=federation, month=MARCH, user=provincial_staff)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hints(response) -> dict[str, str]:
    """The "counts in" hint beside each date: the input it belongs to → what it says."""
    return {attr(hint, "data-counts-in"): text(hint) for hint in find_all(page(response), "div", data_counts_in=True)}


def _admit(client, **fields):
    data = {"cdcs": "DT01", "mode": "new", "full_name": "Lê Văn Cường", "joined_on": "2021-03-08", **fields}
    return client.post(reverse("members:person_new"), data)


def test_the_admit_form_says_which_month_the_admission_counts_in(dt01, federation_user):
    client = _client(federation_user)

    response = _admit(client, full_name="")  # sent back for the name: the month is said for the date typed

    hints = _hints(response)
    assert hints == {"id_month": "", "id_arrived_on": "", "id_joined_on": "tính vào số liệu tháng 03/2021"}
    assert 'src="/static/js/event_month.js"' in response.content.decode()
    saved = _admit(client)
    assert saved.status_code == 302
    assert "tính vào số liệu tháng 03/2021" in text(find(page(client.get(saved.url)), "div", role="alert"))


def test_a_date_typed_without_separators_sent_back_still_says_its_month(dt01, federation_user):
    response = _admit(_client(federation_user), full_name="", joined_on="08032021")  # read as 08/03/2021

    assert _hints(response)["id_joined_on"] == "tính vào số liệu tháng 03/2021"


def test_an_admission_in_an_approved_month_needs_the_box_ticked(march_approved, dt01, federation_user):
    client = _client(federation_user)

    refused = _admit(client)

    assert refused.status_code == 200 and not Member.objects.exists()
    errors = " ".join(refused.context["form"].errors["confirm_month"])
    assert "tháng 03/2021 của LĐLĐ huyện Đại Từ, tháng đã duyệt" in errors
    assert CONFIRM in text(find(page(refused), "div", id="confirm-month-box"))
    assert _admit(client, confirm_month="on").status_code == 302
    assert Member.objects.get().events.get().month == date(2021, 3, 1)


def test_no_event_before_the_cdcs_register_starts(dt01, federation_user):
    member_admit(cdcs=dt01, data=MemberData("Phạm Văn Cũ", date(2015, 1, 5)), existing=True, month=MARCH, user=None)
    client = _client(federation_user)

    admitted = _admit(client, joined_on="2021-02-10")
    arrived = _admit(client, mode="arrived", joined_on="2019-02-10", arrived_on="2021-02-20")

    assert "ghi từ tháng 03/2021" in " ".join(admitted.context["form"].errors["joined_on"])
    assert "Đã là đoàn viên, nay ghi vào sổ" in " ".join(admitted.context["form"].errors["joined_on"])
    assert "ghi từ tháng 03/2021" in " ".join(arrived.context["form"].errors["arrived_on"])
    assert Member.objects.count() == 1


def test_losing_a_member_in_an_approved_month_needs_the_box_ticked(dt01, march_approved, federation_user):
    an = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 2, 5)), user=None)
    client = _client(federation_user)
    url = reverse("members:person_leave", kwargs={"pk": an.pk})
    assert _hints(client.get(url))["id_on"] == f"tính vào số liệu tháng {Month.of(date.today())}"

    refused = client.post(url, {"on": "2021-03-20", "reason": LossReason.JOB})
    an.refresh_from_db()
    assert refused.status_code == 200 and an.is_active and _hints(refused)["id_on"] == "tính vào số liệu tháng 03/2021"

    client.post(url, {"on": "2021-03-20", "reason": LossReason.JOB, "confirm_month": "on"})
    an.refresh_from_db()
    assert not an.is_active and an.left_on == date(2021, 3, 20)


def test_accepting_a_transfer_into_an_approved_month_asks_for_the_box_on_that_transfer(
    dt01, pb01, march_approved, federation_user, other_federation_user
):
    cuc = member_admit(cdcs=pb01, data=MemberData("Lê Thị Cúc", date(2021, 2, 7)), user=None)
    transfer = member_transfer_request(member=cuc, to_cdcs=dt01, user=None)
    client = _client(federation_user)
    url = reverse("members:transfer_accept", kwargs={"pk": transfer.pk})

    refused = client.post(url, {"on": "2021-03-25"})

    assert refused.status_code == 302 and refused.url.endswith(f"?confirm={transfer.pk}&on=2021-03-25")
    row = find(page(client.get(refused.url)), "tr", id=f"transfer-{transfer.pk}")
    assert CONFIRM in text(row) and "tính vào số liệu tháng 03/2021" in text(row)  # the date typed, kept
    cuc.refresh_from_db()
    assert cuc.cdcs == pb01
    client.post(url, {"on": "2021-03-25", "confirm_month": "on"})
    cuc.refresh_from_db()
    assert cuc.cdcs == dt01


def test_moving_an_admission_out_of_an_approved_month_needs_confirmation(dt01, march_approved, federation_user):
    from django.core.exceptions import ValidationError

    an = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 3, 5)), user=None, confirm_month=True)

    with pytest.raises(ValidationError, match="tháng 03/2021"):
        member_update(member=an, data=MemberData("Nguyễn Văn An", date(2021, 4, 5)), user=federation_user)
    member_update(
        member=an, data=MemberData("Nguyễn Văn An", date(2021, 4, 5)), user=federation_user, confirm_month=True
    )

    assert an.events.get(kind=MemberEvent.Kind.ADMITTED).month == date(2021, 4, 1)


def test_a_list_with_lines_in_an_approved_month_is_written_only_when_confirmed(dt01, march_approved, federation_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(federation_user)
    data = list_file(
        dt01, MARCH, [person("Nguyễn Văn An", date(2021, 3, 2)), person("Lê Văn Bảo", date(2019, 1, 1), serial=2)]
    )
    client.post(
        reverse("members:member_list_upload", kwargs={"code": "DT01"}),
        {"month": MARCH.iso, "file": SimpleUploadedFile("ds.xlsx", data)},
    )
    made = MemberListUpload.objects.get()
    preview_url = reverse("members:member_list_preview", kwargs={"code": "DT01", "pk": made.pk})
    preview = page(client.get(preview_url))
    assert "03/2021" in text(find(preview, "div", id="preview-approved"))
    assert [text(cell) for cell in find_all(preview, "td", data_counts_in=True)] == ["03/2021 đã duyệt"] * 2
    confirm = reverse("members:member_list_confirm", kwargs={"code": "DT01", "pk": made.pk})

    refused = client.post(confirm)

    made.refresh_from_db()
    assert refused.url == preview_url and made.outcome == "preview" and not Member.objects.exists()
    client.post(confirm, {"confirm_month": "on"})
    made.refresh_from_db()
    assert made.outcome == "imported" and Member.objects.count() == 2
