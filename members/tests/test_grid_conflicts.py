"""Two people on one federation-month: a three-way merge, cell by cell. A save from a page opened
before someone else saved keeps the cells only the other person changed, stops on a cell both
changed and shows both values, and never guesses for a client that does not say what it started
from."""

import pytest

from members.figures.services import figures_record
from members.models import LossReason
from unionportal.testing.html import attr, find, find_all, grid_form, page, text

from .grid_pages import APRIL, MARCH, figure_row, grid_input, grid_post, grid_url


@pytest.fixture
def colleague(provincial_staff):
    from django.test import Client

    other = Client()
    other.force_login(provincial_staff)
    return other


@pytest.fixture
def saved_april(federation, two_unions):
    """Both CĐCS with April saved (all zeros, 20 workers each), as two people then open it."""
    for cdcs in two_unions:
        figures_record(cdcs=cdcs, month=APRIL, workers=20, user=None)
    return two_unions


def _save_as_told(client, federation, form):
    """Press Lưu; when the page refuses and says to press Lưu again, press it again on that page."""
    response = client.post(grid_url(federation), form)
    if response.status_code == 200 and "bấm Lưu lần nữa" in response.content.decode():
        response = client.post(grid_url(federation), grid_form(response))
    return response


def test_a_stale_save_keeps_the_cells_only_the_other_person_changed(
    client_for, colleague, federation, federation_user, saved_april
):
    """A opens the grid, B changes CĐCS 1 and saves, A changes CĐCS 2 and saves: B's figure on
    CĐCS 1 used to be overwritten with A's stale 0."""
    first, second = saved_april
    client = client_for(federation_user)
    mine = grid_form(client.get(grid_url(federation)))
    assert (
        grid_post(colleague, federation, {f"r{first.pk}-admitted": "7", f"r{first.pk}-workers": "25"}).status_code
        == 302
    )

    mine[f"r{second.pk}-admitted"] = "3"
    response = _save_as_told(client, federation, mine)

    assert response.status_code == 302
    assert (figure_row(first).admitted, figure_row(first).workers, figure_row(first).members_end) == (
        7,
        25,
        107,
    )  # B's, kept
    assert (figure_row(second).admitted, figure_row(second).members_end) == (3, 43)  # A's, written
    page = client.get(grid_url(federation)).content.decode()
    assert "Trong lúc bạn nhập, Bantochuc đã lưu tháng này" in page


def test_a_cell_both_people_changed_stops_the_save_and_shows_both_values(
    client_for, colleague, federation, federation_user, saved_april
):
    first, second = saved_april
    client = client_for(federation_user)
    mine = grid_form(client.get(grid_url(federation)))
    grid_post(colleague, federation, {f"r{first.pk}-admitted": "7", f"r{first.pk}-lost_died": "1"})

    mine.update({f"r{first.pk}-admitted": "5", f"r{second.pk}-admitted": "3"})
    response = client.post(grid_url(federation), mine)

    assert response.status_code == 200
    assert (figure_row(first).admitted, figure_row(second).admitted) == (7, 0)  # nothing of A's written yet
    content = response.content.decode()
    assert "Bantochuc đã lưu số liệu tháng 04/2021" in content and "sau khi bạn mở trang này" in content
    row = find(page(response), "tr", id=f"row-{first.pk}")
    cell = grid_input(row, f"r{first.pk}-admitted")
    assert "conflict" in attr(cell, "class") and attr(cell, "value") == "5"  # A's, with…
    picks = {text(button): attr(button, "data-value") for button in find_all(row, "button")}
    assert picks == {"Của bạn: 5": "5", "Đã lưu: 7": "7"}  # …both values to choose from
    died = grid_input(row, f"r{first.pk}-lost_died")
    assert attr(died, "value") == "1" and "taken" in attr(died, "class")  # only B changed it: B's
    assert attr(grid_input(page(response), f"r{second.pk}-admitted"), "value") == "3"


@pytest.mark.parametrize("choice, expected", [("5", 5), ("7", 7)])
def test_saving_again_after_a_conflict_keeps_the_value_chosen_in_the_cell(
    client_for, colleague, federation, federation_user, saved_april, choice, expected
):
    first, second = saved_april
    client = client_for(federation_user)
    mine = grid_form(client.get(grid_url(federation)))
    grid_post(colleague, federation, {f"r{first.pk}-admitted": "7", f"r{first.pk}-lost_died": "1"})
    mine.update({f"r{first.pk}-admitted": "5", f"r{second.pk}-admitted": "3"})
    refused = client.post(grid_url(federation), mine)

    again = grid_form(refused)
    again[f"r{first.pk}-admitted"] = choice  # what the cell's two buttons put in it
    assert client.post(grid_url(federation), again).status_code == 302
    assert (figure_row(first).admitted, figure_row(first).lost_died, figure_row(second).admitted) == (expected, 1, 3)


