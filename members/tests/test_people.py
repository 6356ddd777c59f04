"""The member register's rules: one CĐCS at a time, transfers pending until accepted, dissolution
and merger closing every membership, the month counted from events, search without diacritics."""

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import AuditEntry, LossReason, Member, MemberEvent, MemberTransfer
from members.register.moves import (
    member_transfer_accept,
    member_transfer_cancel,
    member_transfer_reject,
    member_transfer_request,
)
from members.register.people import fold, id_number_for, id_number_problem, mask_id, register_figures
from members.register.search import member_search, people_page
from members.register.services import MemberData, member_admit, member_leave, member_update
from members.services.org import cdcs_dissolve, cdcs_merge
from unionportal.lib.months import Month

MARCH = Month(2021, 3)


def person(name="Nguyễn Văn An", joined_on=date(2021, 3, 10), **extra) -> MemberData:
    return MemberData(full_name=name, joined_on=joined_on, **extra)


@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", opening=0, first_month=Month(2020, 1))


@pytest.fixture
def dt02(federation, make_cdcs):
    return make_cdcs(federation, code="DT02", opening=0, first_month=Month(2020, 1))


@pytest.fixture
def pb01(other_federation, make_cdcs):
    return make_cdcs(other_federation, code="PB01", opening=0, first_month=Month(2020, 1))


def test_admission_is_an_event_of_its_month(dt01, federation_user):
    member = member_admit(cdcs=dt01, data=person(), user=federation_user)

    event = member.events.get()
    assert (event.kind, event.cdcs, event.month) == (MemberEvent.Kind.ADMITTED, dt01, date(2021, 3, 1))
    assert member.search_name == " nguyen van an "
    entry = AuditEntry.objects.get(action="member.admit")
    assert entry.object_repr == f"Đoàn viên #{member.pk}" and "Nguyễn" not in str(entry.data)


def test_an_id_number_is_one_person_in_the_province(dt01, pb01, provincial_staff):
    member_admit(cdcs=dt01, data=person(id_number="001090001234", born_on=date(1990, 5, 1)), user=provincial_staff)

    with pytest.raises(ValidationError) as refused:
        member_admit(
            cdcs=pb01,
            data=person("Trần Thị Bình", id_number="001090001234", born_on=date(1990, 5, 1)),
            user=provincial_staff,
        )
    assert "đang sinh hoạt tại DT01" in str(refused.value)
    assert Member.objects.count() == 1


def test_someone_who_left_joins_again_with_their_history(dt01, pb01, provincial_staff):
    data = person(id_number="001090001234", born_on=date(1990, 5, 1), joined_on=date(2021, 1, 5))
    member = member_admit(cdcs=dt01, data=data, user=provincial_staff)
    member_leave(member=member, on=date(2021, 2, 1), reason=LossReason.JOB, user=provincial_staff)

    again = member_admit(cdcs=pb01, data=replace(data, joined_on=date(2021, 3, 2)), user=provincial_staff)

    assert again.pk == member.pk and again.cdcs == pb01 and again.is_active
    assert [(event.cdcs.code, event.kind) for event in again.events.all()] == [
        ("DT01", "admitted"),
        ("DT01", "lost"),
        ("PB01", "admitted"),
    ]


def test_id_numbers_are_checked_against_birth_and_gender():
    assert id_number_problem("00109000123") is not None  # 11 digits
    assert id_number_problem("001090001234", born_on=date(1990, 1, 1), gender="male") is None
    assert "năm sinh" in id_number_problem("001090001234", born_on=date(1991, 1, 1))
    assert "giới tính" in id_number_problem("001090001234", gender="female")
    assert id_number_problem("001305001234", born_on=date(2005, 1, 1), gender="female") is None
    assert mask_id("001090001234") == "•••••••••234"
    assert id_number_for(date(2003, 7, 9), "female", 42) == "019303000042"  # the demo's and bench's people
    assert (
        id_number_problem(id_number_for(date(1985, 1, 1), "male", 7), born_on=date(1985, 1, 1), gender="male") is None
    )


def test_a_transfer_waits_until_the_receiving_cdcs_accepts(dt01, pb01, federation_user, other_federation_user):
    member = member_admit(cdcs=dt01, data=person(joined_on=date(2021, 1, 5)), user=federation_user)
    transfer = member_transfer_request(member=member, to_cdcs=pb01, user=federation_user)

    member.refresh_from_db()
    assert member.cdcs == dt01 and transfer.status == MemberTransfer.Status.PENDING
    assert register_figures([dt01], MARCH) == {}  # DT01 keeps no register: nothing to count
    with pytest.raises(PermissionDenied):  # the sender cannot accept for the receiver
        member_transfer_accept(transfer=transfer, on=date(2021, 3, 15), user=federation_user)

    member_transfer_accept(transfer=transfer, on=date(2021, 3, 15), user=other_federation_user)

    member.refresh_from_db()
    assert member.cdcs == pb01 and member.is_active
    moves = member.events.filter(transfer=transfer).values_list("cdcs__code", "kind", "reason", "month")
    assert sorted(moves) == [
        ("DT01", "lost", "transferred_out", date(2021, 3, 1)),
        ("PB01", "transferred_in", "", date(2021, 3, 1)),
    ]
    with pytest.raises(ValidationError, match="đã tiếp nhận"):
        member_transfer_reject(transfer=transfer, note="muộn", user=other_federation_user)


