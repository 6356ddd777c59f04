"""Out-of-range input in URLs, query strings and forms (months like 1900-01 or 2999-12, 20-digit
numbers): a 404 or a form error with a Vietnamese message, never a 500. On SQLite and PostgreSQL.

The objects the URLs point at are the permission matrix's world (unionportal/testing/world.py),
so that every other argument of a URL is a real one and the absurd value is the only thing wrong."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from members.models import AuditEntry, MonthlyFigure, Organisation
from ratings.forms import RUBRIC_ROWS_MAX
from ratings.models import Level
from ratings.services import rubric_create
from unionportal.lib.months import Month
from unionportal.testing.world import build_world

from .test_permissions import MATRIX

HUGE = "9" * 20  # no integer column holds it: SQLite's driver overflows, PostgreSQL's bigint too
ABSURD = {
    "month": ["1900-01", "2999-12", "0001-01", "9999-12", "1989-12", "2101-01"],
    "int": [HUGE, str(2**63), str(2**31), "0"],
    "path": [HUGE],  # the admin's object ids
}
_ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
SHOWN_OR_REFUSED = {200, 302, 400, 403, 404, 405}


@pytest.fixture
def permissions_world(db):
    """Built for each of the few tests here that need it: the module's other tests make a province
    of their own, so it cannot be built once for the module as the matrix's slices build it."""
    return build_world()


def _kwargs(name: str, world: dict) -> dict[str, str]:
    """The URL arguments test_permissions gives a URL name: real objects of the world."""
    given = MATRIX.get(name, ("get", {}, {}))[2]
    return {key: str(value(world) if callable(value) else value) for key, value in given.items()}


