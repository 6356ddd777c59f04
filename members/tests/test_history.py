"""Audit histories: each write shows up on the page of the month and of the row it changed."""

from datetime import date

import pytest
from django.urls import reverse

from members.audit import audit_log
from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit, return_unlock
from members.models import AuditEntry, LossReason, MonthlyFigure
from members.services.org import cdcs_dissolve, cdcs_move
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


def _return_history(client, code, month, **params):
    return client.get(reverse("members:return_history", kwargs={"code": code, "month": month}), params)


def _figure_history(client, code, month):
    return client.get(reverse("members:figure_history", kwargs={"code": code, "month": month}))


COLUMNS = {"Người thực hiện": "user", "Thao tác": "action", "Nguồn": "source", "Chi tiết": "details"}


def _entries(response) -> list[dict]:
    """The audit table as a user reads it, newest first."""
    assert response.status_code == 200
    table = find(page(response), "table", data_audit_table=True)
    headers = [text(th) for th in find_all(table, "th")]
    entries = []
    for tr in find_all(table, "tr", data_action=True):
        cells = dict(zip(headers, find_all(tr, "td"), strict=True))
        entry = {"code": attr(tr, "data-action")}
        entry.update({key: text(cells[header]) for header, key in COLUMNS.items()})
        entry["details"] = [text(div) for div in find_all(cells["Chi tiết"], "div")]
        entries.append(entry)
    return entries


@pytest.fixture
def cdcs(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", opening=1500, first_month=MARCH)


def _actions(response) -> list[str]:
    return [entry["action"] for entry in _entries(response)]


def test_recorded_figures_show_each_changed_field_in_vietnamese(client_for, leader, cdcs, federation_user):
    figures_record(cdcs=cdcs, month=APRIL, admitted=3, user=federation_user)
    figures_record(cdcs=cdcs, month=APRIL, admitted=5, lost={LossReason.RETIRED: 2}, workers=120, user=federation_user)
    newest, first = _entries(_figure_history(client_for(leader), "DT01", APRIL))
    assert newest == {
        "code": "figures.record",
        "user": "Canbo.Dt",
        "action": "Ghi số liệu",
        "source": "trình duyệt",
        "details": ["Kết nạp mới: 3 → 5", "Nghỉ hưu: 0 → 2", "Số lao động: 100 → 120"],
    }
    assert "Kết nạp mới: — → 3" in first["details"]
    assert "Đoàn viên đầu kỳ: — → 1.500" in first["details"]
    assert "Đoàn viên cuối kỳ: — → 1.503" in first["details"]


def test_figures_entered_by_the_system_say_so(client_for, leader, cdcs):
    (opening,) = _entries(_figure_history(client_for(leader), "DT01", MARCH))
    assert opening["user"] == "hệ thống"
    assert "Kết nạp mới: — → 0" in opening["details"]


def test_an_entry_keeps_the_name_of_a_deleted_account(client_for, leader, cdcs, federation_user):
    figures_record(cdcs=cdcs, month=APRIL, admitted=3, user=federation_user)
    federation_user.delete()
    (entry,) = _entries(_figure_history(client_for(leader), "DT01", APRIL))
    assert entry["user"] == "canbo.dt"


def test_recorded_figures_show_in_the_federations_month_and_no_other(client_for, leader, cdcs, federation_user):
    figures_record(cdcs=cdcs, month=APRIL, admitted=3, user=federation_user)
    client = client_for(leader)
    april = _entries(_return_history(client, "DT", APRIL))
    assert [(e["action"], e["user"]) for e in april] == [("Ghi số liệu", "Canbo.Dt")]
    assert "DT01 04/2021" in _return_history(client, "DT", APRIL).content.decode()
    assert [e["code"] for e in _entries(_return_history(client, "DT", MARCH))] == ["figures.record"]


def test_submitting_approving_and_unlocking_show_in_the_months_history(
    client_for, leader, cdcs, federation, federation_user, provincial_staff
):
    return_submit(federation=federation, month=MARCH, user=federation_user)
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    return_unlock(federation=federation, month=MARCH, reason="Sai số kết nạp", user=provincial_staff)
    response = _return_history(client_for(leader), "DT", MARCH)
    entries = _entries(response)
    assert [(e["action"], e["user"]) for e in entries[:3]] == [
        ("Mở khóa số liệu tháng", "Bantochuc"),
        ("Duyệt, khóa số liệu tháng", "Bantochuc"),
        ("Gửi báo cáo tháng", "Canbo.Dt"),
    ]
    assert entries[0]["details"] == ["Lý do: Sai số kết nạp"]
    timeline = [text(li) for li in find_all(find(page(response), "ol", id="timeline"), "li")]
    assert [line.split(" · ")[1:3] for line in timeline] == [
        ["Gửi báo cáo", "Canbo.Dt"],
        ["Duyệt, khóa số liệu", "Bantochuc"],
        ["Mở khóa", "Bantochuc"],
    ]
    assert timeline[2].endswith("lý do: Sai số kết nạp")
    assert "Đang nhập" in text(find(page(response), id="status"))


def test_dissolving_a_cdcs_shows_on_its_rows_history(client_for, leader, cdcs, make_cdcs, federation, provincial_staff):
    make_cdcs(federation, code="DT02", opening=20, first_month=MARCH)
    cdcs_dissolve(cdcs=cdcs, on=date(2021, 4, 20), reason="Doanh nghiệp phá sản", user=provincial_staff)
    entries = _entries(_figure_history(client_for(leader), "DT01", APRIL))
    assert [e["action"] for e in entries] == ["Giải thể CĐCS", "Ghi số liệu"]
    assert entries[0]["details"] == ["Lý do: Doanh nghiệp phá sản"]
    assert "CĐCS giải thể: — → 1.500" in entries[1]["details"]
    assert _entries(_figure_history(client_for(leader), "DT02", APRIL)) == []


def test_moving_a_cdcs_shows_where_it_went(client_for, leader, cdcs, other_federation, provincial_staff):
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=APRIL, user=provincial_staff)
    (entry,) = _entries(_figure_history(client_for(leader), "DT01", APRIL))
    assert entry["action"] == "Chuyển CĐCS sang đơn vị khác"
    assert entry["details"] == ["Từ đơn vị: DT", "Sang đơn vị: PB"]


