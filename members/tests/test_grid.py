"""The entry grid: a federation-month saved whole or not at all, with row errors, warnings,
the lock and the conflict between two people saving the same month."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from members.figures.grid import grid_read, parse_count
from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit, return_unlock
from members.models import AuditEntry, LossReason, MonthlyFigure, MonthlyReturn
from unionportal.lib.months import Month
from unionportal.testing.html import attr, grid_form, page

from .grid_pages import APRIL, MARCH, figure_row, grid_input, grid_post, grid_url


def test_grid_lists_every_cdcs_of_the_month_with_last_months_stock(client_for, federation_user, two_unions):
    first, second = two_unions
    response = client_for(federation_user).get(grid_url(first.affiliations.get().federation))
    assert response.status_code == 200
    content = response.content.decode()
    assert first.name in content and second.name in content
    assert f'name="r{first.pk}-admitted"' in content
    grid = response.context["grid"]
    assert [row.previous_end for row in grid.rows] == [100, 40]
    assert grid.totals["previous_end"] == 140


def test_saving_the_grid_writes_every_row_through_the_services(client_for, federation, federation_user, two_unions):
    first, second = two_unions
    client = client_for(federation_user)
    response = grid_post(
        client,
        federation,
        {f"r{first.pk}-admitted": "12", f"r{first.pk}-lost_retired": "2", f"r{second.pk}-transferred_in": "1.005"},
    )
    assert response.status_code == 302
    assert (figure_row(first).members_end, figure_row(second).members_end) == (110, 1045)
    assert AuditEntry.objects.filter(action="figures.record", month=APRIL.first_day, user=federation_user).count() == 2
    assert "Đã lưu số liệu tháng 04/2021: 2 dòng." in client.get(grid_url(federation)).content.decode()


def test_one_bad_row_saves_nothing_and_every_error_is_listed(client_for, federation, federation_user, two_unions):
    first, second = two_unions
    response = grid_post(
        client_for(federation_user),
        federation,
        {
            f"r{first.pk}-admitted": "12",
            f"r{second.pk}-lost_job": "-3",
            f"r{second.pk}-admitted": "2,5",
        },
    )
    assert response.status_code == 200
    assert figure_row(first) is None and figure_row(second) is None
    content = response.content.decode()
    assert "Chưa lưu gì: 1 dòng có lỗi" in content
    assert "Nghỉ việc, chuyển công tác: không được âm." in content
    assert "Kết nạp mới: phải là số nguyên" in content
    # what was typed is still there to be fixed
    assert 'value="12"' in content and 'value="-3"' in content


def test_each_listed_error_links_to_its_row_whatever_the_size_of_its_id(
    client_for, federation, federation_user, make_cdcs
):
    """Ids from 1,000 were written 1.020 in the link (the thousands separator) and missed their row."""
    with connection.cursor() as cursor:  # the next CĐCS gets id 1020
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('members_grassrootsunion', 'id'), 1019)")
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'members_grassrootsunion'")
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('members_grassrootsunion', 1019)")
    cdcs = make_cdcs(federation, opening=100, first_month=MARCH)
    assert cdcs.pk == 1020
    response = grid_post(client_for(federation_user), federation, {f"r{cdcs.pk}-lost_job": "-3"})
    content = response.content.decode()
    assert 'href="#row-1020"' in content and 'id="row-1020"' in content


def test_a_typed_month_end_that_does_not_add_up_is_an_error_on_its_row(
    client_for, federation, federation_user, two_unions
):
    first, second = two_unions
    response = grid_post(
        client_for(federation_user),
        federation,
        {f"r{first.pk}-admitted": "5", f"r{first.pk}-members_end": "106", f"r{second.pk}-admitted": "1"},
    )
    assert "Cuối kỳ 106 không khớp: đầu kỳ 100 + kết nạp 5 + chuyển đến 0 − giảm 0 = 105." in response.content.decode()
    assert MonthlyFigure.objects.filter(month=APRIL.first_day).count() == 0


def test_losses_above_the_stock_are_refused_whole(client_for, federation, federation_user, two_unions):
    first, second = two_unions
    response = grid_post(client_for(federation_user), federation, {f"r{second.pk}-lost_job": "41"})
    assert "Tổng số giảm (41) lớn hơn số đoàn viên có trong tháng (40)." in response.content.decode()
    assert figure_row(first) is None


def test_a_cdcs_in_its_first_month_needs_an_opening_stock(client_for, federation, federation_user, make_cdcs):
    cdcs = make_cdcs(federation)  # founded 2010, no figures yet
    client = client_for(federation_user)
    response = grid_post(client, federation, {f"r{cdcs.pk}-admitted": "3"})
    assert "cần nhập số đoàn viên đầu kỳ" in response.content.decode()
    grid_post(client, federation, {f"r{cdcs.pk}-admitted": "3", f"r{cdcs.pk}-members_start": "20"})
    assert (figure_row(cdcs).members_start, figure_row(cdcs).members_end) == (20, 23)


def test_saving_an_unchanged_grid_writes_nothing(client_for, federation, federation_user, two_unions):
    client = client_for(federation_user)
    grid_post(client, federation, {})
    audited = AuditEntry.objects.count()
    response = grid_post(client, federation, {})
    assert response.status_code == 302 and AuditEntry.objects.count() == audited
    assert "Không có gì thay đổi." in client.get(grid_url(federation)).content.decode()


# --- two people on one federation-month: a three-way merge, cell by cell ------------------------


def test_a_locked_month_shows_who_locked_it_and_refuses_a_save(
    client_for, federation, federation_user, provincial_staff, two_unions
):
    first, _second = two_unions
    client = client_for(federation_user)
    grid_post(client, federation, {})
    form = grid_form(client.get(grid_url(federation)))
    return_submit(federation=federation, month=APRIL, user=federation_user)
    return_approve(federation=federation, month=APRIL, user=provincial_staff)

    page = client.get(grid_url(federation)).content.decode()
    assert "đã được Bantochuc duyệt và khóa" in page
    assert f'name="r{first.pk}-admitted"' not in page  # read-only

    form["version"] = str(MonthlyReturn.objects.get(month=APRIL.first_day).version)
    response = grid_post(client, federation, {f"r{first.pk}-admitted": "9"}, start_from=form)
    assert "đã được Bantochuc duyệt và khóa" in response.content.decode()
    assert figure_row(first).admitted == 0


def test_the_federation_sees_why_its_month_was_unlocked(
    client_for, federation, federation_user, provincial_staff, two_unions
):
    client = client_for(federation_user)
    grid_post(client, federation, {})
    return_submit(federation=federation, month=APRIL, user=federation_user)
    return_approve(federation=federation, month=APRIL, user=provincial_staff)
    return_unlock(federation=federation, month=APRIL, reason="Sai số chuyển đi của CĐCS T0001", user=provincial_staff)
    page = client.get(grid_url(federation)).content.decode()
    assert "Lý do: Sai số chuyển đi của CĐCS T0001" in page


def test_a_change_to_a_submitted_month_sends_it_back_to_draft(client_for, federation, federation_user, two_unions):
    first, _second = two_unions
    client = client_for(federation_user)
    grid_post(client, federation, {})
    return_submit(federation=federation, month=APRIL, user=federation_user)
    grid_post(client, federation, {f"r{first.pk}-admitted": "4"})
    assert MonthlyReturn.objects.get(month=APRIL.first_day).status == MonthlyReturn.Status.DRAFT


def test_workflow_buttons_submit_approve_and_unlock(
    client_for, client, federation, federation_user, provincial_staff, two_unions
):
    from django.test import Client

    client = client_for(federation_user)
    response = client.post(grid_url(federation, name="members:return_submit"), follow=True)
    assert "Còn 2 CĐCS chưa có số liệu tháng 04/2021" in response.content.decode()

    grid_post(client, federation, {})
    response = client.post(grid_url(federation, name="members:return_submit"), follow=True)
    assert "Đã gửi báo cáo tháng 04/2021" in response.content.decode()
    assert client.post(grid_url(federation, name="members:return_approve")).status_code == 403

    provincial = Client()
    provincial.force_login(provincial_staff)
    provincial.post(grid_url(federation, name="members:return_approve"))
    assert MonthlyReturn.objects.get(month=APRIL.first_day).status == MonthlyReturn.Status.APPROVED

    response = provincial.post(grid_url(federation, name="members:return_unlock"), {"reason": "  "}, follow=True)
    assert "Cần ghi lý do mở khóa." in response.content.decode()
    assert MonthlyReturn.objects.get(month=APRIL.first_day).status == MonthlyReturn.Status.APPROVED


def test_leadership_sees_the_grid_read_only_and_cannot_post_it(client_for, federation, leader, two_unions):
    first, _second = two_unions
    client = client_for(leader)
    page = client.get(grid_url(federation)).content.decode()
    assert first.name in page and 'name="r' not in page
    assert client.post(grid_url(federation), {f"r{first.pk}-admitted": "1", "version": "0"}).status_code == 403
    assert figure_row(first) is None


def test_federation_staff_cannot_post_another_federations_grid(
    client_for, other_federation, other_federation_user, federation_user, make_cdcs
):
    cdcs = make_cdcs(other_federation, opening=10, first_month=MARCH)
    response = client_for(federation_user).post(
        grid_url(other_federation), {f"r{cdcs.pk}-admitted": "1", "version": "0"}
    )
    assert response.status_code == 404 and figure_row(cdcs) is None


# --- warnings ---------------------------------------------------------------------------------


def _warnings(federation, cdcs, month=APRIL):
    grid = grid_read(federation=federation, month=month)
    return next(row for row in grid.rows if row.cdcs == cdcs).warnings


def test_warnings_flag_unusual_figures_without_blocking(client_for, federation, federation_user, make_cdcs, settings):
    settings.GRID_JUMP_FACTOR = 3
    steady = make_cdcs(federation, opening=50, first_month=Month(2020, 3), workers=60)
    for month in [Month(2020, 4) + i for i in range(11)]:
        figures_record(cdcs=steady, month=month, admitted=4, lost={LossReason.JOB: 4}, user=None)
    client = client_for(federation_user)
    response = grid_post(client, federation, {f"r{steady.pk}-admitted": "13", f"r{steady.pk}-workers": "60"})
    assert response.status_code == 302  # saved all the same
    assert set(_warnings(federation, steady)) == {"jump", "admitted_over_workers"}
    page = client.get(grid_url(federation)).content.decode()
    assert "Tăng vọt so với 12 tháng trước" in page
    assert "Số kết nạp lớn hơn số lao động chưa là đoàn viên." in page


def test_losing_more_than_last_months_stock_is_a_warning(federation, make_cdcs):
    cdcs = make_cdcs(federation, opening=5, first_month=MARCH, workers=100)
    figures_record(cdcs=cdcs, month=APRIL, admitted=10, lost={LossReason.JOB: 7}, user=None)
    assert _warnings(federation, cdcs) == ["lost_over_stock"]


def test_acknowledged_warnings_stay_checked_until_the_figures_change(
    client_for, federation, federation_user, make_cdcs
):
    cdcs = make_cdcs(federation, opening=5, first_month=MARCH, workers=100)
    client = client_for(federation_user)
    grid_post(client, federation, {f"r{cdcs.pk}-admitted": "10", f"r{cdcs.pk}-lost_job": "7", f"r{cdcs.pk}-ack": "1"})
    assert figure_row(cdcs).acknowledged_warnings == ["lost_over_stock"]
    assert AuditEntry.objects.filter(action="figures.acknowledge").count() == 1
    assert f'name="r{cdcs.pk}-ack" value="1" checked' in client.get(grid_url(federation)).content.decode()

    grid_post(client, federation, {f"r{cdcs.pk}-lost_job": "8"})  # the box is not re-ticked
    assert figure_row(cdcs).acknowledged_warnings == []


# --- reading --------------------------------------------------------------------------------------


def test_grid_page_queries_do_not_grow_with_the_number_of_cdcs(
    client_for, federation, federation_user, make_cdcs, django_assert_max_num_queries
):
    client = client_for(federation_user)
    make_cdcs(federation, opening=10, first_month=MARCH)
    with django_assert_max_num_queries(12) as few:
        client.get(grid_url(federation))
    for _ in range(40):
        make_cdcs(federation, opening=10, first_month=MARCH)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(grid_url(federation)).context["grid"].rows) == 41


def test_grid_of_a_merged_federation_points_to_the_one_it_merged_into(client_for, provincial_staff, make_federation):
    old = make_federation("DHY", "LĐLĐ huyện Đồng Hỷ", active_to=date(2021, 3, 31))
    new = make_federation("TPTN", "LĐLĐ thành phố Thái Nguyên")
    old.merged_into = new
    old.save()
    page = client_for(provincial_staff).get(grid_url(old)).content.decode()
    assert "đã hợp nhất vào LĐLĐ thành phố Thái Nguyên từ tháng 04/2021" in page


def test_counts_are_read_the_way_people_type_them():
    assert [parse_count(text) for text in ["", " 12 ", "1.234", "0", "1 234"]] == [None, 12, 1234, 0, 1234]
    for bad in ["-1", "2,5", "1.23", "abc", "1e3"]:
        with pytest.raises(ValueError):
            parse_count(bad)


def test_start_page_sends_federation_staff_to_their_last_month(client_for, federation_user, federation):
    response = client_for(federation_user).get(reverse("members:grid_start"))
    assert response.status_code == 302 and f"/figures/{federation.code}/" in response.url


def test_the_month_federation_staff_pick_on_the_grid_is_the_month_they_get(client_for, federation_user, federation):
    """The grid's month picker sends everyone to the start page; federation staff were sent to
    their last complete month whatever they picked."""
    client = client_for(federation_user)
    response = client.get(reverse("members:grid_start"), {"org": federation.code, "month": "03/2021"})
    assert response.status_code == 302 and response.url == grid_url(federation, Month(2021, 3))
    response = client.get(reverse("members:grid_start"), {"month": "13/2021"}, follow=True)
    assert "Tháng không hợp lệ" in response.content.decode()


def test_ticking_checked_and_saving_says_it_was_stored(client_for, federation, federation_user, make_cdcs):
    """The tick was stored, and the page said "Không có gì thay đổi"."""
    cdcs = make_cdcs(federation, opening=5, first_month=MARCH, workers=100)
    figures_record(cdcs=cdcs, month=APRIL, admitted=10, lost={LossReason.JOB: 7}, user=None)
    client = client_for(federation_user)
    response = grid_post(
        client, federation, {f"r{cdcs.pk}-ack": "1"}, start_from=grid_form(client.get(grid_url(federation)))
    )
    assert response.status_code == 302 and figure_row(cdcs).acknowledged_warnings == ["lost_over_stock"]
    content = client.get(grid_url(federation)).content.decode()
    assert "Đã lưu đánh dấu “Đã kiểm tra” của 1 dòng." in content and "Không có gì thay đổi" not in content


def test_a_refused_cell_is_marked_itself_not_only_its_row(client_for, federation, federation_user, two_unions):
    first, second = two_unions
    response = grid_post(
        client_for(federation_user),
        federation,
        {f"r{first.pk}-admitted": "2,5", f"r{second.pk}-admitted": "5", f"r{second.pk}-members_end": "50"},
    )
    assert response.status_code == 200
    root = page(response)
    bad = grid_input(root, f"r{first.pk}-admitted")
    assert "is-invalid" in attr(bad, "class") and attr(bad, "aria-invalid") == "true"
    assert "phải là số nguyên" in attr(bad, "title")
    end = grid_input(root, f"r{second.pk}-members_end")
    assert "is-invalid" in attr(end, "class") and "Cuối kỳ 50 không khớp" in attr(end, "title")
    for name in (f"r{first.pk}-transferred_in", f"r{second.pk}-admitted"):  # the others are not
        assert "is-invalid" not in attr(grid_input(root, name), "class")
