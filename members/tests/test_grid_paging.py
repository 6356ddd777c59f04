"""The entry grid of a federation larger than a page (GRID_PAGE_SIZE, lowered here to 3): a page of
rows at a time, found by page, search or filter, with the federation's totals; a save writes the
rows it is sent and no other, then goes back to the page, or to the one asked for."""

import pytest
from django.test import Client

from members.figures.grid_paging import page_query, query_string
from members.figures.services import figures_record
from members.figures.workflow import return_submit
from unionportal.testing.html import attr, find, find_all, grid_form, page, text

from .grid_pages import APRIL, MARCH, figure_row, grid_input, grid_post, grid_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven(federation, make_cdcs, settings):
    """Seven CĐCS (T0001…T0007) with 10, 20 … 70 members at the end of March; pages of three."""
    settings.GRID_PAGE_SIZE = 3
    return [make_cdcs(federation, opening=10 * number, first_month=MARCH) for number in range(1, 8)]


def _shown(response) -> list[str]:
    return [attr(row, "id") for row in find_all(page(response), "tr") if (attr(row, "id") or "").startswith("row-")]


def _rows(*unions) -> list[str]:
    return [f"row-{cdcs.pk}" for cdcs in unions]


def _total(response, column: str) -> tuple[str, str | None]:
    cell = find(page(response), "td", data_total=column)
    return text(cell), attr(cell, "data-rest")


def test_a_federation_larger_than_a_page_shows_a_page_with_the_federations_totals(
    client_for, federation, federation_user, seven
):
    client = client_for(federation_user)
    first = client.get(grid_url(federation))
    assert _shown(first) == _rows(*seven[:3])
    assert first.context["totals"]["previous_end"] == 280  # every page's CĐCS
    assert _total(first, "previous_end")[0] == "280"
    assert _total(first, "members_end") == ("280", "220")  # what the other pages add, for the script
    pages = find(page(first), "nav", aria_label="Trang của bảng nhập")
    links = {text(link): attr(link, "title") for link in find_all(pages, "a")}
    assert links == {"1": "T0001 – T0003", "2": "T0004 – T0006", "3": "T0007 – T0007"}
    assert "Dòng 1–3 trong 7" in first.content.decode()

    last = client.get(grid_url(federation) + "?page=3")
    assert _shown(last) == _rows(seven[6])
    assert client.get(grid_url(federation) + "?page=99").context["grid_page"].number == 3
    assert _shown(client.get(grid_url(federation) + "?page=abc")) == _rows(*seven[:3])


def test_a_federation_of_a_page_or_less_shows_its_grid_as_before(client_for, federation, federation_user, two_unions):
    response = client_for(federation_user).get(grid_url(federation))
    assert _shown(response) == _rows(*two_unions)
    assert not find_all(page(response), "div", id="grid-pager")
    assert _total(response, "members_end") == ("140", "0")


def test_a_save_writes_the_rows_it_is_sent_and_keeps_the_other_pages(client_for, federation, federation_user, seven):
    client = client_for(federation_user)
    response = grid_post(client, federation, {f"r{seven[0].pk}-admitted": "5"})  # page 1 as a browser posts it
    assert response.status_code == 302
    assert [figure_row(cdcs) is not None for cdcs in seven] == [True] * 3 + [False] * 4
    assert figure_row(seven[0]).admitted == 5

    second = grid_form(client.get(grid_url(federation) + "?page=2"))
    second[f"r{seven[4].pk}-lost_job"] = "2"
    assert client.post(grid_url(federation) + "?page=2", second)["Location"].endswith("?page=2")
    assert (figure_row(seven[0]).admitted, figure_row(seven[4]).lost_job, figure_row(seven[4]).members_end) == (
        5,
        2,
        48,
    )

    # as the page's script posts it: the version and the one row changed, nothing of the others
    version = client.get(grid_url(federation)).context["grid"].monthly_return.version
    base = grid_form(client.get(grid_url(federation)))[f"r{seven[1].pk}-base"]
    client.post(
        grid_url(federation), {"version": version, f"r{seven[1].pk}-admitted": "1", f"r{seven[1].pk}-base": base}
    )
    assert (figure_row(seven[0]).admitted, figure_row(seven[1]).admitted, figure_row(seven[4]).lost_job) == (5, 1, 2)
    totals = client.get(grid_url(federation) + "?page=3").context["totals"]
    assert (totals["admitted"], totals["lost_job"], totals["members_end"]) == (6, 2, 284)


