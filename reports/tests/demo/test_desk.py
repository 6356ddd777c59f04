"""Each role's home page (desk) on the demo province (13 federations, then from 07/2025 the ward and
commune unions that took the district unions' place, some 1,600 CĐCS, eight years of months): it
reads in a bounded number of queries, and the demo gives it something to do."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import MonthlyReturn
from unionportal.testing.html import find, find_all, page, text

pytestmark = pytest.mark.xdist_group("demo")


def _client(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize(
    "username,landing,most",
    [
        ("cb.dtu", "desk:todo", 22),  # a transfer and an upload waiting, its CĐCS to fill (Đại Từ's, once DT)
        ("cb.pdp", "desk:todo", 22),  # a month sent back (Phan Đình Phùng's, once TPTN's)
        # two months waiting (3 queries each for their warnings), and the month the province enters for its
        # direct block (the demo's since July 2025: 4 queries)
        ("bantochuc", "desk:approvals", 28),
        ("lanhdao", "reports:dashboard", 24),
    ],
)
def test_each_landing_reads_in_a_bounded_number_of_queries(
    demo, db, django_assert_max_num_queries, username, landing, most
):
    client = _client(username)
    assert client.get(reverse("home")).url == reverse(landing)
    with django_assert_max_num_queries(most):
        assert client.get(reverse(landing)).status_code == 200


def test_the_demo_gives_each_home_page_something_to_do(demo, db):
    dt = page(_client("cb.dtu").get(reverse("desk:todo")))
    assert "CĐCS" in text(find(dt, "section", id="todo-transfers")) and "→" in text(find(dt, id="todo-transfers"))
    assert "doanh-nghiep-dai-tu.xlsx" in text(find(dt, "section", id="todo-uploads"))
    tptn = page(_client("cb.pdp").get(reverse("desk:todo")))
    assert "bất thường" in text(find(tptn, "section", id="todo-earlier"))
    queue = page(_client("bantochuc").get(reverse("desk:approvals")))
    waiting = find_all(find(queue, "section", id="queue-waiting"), "li", data_federation=True)
    assert len(waiting) == MonthlyReturn.objects.filter(status=MonthlyReturn.Status.SUBMITTED).count() > 0
