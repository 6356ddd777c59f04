"""The dashboard's table of federations ("Theo đơn vị") when there are more than a page of them:
a whole country is 700 federations, and a page that draws 700 rows (and the phone's 700 cards)
spends most of its time in the template. Beyond PAGE_SIZE lines the table comes in pages of
PAGE_SIZE, sorted on the server by any of its columns (the same orders as static/js/dashboard.js
gives a table that holds every line), with a search box over the federations' names and codes;
the cards that list federations (laggards, officers, organising) show their first CARD_ROWS,
with a link to the rest. A province that fits on one page keeps its table whole, sorted in the
browser. The figures are the Dashboard's; the Excel file keeps every federation."""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from members.register.people import fold
from unionportal.lib import formatting

from .dashboard import Dashboard, FederationLine

PAGE_SIZE = 50  # federations a page of the table shows; the demo province (about 30) fits on one
CARD_ROWS = 10  # federations a card lists when the table comes in pages
QUERY_MAX = 100  # characters of a search kept
ANCHOR = "#federations"
PAGING = ("page", "sort", "order", "q")  # the table's own parameters, beside the dashboard's


@dataclass(frozen=True)
class Column:
    """A column of the table: what it sorts by (None: an empty cell, always last), whether by
    number (the largest first at the first click, the smallest for `ascending_first`) or by text
    (from A)."""

    key: str
    label: str
    value: Callable[[FederationLine], object]
    numeric: bool = True
    css: str = "text-end"
    title: str = ""
    ascending_first: bool = False
    shown: Callable[[object], str] | None = None  # a figure's cell: how it reads (a link to the detail)

    @property
    def first_order(self) -> str:
        return "asc" if self.ascending_first or not self.numeric else "desc"


def _figure(name: str) -> Callable[[FederationLine], object]:
    return lambda line: getattr(line.row.figures, name)


def _percent(name: str) -> Callable[[FederationLine], object]:
    return lambda line: getattr(line.row, name).percent


def _cell(key, label, value, shown, *, border: bool = False, title: str = "") -> Column:
    """A column of figures, each cell a link to the federation's detail; `border` before it."""
    return Column(key, label, value, title=title, shown=shown, css="text-end border-start" if border else "text-end")


def _columns(year: int, end, *, structural: bool) -> list[Column]:
    """The table's columns, in the order of templates/reports/_dash_federation_row.html: the rank,
    the name, the figures (members, CĐCS, attainment), the progress and the month's return."""
    count, signed, percent = formatting.count, formatting.signed, formatting.percent
    members_structural = _cell(
        "members_structural", _("Sắp xếp ĐV"), _figure("members_structural"), signed,
        title=_("Đoàn viên do sắp xếp tổ chức: CĐCS chuyển đến / đi, hợp nhất, kết thúc theo đề án"),
    )  # fmt: skip
    unions_structural = _cell(
        "unions_structural", _("Sắp xếp CĐCS"), _figure("unions_structural"), signed,
        title=_("CĐCS do sắp xếp tổ chức: chuyển đến / đi, hợp nhất, kết thúc, thành lập theo đề án"),
    )  # fmt: skip
    return [
        Column("rank", _("Hạng"), lambda line: line.rank, ascending_first=True),
        Column("name", _("Đơn vị"), lambda line: line.row.org.name, numeric=False, css=""),
        _cell("admitted", _("Kết nạp"), _figure("admitted"), count, border=True),
        _cell("decrease", _("Giảm"), _figure("decrease"), count),
        _cell("net_members", _("Tăng TĐ"), _figure("net_members"), signed),
        *([members_structural] if structural else []),
        _cell("members_end", _("Đoàn viên"), _figure("members_end"), count),
        _cell("unions_founded", _("CĐCS lập mới"), _figure("unions_founded"), count, border=True),
        _cell("unions_dissolved", _("CĐCS giảm"), _figure("unions_dissolved"), count),
        _cell("net_unions", _("Tăng TĐ CĐCS"), _figure("net_unions"), signed),
        *([unions_structural] if structural else []),
        _cell("unions_end", _("CĐCS"), _figure("unions_end"), count),
        _cell("year_members", _("Đạt KN %(year)s") % {"year": year}, _percent("year_members"), percent, border=True),
        _cell("year_unions", _("Đạt CĐCS %(year)s") % {"year": year}, _percent("year_unions"), percent),
        _cell("programme_members", _("Đạt KN cả CT"), _percent("programme_members"), percent),
        _cell("programme_unions", _("Đạt CĐCS cả CT"), _percent("programme_unions"), percent),
        Column("progress", _("Tiến độ"), lambda line: line.pace, css=""),
        Column("status", _("Báo cáo %(month)s") % {"month": end}, lambda line: line.status, numeric=False, css=""),
    ]


def _sorted(lines: list[FederationLine], column: Column, *, descending: bool) -> list[FederationLine]:
    """`lines` (in rank order) by the column, ties kept in rank order, empty cells last."""
    values = [(column.value(line), line) for line in lines]
    present = [(value, line) for value, line in values if value is not None and value != ""]
    empty = [line for value, line in values if value is None or value == ""]
    key = (lambda pair: pair[0]) if column.numeric else (lambda pair: (fold(str(pair[0])), str(pair[0])))
    return [line for _value, line in sorted(present, key=key, reverse=descending)] + empty


def _matches(line: FederationLine, words: list[str]) -> bool:
    """Whether every word of the search is in the federation's name or code, whatever the
    accents and case ("dai tu" finds "LĐLĐ huyện Đại Từ")."""
    org = line.row.org
    text = f"{fold(org.name)} {fold(org.code)}"
    return all(word in text for word in words)