def test_a_page_saved_late_keeps_what_someone_saved_on_another_page_meanwhile(
    client_for, federation, federation_user, provincial_staff, seven
):
    for cdcs in seven:
        figures_record(cdcs=cdcs, month=APRIL, user=None)
    mine = grid_form(client_for(federation_user).get(grid_url(federation)))  # page 1, opened first
    colleague = Client()
    colleague.force_login(provincial_staff)
    grid_post(colleague, federation, {f"r{seven[5].pk}-admitted": "7"}, start_from=grid_form(
        colleague.get(grid_url(federation) + "?page=2")))  # fmt: skip

    mine[f"r{seven[0].pk}-admitted"] = "3"
    response = client_for(federation_user).post(grid_url(federation), mine)
    assert response.status_code == 302
    assert (figure_row(seven[0]).admitted, figure_row(seven[5]).admitted) == (3, 7)


def test_saving_on_the_way_to_another_page_goes_there_once_saved(client_for, federation, federation_user, seven):
    client = client_for(federation_user)
    form = grid_form(client.get(grid_url(federation)))
    form.update({f"r{seven[0].pk}-admitted": "4", "goto": "?page=2&q=c%C3%B4ng&evil=1"})
    response = client.post(grid_url(federation), form)
    assert response["Location"] == grid_url(federation) + "?q=c%C3%B4ng&page=2"
    assert figure_row(seven[0]).admitted == 4

    form = grid_form(client.get(grid_url(federation)))
    form.update({f"r{seven[1].pk}-admitted": "-1", "goto": "?page=3"})
    refused = client.post(grid_url(federation), form)  # refused: the page stays, with its error
    assert refused.status_code == 200 and figure_row(seven[1]).admitted == 0
    assert "không được âm" in refused.content.decode()


def test_a_refused_save_shows_the_rows_it_was_sent_as_typed_whatever_page_it_asks_for(
    client_for, federation, federation_user, seven
):
    client = client_for(federation_user)
    version = client.get(grid_url(federation)).context["grid"].monthly_return.version
    # a row of page 3 sent from a page that says page 1 (a search changed the pages meanwhile)
    response = client.post(grid_url(federation), {"version": version, f"r{seven[6].pk}-admitted": "1,5"})
    assert response.status_code == 200
    assert _rows(seven[6])[0] in _shown(response)
    cell = grid_input(page(response), f"r{seven[6].pk}-admitted")
    assert attr(cell, "value") == "1,5" and "is-invalid" in attr(cell, "class")
    assert "data-post" in dict(find(page(response), "tr", id=f"row-{seven[6].pk}").attributes)
    assert figure_row(seven[6]) is None


def test_search_and_filters_find_rows_across_pages(client_for, federation, federation_user, seven):
    client = client_for(federation_user)
    assert _shown(client.get(grid_url(federation) + "?q=cong+ty+6")) == _rows(seven[5])  # without accents
    assert _shown(client.get(grid_url(federation) + "?q=t0007")) == _rows(seven[6])
    nothing = client.get(grid_url(federation) + "?q=kh%C3%B4ng+c%C3%B3")
    assert _shown(nothing) == [] and "Không có CĐCS nào khớp" in nothing.content.decode()

    for cdcs in seven[:5]:
        figures_record(cdcs=cdcs, month=APRIL, user=None)
    missing = client.get(grid_url(federation) + "?show=missing")
    assert _shown(missing) == _rows(seven[5], seven[6])
    assert "(lọc từ 7 CĐCS)" in missing.content.decode()
    assert attr(find(page(missing), "a", id="show-missing"), "href") == "?show=missing"

    figures_record(cdcs=seven[4], month=APRIL, admitted=60, user=None)  # more than its 50 workers not members
    warned = client.get(grid_url(federation) + "?show=warnings")
    assert _shown(warned) == _rows(seven[4])


def test_the_link_to_the_first_unchecked_warning_opens_the_rows_with_warnings(
    client_for, federation, provincial_staff, seven, federation_user
):
    for cdcs in seven:
        figures_record(cdcs=cdcs, month=APRIL, user=None)
    figures_record(cdcs=seven[5], month=APRIL, admitted=50, user=None)  # more than its 40 workers not members
    return_submit(federation=federation, month=APRIL, user=federation_user)
    response = client_for(provincial_staff).get(grid_url(federation))
    assert attr(find(page(response), "a", id="first-open-warning"), "href") == f"?show=warnings#row-{seven[5].pk}"


def test_a_grids_page_address_keeps_only_its_own_keys():
    assert page_query({"q": "  Công   ty ", "show": "missing", "page": "2", "prefill": "register", "x": "1"}) == {
        "q": "Công ty",
        "show": "missing",
        "page": "2",
        "prefill": "register",
    }
    assert page_query({"show": "everything", "page": "-1", "prefill": "yes", "q": "x" * 500}) == {"q": "x" * 100}
    assert page_query({"page": "1"}) == {}
    assert query_string({"q": "a b", "page": "3"}, page=None) == "?q=a+b"
    assert query_string({}) == ""