def test_a_rejected_or_cancelled_transfer_moves_nobody(dt01, pb01, federation_user, other_federation_user):
    member = member_admit(cdcs=dt01, data=person(), user=federation_user)
    first = member_transfer_request(member=member, to_cdcs=pb01, user=federation_user)
    with pytest.raises(ValidationError, match="đang có một đề nghị"):
        member_transfer_request(member=member, to_cdcs=pb01, user=federation_user)
    with pytest.raises(ValidationError, match="lý do"):
        member_transfer_reject(transfer=first, note=" ", user=other_federation_user)
    member_transfer_reject(transfer=first, note="Không có hồ sơ", user=other_federation_user)
    second = member_transfer_request(member=member, to_cdcs=pb01, user=federation_user)
    member_transfer_cancel(transfer=second, user=federation_user)

    member.refresh_from_db()
    assert member.cdcs == dt01 and member.events.count() == 1


def test_dissolution_closes_every_membership(dt01, dt02, federation_user):
    members = [member_admit(cdcs=dt01, data=person(f"Người {n}"), user=federation_user) for n in range(3)]
    member_admit(cdcs=dt02, data=person("Ở lại"), user=federation_user)
    member_transfer_request(member=members[0], to_cdcs=dt02, user=federation_user)

    cdcs_dissolve(cdcs=dt01, on=date(2021, 4, 20), reason="Doanh nghiệp phá sản", user=federation_user)

    assert not Member.objects.filter(cdcs=dt01, status=Member.Status.ACTIVE).exists()
    lost = MemberEvent.objects.filter(cdcs=dt01, kind="lost")
    assert lost.count() == 3 and set(lost.values_list("reason", flat=True)) == {"cdcs_dissolved"}
    assert MemberTransfer.objects.get().status == MemberTransfer.Status.CANCELLED
    assert Member.objects.filter(cdcs=dt02, status="active").count() == 1


def test_a_merger_moves_the_members_in_the_same_month(dt01, dt02, federation_user):
    for n in range(2):
        member_admit(cdcs=dt01, data=person(f"Người {n}", joined_on=date(2021, 1, 5)), user=federation_user)

    cdcs_merge(absorbed=dt01, into=dt02, on=date(2021, 3, 31), user=federation_user)

    assert Member.objects.filter(cdcs=dt02, status="active").count() == 2
    assert sorted(MemberEvent.objects.filter(month=date(2021, 3, 1)).values_list("cdcs__code", "kind")) == [
        ("DT01", "lost"),
        ("DT01", "lost"),
        ("DT02", "transferred_in"),
        ("DT02", "transferred_in"),
    ]


def test_no_event_before_the_last_one_or_in_the_future(dt01, federation_user, other_federation_user):
    member = member_admit(cdcs=dt01, data=person(joined_on=date(2021, 3, 10)), user=federation_user)
    with pytest.raises(ValidationError, match="trước biến động gần nhất"):
        member_leave(member=member, on=date(2021, 3, 1), reason=LossReason.RETIRED, user=federation_user)
    with pytest.raises(ValidationError, match="chưa đến"):
        member_leave(member=member, on=date(2999, 1, 1), reason=LossReason.RETIRED, user=federation_user)
    with pytest.raises(ValidationError):
        member_admit(cdcs=dt01, data=person(joined_on=date(2999, 1, 1)), user=federation_user)
    with pytest.raises(PermissionDenied):
        member_leave(member=member, on=date(2021, 3, 20), reason=LossReason.RETIRED, user=other_federation_user)
    assert member.events.count() == 1