_ORDERS = (
    (_("hạng"), "rank", "asc"),
    (_("chậm tiến độ nhất"), "progress", "asc"),
    (_("kết nạp nhiều nhất"), "admitted", "desc"),
    (_("đoàn viên nhiều nhất"), "members_end", "desc"),
    (_("tên"), "name", "asc"),
)


@dataclass
class FederationTable:
    """The lines the table and the phone's ranked list show, and how to reach the others."""

    lines: list[FederationLine]  # this page's, in the table's order
    columns: list[Column]
    sort: str
    order: str  # "asc" or "desc"
    query: str  # the search, as typed (trimmed)
    count: int  # every line of the table, before the search
    paged: bool  # whether the table comes in pages (more lines than one page)
    page: Page | None = None
    params: dict[str, str] = field(default_factory=dict)  # the page's query string, without the table's

    @property
    def found(self) -> int:
        return self.page.paginator.count if self.page else len(self.lines)

    def url(self, **changes) -> str:
        """This page's address with the table's parameters changed (None drops one), at the table."""
        params = {**self.params, "sort": self.sort, "order": self.order, "q": self.query}
        params.update(changes)
        if params["sort"] == "rank" and params["order"] == "asc":
            params.pop("sort"), params.pop("order")  # the table's default order
        kept = {name: value for name, value in params.items() if value not in (None, "")}
        return "?" + urlencode(kept) + ANCHOR

    def sort_url(self, column: Column) -> str:
        if column.key == self.sort:
            order = "desc" if self.order == "asc" else "asc"
        else:
            order = column.first_order
        return self.url(sort=column.key, order=order, page=None)

    def aria_sort(self, column: Column) -> str:
        if column.key != self.sort:
            return ""
        return "ascending" if self.order == "asc" else "descending"

    @property
    def rows(self) -> list[tuple[FederationLine, list[tuple[Column, object, str]]]]:
        """Each line of the page with its figures' cells: (column, value to sort by, as it reads)."""
        figures = [column for column in self.columns if column.shown]

        def cells(line: FederationLine) -> list[tuple[Column, object, str]]:
            values = [column.value(line) for column in figures]
            return [(column, value, column.shown(value)) for column, value in zip(figures, values, strict=True)]

        return [(line, cells(line)) for line in self.lines]

    @property
    def headers(self) -> list[tuple[Column, str, str]]:
        """Each column with the address that sorts by it (the next order) and its aria-sort."""
        return [(column, self.sort_url(column), self.aria_sort(column)) for column in self.columns]

    @property
    def order_params(self) -> list[tuple[str, str]]:
        """The table's order and search, which the dashboard's form keeps when the range changes."""
        kept = {"sort": self.sort, "order": self.order} if (self.sort, self.order) != ("rank", "asc") else {}
        return [(name, value) for name, value in {**kept, "q": self.query}.items() if value]

    @property
    def clear_url(self) -> str:
        return self.url(q=None, page=None)

    @property
    def hidden(self) -> list[tuple[str, str]]:
        """What the search box sends besides the search: the page's query and the table's order."""
        return [*self.params.items(), *((name, value) for name, value in self.order_params if name != "q")]

    def card(self, items: list) -> list:
        """What a card lists of `items` (federations, the first the most relevant): all of them
        when the table fits on one page, else the first CARD_ROWS."""
        return items[:CARD_ROWS] if self.paged else items

    @property
    def orders(self) -> list[tuple[str, str, bool]]:
        """The orders a phone, which shows no column headers, offers: (label, address, whether shown)."""
        return [
            (str(label), self.url(sort=key, order=order, page=None), (key, order) == (self.sort, self.order))
            for label, key, order in _ORDERS
        ]

    @property
    def behind_url(self) -> str:
        """The table by progress, the furthest behind first: where a card's "and the others" leads."""
        return self.url(sort="progress", order="asc", q=None, page=None)


def federation_table(board: Dashboard, query: QueryDict) -> FederationTable:
    """The table of `board` as the query string asks (page, sort, order, q); anything it does not
    understand is the default: the first page, by rank, no search."""
    lines = board.ranked_lines
    columns = _columns(board.report.year, board.report.end, structural=board.has_structural)
    by_key = {column.key: column for column in columns}
    paged = len(lines) > PAGE_SIZE
    params = {name: value for name, value in query.items() if name not in PAGING}
    if not paged:
        return FederationTable(lines, columns, "rank", "asc", "", len(lines), paged=False, params=params)
    sort = query.get("sort") if query.get("sort") in by_key else "rank"
    order = query.get("order") if query.get("order") in ("asc", "desc") else by_key[sort].first_order
    search = " ".join(query.get("q", "").split())[:QUERY_MAX]
    words = fold(search).split()
    shown = [line for line in lines if _matches(line, words)] if words else lines
    if sort != "rank" or order != "asc":
        shown = _sorted(shown, by_key[sort], descending=order == "desc")
    page = Paginator(shown, PAGE_SIZE).get_page(query.get("page"))
    return FederationTable(
        list(page.object_list), columns, sort, order, search, len(lines), paged=True, page=page, params=params
    )


def organising_rows(funnel, *, paged: bool) -> list:
    """The organising card's federations: every one when the table fits on one page, else those
    with enterprises in the pipeline or CĐCS founded through it, the most open first."""
    if funnel is None:
        return []
    if not paged:
        return funnel.rows
    busy = [row for row in funnel.rows if row.stages.open or row.stages.founded]
    return sorted(busy, key=lambda row: (-row.stages.open, -row.stages.founded))
