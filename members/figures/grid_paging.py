"""The entry grid of a large federation, a page at a time: a federation of 3,000 CĐCS is 39,000
inputs, which a browser takes seconds to lay out. The month is read whole (its totals, the rows
still missing and the warnings nobody ticked are the federation's), and the page shows the rows
of one page of it, in code order, or of those a search or filter finds (grid_page). The save posts
only the rows it is sent (members.figures.grid.posted_cdcs): the rows of other pages are never in
a save, so it cannot change them."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext_lazy

from ..register.people import fold
from .grid import Grid, GridRow

# The filters of a large grid's toolbar: the value in the query → what the select shows.
SHOW_CHOICES = {
    "missing": gettext_lazy("Dòng chưa nhập"),
    "warnings": gettext_lazy("Dòng có cảnh báo chưa kiểm tra"),
}
# What a grid's page address may carry; anything else is dropped from the links it makes.
QUERY_KEYS = ("q", "show", "page", "prefill")
_PAGES_AROUND = 2  # page links either side of the current one; the first and the last are always there
_QUERY_MAX = 100  # characters of a search: a code or a few words of a name


@dataclass
class PageLink:
    number: int
    first_code: str
    last_code: str
    url: str
    current: bool = False


@dataclass
class GridPage:
    """The rows of the grid one page shows, and what the toolbar and pager say about them."""

    rows: list[GridRow]
    number: int = 1
    count: int = 1  # pages
    matched: int = 0  # rows the search and filter find, all pages together
    start: int = 0  # position of the page's first row among them, from 1 (0: none)
    query: dict[str, str] = field(default_factory=dict)  # q, show, prefill as cleaned
    paged: bool = False  # the grid is too large for one page, or a search or filter is on
    links: list[PageLink | None] = field(default_factory=list)  # None: a gap ("…")
    previous_url: str = ""
    next_url: str = ""

    @property
    def end(self) -> int:
        return self.start + len(self.rows) - 1 if self.rows else 0

    @property
    def filtered(self) -> bool:
        return bool(self.query.get("q") or self.query.get("show"))


def page_query(data) -> dict[str, str]:
    """The grid's own keys of a query (a QueryDict or dict), cleaned: unknown keys and values dropped."""
    query = {}
    text = " ".join(str(data.get("q") or "").split())[:_QUERY_MAX]
    if text:
        query["q"] = text
    if data.get("show") in SHOW_CHOICES:
        query["show"] = data["show"]
    page = str(data.get("page") or "")
    if page.isdigit() and 1 < int(page) < 10**6:
        query["page"] = str(int(page))
    if data.get("prefill") == "register":
        query["prefill"] = "register"
    return query


def query_string(query: dict[str, str], **changes) -> str:
    """ "?q=…&page=2" for `query` with `changes` (a value of None drops the key); "" when empty."""
    merged = {key: value for key, value in {**query, **changes}.items() if value not in (None, "")}
    ordered = {key: merged[key] for key in QUERY_KEYS if key in merged}
    return "?" + urlencode(ordered) if ordered else ""


def grid_page(grid: Grid, query: dict[str, str], *, keep: frozenset[int] = frozenset()) -> GridPage:
    """The page of the grid `query` asks for (page_query). A grid of at most GRID_PAGE_SIZE CĐCS,
    without a search or filter, is one page, shown as it always was. Rows in `keep` (those a
    refused save was sent, which carry what was typed) are shown too, whatever page or filter."""
    size = settings.GRID_PAGE_SIZE
    searching = bool(query.get("q") or query.get("show"))
    if len(grid.rows) <= size and not searching:
        return GridPage(rows=grid.rows, matched=len(grid.rows), start=1 if grid.rows else 0)
    found = [row for row in grid.rows if row.cdcs.pk in keep or _matches(row, query)]
    count = max(1, -(-len(found) // size))
    number = min(int(query.get("page", 1)), count)
    first = (number - 1) * size
    page = GridPage(
        rows=[row for index, row in enumerate(found) if first <= index < first + size or row.cdcs.pk in keep],
        number=number,
        count=count,
        matched=len(found),
        start=first + 1 if found else 0,
        query={key: value for key, value in query.items() if key != "page"},
        paged=True,
    )
    page.links = _links(found, page, size) if found else []
    if number > 1:
        page.previous_url = query_string(page.query, page=number - 1 if number > 2 else None) or "?"
    if number < count:
        page.next_url = query_string(page.query, page=number + 1)
    return page


def _matches(row: GridRow, query: dict[str, str]) -> bool:
    show = query.get("show")
    if show == "missing" and row.figure is not None:
        return False
    if show == "warnings" and not (row.warnings and not row.ticked):
        return False
    words = fold(query.get("q", "")).split()
    if not words:
        return True
    cdcs = row.cdcs
    text = f"{cdcs.code.casefold()} {fold(cdcs.name)} {fold(cdcs.employer)}"
    return all(word in text for word in words)


def _links(found: list[GridRow], page: GridPage, size: int) -> list[PageLink | None]:
    """The first page, the last, and those around the current one, each with the codes it runs
    from and to; None where pages are left out."""
    around = range(page.number - _PAGES_AROUND, page.number + _PAGES_AROUND + 1)
    links: list[PageLink | None] = []
    for number in range(1, page.count + 1):
        if number not in (1, page.count) and number not in around:
            if links and links[-1] is not None:
                links.append(None)
            continue
        rows = found[(number - 1) * size : number * size]
        url = query_string(page.query, page=number if number > 1 else None) or "?"
        links.append(PageLink(number, rows[0].cdcs.code, rows[-1].cdcs.code, url, number == page.number))
    return links
