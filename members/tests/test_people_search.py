"""The people list at the size of a large province (issue 22): more than 1.000 matches are counted
as "more than 1.000", never all of them; a name found that often lists 50 of them in name order,
the whole register walks in name order up to the 1.000th; the search finds the same members with
PostgreSQL's index of name words as without it; federation staff still find only their own."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.register.people import search_key
from members.register.search import COUNT_CAP, member_search, people_page
from unionportal.lib.bulk import insert_rows
from unionportal.testing.html import attr, find, find_all, page, text

from .people_pages import listed_names, signed_in

GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hằng", "Lan", "Minh", "Nam", "Yến"]


def enter(cdcs, names: list[str]) -> None:
    """Members straight into the register, thousands at a time (the list reads Member rows only)."""
    now = timezone.now()
    rows = [(cdcs.pk, "active", name, search_key(name), date(2020, 1, 1), now, now) for name in names]
    names_ = ["cdcs_id", "status", "full_name", "search_name", "joined_on", "created_at", "updated_at"]
    insert_rows(Member, names_, rows)


def names(family: str, count: int) -> list[str]:
    """`count` different names of the family: "Nguyễn Văn An Bình", "Nguyễn Văn An Cường"…"""
    return [f"{family} Văn {GIVEN[n % 10]} {GIVEN[n // 10 % 10]} {GIVEN[n // 100 % 10]}" for n in range(count)]


def searched(client, query: str, **params):
    client.post(reverse("members:people"), {"q": query})
    return client.get(reverse("members:people"), params)


def headline(response) -> str:
    return text(find(page(response), "div", id="people-count"))


def test_more_than_a_thousand_matches_are_said_so_and_fifty_of_them_listed_in_name_order(dt01, provincial_staff):
    enter(dt01, names("Nguyễn", COUNT_CAP + 5) + names("Trần", 3))

    response = searched(signed_in(provincial_staff), "nguyen van")

    assert headline(response) == "Hơn 1.000 đoàn viên"
    assert "Có hơn 1.000 đoàn viên khớp: dưới đây là 50 người trong số đó" in text(
        find(page(response), id="people-capped")
    )
    listed = listed_names(response)
    assert len(listed) == 50 and listed == sorted(listed) and all(name.startswith("Nguyễn Văn") for name in listed)
    assert not find_all(page(response), "a", rel="next")  # some of them, not pages of all of them


def test_a_thousand_matches_are_counted_exactly_and_paged(dt01, provincial_staff):
    enter(dt01, names("Lê", COUNT_CAP) + names("Trần", 20))
    client = signed_in(provincial_staff)

    first = searched(client, "Lê")
    last = client.get(reverse("members:people"), {"page": 20})

    assert headline(first) == "1.000 đoàn viên" and not find_all(page(first), id="people-capped")
    everyone = sorted(names("Lê", COUNT_CAP), key=search_key)
    assert listed_names(first) == everyone[:50] and listed_names(last) == everyone[-50:]


def test_the_whole_register_past_a_thousand_is_paged_in_name_order_up_to_the_thousandth(dt01, dt02, provincial_staff):
    enter(dt01, names("Phạm", 600))
    enter(dt02, names("Đỗ", 600))
    client = signed_in(provincial_staff)

    first = client.get(reverse("members:people"))
    last = client.get(reverse("members:people"), {"page": 20})

    assert headline(first) == "Hơn 1.000 đoàn viên"
    assert "đi tới người thứ 1.000" in text(find(page(first), id="people-capped"))
    everyone = sorted(Member.objects.values_list("search_name", "pk"))
    thousandth = Member.objects.get(pk=everyone[COUNT_CAP - 1][1])
    assert listed_names(last)[-1] == thousandth.full_name and first.context["page"].paginator.num_pages == 20


@pytest.mark.parametrize(
    "query",
    ["nguyen", "Nguyễn văn", "VĂN nguyễn", "ng v", "an", "hằng binh", "thi", "Lê Văn Hà", "xyz", "n"],
)
def test_the_index_of_name_words_finds_what_the_rule_finds(dt01, query):
    enter(dt01, names("Nguyễn", 30) + names("Lê", 30) + ["Nguyễn Thị Hằng", "Đặng An Nguyên", "Lê Văn Hà"])

    indexed = set(member_search(Member.objects.all(), query).values_list("pk", flat=True))
    plain = set(member_search(Member.objects.all(), query, indexed=False).values_list("pk", flat=True))

    assert indexed == plain
    if query == "ng v":  # a word's beginning, any word, in any order
        assert len(plain) == 30


def test_federation_staff_find_only_their_own_members_however_many_match(dt01, pb01, federation_user):
    enter(pb01, names("Nguyễn", COUNT_CAP + 10))
    enter(dt01, names("Nguyễn", 30))
    client = signed_in(federation_user)

    few = searched(client, "nguyen van")
    assert headline(few) == "30 đoàn viên" and len(listed_names(few)) == 30

    enter(dt01, names("Nguyễn", COUNT_CAP + 10))
    many = searched(client, "nguyen van")
    own = set(Member.objects.filter(cdcs=dt01).values_list("full_name", flat=True))
    assert headline(many) == "Hơn 1.000 đoàn viên" and set(listed_names(many)) <= own


def test_the_page_reads_a_fixed_number_of_queries_however_many_match(dt01):
    enter(dt01, names("Nguyễn", 40))
    few = people_page(Member.objects.all(), "nguyen", number=1, per_page=50)
    counted = _queries(lambda: list(people_page(Member.objects.all(), "nguyen", number=1, per_page=50).page))

    enter(dt01, names("Nguyễn", COUNT_CAP + 10))

    assert few.page.paginator.count == 40
    assert (
        _queries(lambda: list(people_page(Member.objects.all(), "nguyen", number=1, per_page=50).page)) <= counted + 2
    )


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_a_union_of_thousands_types_the_cdcs_code_instead_of_picking_it(dt01, dt02, federation_user, monkeypatch):
    """The filter offers a union's CĐCS to pick from, up to PICK_UP_TO of them (3,000 made 250 KB of
    options on every page); past that the code is typed, and the filter still works."""
    client = signed_in(federation_user)
    options = [attr(option, "value") for option in find_all(page(client.get(reverse("members:people"))), "option")]
    assert {"DT01", "DT02"} <= set(options)

    monkeypatch.setattr("members.register.views.PICK_UP_TO", 1)
    enter(dt02, ["Đặng Thị Xuân"])
    response = client.get(reverse("members:people"), {"cdcs": "DT02"})
    assert not find_all(page(response), "datalist") and listed_names(response) == ["Đặng Thị Xuân"]
    assert find(page(response), "a", href=reverse("members:person_new") + "?cdcs=DT02")  # may still add
