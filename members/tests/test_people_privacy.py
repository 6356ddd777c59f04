"""What the member register tells about a person who is not the user's to read: an ID number typed
on a form is answered "a member elsewhere" without naming where, each such answer is audited and
limited per day; ID numbers are one person whatever digits they are typed in."""

import json
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from members.models import AuditEntry, LossReason, Member
from members.register.services import MemberData, member_admit, member_leave, member_update

AN_ID = "001090001234"  # a man born in 1990
BINH_ID = "001192005678"  # a woman born in 1992
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
ELSEWHERE = "Người có số CCCD này đã là đoàn viên ở đơn vị khác; Ban Tổ chức LĐLĐ tỉnh có thể giúp."


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
def binh(pb01):
    data = MemberData("Trần Thị Bình", date(2021, 3, 5), date(1992, 2, 2), "female", id_number=BINH_ID)
    return member_admit(cdcs=pb01, data=data, user=None)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _admit_form(client, id_number: str, **extra):
    data = {"cdcs": "DT01", "mode": "new", "full_name": "Trần Thị Bình", "born_on": "1992-02-02",
            "gender": "female", "id_number": id_number, "joined_on": "2021-03-08", **extra}  # fmt: skip
    return client.post(reverse("members:person_new"), data)


def _error(response, field="id_number") -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors[field])


def _lookups() -> list[dict]:
    return [entry.data for entry in AuditEntry.objects.filter(action="member.lookup").order_by("pk")]


# --- one person, whatever the digits -------------------------------------------------------------


def test_an_id_number_in_full_width_or_arabic_indic_digits_is_stored_in_ascii_and_is_one_person(dt01, pb01):
    wide = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 3, 5), id_number=AN_ID.translate(WIDE)),
                        user=None)  # fmt: skip
    assert wide.id_number == AN_ID

    for digits in (ARABIC, WIDE):
        data = MemberData("Nguyễn Văn An", date(2021, 3, 5), id_number=AN_ID.translate(digits))
        with pytest.raises(ValidationError, match="đang sinh hoạt tại DT01"):
            member_admit(cdcs=pb01, data=data, user=None)
    assert Member.objects.get().id_number == AN_ID


def test_the_admit_form_takes_an_id_number_in_other_digits_as_the_same_person(dt01, binh, provincial_staff):
    response = _admit_form(_client(provincial_staff), BINH_ID.translate(ARABIC))

    assert "đang sinh hoạt tại PB01" in _error(response)
    assert Member.objects.count() == 1


def test_numbers_saved_in_other_digits_are_rewritten_in_ascii_and_a_second_holder_loses_the_number(dt01, dt02):
    """What migration 0008 does to numbers saved before digits were normalised."""
    first = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 3, 5), id_number=AN_ID), user=None)
    second = member_admit(cdcs=dt02, data=MemberData("Nguyễn Văn An", date(2021, 3, 6)), user=None)
    third = member_admit(cdcs=dt02, data=MemberData("Trần Thị Bình", date(2021, 3, 6)), user=None)
    # As the old 12-digit check let them be saved: the same CCCD twice, and a card in full width.
    Member.objects.filter(pk=second.pk).update(id_number=AN_ID.translate(WIDE), card_number="ｔｎ０００１２")
    Member.objects.filter(pk=third.pk).update(id_number=BINH_ID.translate(ARABIC), card_key="")

    import_module("members.migrations.0010_member_card_key_ascii_numbers").normalise(apps, None)

    rows = {member.pk: member for member in Member.objects.all()}
    assert rows[first.pk].id_number == AN_ID and rows[third.pk].id_number == BINH_ID
    assert (rows[second.pk].id_number, rows[second.pk].card_number, rows[second.pk].card_key) == ("", "tn00012", "TN12")
    entry = AuditEntry.objects.get(action="member.id_duplicate")
    assert entry.object_id == str(second.pk) and entry.data["duplicate_of"] == f"Đoàn viên #{first.pk}"
    assert AN_ID not in json.dumps(entry.data)


# --- a member elsewhere ------------------------------------------------------------------------------


def test_admitting_someone_active_in_another_federation_names_no_unit_and_is_audited(dt01, binh, federation_user):
    response = _admit_form(_client(federation_user), BINH_ID)

    assert _error(response) == ELSEWHERE
    html = response.content.decode()
    assert "PB01" not in html and "Phú Bình" not in html
    assert Member.objects.count() == 1
    (entry,) = AuditEntry.objects.filter(action="member.lookup")  # kept though nothing was admitted
    assert (entry.user, entry.object_id, entry.data) == (
        federation_user,
        str(dt01.pk),
        {"checked": 1, "found_elsewhere": 1, "refused": False},
    )


def test_whoever_may_read_the_holder_is_told_where_they_are(dt01, dt02, binh, federation_user, provincial_staff):
    member_admit(cdcs=dt02, data=MemberData("Nguyễn Văn An", date(2021, 3, 5), id_number=AN_ID), user=None)

    assert "đang sinh hoạt tại PB01 – CĐCS Công ty May Phú Bình" in _error(
        _admit_form(_client(provincial_staff), BINH_ID)
    )
    own = _admit_form(_client(federation_user), AN_ID, full_name="Nguyễn Văn An", born_on="1990-05-01", gender="male")
    assert "đang sinh hoạt tại DT02" in _error(own)
    assert _lookups() == []  # nothing looked up beyond what each may read


