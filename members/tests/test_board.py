"""The submission board: who sent their month, on time or late, and how far the others are."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from members.figures.services import figures_record
from members.figures.workflow import return_approve, return_submit, return_unlock
from members.models import MonthlyReturn, Role, UserProfile
from members.selectors import Timeliness, board_rows, return_due_at
from members.services.org import cdcs_dissolve, cdcs_move
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text

MARCH = Month(2021, 3)


def _board(client, **params):
    response = client.get(reverse("members:board"), params)
    assert response.status_code == 200
    return response


def _rows(response) -> dict[str, dict]:
    """federation code → what its row shows."""
    rows = {}
    for tr in find_all(find(page(response), "table", id="board"), "tr", data_federation=True):
        cells = [text(td) for td in find_all(tr, "td")]
        rows[attr(tr, "data-federation")] = {
            "status": cells[1],
            "timeliness": cells[2],
            "submitted": cells[3],
            "approved": cells[4],
            "cdcs": cells[5],
            "note": cells[6],
        }
    return rows


def _summary(response) -> str:
    return text(find(page(response), id="summary"))


def _submitted_at(federation, month: Month, moment: datetime) -> None:
    MonthlyReturn.objects.filter(federation=federation, month=month.first_day).update(submitted_at=moment)


def test_the_deadline_is_the_end_of_the_due_day_of_the_following_month_in_vietnam():
    due = return_due_at(MARCH)
    assert timezone.localtime(due).date() == date(2021, 4, 10)
    assert str(timezone.localtime(due).tzinfo) == "Asia/Ho_Chi_Minh"
    assert due < timezone.make_aware(datetime(2021, 4, 11))
    assert due > timezone.make_aware(datetime(2021, 4, 10, 23, 59))


def test_a_due_day_past_the_end_of_a_short_month_falls_on_its_last_day(settings):
    settings.RETURN_DUE_DAY = 31
    assert timezone.localtime(return_due_at(Month(2021, 1))).date() == date(2021, 2, 28)


@pytest.fixture
def four_federations(federation, other_federation, make_federation, make_cdcs, federation_user, provincial_staff):
    """DT sent on time, PB late, VN sent nothing, DH sent on time and was approved."""
    third, fourth = make_federation("VN", "LĐLĐ huyện Võ Nhai"), make_federation("DH", "LĐLĐ huyện Định Hóa")
    for org in (federation, other_federation, third, fourth):
        make_cdcs(org, opening=40, first_month=MARCH)
    due = return_due_at(MARCH)
    for org in (federation, other_federation, fourth):
        return_submit(federation=org, month=MARCH, user=provincial_staff)
    return_approve(federation=fourth, month=MARCH, user=provincial_staff)
    _submitted_at(federation, MARCH, due - timedelta(hours=1))
    _submitted_at(other_federation, MARCH, due + timedelta(minutes=1))
    _submitted_at(fourth, MARCH, due - timedelta(days=3))
    return federation, other_federation, third, fourth


def test_board_tells_on_time_late_and_missing_returns_apart(client_for, leader, four_federations):
    response = _board(client_for(leader), month="2021-03")
    rows = _rows(response)
    assert {code: row["timeliness"] for code, row in rows.items()} == {
        "DT": "Đúng hạn",
        "PB": "Trễ hạn",
        "VN": "Quá hạn, chưa gửi",
        "DH": "Đúng hạn",
    }
    assert {code: row["status"] for code, row in rows.items()} == {
        "DT": "Đã gửi",
        "PB": "Đã gửi",
        "VN": "Đang nhập",
        "DH": "Đã duyệt",
    }
    assert _summary(response).startswith("2 đúng hạn · 1 trễ hạn · 1 quá hạn, chưa gửi · 0 chưa đến hạn")
    assert "hết ngày 10/04/2021" in response.content.decode()


def test_board_shows_who_submitted_and_approved_and_when(client_for, leader, four_federations, provincial_staff):
    rows = _rows(_board(client_for(leader), month="2021-03"))
    approved_at = timezone.localtime(
        MonthlyReturn.objects.get(federation__code="DH", month=MARCH.first_day).approved_at
    )
    assert rows["DT"]["submitted"] == "22:59 10/04/2021 Bantochuc"
    assert rows["DH"]["submitted"] == "23:59 07/04/2021 Bantochuc"
    assert rows["DH"]["approved"] == f"{approved_at:%H:%M %d/%m/%Y} Bantochuc"
    assert rows["VN"]["submitted"] == rows["VN"]["approved"] == "—"


def test_a_month_not_yet_due_is_not_called_missing(client_for, leader, federation, make_cdcs):
    this_month = Month.of(timezone.localdate())
    make_cdcs(federation)
    rows = _rows(_board(client_for(leader), month=this_month.iso))
    assert rows["DT"]["status"] == "Chưa có số liệu"
    assert rows["DT"]["timeliness"] == "Chưa đến hạn"


def test_board_opens_on_the_last_complete_month(client_for, leader, federation):
    response = _board(client_for(leader))
    last = Month.last_complete(timezone.localdate())
    assert response.context["month"] == last
    assert f'value="{last}"' in response.content.decode()  # 03/2021, as the page writes months


def test_board_counts_the_cdcs_under_each_federation_that_month_and_those_with_figures(
    client_for, leader, federation, other_federation, make_cdcs, provincial_staff
):
    make_cdcs(federation, opening=30, first_month=MARCH)
    make_cdcs(federation)  # no figures yet
    gone = make_cdcs(federation, opening=10, first_month=Month(2021, 1))
    cdcs_dissolve(cdcs=gone, on=date(2021, 2, 15), reason="Doanh nghiệp phá sản", user=provincial_staff)
    moved = make_cdcs(federation, opening=20, first_month=Month(2021, 2))
    cdcs_move(cdcs=moved, federation=other_federation, from_month=MARCH, user=provincial_staff)
    figures_record(cdcs=moved, month=MARCH, user=provincial_staff)

    rows = _rows(_board(client_for(leader), month="2021-03"))
    assert rows["DT"]["cdcs"] == "1 / 2"
    assert rows["PB"]["cdcs"] == "1 / 1"
    assert rows["DT"]["status"] == "Đang nhập"


def test_board_lists_only_federations_active_that_month(client_for, leader, federation, make_federation):
    make_federation("OLD", "LĐLĐ huyện cũ", active_to=date(2020, 12, 31))
    make_federation("NEW", "LĐLĐ huyện mới", active_from=date(2021, 6, 1))
    assert set(_rows(_board(client_for(leader), month="2021-03"))) == {"DT"}


def test_board_shows_why_a_month_was_unlocked(client_for, leader, federation, make_cdcs, provincial_staff):
    make_cdcs(federation, opening=40, first_month=MARCH)
    return_submit(federation=federation, month=MARCH, user=provincial_staff)
    return_approve(federation=federation, month=MARCH, user=provincial_staff)
    return_unlock(federation=federation, month=MARCH, reason="Sai số kết nạp của CĐCS May 10", user=provincial_staff)
    row = _rows(_board(client_for(leader), month="2021-03"))["DT"]
    assert row["status"] == "Đang nhập – cần gửi lại"
    assert "Sai số kết nạp của CĐCS May 10" in row["note"]
    assert row["timeliness"] == "Quá hạn, chưa gửi"


def test_rows_link_to_the_federations_grid_and_history(client_for, leader, federation):
    content = _board(client_for(leader), month="2021-03").content.decode()
    assert reverse("members:grid", kwargs={"code": "DT", "month": MARCH}) in content
    assert reverse("members:return_history", kwargs={"code": "DT", "month": MARCH}) in content


def _follow(user, *federations):
    UserProfile.objects.get(user=user).followed_federations.set(federations)


def test_a_steering_committee_member_sees_only_the_federations_they_follow(
    client_for, leader, four_federations, federation
):
    _follow(leader, federation)
    response = _board(client_for(leader), month="2021-03", follower="me")
    assert set(_rows(response)) == {"DT"}
    assert _summary(response).startswith("1 đúng hạn · 0 trễ hạn · 0 quá hạn, chưa gửi")


def test_provincial_staff_can_pick_a_steering_committee_member_to_see_their_federations(
    client_for, leader, provincial_staff, four_federations, other_federation
):
    _follow(leader, other_federation)
    client = client_for(provincial_staff)
    response = _board(client, month="2021-03")
    options = [text(option) for option in find_all(find(page(response), "select", id="id_follower"), "option")]
    assert options == ["Tất cả các đơn vị", "Lanhdao"]  # no "mine": provincial staff follow nobody
    assert set(_rows(_board(client, month="2021-03", follower=str(leader.pk)))) == {"PB"}


def test_the_follower_filter_offers_my_federations_only_to_those_who_follow_some(client_for, leader, federation):
    client = client_for(leader)
    assert "Các đơn vị tôi theo dõi" not in text(find(page(_board(client)), "select", id="id_follower"))
    _follow(leader, federation)
    assert "Các đơn vị tôi theo dõi" in text(find(page(_board(client)), "select", id="id_follower"))


def test_federation_staff_see_only_their_own_federation_and_its_deadline(client_for, federation_user, four_federations):
    response = _board(client_for(federation_user), month="2021-03")
    assert set(_rows(response)) == {"DT"}
    content = response.content.decode()
    assert "hạn gửi hết ngày 10/04/2021" in content
    assert 'name="follower"' not in content


def test_an_unreadable_month_is_refused_with_a_message(client_for, leader):
    response = _board(client_for(leader), month="2021-13")
    assert "Tháng không hợp lệ" in response.content.decode()
    assert "rows" not in response.context


def test_sorting_by_urgency_puts_missing_and_late_returns_first(client_for, leader, four_federations):
    codes = list(_rows(_board(client_for(leader), month="2021-03", sort="urgency")))
    assert codes[:2] == ["VN", "PB"]


def test_board_rows_from_the_selector_for_the_dashboard(four_federations):
    federation, other, third, fourth = four_federations
    rows = board_rows(month=MARCH, federations=[federation, other, third, fourth])
    assert [row.timeliness for row in rows] == [
        Timeliness.ON_TIME,
        Timeliness.LATE,
        Timeliness.MISSING,
        Timeliness.ON_TIME,
    ]
    # before the deadline, a return not sent yet is not missing
    early = board_rows(month=MARCH, federations=[third], now=return_due_at(MARCH) - timedelta(days=1))
    assert early[0].timeliness == Timeliness.NOT_DUE


def test_board_queries_do_not_grow_with_federations(
    client_for, leader, make_federation, make_cdcs, provincial_staff, django_assert_max_num_queries
):
    federations = []
    for number in range(25):
        org = make_federation(f"F{number:02d}")
        make_cdcs(org, opening=10, first_month=MARCH)
        make_cdcs(org, founded_on=date(2021, 3, 20))  # founded this month, no figures yet
        federations.append(org)
    for org in federations[:10]:
        figures_record(cdcs=org.affiliations.last().cdcs, month=MARCH, user=provincial_staff)
        return_submit(federation=org, month=MARCH, user=provincial_staff)
    for org in federations[:5]:
        return_approve(federation=org, month=MARCH, user=provincial_staff)
    for number in range(3):
        follower = get_user_model().objects.create_user(f"bcd{number}")
        UserProfile.objects.create(user=follower, role=Role.LEADERSHIP)
        _follow(follower, *federations[number::3])
    _follow(leader, *federations[:4])
    client = client_for(leader)
    with django_assert_max_num_queries(9):  # 8, and the navbar bell's unread count (notices)
        response = _board(client, month="2021-03")
    assert len(_rows(response)) == 25
    with django_assert_max_num_queries(9):
        response = _board(client, month="2021-03", follower="me")
    assert len(_rows(response)) == 4