def _routes(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and _ARGUMENT.search(route):
            yield namespace + (pattern.name or ""), route


def _urls_with_one_absurd_argument(world):
    """Every URL of the project with arguments, once per argument and absurd value, the other
    arguments real (or "1" where test_permissions names none: the admin's)."""
    for name, route in _routes(get_resolver().url_patterns):
        real = _kwargs(name, world)
        for converter, argument in _ARGUMENT.findall(route):
            for value in ABSURD.get(converter or "str", []):
                values = {**real, argument: value}
                yield name, "/" + _ARGUMENT.sub(lambda match, values=values: values.get(match["name"], "1"), route)


def test_absurd_months_and_numbers_in_every_url_are_not_found(client, permissions_world):
    world = permissions_world
    provincial_staff, superuser = world["users"]["provincial"], world["users"]["superuser"]
    answers, tried = [], 0
    for name, url in _urls_with_one_absurd_argument(world):
        client.force_login(superuser if name.startswith("admin:") else provincial_staff)
        for method in ("get", "post"):
            tried += 1
            status = getattr(client, method)(url).status_code
            # 405: a view of the other method only. The admin: 302 to its "no such object" message,
            # 403 where nobody may delete or add that kind of row at all.
            if status not in ({302, 403, 404} if name.startswith("admin:") else {404, 405}):
                answers.append((url, method, status))
    assert tried > 500
    assert answers == []


def test_the_month_converter_takes_the_months_people_may_ask_for(client_for, provincial_staff, federation):
    client = client_for(provincial_staff)
    for month in ("1990-01", "2021-03"):
        assert client.get(reverse("members:return_history", kwargs={"code": "DT", "month": month})).status_code == 200
    assert client.get("/figures/DT/1989-12/history/").status_code == 404
    assert client.get("/figures/DT/2101-01/history/").status_code == 404


# Each query gives every parameter the pages read one absurd value at once (a page reads few of
# them); the ids apart, so that a refused id does not hide the rest.
QUERIES = [
    {"start": "1900-01", "end": "1900-01", "month": "1900-01", "year": "-1", "page": "-1", "n": "-5"},
    {"start": "2999-12", "end": "2999-12", "month": "2999-12", "year": "99999", "page": HUGE, "start_page": HUGE},
    {"start": "0001-01", "end": "9999-12", "month": "9999-12", "year": HUGE, "n": HUGE, "start_page": "-1"},
    {"org": HUGE, "cdcs": HUGE, "federation": HUGE},
]


def test_absurd_query_strings_on_every_page_are_shown_with_a_message_or_refused(client, permissions_world):
    world = permissions_world
    provincial_staff = world["users"]["provincial"]
    answers = []
    pages = sorted(name for name, (method, _statuses, _arguments) in MATRIX.items() if method == "get")
    for name in pages:
        url = reverse(name, kwargs=_kwargs(name, world))
        for query in QUERIES:
            client.force_login(provincial_staff)  # the logout page signs out
            status = client.get(url, query).status_code
            if status not in SHOWN_OR_REFUSED:
                answers.append((url, query, status))
    assert len(pages) > 60
    assert answers == []


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("reports:progress", {"start": "1900-01", "end": "2999-12"}, "Tháng phải trong khoảng 01/1990 – 12/2100."),
        ("reports:dashboard", {"start": "2999-12", "end": "2999-12"}, "Tháng phải trong khoảng 01/1990 – 12/2100."),
        ("members:board", {"month": "2999-12"}, "Tháng phải trong khoảng 01/1990 – 12/2100."),
        ("members:reconcile_province", {"month": "1900-01"}, "Tháng phải trong khoảng 01/1990 – 12/2100."),
    ],
)
def test_a_month_out_of_range_in_a_query_string_is_a_vietnamese_form_error(
    client_for, provincial_staff, federation, name, query, message
):
    with translation.override("vi"):
        response = client_for(provincial_staff).get(reverse(name), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_api_answers_a_month_out_of_range_with_a_400_in_json(client_for, provincial_staff, federation):
    response = client_for(provincial_staff).get(reverse("reports:api_progress"), {"start": "1900-01"})
    assert response.status_code == 400
    assert "01/1990" in str(response.json())


# --- forms ------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: their fields with the values the page gives them, which of them
    carry a number (an id in a select, a count, a hidden version) and which a day."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self._form = {"action": attrs.get("action"), "fields": {}, "numbers": set(), "days": set()}
            if (attrs.get("method") or "get").lower() == "post":
                self.forms.append(self._form)
        elif self._form is None or not name:
            return
        elif tag == "input" and attrs.get("type", "text") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            value = attrs.get("value") or ""
            self._form["fields"][name] = value
            if "data-date-input" in attrs:
                self._form["days"].add(name)
            elif attrs.get("inputmode") == "numeric" or attrs.get("type") == "number" or value.isdigit():
                self._form["numbers"].add(name)
        elif tag == "select":
            self._select = name
            self._form["fields"].setdefault(name, "")
            self._form["numbers"].add(name)
        elif tag == "textarea":
            self._form["fields"][name] = "Ghi chú"

    def handle_data(self, data):
        pass

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _post_forms(client, world):
    """(page, action, fields, fields that carry a number, fields that carry a day) of every POST
    form on every page."""
    for name, (method, _statuses, _arguments) in sorted(MATRIX.items()):
        if method != "get" or name in ("logout", "login"):
            continue
        url = reverse(name, kwargs=_kwargs(name, world))
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        forms = _Forms()
        forms.feed(response.content.decode())
        for form in forms.forms:
            action = form["action"] or url
            if not action.startswith(("/i18n/", "/accounts/")):
                yield name, action, form["fields"], form["numbers"], form["days"]


# Figures are written through members/figures/services.py, whose ceilings are another change's:
# the entry grid's cells are tried in test_a_20_digit_figure_in_the_grid_is_refused below.
# A formset's own counts: Django caps them (absolute_max) or refuses the formset.
MANAGEMENT = re.compile(r"-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")
FIGURE_CELL = re.compile(r"r\d+-(admitted|transferred_in|lost_\w+|members_start|members_end|workers)$")


def test_a_20_digit_number_in_any_form_field_is_a_form_error(client, permissions_world):
    """Every POST form of every page, as provincial staff see it, posted with one numeric field
    (an id in a select, a count, a version) at a time set to a 20-digit number."""
    world = permissions_world
    provincial_staff = world["users"]["provincial"]
    client.force_login(provincial_staff)
    answers, tried, seen = [], 0, set()
    for name, action, fields, numbers, _days in list(_post_forms(client, world)):
        for field in sorted(numbers):
            # one row of a formset or of the grid stands for the others
            key = (name, re.sub(r"\d+", "0", field))
            if key in seen or FIGURE_CELL.match(field) or MANAGEMENT.search(field):
                continue
            seen.add(key)
            client.force_login(provincial_staff)
            tried += 1
            status = client.post(action, {**fields, field: HUGE}).status_code
            if status not in SHOWN_OR_REFUSED:
                answers.append((action, field, status))
    assert tried > 40
    assert answers == []


def test_the_first_and_last_day_anyone_may_type_in_any_form_are_taken_or_explained(client, permissions_world):
    """Every day of every POST form, posted as 01/01/1900 and 31/12/2100 (the range of
    unionportal.lib.dates) and just outside: a page with a message or a redirect, never a 500."""
    world = permissions_world
    provincial_staff = world["users"]["provincial"]
    client.force_login(provincial_staff)
    answers, tried = [], 0
    for _name, action, fields, _numbers, days in list(_post_forms(client, world)):
        for field in sorted(days):
            for day in ("01/01/1900", "31/12/2100", "31/12/1899", "01/01/2101"):
                client.force_login(provincial_staff)
                tried += 1
                status = client.post(action, {**fields, field: day}).status_code
                if status not in SHOWN_OR_REFUSED:
                    answers.append((action, field, day, status))
    assert tried > 40
    assert answers == []


def test_a_20_digit_figure_in_the_grid_is_refused(client_for, provincial_staff, federation, make_cdcs):
    dt01 = make_cdcs(federation, code="DT01", opening=50, first_month=Month(2021, 3))
    url = reverse("members:grid", kwargs={"code": "DT", "month": "2021-03"})
    client = client_for(provincial_staff)
    version = client.get(url).context["monthly_return"].version
    with translation.override("vi"):
        response = client.post(url, {"version": version, f"r{dt01.pk}-admitted": HUGE})
    assert response.status_code == 200
    assert "quá lớn" in response.content.decode()
    assert MonthlyFigure.objects.get(cdcs=dt01, month=date(2021, 3, 1)).admitted == 0


def test_a_20_digit_id_among_a_levels_required_criteria_is_a_form_error(client_for, provincial_staff):
    """A ModelMultipleChoiceField looks the ids up with `pk__in`, which SQLite's driver could not
    bind (unionportal.lib.lookups)."""
    rubric_create(year=2021, user=None)
    url = reverse("ratings:rubric_levels", kwargs={"year": 2021})
    client = client_for(provincial_staff)
    levels = list(Level.objects.filter(rubric__year=2021).order_by("position"))
    data = {"levels-TOTAL_FORMS": str(len(levels)), "levels-INITIAL_FORMS": str(len(levels))}
    for number, level in enumerate(levels):
        row = {"id": level.pk, "position": level.position, "name": level.name, "min_total": level.min_total}
        data.update({f"levels-{number}-{key}": str(value) for key, value in row.items()})
    data["levels-0-requires_nonzero"] = HUGE
    audited = AuditEntry.objects.count()
    with translation.override("vi"):
        response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert HUGE in response.content.decode()  # named in the message: not one of the choices
    assert AuditEntry.objects.count() == audited


def test_an_id_no_column_holds_matches_nothing_among_others(federation):
    assert list(Organisation.objects.filter(pk__in=[int(HUGE), -int(HUGE), federation.pk])) == [federation]
    assert not Organisation.objects.filter(pk__in=[int(HUGE)]).exists()


@pytest.mark.parametrize("prefix,name", [("levels", "ratings:rubric_levels"), ("criteria", "ratings:rubric_criteria")])
def test_a_20_digit_form_count_builds_no_more_forms_than_a_rubric_can_have(client_for, provincial_staff, prefix, name):
    """Django builds up to its absolute_max (1,000 more than max_num) forms for whatever
    TOTAL_FORMS says: tens of seconds of a worker for one request."""
    rubric_create(year=2021, user=None)
    data = {f"{prefix}-TOTAL_FORMS": HUGE, f"{prefix}-INITIAL_FORMS": "0", "groups-TOTAL_FORMS": HUGE}
    data["groups-INITIAL_FORMS"] = "0"
    audited = AuditEntry.objects.count()
    response = client_for(provincial_staff).post(reverse(name, kwargs={"year": 2021}), data)
    assert response.status_code == 400
    assert 0 < len(response.context[prefix].forms) <= RUBRIC_ROWS_MAX
    assert AuditEntry.objects.count() == audited
