"""CĐCS officers: terms and their committees, officers coming and going, what "cần kiện toàn" lists
on a given day, with the days worked out by hand."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import AuditEntry, Officer, Post, Term
from members.officers.selectors import cdcs_committees, needs_attention, officer_counts
from members.officers.services import OfficerData, TermData, officer_add, officer_edit, officer_leave, term_open
from members.register.services import MemberData, member_admit
from members.services.org import cdcs_dissolve

CONGRESS = date(2021, 3, 15)


def committee(*people):
    return [OfficerData(name, post, full_time=post == Post.CHAIR) for name, post in people]


THE_2021_COMMITTEE = committee(
    ("Nguyễn Thị Lan", Post.CHAIR),
    ("Trần Văn Hùng", Post.VICE_CHAIR),
    ("Lê Thị Hoa", Post.MEMBER),
    ("Phạm Văn Nam", Post.MEMBER),
    ("Đỗ Thị Mai", Post.INSPECTION_CHAIR),
    ("Bùi Văn Sơn", Post.INSPECTION_MEMBER),
)


@pytest.fixture
def congress(federation, make_cdcs, federation_user):
    """T0001 of DT: a congress on 15/03/2021 electing 4 of its 5 executive members and 2 of its 3
    inspection members."""
    cdcs = make_cdcs(federation)
    data = TermData(congress_on=CONGRESS, decision_number="12/QĐ-LĐLĐ", committee_size=5, inspection_size=3)
    return term_open(cdcs=cdcs, data=data, officers=THE_2021_COMMITTEE, user=federation_user)


def chair_of(term):
    return term.officers.get(post=Post.CHAIR, to_on__isnull=True)


def test_a_congress_opens_a_five_year_term_with_its_committee(congress, federation_user):
    assert (congress.starts_on, congress.ends_on) == (CONGRESS, date(2026, 3, 15))
    assert congress.officers.count() == 6
    assert set(congress.officers.values_list("how", flat=True)) == {Officer.How.ELECTED}
    assert chair_of(congress).full_time
    entry = AuditEntry.objects.get(action="term.open")
    assert entry.federation.code == "DT" and entry.data["officers"] == 6 and entry.data["cdcs"] == "T0001"


def test_needs_attention_day_by_day(congress, federation_user, federation):
    """Short of one executive and one inspection member from the start; the chair leaves on
    10/04/2025 and her replacement comes on 20/05/2025; the term is due on 15/03/2026."""
    attention = needs_attention(scope=federation, on=date(2021, 6, 1))
    (row,) = attention.rows
    assert (row.short, row.executive, row.committee_size, row.inspection, row.inspection_size) == (True, 4, 5, 2, 3)
    assert (row.no_chair_since, row.overdue_since, row.due_on) == (None, None, None)

    officer_leave(officer=chair_of(congress), on=date(2025, 4, 10), reason="moved", user=federation_user)
    (row,) = needs_attention(scope=federation, on=date(2025, 5, 1)).rows
    assert (row.no_chair_since, row.executive) == (date(2025, 4, 10), 3)
    # The day before she left, she was in post.
    (row,) = needs_attention(scope=federation, on=date(2025, 4, 9)).rows
    assert row.no_chair_since is None

    data = OfficerData("Hoàng Văn Long", Post.CHAIR, date(2025, 5, 20), how=Officer.How.APPOINTED)
    officer_add(cdcs=congress.cdcs, data=data, user=federation_user)
    (row,) = needs_attention(scope=federation, on=date(2025, 6, 1)).rows
    assert (row.no_chair_since, row.executive) == (None, 4)

    # Three months before 15/03/2026 the congress is due; the day after, overdue.
    assert needs_attention(scope=federation, on=date(2025, 12, 14)).rows[0].due_on is None
    assert needs_attention(scope=federation, on=date(2025, 12, 15)).rows[0].due_on == date(2026, 3, 15)
    assert needs_attention(scope=federation, on=date(2026, 3, 15)).rows[0].overdue_since is None
    row = needs_attention(scope=federation, on=date(2026, 3, 16)).rows[0]
    assert (row.overdue_since, row.due_on) == (date(2026, 3, 15), None)


def test_counts_per_federation_and_province(
    congress, federation, other_federation, make_cdcs, federation_user, provincial_staff
):
    """DT: T0001 short; T0002 without a term; T0003 complete. PB: T0004 provisional, no chair."""
    make_cdcs(federation)
    full = make_cdcs(federation)
    term_open(cdcs=full, data=TermData(congress_on=date(2022, 5, 1), committee_size=1),
              officers=committee(("Vũ Thị Yến", Post.CHAIR)), user=federation_user)  # fmt: skip
    pb = make_cdcs(other_federation)
    data = TermData(kind=Term.Kind.PROVISIONAL, starts_on=date(2024, 1, 10), decision_number="5/QĐ", committee_size=3)
    provisional = term_open(cdcs=pb, data=data, officers=committee(("Ma Văn Dũng", Post.MEMBER)),
                            user=provincial_staff)  # fmt: skip
    assert provisional.ends_on == date(2025, 1, 10)  # a provisional committee: one year
    dissolved = make_cdcs(federation)
    cdcs_dissolve(cdcs=dissolved, on=date(2023, 1, 1), reason="Doanh nghiệp giải thể", user=None)

    attention = needs_attention(on=date(2024, 6, 1))
    dt = attention.by_federation[federation.pk]
    assert (dt.cdcs, dt.no_term, dt.short, dt.no_chair, dt.needing) == (3, 1, 1, 0, 1)
    counts = attention.by_federation[other_federation.pk]
    assert (counts.cdcs, counts.no_term, counts.no_chair, counts.short, counts.needing) == (1, 0, 1, 1, 1)
    assert (attention.total.cdcs, attention.total.needing, attention.total.no_term) == (4, 2, 1)
    # In the reports' order of federations: by position, then name ("Phú Bình" before "Đại Từ").
    assert [row.code for row in attention.rows] == ["T0004", "T0001"]
    # The provisional committee's year ran out on 10/01/2025.
    assert needs_attention(scope=other_federation, on=date(2025, 2, 1)).total.overdue == 1

    per, total = officer_counts(on=date(2024, 6, 1))
    assert (per[federation.pk].chairs, per[federation.pk].executive, per[federation.pk].inspection) == (2, 5, 2)
    assert (total.with_term, total.chairs, total.full_time, total.cdcs) == (3, 2, 2, 4)


def test_needs_attention_asks_a_fixed_number_of_queries(congress, federation, make_cdcs, django_assert_num_queries):
    for _ in range(5):
        cdcs = make_cdcs(federation)
        term_open(cdcs=cdcs, data=TermData(congress_on=CONGRESS, committee_size=3),
                  officers=committee(("Lý Văn An", Post.CHAIR)), user=None)  # fmt: skip
    with django_assert_num_queries(2):
        assert needs_attention(scope=federation, on=date(2022, 1, 1)).total.short == 6
    with django_assert_num_queries(3):
        needs_attention(on=date(2022, 1, 1))


def test_a_new_congress_closes_the_old_term(congress, federation_user, federation):
    data = TermData(congress_on=date(2026, 4, 2), committee_size=3)
    term = term_open(cdcs=congress.cdcs, data=data, officers=committee(("Trần Văn Hùng", Post.CHAIR)),
                     user=federation_user)  # fmt: skip
    assert set(congress.officers.values_list("to_on", "left_reason")) == {(date(2026, 4, 2), "term_ended")}
    committees = cdcs_committees(congress.cdcs, date(2026, 5, 1))
    assert committees.term.pk == term.pk and [o.full_name for o in committees.executive] == ["Trần Văn Hùng"]
    assert [t.pk for t in committees.terms] == [term.pk, congress.pk]
    (row,) = needs_attention(scope=federation, on=date(2026, 5, 1)).rows
    assert (row.overdue_since, row.short, row.executive) == (None, True, 1)


def refused(call, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return " ".join(error.value.messages)


def test_refusals_change_nothing(congress, federation_user):
    cdcs = congress.cdcs
    before = list(Officer.objects.order_by("pk").values_list())
    second_chair = OfficerData("Ngô Văn Quân", Post.CHAIR, date(2022, 1, 5), how=Officer.How.CO_OPTED)
    assert "Nguyễn Thị Lan giữ chức Chủ tịch từ ngày 15/03/2021" in refused(
        officer_add, cdcs=cdcs, data=second_chair, user=federation_user
    )
    early = OfficerData("Ngô Văn Quân", Post.MEMBER, date(2021, 3, 1), how=Officer.How.CO_OPTED)
    assert "trước ngày bắt đầu nhiệm kỳ (15/03/2021)" in refused(
        officer_add, cdcs=cdcs, data=early, user=federation_user
    )
    late_election = OfficerData("Ngô Văn Quân", Post.MEMBER, date(2022, 1, 5), how=Officer.How.ELECTED)
    assert "Bầu tại đại hội" in refused(officer_add, cdcs=cdcs, data=late_election, user=federation_user)
    future = OfficerData("Ngô Văn Quân", Post.MEMBER, date(2099, 1, 5), how=Officer.How.CO_OPTED)
    assert "chưa đến" in refused(officer_add, cdcs=cdcs, data=future, user=federation_user)
    chair = chair_of(congress)
    assert "trước ngày bắt đầu giữ chức vụ" in refused(
        officer_leave, officer=chair, on=date(2021, 3, 1), reason="moved", user=federation_user
    )
    fifth = OfficerData("Ngô Văn Quân", Post.MEMBER, date(2022, 1, 5), how=Officer.How.CO_OPTED)
    officer_add(cdcs=cdcs, data=fifth, user=federation_user)
    sixth = OfficerData("Dương Thị Chi", Post.STANDING, date(2022, 2, 5), how=Officer.How.CO_OPTED)
    assert "5 ủy viên theo điều lệ" in refused(officer_add, cdcs=cdcs, data=sixth, user=federation_user)
    assert "sau ngày 15/03/2021" in refused(
        term_open, cdcs=cdcs, data=TermData(congress_on=date(2020, 1, 1), committee_size=3), officers=[],
        user=federation_user,
    )  # fmt: skip
    assert Officer.objects.count() == len(before) + 1


def test_who_may_write(congress, other_federation_user, leader, provincial_staff):
    data = OfficerData("Ngô Văn Quân", Post.MEMBER, date(2022, 1, 5), how=Officer.How.CO_OPTED)
    for user in (other_federation_user, leader):
        with pytest.raises(PermissionDenied):
            officer_add(cdcs=congress.cdcs, data=data, user=user)
    officer_add(cdcs=congress.cdcs, data=data, user=provincial_staff)


def test_a_dissolved_cdcs_takes_no_officers(congress, federation_user):
    cdcs_dissolve(cdcs=congress.cdcs, on=date(2024, 1, 1), reason="Doanh nghiệp giải thể", user=None)
    congress.cdcs.refresh_from_db()
    data = OfficerData("Ngô Văn Quân", Post.MEMBER, date(2022, 1, 5), how=Officer.How.CO_OPTED)
    assert "đã giải thể ngày 01/01/2024" in refused(officer_add, cdcs=congress.cdcs, data=data, user=federation_user)


def test_officers_link_to_the_register_of_their_own_cdcs(congress, federation, make_cdcs, federation_user):
    own = member_admit(cdcs=congress.cdcs, data=MemberData("Ngô Văn Quân", date(2020, 1, 1)), user=federation_user)
    other_cdcs = make_cdcs(federation)
    other = member_admit(cdcs=other_cdcs, data=MemberData("Đinh Văn Tú", date(2020, 1, 1)), user=federation_user)
    data = OfficerData("", Post.MEMBER, date(2022, 1, 5), how=Officer.How.CO_OPTED, member=other)
    assert "không thuộc" in refused(officer_add, cdcs=congress.cdcs, data=data, user=federation_user)
    data.member = own
    officer = officer_add(cdcs=congress.cdcs, data=data, user=federation_user)
    assert (officer.full_name, officer.member) == ("Ngô Văn Quân", own)


def test_a_leaving_chair_is_audited_as_a_vacancy_and_can_be_corrected(congress, federation_user):
    chair = officer_leave(officer=chair_of(congress), on=date(2025, 4, 10), reason="retired", user=federation_user)
    entry = AuditEntry.objects.get(action="officer.leave")
    assert entry.data == {"cdcs": "T0001", "post": "chair", "on": "2025-04-10", "reason": "retired", "vacant": True}
    assert "đã thôi giữ chức vụ từ ngày 10/04/2025" in refused(
        officer_leave, officer=chair, on=date(2025, 5, 1), reason="retired", user=federation_user
    )
    data = OfficerData(chair.full_name, Post.CHAIR, chair.from_on, full_time=True, how=chair.how)
    officer_edit(officer=chair, data=data, to_on=date(2025, 4, 30), left_reason="retired", user=federation_user)
    chair.refresh_from_db()
    assert chair.to_on == date(2025, 4, 30)
    assert AuditEntry.objects.get(action="officer.update").data["fields"] == ["to_on"]
