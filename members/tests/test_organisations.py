"""Upper-level unions of any kind with their active dates: the list, founding one (a commune
union, say) from a month and ending one that has no CĐCS left from a month; what the board and
the report list follows their dates."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.figures.workflow import return_approve, return_submit
from members.models import AuditEntry, Organisation
from members.services.org import cdcs_found, cdcs_move, direct_block
from members.services.organisations import organisation_end, organisation_found
from reports.selectors import Scope, progress_report
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text

MARCH, APRIL, MAY, JUNE = Month(2021, 3), Month(2021, 4), Month(2021, 5), Month(2021, 6)
PHAN = {"code": "PDP", "name": "Công đoàn phường Phan Đình Phùng", "kind": Organisation.Kind.COMMUNE}


def _found(user, **changes):
    return organisation_found(**{**PHAN, "active_from": MAY, **changes}, user=user)


def _refusal(error) -> str:
    return " ".join(error.value.messages)


def _board_codes(client, month: str) -> list[str]:
    html = page(client.get(reverse("members:board"), {"month": month}))
    return [attr(row, "data-federation") for row in find_all(html, "tr", data_federation=True)]


# --- founding ----------------------------------------------------------------------------------


def test_founding_a_commune_union_from_a_month(federation, other_federation, provincial_staff):
    org = _found(provincial_staff)
    assert (org.kind, org.parent.code, org.active_from, org.active_to) == ("commune", "TN", date(2021, 5, 1), None)
    assert org.position > max(federation.position, other_federation.position)  # listed after those there are
    entry = AuditEntry.objects.get(action="organisation.found")
    assert (entry.object_id, entry.federation, entry.month) == (str(org.pk), org, date(2021, 5, 1))


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"code": "DT"}, "Mã DT đã được dùng cho “LĐLĐ huyện Đại Từ”. Hãy chọn mã khác."),
        ({"code": "dt"}, "Mã dt đã được dùng cho “LĐLĐ huyện Đại Từ”."),
        ({"kind": Organisation.Kind.DIRECT}, "Hãy chọn loại công đoàn cấp trên."),
        ({"kind": Organisation.Kind.PROVINCE}, "Hãy chọn loại công đoàn cấp trên."),
        ({"name": "  "}, "không được để trắng"),
    ],
)
def test_founding_refusals_say_why_and_make_nothing(federation, provincial_staff, changes, refusal):
    with pytest.raises(ValidationError) as error:
        _found(provincial_staff, **changes)
    assert refusal in _refusal(error)
    assert set(Organisation.objects.values_list("code", flat=True)) == {"TN", "DT"}


def test_only_provincial_staff_found_or_end_upper_unions(federation, federation_user, leader):
    for user in (federation_user, leader):
        with pytest.raises(PermissionDenied):
            _found(user)
        with pytest.raises(PermissionDenied):
            organisation_end(organisation=federation, from_month=MAY, user=user)


def test_a_new_union_takes_cdcs_from_its_first_month_only(federation, make_cdcs, provincial_staff):
    org = _found(provincial_staff)
    cdcs = make_cdcs(federation, code="DT01")
    with pytest.raises(ValidationError) as error:
        cdcs_move(cdcs=cdcs, federation=org, from_month=APRIL, user=provincial_staff)
    assert "không hoạt động vào ngày 01/04/2021" in _refusal(error)
    cdcs_move(cdcs=cdcs, federation=org, from_month=MAY, user=provincial_staff)


# --- ending ------------------------------------------------------------------------------------


def test_ending_is_refused_while_cdcs_are_under_it_from_that_month(federation, make_cdcs, provincial_staff):
    make_cdcs(federation, code="DT01")
    make_cdcs(federation, code="DT02", founded_on=date(2021, 7, 1))  # put under it later: counts too
    with pytest.raises(ValidationError) as error:
        organisation_end(organisation=federation, from_month=MAY, user=provincial_staff)
    assert _refusal(error) == (
        "Từ tháng 05/2021 LĐLĐ huyện Đại Từ vẫn còn 2 CĐCS trực thuộc (DT01, DT02): hãy chuyển, hợp nhất hoặc "
        "giải thể các CĐCS đó trước, hoặc lập đề án sắp xếp tổ chức."
    )
    federation.refresh_from_db()
    assert federation.active_to is None and not AuditEntry.objects.filter(action="organisation.end").exists()


def test_a_union_whose_cdcs_left_ends_and_leaves_the_board_and_the_report_from_that_month(
    client_for, federation, other_federation, make_cdcs, provincial_staff
):
    cdcs = make_cdcs(federation, code="DT01", opening=100, first_month=MARCH)
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=MAY, user=provincial_staff)
    organisation_end(organisation=federation, from_month=MAY, user=provincial_staff)
    federation.refresh_from_db()
    assert federation.active_to == date(2021, 4, 30)
    entry = AuditEntry.objects.get(action="organisation.end")
    assert (entry.federation, entry.month) == (federation, date(2021, 5, 1))

    client = client_for(provincial_staff)
    assert set(_board_codes(client, "04/2021")) == {"DT", "PB"}
    assert _board_codes(client, "05/2021") == ["PB"]
    province = Scope(org=Organisation.objects.get(kind="province"))
    assert [row.org.code for row in progress_report(start=MAY, end=JUNE, scope=province).rows] == ["PB"]
    assert {row.org.code for row in progress_report(start=MARCH, end=MAY, scope=province).rows} == {"DT", "PB"}
    with pytest.raises(ValidationError) as error:
        organisation_end(organisation=federation, from_month=JUNE, user=provincial_staff)
    assert _refusal(error) == "LĐLĐ huyện Đại Từ đã kết thúc hoạt động từ tháng 05/2021."
    with pytest.raises(ValidationError) as error:
        cdcs_found(
            code="DT05", name="CĐCS mới", employer="Công ty", sector="fdi", founded_on=date(2021, 5, 3),
            federation=federation, user=provincial_staff,
        )  # fmt: skip
    assert "không hoạt động vào ngày 03/05/2021" in _refusal(error)


def test_ending_is_refused_over_an_approved_month(federation, provincial_staff):
    """A union without CĐCS whose empty month was sent and approved: the month is locked."""
    return_submit(federation=federation, month=MAY, user=provincial_staff)
    return_approve(federation=federation, month=MAY, user=provincial_staff)
    with pytest.raises(ValidationError) as error:
        organisation_end(organisation=federation, from_month=MAY, user=provincial_staff)
    assert "Số liệu tháng 05/2021 của LĐLĐ huyện Đại Từ đã được" in _refusal(error)
    organisation_end(organisation=federation, from_month=JUNE, user=provincial_staff)


def test_ending_refusals_for_the_province_its_direct_block_and_a_union_not_yet_begun(province, provincial_staff):
    org = _found(provincial_staff)
    with pytest.raises(ValidationError) as error:
        organisation_end(organisation=org, from_month=MAY, user=provincial_staff)
    assert _refusal(error) == (
        "Công đoàn phường Phan Đình Phùng hoạt động từ tháng 05/2021: chỉ kết thúc được từ tháng sau đó."
    )
    for unending in (province, direct_block(create=True, month=MARCH)):
        with pytest.raises(ValidationError) as error:
            organisation_end(organisation=unending, from_month=JUNE, user=provincial_staff)
        assert "không kết thúc hoạt động" in _refusal(error)


# --- the pages ---------------------------------------------------------------------------------


def test_the_list_shows_kinds_dates_and_cdcs_now_to_leadership_without_buttons(
    client_for, federation, make_cdcs, provincial_staff, leader
):
    make_cdcs(federation, code="DT01")
    make_cdcs(federation, code="DT02")
    cdcs_found(
        code="BV01", name="CĐCS Bệnh viện", employer="Bệnh viện", sector="public", founded_on=date(2021, 3, 5),
        federation=Organisation.Kind.DIRECT, user=provincial_staff,
    )  # fmt: skip
    _found(provincial_staff)
    html = page(client_for(leader).get(reverse("members:organisation_list")))
    rows = {
        attr(row, "data-code"): [text(cell) for cell in find_all(row, "td")]
        for row in find_all(html, "tr", data_code=True)
    }
    assert list(rows) == ["TN-TT", "DT", "PDP"]
    assert rows["TN-TT"][2:] == ["CĐCS trực thuộc LĐLĐ tỉnh", "03/2021 –", "1"]
    assert rows["DT"][2:] == ["LĐLĐ huyện, thành phố, thị xã", "–", "2"]
    assert rows["PDP"][2:] == ["Công đoàn xã, phường, đặc khu", "05/2021 –", "0"]
    assert not find_all(html, id="organisation-new") and "Kết thúc hoạt động" not in text(html)


def test_federation_staff_do_not_open_the_list(client_for, federation, federation_user):
    assert client_for(federation_user).get(reverse("members:organisation_list")).status_code == 403


def test_provincial_staff_found_and_end_on_the_pages(client_for, federation, make_cdcs, provincial_staff):
    client = client_for(provincial_staff)
    form = {"code": "KCN", "name": "Công đoàn các Khu công nghiệp tỉnh", "kind": "industrial_zone",
            "active_from": "03/2021"}  # fmt: skip
    response = client.post(reverse("members:organisation_new"), {**form, "code": "DT"})
    assert "Mã DT đã được dùng cho “LĐLĐ huyện Đại Từ”" in text(page(response))
    assert client.post(reverse("members:organisation_new"), form).status_code == 302
    assert Organisation.objects.get(code="KCN").active_from == date(2021, 3, 1)

    make_cdcs(federation, code="DT01")
    url = reverse("members:organisation_end", kwargs={"code": "DT"})
    assert "Tháng" in text(find(page(client.get(url)), id="cdcs-now"))
    response = client.post(url, {"from_month": "05/2021"})
    assert "vẫn còn 1 CĐCS trực thuộc (DT01)" in text(find(page(response), id="form-errors"))
    assert client.post(reverse("members:organisation_end", kwargs={"code": "KCN"}), {"from_month": "04/2021"}).url == (
        reverse("members:organisation_list")
    )
    assert Organisation.objects.get(code="KCN").active_to == date(2021, 3, 31)