def test_a_month_without_figures_yet_shows_an_empty_history_with_a_note(client_for, federation_user, cdcs):
    response = _figure_history(client_for(federation_user), "DT01", APRIL)
    assert _entries(response) == []
    assert "CĐCS này chưa có số liệu tháng 04/2021." in text(find(page(response), id="no-figures"))


def test_actions_and_details_not_known_to_the_page_show_their_code(client_for, leader, federation):
    audit_log(None, "sheet.import", federation=federation, month=MARCH, rows=1200, sheet_version=3)
    audit_log(None, "quota.revise", federation=federation, month=MARCH, before=[1000, 5], after=[1200, 6])
    entries = _entries(_return_history(client_for(leader), "DT", MARCH))
    assert [(e["action"], e["details"]) for e in entries] == [
        ("quota.revise", ["Trước khi sửa: 1.000 / 5", "Sau khi sửa: 1.200 / 6"]),
        ("Nhập số liệu từ tệp Excel", ["Số dòng thay đổi: 1.200", "sheet_version: 3"]),
    ]


def test_a_long_history_is_paginated_a_hundred_entries_a_page(client_for, leader, federation):
    AuditEntry.objects.bulk_create(
        AuditEntry(action="figures.record", federation=federation, month=MARCH.first_day) for _ in range(101)
    )
    client = client_for(leader)
    first = _return_history(client, "DT", MARCH)
    assert len(_entries(first)) == 100
    assert "Trang 1/2" in first.content.decode()
    assert len(_entries(_return_history(client, "DT", MARCH, page=2))) == 1


def test_history_queries_do_not_grow_with_entries(
    client_for, leader, cdcs, make_cdcs, federation, federation_user, provincial_staff, django_assert_max_num_queries
):
    for number in range(10):
        other = make_cdcs(federation, opening=number + 1, first_month=MARCH)
        figures_record(
            cdcs=other, month=APRIL, admitted=number, user=federation_user if number % 2 else provincial_staff
        )
    client = client_for(leader)
    with django_assert_max_num_queries(8):  # 7, and the navbar bell's unread count (notices)
        assert len(_entries(_return_history(client, "DT", APRIL))) == 10


# --- who may read which history -------------------------------------------------------------


def test_federation_staff_cannot_read_another_federations_histories(
    client_for, federation_user, cdcs, other_federation, make_cdcs
):
    make_cdcs(other_federation, code="PB01", opening=40, first_month=MARCH)
    client = client_for(federation_user)
    assert _return_history(client, "PB", MARCH).status_code == 404
    assert _figure_history(client, "PB01", MARCH).status_code == 404
    assert _figure_history(client, "PB01", APRIL).status_code == 404  # no figures yet, still not theirs


def test_a_cdcs_moved_away_keeps_its_old_months_with_its_old_federation(
    client_for, federation_user, other_federation_user, cdcs, other_federation, provincial_staff
):
    cdcs_move(cdcs=cdcs, federation=other_federation, from_month=APRIL, user=provincial_staff)
    figures_record(cdcs=cdcs, month=APRIL, admitted=2, user=provincial_staff)
    assert MonthlyFigure.objects.get(cdcs=cdcs, month=APRIL.first_day).federation == other_federation
    old, new = client_for(federation_user), None
    assert _figure_history(old, "DT01", MARCH).status_code == 200
    assert _figure_history(old, "DT01", APRIL).status_code == 404
    assert _figure_history(old, "DT01", Month(2021, 5)).status_code == 404
    old.logout()
    new = client_for(other_federation_user)
    assert _figure_history(new, "DT01", APRIL).status_code == 200
    assert _figure_history(new, "DT01", MARCH).status_code == 404


def test_months_before_a_cdcs_existed_have_no_history(client_for, leader, federation, make_cdcs):
    make_cdcs(federation, code="DT09", founded_on=date(2021, 4, 12))
    assert _figure_history(client_for(leader), "DT09", MARCH).status_code == 404


def test_the_province_has_no_monthly_return_history(client_for, leader, province):
    assert _return_history(client_for(leader), "TN", MARCH).status_code == 404


def test_the_months_history_names_the_uploaded_file_to_staff_and_not_to_leaders(
    client_for, cdcs, federation, federation_user, provincial_staff, leader
):
    """A file is named by whoever uploads it, often after a person ("DS Nguyen Van An.xlsx"): the
    audit shows it to those who read member records, and to leaders only that a sheet went in."""
    audit_log(
        federation_user, "sheet.import", None, federation=federation, month=MARCH, file="Nguyen Van An.xlsx", rows=1
    )
    for user, shown in ((federation_user, True), (provincial_staff, True), (leader, False)):
        entries = _entries(_return_history(client_for(user), "DT", MARCH))
        details = next(entry["details"] for entry in entries if entry["code"] == "sheet.import")
        assert any("Nguyen Van An.xlsx" in line for line in details) is shown, user.username
        assert any("1" in line for line in details), user.username