def test_a_stale_post_that_does_not_say_what_it_started_from_changes_no_cell_someone_else_saved(
    client_for, colleague, federation, federation_user, saved_april
):
    """A client that posts only cells and a version (no loaded values): what it would change on a
    stale month is refused rather than guessed."""
    first, _second = saved_april
    version = client_for(federation_user).get(grid_url(federation)).context["grid"].monthly_return.version
    grid_post(colleague, federation, {f"r{first.pk}-admitted": "7"})
    response = client_for(federation_user).post(
        grid_url(federation), {"version": str(version), f"r{first.pk}-admitted": "2"}
    )
    assert response.status_code == 200 and "sau khi bạn mở trang này" in response.content.decode()
    assert figure_row(first).admitted == 7


def test_a_row_left_out_of_the_post_is_left_as_it_is(client_for, federation, federation_user, two_unions, make_cdcs):
    first, second = two_unions
    figures_record(cdcs=first, month=APRIL, admitted=4, lost={LossReason.DIED: 1}, workers=30, user=None)
    third = make_cdcs(federation, opening=10, first_month=MARCH)  # nothing saved for April
    client = client_for(federation_user)
    version = client.get(grid_url(federation)).context["grid"].monthly_return.version
    response = client.post(grid_url(federation), {"version": str(version), f"r{second.pk}-admitted": "2"})
    assert response.status_code == 302
    assert (figure_row(first).admitted, figure_row(first).lost_died, figure_row(first).workers) == (
        4,
        1,
        30,
    )  # not zeroed
    assert figure_row(third) is None  # not created
    assert figure_row(second).admitted == 2


def test_a_cell_left_out_of_the_post_keeps_its_saved_value(client_for, federation, federation_user, two_unions):
    first, _second = two_unions
    figures_record(cdcs=first, month=APRIL, admitted=4, lost={LossReason.DIED: 1}, user=None)
    client = client_for(federation_user)
    version = client.get(grid_url(federation)).context["grid"].monthly_return.version
    client.post(grid_url(federation), {"version": str(version), f"r{first.pk}-transferred_in": "2"})
    assert (figure_row(first).admitted, figure_row(first).transferred_in, figure_row(first).lost_died) == (4, 2, 1)


def test_a_tick_someone_else_stored_meanwhile_is_kept_by_a_save_that_did_not_touch_it(
    client_for, colleague, federation, federation_user, make_cdcs
):
    cdcs = make_cdcs(federation, opening=5, first_month=MARCH, workers=100)
    other = make_cdcs(federation, opening=50, first_month=MARCH)
    figures_record(cdcs=cdcs, month=APRIL, admitted=10, lost={LossReason.JOB: 7}, user=None)
    client = client_for(federation_user)
    mine = grid_form(client.get(grid_url(federation)))  # the box unticked
    grid_post(colleague, federation, {f"r{cdcs.pk}-ack": "1"})  # B ticks it
    mine[f"r{other.pk}-admitted"] = "2"
    assert client.post(grid_url(federation), mine).status_code == 302
    assert figure_row(cdcs).acknowledged_warnings == ["lost_over_stock"]  # B's tick kept
    assert figure_row(other).admitted == 2


def test_a_mistyped_cell_on_a_stale_page_is_reported_as_mistyped_not_as_a_conflict(
    client_for, colleague, federation, federation_user, saved_april
):
    first, _second = saved_april
    grid_post(colleague, federation, {f"r{first.pk}-admitted": "5"})
    client = client_for(federation_user)
    mine = grid_form(client.get(grid_url(federation)))
    grid_post(colleague, federation, {f"r{first.pk}-admitted": "7"})
    mine[f"r{first.pk}-admitted"] = "5,5"  # a typo over the 5 the page showed
    response = client.post(grid_url(federation), mine)
    content = response.content.decode()
    assert "Kết nạp mới: phải là số nguyên" in content and "Chưa lưu gì: 1 dòng có lỗi" in content
    assert "conflict" not in attr(grid_input(page(response), f"r{first.pk}-admitted"), "class")
    assert figure_row(first).admitted == 7