def test_the_month_counted_from_the_register(dt01, dt02, federation_user):
    """Hand-computed: 4 entered as existing in 03/2021, 2 admitted in March, 1 admitted in April,
    1 retired and 1 transferred in April to DT02 (which keeps no register)."""
    existing = [
        member_admit(
            cdcs=dt01,
            data=person(f"Cũ {n}", joined_on=date(2015, 1, 1)),
            existing=True,
            month=MARCH,
            user=federation_user,
        )
        for n in range(4)
    ]
    member_admit(cdcs=dt01, data=person("Mới 1", joined_on=date(2021, 3, 2)), user=federation_user)
    member_admit(cdcs=dt01, data=person("Mới 2", joined_on=date(2021, 3, 30)), user=federation_user)
    member_admit(cdcs=dt01, data=person("Mới 3", joined_on=date(2021, 4, 2)), user=federation_user)
    member_leave(member=existing[0], on=date(2021, 4, 5), reason=LossReason.RETIRED, user=federation_user)
    transfer = member_transfer_request(member=existing[1], to_cdcs=dt02, user=federation_user)
    member_transfer_accept(transfer=transfer, on=date(2021, 4, 6), user=federation_user)

    assert register_figures([dt01, dt02], Month(2021, 2)) == {}
    march = register_figures([dt01, dt02], MARCH)[dt01.pk]
    assert (march.members_start, march.values["admitted"], march.lost, march.members_end) == (4, 2, 0, 6)
    april = register_figures([dt01], Month(2021, 4))[dt01.pk]
    assert april.as_figures() == {
        "members_start": 6,
        "admitted": 1,
        "transferred_in": 0,
        "lost_job": 0,
        "lost_retired": 1,
        "lost_enterprise_closed": 0,
        "lost_left": 0,
        "lost_died": 0,
        "lost_transferred_out": 1,
        "lost_cdcs_dissolved": 0,
        "members_end": 5,
    }
    assert Member.objects.filter(cdcs=dt01, status="active").count() == april.members_end


def test_search_ignores_diacritics_and_case(dt01, federation_user):
    for name in ("Nguyễn Văn An", "Nguyễn Văn Ân", "Đặng Thị Xuân", "NGUYỄN VĂN ANH"):
        member_admit(cdcs=dt01, data=person(name), user=federation_user)

    def names(query):
        return sorted(member_search(Member.objects.all(), query).values_list("full_name", flat=True))

    assert names("nguyen van an") == ["NGUYỄN VĂN ANH", "Nguyễn Văn An", "Nguyễn Văn Ân"]
    assert names("dang xuan") == ["Đặng Thị Xuân"]
    assert names("an") == ["NGUYỄN VĂN ANH", "Nguyễn Văn An", "Nguyễn Văn Ân"]  # words start with it, not "Xuân"
    assert fold("  Đặng   THỊ  xuân ") == "dang thi xuan"


def test_update_keeps_the_admission_with_the_date_and_masks_the_id_in_the_audit(dt01, federation_user):
    member = member_admit(cdcs=dt01, data=person(joined_on=date(2021, 3, 10)), user=federation_user)
    member_update(
        member=member,
        data=person(joined_on=date(2021, 2, 10), id_number="001090001234", born_on=date(1990, 1, 1)),
        user=federation_user,
    )
    assert member.events.get().month == date(2021, 2, 1)
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.data["id_number"] == ["", "•••••••••234"]


def test_members_already_entering_a_cdcs_founded_that_month_arrive_by_transfer(federation, make_cdcs, federation_user):
    """A CĐCS opens its first month at zero: someone who was a union member before and is in it from
    its founding came from elsewhere (chuyển đến), as its monthly figures count them."""
    new = make_cdcs(federation, code="DT09", founded_on=date(2021, 3, 8))
    member = member_admit(
        cdcs=new, data=person(joined_on=date(2016, 1, 1)), existing=True, month=MARCH, user=federation_user
    )
    member_admit(cdcs=new, data=person("Mới", joined_on=date(2021, 3, 9)), user=federation_user)

    assert (member.events.get().kind, member.events.get().on) == (MemberEvent.Kind.TRANSFERRED_IN, date(2021, 3, 8))
    march = register_figures([new], MARCH)[new.pk]
    assert (march.members_start, march.values["admitted"], march.values["transferred_in"], march.members_end) == (
        0, 1, 1, 2,
    )  # fmt: skip


def test_the_register_stays_out_of_the_months_figure_history(dt01, federation, federation_user):
    from members.figures.services import figures_record
    from members.selectors import figure_history, return_history

    figures_record(cdcs=dt01, month=MARCH, admitted=1, user=federation_user)
    member_admit(cdcs=dt01, data=person(), user=federation_user)

    assert list(return_history(federation=federation, month=MARCH).values_list("action", flat=True)) == [
        "figures.record"
    ]
    assert not figure_history(cdcs=dt01, month=MARCH, row=None).filter(action__startswith="member").exists()
    assert AuditEntry.objects.filter(action="member.admit", month=MARCH.first_day).exists()


def test_search_results_come_in_name_order(dt01, federation_user):
    for name in ("Trần Văn Bình", "Đỗ Văn An", "Nguyễn Văn Ân", "Bùi Văn Cường"):
        member_admit(cdcs=dt01, data=person(name), user=federation_user)

    listed = people_page(Member.objects.all(), "van", number=1, per_page=50)

    # b, d, n, t without diacritics, counted exactly
    assert [member.full_name for member in listed.page] == [
        "Bùi Văn Cường",
        "Đỗ Văn An",
        "Nguyễn Văn Ân",
        "Trần Văn Bình",
    ]
    assert listed.page.paginator.count == 4 and not listed.capped
