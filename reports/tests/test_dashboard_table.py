"""The dashboard of a province with more federations than a page (reports.dashboard_table): its
table in pages, sorted on the server, searched by name or code; the cards that list federations
cut to their first rows with a link to the rest; the officers card loaded apart; the Excel file
still whole. A province that fits on one page (the `world` of conftest.py) keeps its table whole.

The province here is unionportal.testing.many_federations: 61 federations (H01 … H60 and DT),
ranked H55 … H01, DT, then H56 … H60 without a quota; 17 of them behind in 01/2021."""

from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from conftest import FAST_HASHERS
from reports.dashboard_table import CARD_ROWS, PAGE_SIZE
from unionportal.testing.html import attr, find, find_all, text
from unionportal.testing.html import page as parsed
from unionportal.testing.many_federations import many_federations

URL = reverse("reports:dashboard")
RANGE = {"start": "2021-01", "end": "2021-01", "org": "TN"}
COUNT = 61

# The module builds its province once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)


@pytest.fixture(scope="module")
def country_once(django_db_setup, django_db_blocker):
    """The province of the module's docstring, built once and rolled back at the module's end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            world = many_federations()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def board(country_once, db, client):
    """The dashboard as the leader reads it, for a query over the module's range."""
    client.force_login(country_once["leader"])

    def get(**query):
        response = client.get(URL, {**RANGE, **query})
        assert response.status_code == 200
        return parsed(response)

    return get


def _codes(response, table_id="dash-federations") -> list[str]:
    return [attr(row, "data-org") for row in find_all(find(response, id=table_id), "tr", data_org=True)]


def _ranked(response) -> list[str]:
    return [attr(item, "data-org") for item in find_all(find(response, id="dash-ranked"), "li", data_org=True)]


def _hidden(form) -> dict[str, str]:
    return {attr(field, "name"): attr(field, "value") for field in find_all(form, "input", type="hidden")}


def _query(href: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(href).query).items()}


def test_the_table_opens_on_its_first_page_by_rank_and_the_phone_list_shows_the_same(board):
    response = board()
    ranked = [f"H{n:02d}" for n in range(55, 0, -1)]
    assert _codes(response) == ranked[:PAGE_SIZE]
    assert _ranked(response) == ranked[:PAGE_SIZE]
    assert "Đơn vị 1–50 / 61" in text(find(response, id="federations-count"))
    pages = find(response, "nav", aria_label="Trang")
    assert "Trang 1/2" in text(pages)


def test_page_two_shows_the_next_federations_then_those_without_a_rank(board):
    response = board(page="2")
    assert _codes(response) == ["H05", "H04", "H03", "H02", "H01", "DT", "H56", "H57", "H58", "H59", "H60"]
    assert "Đơn vị 51–61 / 61" in text(find(response, id="federations-count"))
    row = find(find(response, id="dash-federations"), "tr", data_org="DT")
    assert [text(cell) for cell in find_all(row, "td")[:3]] == ["56", "LĐLĐ huyện Đại Từ", "0"]


def test_a_page_past_the_last_or_not_a_number_shows_a_page_that_exists(board):
    assert _codes(board(page="99"))[0] == "H05"  # the last
    assert _codes(board(page="hai"))[0] == "H55"  # the first


def test_a_column_sorts_the_whole_table_not_only_the_page(board):
    response = board(sort="admitted", order="asc")
    assert _codes(response)[:3] == ["DT", "H01", "H02"]
    header = find(find(response, id="dash-federations"), "th", data_key="admitted")
    assert attr(header, "aria-sort") == "ascending"
    assert _query(attr(find(header, "a"), "href"))["order"] == "desc"  # the next click turns it round
    assert _codes(board(sort="admitted", order="desc", page="2"))[:2] == ["H10", "H09"]
    assert _codes(board(sort="name"))[:2] == ["DT", "H01"]  # Đ as D, before H


def test_sorting_by_progress_puts_the_furthest_behind_first_and_those_without_a_quota_last(board):
    codes = _codes(board(sort="progress", order="asc", page="2"))
    assert codes[-5:] == ["H56", "H57", "H58", "H59", "H60"]
    codes = _codes(board(sort="progress", order="asc"))
    assert codes[:18] == ["DT", *(f"H{n:02d}" for n in range(1, 17)), "H55"]  # then on pace, by rank


def test_an_unknown_order_is_the_table_by_rank(board):
    response = board(sort="password", order="sideways")
    assert _codes(response)[0] == "H55"
    assert attr(find(find(response, id="dash-federations"), "th", data_key="rank"), "aria-sort") == "ascending"


