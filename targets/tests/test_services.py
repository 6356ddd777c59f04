"""The services that write programmes and quotas: all or nothing, audited, provincial staff only."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from members.models import AuditEntry
from targets.models import Programme, Quota
from targets.services import programme_copy, programme_create, quota_set, quotas_save


@pytest.fixture
def quotas(programme, province, federation, other_federation):
    """2024: the province 5.000 / 10, DT 3.000 / 6, PB 2.000 / 4."""
    for org, members, unions in [(province, 5000, 10), (federation, 3000, 6), (other_federation, 2000, 4)]:
        quota_set(programme=programme, organisation=org, year=2024, new_members=members, new_unions=unions, user=None)
    AuditEntry.objects.all().delete()


def _quota(programme, org, year):
    quota = Quota.objects.filter(programme=programme, organisation=org, year=year).first()
    return (quota.new_members, quota.new_unions) if quota else None


# --- quotas_save ------------------------------------------------------------------------------


def test_saving_the_grid_writes_and_audits_only_the_cells_that_changed(
    programme, quotas, province, federation, other_federation, provincial_staff
):
    changed = quotas_save(
        programme=programme,
        values={
            (province.pk, 2024): ("5000", "10"),  # unchanged
            (federation.pk, 2024): ("3100", "6"),  # changed
            (other_federation.pk, 2024): (2000, 4),  # unchanged, given as numbers
            (other_federation.pk, 2025): ("", ""),  # empty on a year without quotas: nothing to write
        },
        user=provincial_staff,
    )
    assert changed == 1
    assert _quota(programme, federation, 2024) == (3100, 6)
    assert _quota(programme, other_federation, 2025) is None
    entries = list(AuditEntry.objects.all())
    assert [(entry.action, entry.federation, entry.data["before"], entry.data["after"]) for entry in entries] == [
        ("quota.set", federation, [3000, 6], [3100, 6])
    ]
    assert entries[0].user == provincial_staff


def test_one_bad_cell_refuses_the_whole_grid_and_says_which_cell(
    programme, quotas, province, federation, other_federation, provincial_staff
):
    with pytest.raises(ValidationError) as refused:
        quotas_save(
            programme=programme,
            values={
                (province.pk, 2024): ("5200", "10"),
                (federation.pk, 2024): ("3200", "-1"),
                (other_federation.pk, 2024): ("hai nghìn", "4"),
                (other_federation.pk, 2025): ("1.5", "1"),
            },
            user=provincial_staff,
        )
    errors = refused.value.message_dict
    assert errors == {
        (federation.pk, 2024, "new_unions"): ["Không được âm."],
        (other_federation.pk, 2024, "new_members"): ["Phải là số nguyên."],
        (other_federation.pk, 2025, "new_members"): ["Phải là số nguyên."],
    }
    assert _quota(programme, province, 2024) == (5000, 10)
    assert _quota(programme, federation, 2024) == (3000, 6)
    assert not AuditEntry.objects.exists()


def test_empty_cells_mean_zero(programme, quotas, federation, provincial_staff):
    assert quotas_save(programme=programme, values={(federation.pk, 2024): ("", " ")}, user=provincial_staff) == 1
    assert _quota(programme, federation, 2024) == (0, 0)


@pytest.mark.parametrize("who", ["leader", "federation_user"])
def test_only_provincial_staff_may_save_quotas(request, programme, quotas, federation, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        quotas_save(programme=programme, values={(federation.pk, 2024): ("1", "1")}, user=user)
    assert _quota(programme, federation, 2024) == (3000, 6)


def test_a_federation_gets_no_quota_for_a_year_it_did_not_exist(
    programme, make_federation, federation, provincial_staff
):
    merged = make_federation("DHY", "LĐLĐ huyện Đồng Hỷ", active_to=date(2025, 6, 30), merged_into=federation)
    with pytest.raises(ValidationError) as refused:
        quotas_save(
            programme=programme,
            values={(merged.pk, 2025): ("100", "1"), (merged.pk, 2026): ("100", "1")},
            user=provincial_staff,
        )
    assert refused.value.message_dict == {
        (merged.pk, 2026, "new_members"): ["LĐLĐ huyện Đồng Hỷ không hoạt động trong năm 2026."]
    }
    assert not Quota.objects.exists()


def test_a_cell_outside_the_programme_is_refused(programme, federation, provincial_staff):
    with pytest.raises(ValidationError, match="không thuộc chương trình"):
        quotas_save(programme=programme, values={(federation.pk, 2030): ("1", "1")}, user=provincial_staff)


# --- programme_create and programme_copy ------------------------------------------------------


def _copy(source, user, **changes):
    values = {
        "name": "Chương trình phát triển đoàn viên 2029–2033",
        "document_number": "02/CTr-LĐLĐ",
        "document_date": date(2028, 12, 20),
        "first_year": 2029,
        "last_year": 2033,
        **changes,
    }
    return programme_copy(source=source, user=user, **values)


def test_copy_gives_every_still_active_organisation_a_zero_row_for_every_year(
    programme, quotas, province, federation, other_federation, make_federation, provincial_staff
):
    merged = make_federation("DHY", active_to=date(2025, 6, 30), merged_into=federation)
    ended = make_federation("CU", active_to=date(2028, 12, 31))
    ends_later = make_federation("VN", active_to=date(2029, 6, 30))
    for org in (merged, ended, ends_later):
        quota_set(programme=programme, organisation=org, year=2024, new_members=10, new_unions=1, user=None)

    copy = _copy(programme, provincial_staff)

    rows = Quota.objects.filter(programme=copy)
    assert {quota.organisation for quota in rows} == {province, federation, other_federation, ends_later}
    assert sorted({quota.year for quota in rows}) == [2029, 2030, 2031, 2032, 2033]
    assert rows.count() == 4 * 5
    assert {(quota.new_members, quota.new_unions) for quota in rows} == {(0, 0)}
    copied = AuditEntry.objects.get(action="programme.copy")
    assert copied.user == provincial_staff and copied.object_id == str(copy.pk)
    assert copied.data["quotas"] == 20 and copied.data["copied_from"] == "01/CTr-LĐLĐ (2024–2028)"
    assert AuditEntry.objects.filter(action="programme.create", object_id=str(copy.pk)).exists()


def test_copy_with_values_starts_every_year_from_the_sources_last_year(
    programme, quotas, province, federation, other_federation, provincial_staff
):
    quota_set(programme=programme, organisation=province, year=2028, new_members=9000, new_unions=20, user=None)
    quota_set(programme=programme, organisation=federation, year=2028, new_members=4000, new_unions=8, user=None)

    copy = _copy(programme, provincial_staff, copy_values=True)

    assert {_quota(copy, province, year) for year in copy.years} == {(9000, 20)}
    assert {_quota(copy, federation, year) for year in copy.years} == {(4000, 8)}
    # PB has quotas in 2024 only: its row is there, at zero
    assert {_quota(copy, other_federation, year) for year in copy.years} == {(0, 0)}


def test_a_duplicate_document_is_refused_on_the_document_number_and_nothing_is_copied(
    programme, quotas, provincial_staff
):
    with pytest.raises(ValidationError) as refused:
        _copy(programme, provincial_staff, document_number=" 01/CTr-LĐLĐ ", document_date=date(2024, 1, 15))
    assert refused.value.message_dict == {
        "document_number": ["Đã có chương trình số 01/CTr-LĐLĐ ban hành ngày 15/01/2024."]
    }
    assert Programme.objects.count() == 1
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("first_year", "last_year", "message"),
    [
        (2029, 2039, "Một chương trình kéo dài tối đa 10 năm."),
        (2029, 2028, "Năm kết thúc không được trước năm bắt đầu."),
    ],
)
def test_programme_years_must_be_in_order_and_at_most_ten(provincial_staff, db, first_year, last_year, message):
    with pytest.raises(ValidationError) as refused:
        programme_create(
            name="Chương trình",
            document_number="09/CTr-LĐLĐ",
            document_date=date(2028, 1, 1),
            first_year=first_year,
            last_year=last_year,
            user=provincial_staff,
        )
    assert refused.value.message_dict == {"last_year": [message]}


def test_programmes_may_share_a_year(programme, provincial_staff):
    later = programme_create(
        name="Chương trình nhiệm kỳ sau",
        document_number="05/CTr-LĐLĐ",
        document_date=date(2028, 7, 1),
        first_year=2028,
        last_year=2033,
        user=provincial_staff,
    )
    assert set(programme.years) & set(later.years) == {2028}


@pytest.mark.parametrize("who", ["leader", "federation_user"])
def test_only_provincial_staff_may_create_or_copy_a_programme(request, programme, who):
    with pytest.raises(PermissionDenied):
        _copy(programme, request.getfixturevalue(who))
    assert Programme.objects.count() == 1
