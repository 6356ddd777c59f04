"""CĐCS directly under the province: founded or moved there through "LĐLĐ tỉnh trực tiếp quản
lý" (the province's direct block, made on first use), their month entered, sent and approved by
provincial staff, a line of its own on the board and in the report, counted in the province's
total; federation staff neither reach it nor can be bound to it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.figures.services import figures_record
from members.models import (
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    Role,
    UserProfile,
)
from members.services.org import cdcs_found, cdcs_move, direct_block, organisation_merge
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text
from unionportal.testing.sheets import fill, template, to_bytes

from .grid_pages import grid_form

MARCH, APRIL, MAY = Month(2021, 3), Month(2021, 4), Month(2021, 5)
NEW_CDCS = {"name": "CĐCS Bệnh viện Đa khoa tỉnh", "employer": "Bệnh viện Đa khoa tỉnh", "sector": "public",
            "workers": "420", "founded_on": "05/03/2021"}  # fmt: skip


def _options(response, field="federation") -> dict[str, str]:
    (select,) = [element for element in find_all(page(response), "select") if attr(element, "name") == field]
    return {attr(option, "value"): text(option) for option in find_all(select, "option")}


def _block() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.DIRECT)


@pytest.fixture
def direct_cdcs(province, provincial_staff):
    """BV01 founded directly under the province on 05/03/2021, with 60 members at the end of March."""
    cdcs = cdcs_found(
        code="BV01", name="CĐCS Bệnh viện Đa khoa tỉnh", employer="Bệnh viện Đa khoa tỉnh", sector="public",
        founded_on=date(2021, 3, 5), federation=Organisation.Kind.DIRECT, workers=420, user=provincial_staff,
    )  # fmt: skip
    figures_record(cdcs=cdcs, month=MARCH, members_start=0, admitted=60, workers=420, user=provincial_staff)
    return cdcs


# --- founding and moving ------------------------------------------------------------------------


def test_provincial_staff_found_a_cdcs_directly_under_the_province_and_its_block_is_made(
    client_for, province, federation, provincial_staff
):
    client = client_for(provincial_staff)
    options = _options(client.get(reverse("members:cdcs_new")))
    assert options["direct"] == "LĐLĐ tỉnh trực tiếp quản lý"
    assert list(options.values())[1] == "LĐLĐ tỉnh trực tiếp quản lý"  # right after "— Chọn … —"
    assert str(federation.pk) in options and not Organisation.objects.filter(kind="direct").exists()

    response = client.post(reverse("members:cdcs_new"), {**NEW_CDCS, "code": "BV01", "federation": "direct"})
    assert response.status_code == 302
    block, cdcs = _block(), GrassrootsUnion.objects.get(code="BV01")
    assert (block.code, block.name, block.parent, block.position) == (
        "TN-TT", "CĐCS trực thuộc LĐLĐ tỉnh Thái Nguyên", province, 0
    )  # fmt: skip
    assert block.active_from == date(2021, 3, 1)  # the month of its first CĐCS, not the day it was made
    assert list(cdcs.affiliations.values_list("federation", "valid_from")) == [(block.pk, date(2021, 3, 1))]
    entry = AuditEntry.objects.get(action="cdcs.found")
    assert (entry.federation, entry.user) == (block, provincial_staff)

    # The second one finds the block: the choice stands for it, listed once.
    options = _options(client.get(reverse("members:cdcs_new")))
    assert str(block.pk) not in options and "direct" in options
    client.post(reverse("members:cdcs_new"), {**NEW_CDCS, "code": "BV02", "federation": "direct"})
    assert Organisation.objects.filter(kind="direct").count() == 1
    assert GrassrootsUnion.objects.with_federation_at(MARCH).get(code="BV02").federation_at_id == block.pk


def test_a_cdcs_founded_earlier_than_the_block_widens_its_active_months(province, direct_cdcs, provincial_staff):
    cdcs_found(
        code="BV00", name="CĐCS Sở Y tế", employer="Sở Y tế", sector="public", founded_on=date(2020, 11, 20),
        federation=_block(), user=provincial_staff,
    )  # fmt: skip
    assert _block().active_from == date(2020, 11, 1)


def test_federation_staff_are_not_offered_the_province_and_cannot_put_a_cdcs_there(
    client_for, federation, federation_user
):
    client = client_for(federation_user)
    assert "direct" not in _options(client.get(reverse("members:cdcs_new")))
    # Their form's federation is fixed: what is posted for it is not read, the CĐCS is their own.
    client.post(reverse("members:cdcs_new"), {**NEW_CDCS, "code": "DT09", "federation": "direct"})
    assert GrassrootsUnion.objects.with_federation_at(MARCH).get(code="DT09").federation_at_id == federation.pk
    with pytest.raises(PermissionDenied):
        cdcs_found(
            code="BV01", name="CĐCS", employer="Bệnh viện", sector="public", founded_on=date(2021, 3, 5),
            federation=Organisation.Kind.DIRECT, user=federation_user,
        )  # fmt: skip
    assert not Organisation.objects.filter(kind="direct").exists()
    assert not GrassrootsUnion.objects.filter(code="BV01").exists()


def test_founding_under_the_province_itself_points_to_the_direct_choice(client_for, province, provincial_staff):
    with pytest.raises(ValidationError) as error:
        cdcs_found(
            code="BV01", name="CĐCS", employer="Bệnh viện", sector="public", founded_on=date(2021, 3, 5),
            federation=province, user=provincial_staff,
        )  # fmt: skip
    assert "hãy chọn “LĐLĐ tỉnh trực tiếp quản lý”" in error.value.messages[0]


def test_a_refused_founding_leaves_no_block_behind(province, federation, make_cdcs, provincial_staff):
    make_cdcs(federation, code="DT01")
    with pytest.raises(ValidationError):
        cdcs_found(
            code="DT01", name="CĐCS", employer="Bệnh viện", sector="public", founded_on=date(2021, 3, 5),
            federation=Organisation.Kind.DIRECT, user=provincial_staff,
        )  # fmt: skip
    assert not Organisation.objects.filter(kind="direct").exists()


def test_moving_a_cdcs_to_the_province_directly_takes_its_months_from_then_on(
    client_for, federation, make_cdcs, provincial_staff
):
    cdcs = make_cdcs(federation, code="DT01", opening=100, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=4, user=provincial_staff)
    client = client_for(provincial_staff)
    url = reverse("members:cdcs_move", kwargs={"code": "DT01"})
    assert _options(client.get(url))["direct"] == "LĐLĐ tỉnh trực tiếp quản lý"
    response = client.post(url, {"federation": "direct", "from_month": "04/2021"})
    assert response.status_code == 302
    block = _block()
    assert block.active_from == date(2021, 4, 1)
    rows = dict(MonthlyFigure.objects.filter(cdcs=cdcs).values_list("month", "federation"))
    assert rows == {date(2021, 3, 1): federation.pk, date(2021, 4, 1): block.pk}
    assert AuditEntry.objects.get(action="cdcs.move").data["to_federation"] == "TN-TT"
    # Once there, the province directly is no longer offered: it is where the CĐCS is.
    assert "direct" not in _options(client.get(url))
    cdcs_move(cdcs=cdcs, federation=federation, from_month=MAY, user=provincial_staff)
    assert Affiliation.objects.filter(cdcs=cdcs).count() == 3


def test_the_direct_block_is_never_merged_away(federation, direct_cdcs, provincial_staff):
    with pytest.raises(ValidationError) as error:
        organisation_merge(source_org=_block(), into=federation, from_month=APRIL, user=provincial_staff)
    assert "Khối CĐCS trực thuộc LĐLĐ tỉnh không hợp nhất" in error.value.messages[0]
    assert _block().active_to is None


def test_a_federation_merges_into_the_province_directly(federation, make_cdcs, provincial_staff):
    cdcs = make_cdcs(federation, code="DT01", opening=100, first_month=MARCH)
    block = direct_block(create=True, month=APRIL)
    organisation_merge(source_org=federation, into=block, from_month=APRIL, user=provincial_staff)
    assert GrassrootsUnion.objects.with_federation_at(APRIL).get(pk=cdcs.pk).federation_at_id == block.pk


# --- access ------------------------------------------------------------------------------------


def test_federation_staff_reach_nothing_of_the_direct_block(client_for, direct_cdcs, federation_user):
    client, code = client_for(federation_user), _block().code
    for name in ("grid", "month_template", "month_export", "upload", "return_history", "reconcile"):
        assert client.get(reverse(f"members:{name}", kwargs={"code": code, "month": MARCH})).status_code == 404, name
    assert client.post(reverse("members:grid", kwargs={"code": code, "month": MARCH}), {}).status_code == 404
    assert client.post(reverse("members:return_submit", kwargs={"code": code, "month": MARCH})).status_code == 404
    assert client.get(reverse("members:cdcs_detail", kwargs={"code": "BV01"})).status_code == 404
    assert client.get(reverse("members:member_list_template", kwargs={"code": "BV01"})).status_code == 404
    with pytest.raises(PermissionDenied):
        figures_record(cdcs=direct_cdcs, month=APRIL, admitted=1, user=federation_user)


def test_leadership_read_the_direct_blocks_month_as_any_federations(client_for, direct_cdcs, leader):
    response = client_for(leader).get(reverse("members:grid", kwargs={"code": _block().code, "month": MARCH}))
    assert response.status_code == 200
    assert "BV01" in text(page(response))


def test_nobody_binds_federation_staff_to_the_direct_block(client_for, direct_cdcs, superuser, federation):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("canbo.tt")
    profile = UserProfile(user=user, role=Role.FEDERATION_STAFF, federation=_block())
    with pytest.raises(ValidationError) as error:
        profile.full_clean()
    assert "do cán bộ Ban Tổ chức LĐLĐ tỉnh nhập và gửi" in error.value.message_dict["federation"][0]

    response = client_for(superuser).post(
        reverse("admin:members_userprofile_add"), {"user": user.pk, "role": Role.FEDERATION_STAFF,
                                                   "federation": _block().pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert "do cán bộ Ban Tổ chức LĐLĐ tỉnh nhập và gửi" in response.content.decode()
    assert not UserProfile.objects.filter(user=user).exists()
    UserProfile(user=user, role=Role.FEDERATION_STAFF, federation=federation).full_clean()  # the others are fine


# --- the month: entered, sent, approved, on the board and in the report ------------------------


def test_provincial_staff_enter_send_and_approve_the_direct_blocks_month(
    client_for, federation, make_cdcs, direct_cdcs, provincial_staff, django_user_model
):
    """April 2021. DT01 (DT): 100 at the start, 5 admitted, 2 lost for their jobs → 103.
    BV01 (the province directly): 60 at the start, 7 admitted, 1 transferred in → 68.
    The province: 160 at the start, 12 admitted, 1 transferred in, 2 lost → 171."""
    dt01 = make_cdcs(federation, code="DT01", opening=100, first_month=MARCH)
    figures_record(cdcs=dt01, month=APRIL, admitted=5, lost={"job": 2}, user=provincial_staff)
    block, client = _block(), client_for(provincial_staff)
    url = reverse("members:grid", kwargs={"code": block.code, "month": APRIL})
    form = grid_form(client.get(url))
    prefix = f"r{direct_cdcs.pk}-"
    form.update({prefix + "admitted": "7", prefix + "transferred_in": "1", prefix + "workers": "420",
                 "action": "submit"})  # fmt: skip
    assert client.post(url, form).status_code == 302
    monthly_return = MonthlyReturn.objects.get(federation=block, month=APRIL.first_day)
    assert (monthly_return.status, monthly_return.submitted_by) == ("submitted", provincial_staff)
    assert MonthlyFigure.objects.get(cdcs=direct_cdcs, month=APRIL.first_day).members_end == 68

    approver = django_user_model.objects.create_user("truongban")
    UserProfile.objects.create(user=approver, role=Role.PROVINCIAL_STAFF)
    response = client_for(approver).post(
        reverse("members:return_approve", kwargs={"code": block.code, "month": APRIL}),
        {"version": monthly_return.version},
    )
    assert response.status_code == 302
    assert MonthlyReturn.objects.get(pk=monthly_return.pk).status == "approved"

    board = page(client.get(reverse("members:board"), {"month": "04/2021"}))
    rows = find_all(find(board, "table", id="board"), "tr", data_federation=True)
    assert [attr(row, "data-federation") for row in rows] == ["TN-TT", "DT"]  # the direct block first
    assert "CĐCS trực thuộc LĐLĐ tỉnh Thái Nguyên Ban Tổ chức LĐLĐ tỉnh nhập, gửi" in text(rows[0])
    assert attr(rows[0], "data-status") == "approved"

    report = progress_report(start=APRIL, end=APRIL, scope=Scope(org=Organisation.objects.get(kind="province")))
    by_code = {row.org.code: row.figures for row in report.rows}
    assert list(by_code) == ["TN-TT", "DT"]
    direct, total = by_code["TN-TT"], report.total.figures
    assert (direct.members_start, direct.admitted, direct.transferred_in, direct.members_end) == (60, 7, 1, 68)
    assert (total.members_start, total.admitted, total.transferred_in, total.lost, total.members_end) == (
        160, 12, 1, 2, 171
    )  # fmt: skip
    assert (total.net_members, total.unions_end) == (11, 2)


def test_the_month_sheet_of_the_direct_block_goes_both_ways(client_for, direct_cdcs, provincial_staff):
    block, client = _block(), client_for(provincial_staff)
    data = to_bytes(fill(template(block, APRIL), {"BV01": {"Kết nạp mới": 9}}))
    upload_url = reverse("members:upload", kwargs={"code": block.code, "month": APRIL})
    response = client.post(upload_url, {"file": SimpleUploadedFile("so-lieu.xlsx", data)})
    assert response.status_code == 302
    confirm = client.post(response.url.rstrip("/") + "/confirm/")
    assert confirm.status_code == 302
    assert MonthlyFigure.objects.get(cdcs=direct_cdcs, month=APRIL.first_day).admitted == 9
    export = client.get(reverse("members:month_export", kwargs={"code": block.code, "month": APRIL}))
    assert export.status_code == 200 and export["Content-Disposition"].endswith('-TN-TT-2021-04.xlsx"')


def test_the_board_and_the_grid_start_list_the_block_only_from_its_first_month(
    client_for, federation, direct_cdcs, provincial_staff
):
    client = client_for(provincial_staff)
    february = page(client.get(reverse("members:board"), {"month": "02/2021"}))
    assert [attr(r, "data-federation") for r in find_all(february, "tr", data_federation=True)] == ["DT"]
    assert set(_options(client.get(reverse("members:grid_start"), {"month": "02/2021"}), "org")) == {"DT"}
    assert list(_options(client.get(reverse("members:grid_start"), {"month": "03/2021"}), "org")) == ["TN-TT", "DT"]


def test_the_cdcs_register_filters_by_the_direct_block(client_for, federation, make_cdcs, direct_cdcs, leader):
    make_cdcs(federation, code="DT01")
    response = client_for(leader).get(reverse("members:cdcs_list"), {"federation": "TN-TT"})
    assert _options(response)["TN-TT"] == "CĐCS trực thuộc LĐLĐ tỉnh Thái Nguyên"
    codes = [
        attr(row, "data-code") for row in find_all(find(page(response), "table", id="cdcs-table"), "tr", data_code=True)
    ]
    assert codes == ["BV01"]


def test_the_admin_founds_a_cdcs_directly_under_the_province_too(client_for, province, superuser):
    data = {"code": "BV01", "name": "CĐCS Bệnh viện", "employer": "Bệnh viện", "sector": "public", "workers": "420",
            "federation": "direct", "founding_decision": "", "founded_on": "2021-03-05", "_save": "Lưu",
            "affiliations-TOTAL_FORMS": "0", "affiliations-INITIAL_FORMS": "0"}  # fmt: skip
    response = client_for(superuser).post(reverse("admin:members_grassrootsunion_add"), data)
    assert response.status_code == 302
    cdcs = GrassrootsUnion.objects.with_federation_at(MARCH).get(code="BV01")
    assert cdcs.federation_at_id == _block().pk and _block().active_from == date(2021, 3, 1)