def test_the_search_finds_a_name_without_its_accents_or_a_code_and_says_when_nothing_matches(board):
    assert _codes(board(q="dai tu")) == ["DT"]
    assert _codes(board(q="  ĐẠI   từ ")) == ["DT"]
    assert _codes(board(q="h4")) == [f"H{n}" for n in range(49, 39, -1)]
    response = board(q="Hà Nội")
    assert not _codes(response)
    assert "Không có đơn vị nào có tên hoặc mã khớp với “Hà Nội”." in text(find(response, id="dash-federations"))
    clear = _query(attr(find(response, id="federations-clear"), "href"))
    assert "q" not in clear and clear["start"] == "2021-01"


def test_the_search_box_keeps_the_range_and_the_order_and_the_form_keeps_them_too(board):
    response = board(sort="admitted", order="asc", q="h1")
    hidden = _hidden(find(response, id="federations-search"))
    assert hidden == {**RANGE, "sort": "admitted", "order": "asc"}
    form = _hidden(find(response, id="dashboard-form"))
    assert form["q"] == "h1" and form["sort"] == "admitted"


def test_a_federation_on_page_two_links_to_its_drill_down_for_the_range(board, client):
    link = find(find(find(board(page="2"), id="dash-federations"), "tr", data_org="H03"), "a")
    detail = attr(link, "href")
    assert detail.startswith(reverse("reports:federation_detail", kwargs={"code": "H03"}))
    assert _query(detail)["start"] == "2021-01"
    assert client.get(detail).status_code == 200


def test_the_laggards_card_lists_the_furthest_behind_and_leads_to_the_rest(board):
    response = board()
    card = find(response, id="dash-laggards")
    assert len(find_all(card, "tr", data_org=True)) == CARD_ROWS
    more = find(response, id="laggards-more")
    assert "10 đơn vị chậm nhiều nhất trong 17 đơn vị chậm tiến độ" in text(more)
    query = _query(attr(find(more, "a"), "href"))
    assert (query["sort"], query["order"]) == ("progress", "asc")


def test_the_officers_card_is_loaded_apart_and_lists_its_first_federations(board, client):
    placeholder = find(board(), id="dash-officers")
    source = attr(placeholder, "data-src")
    assert source.startswith(reverse("reports:dashboard_officers")) and not find_all(placeholder, "table")
    card = find(parsed(client.get(source)), id="dash-officers")
    assert len(find_all(card, "tr", data_org=True)) == CARD_ROWS
    assert "Bảng gồm 10 trong 61 đơn vị" in text(find(card, id="officers-more"))


def test_the_excel_file_holds_every_federation_whatever_the_page_or_search(board, client):
    export = attr(find(board(page="2", q="h1"), id="export-xlsx"), "href")
    assert "page" not in _query(export) and "q" not in _query(export)
    workbook = load_workbook(BytesIO(client.get(export).content))
    codes = [row[1] for row in workbook["Theo đơn vị"].iter_rows(min_row=7, values_only=True)]
    assert len(codes) == COUNT + 1 and codes[-1] == "TN"  # every federation, then the province's total


def test_the_organising_card_lists_only_federations_with_enterprises_when_in_pages(board):
    assert not find_all(board(), id="dash-organising-federations")  # none here has an enterprise


def test_page_two_a_sort_and_a_search_cost_the_queries_of_page_one(country_once, db, client):
    client.force_login(country_once["leader"])
    with CaptureQueriesContext(connection) as first:
        client.get(URL, RANGE)
    with CaptureQueriesContext(connection) as second:
        client.get(URL, {**RANGE, "page": "2", "sort": "name", "q": "huyen"})
    assert len(second.captured_queries) == len(first.captured_queries)


def test_a_phone_which_shows_no_headers_offers_the_main_orders(board):
    orders = find(board(sort="progress", order="asc"), id="federations-orders")
    links = {text(link): _query(attr(link, "href")) for link in find_all(orders, "a")}
    assert (links["chậm tiến độ nhất"]["sort"], links["chậm tiến độ nhất"]["order"]) == ("progress", "asc")
    assert "sort" not in links["hạng"]  # the table's default order
    current = find(orders, "a", aria_current="true")
    assert text(current) == "chậm tiến độ nhất"


def test_the_quick_ranges_keep_the_tables_order_and_search(board):
    presets = find_all(find(board(sort="admitted", order="asc", q="h1", page="2"), id="presets"), "a")
    query = _query(attr(presets[0], "href"))
    assert (query["sort"], query["order"], query["q"]) == ("admitted", "asc", "h1") and "page" not in query


def test_the_officers_card_for_a_range_the_page_refuses_sends_back_to_the_page(board, client):
    board()  # signed in
    response = client.get(reverse("reports:dashboard_officers"), {**RANGE, "end": "2021-13"})
    assert response.status_code == 302 and response["Location"].startswith(URL)
    assert "end=2021-13" in response["Location"]  # where the form says what is wrong