def test_past_the_daily_limit_look_ups_are_refused_before_they_are_answered(dt01, binh, federation_user, settings):
    settings.REGISTER_LOOKUP_LIMIT = 2
    client = _client(federation_user)
    assert _error(_admit_form(client, BINH_ID)) == ELSEWHERE
    assert _error(_admit_form(client, BINH_ID)) == ELSEWHERE

    refused = _error(_admit_form(client, BINH_ID))
    nobodys = _error(_admit_form(client, "001192000042"))  # held by no one: refused all the same

    assert refused == nobodys and "giới hạn mỗi ngày" in refused and "Ban Tổ chức LĐLĐ tỉnh" in refused
    assert Member.objects.count() == 1
    assert [(data["found_elsewhere"], data["refused"]) for data in _lookups()] == [(1, False), (1, False), (1, True),
                                                                                    (0, True)]  # fmt: skip
    # without an ID number, and for another user, admitting goes on
    assert _admit_form(client, "").status_code == 302


def test_another_federations_former_member_is_admitted_on_their_record_with_only_what_was_typed(
    dt01, binh, federation_user
):
    member_leave(member=binh, on=date(2021, 3, 20), reason=LossReason.JOB, user=None)
    client = _client(federation_user)

    early = _admit_form(client, BINH_ID, joined_on="2021-03-10")  # before they left PB01
    assert _error(early) == ELSEWHERE and "20/03/2021" not in early.content.decode()

    response = _admit_form(client, BINH_ID, full_name="Trần T. Bình", born_on="", gender="", joined_on="2021-03-25")

    assert response.status_code == 302
    binh.refresh_from_db()
    assert (binh.cdcs.code, binh.full_name, binh.born_on, binh.is_active) == ("DT01", "Trần T. Bình", None, True)
    page = client.get(response.url).content.decode()
    assert "PB01" not in page and "20/03/2021" not in page and "02/02/1992" not in page
    assert 'id="events-elsewhere"' in page


def test_an_id_number_changed_to_one_held_elsewhere_is_refused_without_naming_where(dt01, binh, federation_user):
    an = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 3, 5)), user=None)

    with pytest.raises(ValidationError) as refused:
        member_update(member=an, data=MemberData("Nguyễn Văn An", date(2021, 3, 5), id_number=BINH_ID),
                      user=federation_user)  # fmt: skip

    assert refused.value.message_dict == {"id_number": [ELSEWHERE]}
    assert [data["found_elsewhere"] for data in _lookups()] == [1]
    an.refresh_from_db()
    assert an.id_number == ""


# --- no copy kept by browsers or proxies ------------------------------------------------------------

# Every page and file of the register, with how it is asked for: each shows personal data (the
# template is the list's layout, kept with the rest so that the rule has no exception to remember).
PERSONAL = {
    "members:people": ("get", {}),
    "members:person_new": ("get", {}),
    "members:person": ("get", {"pk": "member"}),
    "members:person_id": ("post", {"pk": "member"}),
    "members:person_edit": ("get", {"pk": "member"}),
    "members:person_leave": ("get", {"pk": "member"}),
    "members:person_transfer": ("get", {"pk": "member"}),
    "members:transfers": ("get", {}),
    "members:transfer_accept": ("post", {"pk": "transfer"}),
    "members:transfer_reject": ("post", {"pk": "transfer"}),
    "members:transfer_cancel": ("post", {"pk": "transfer"}),
    "members:member_list_template": ("get", {"code": "DT01"}),
    "members:member_list_export": ("post", {"code": "DT01"}),
    "members:member_list_upload": ("get", {"code": "DT01"}),
    "members:member_list_preview": ("get", {"code": "DT01", "pk": "upload"}),
    "members:member_list_confirm": ("post", {"code": "DT01", "pk": "upload"}),
    "members:member_list_discard": ("post", {"code": "DT01", "pk": "upload"}),
    "members:reconcile_cdcs": ("get", {"code": "DT", "month": "2021-03", "cdcs": "DT01"}),
}


def test_the_member_list_filtered_by_another_federations_cdcs_code_does_not_name_it(dt01, pb01, federation_user):
    response = _client(federation_user).get(reverse("members:people"), {"cdcs": "pb01"})

    assert response.status_code == 200 and pb01.name not in response.content.decode()
    assert "Không có CĐCS mã “pb01”." in " ".join(response.context["filters"].errors["cdcs"])


def test_every_page_of_the_register_is_in_the_list_of_personal_pages():
    from django.urls import get_resolver

    names = {
        f"members:{name}" for name in get_resolver().namespace_dict["members"][1].reverse_dict if isinstance(name, str)
    }
    register = {
        name for name in names if name.split(":")[1].startswith(("people", "person", "transfer", "member_list"))
    }
    assert register | {"members:reconcile_cdcs"} == set(PERSONAL)


@pytest.mark.parametrize("name", sorted(PERSONAL))
def test_pages_with_personal_data_are_never_stored(name, dt01, dt02, provincial_staff):
    from members.models import MemberListUpload
    from members.register.lists import MemberList
    from members.register.moves import member_transfer_request

    member = member_admit(cdcs=dt01, data=MemberData("Nguyễn Văn An", date(2021, 3, 5), id_number=AN_ID), user=None)
    transfer = member_transfer_request(member=member, to_cdcs=dt02, user=None)
    rows = [{"row": 7, "full_name": "Lê Văn Dũng", "joined_on": "2021-03-10"}]
    upload = MemberListUpload.objects.create(
        cdcs=dt01, month=date(2021, 3, 1), file_name="ds.xlsx", size=2, sha256="0" * 64, outcome="preview",
        parsed=MemberList(cdcs_code="DT01", month="2021-03", rows=rows).as_json(),
    )  # fmt: skip
    objects = {"member": member.pk, "transfer": transfer.pk, "upload": upload.pk}
    method, arguments = PERSONAL[name]
    url = reverse(name, kwargs={key: objects.get(value, value) for key, value in arguments.items()})

    response = getattr(_client(provincial_staff), method)(url)

    assert response.status_code in (200, 302), response
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
