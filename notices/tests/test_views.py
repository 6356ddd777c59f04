"""The notices page and the bell: newest first, twenty a page, each opened or marked read by a
POST with its token; the bell's count costs one query whatever the number of notices; each person
sees and marks only their own; e-mail can be turned off."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices.models import Notice, Preference
from notices.services import notices_create
from unionportal.testing.html import attr, find, find_all, page, text


def _notify(user, count: int, **data) -> list[Notice]:
    return [
        notices_create(users=[user], kind=Notice.Kind.RETURN_APPROVED, link=f"/figures/DT/2021-{n % 12 + 1:02d}/",
                       data={"org": "LĐLĐ huyện Đại Từ", "month": f"{n % 12 + 1:02d}/2021", "who": "Lan", **data})[0]
        for n in range(count)
    ]  # fmt: skip


def test_the_list_is_newest_first_twenty_a_page(client_for, federation_user):
    notices = _notify(federation_user, 25)
    client = client_for(federation_user)

    first = page(client.get(reverse("notices:list")))
    rows = find_all(first, "li", data_notice=True)
    assert [int(attr(row, "data-notice")) for row in rows] == [notice.pk for notice in reversed(notices)][:20]
    assert text(find(first, id="notices-unread")) == "25 thông báo chưa đọc"
    assert text(find(first, id="notices-count")) == "25"
    second = page(client.get(reverse("notices:list"), {"page": 2}))
    assert len(find_all(second, "li", data_notice=True)) == 5
    assert client.get(reverse("notices:list"), {"page": "x"}).status_code == 200  # the first page


def test_opening_a_notice_marks_it_read_and_goes_where_it_points(client_for, federation_user):
    notice, other = _notify(federation_user, 2)
    client = client_for(federation_user)

    response = client.post(reverse("notices:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response.url == "/figures/DT/2021-01/"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at is not None and other.read_at is None

    response = client.post(reverse("notices:read", args=[other.pk]), {"page": "1"})
    assert response.url == reverse("notices:list") + "?page=1"
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_marks_only_ones_own(client_for, federation_user, other_federation_user):
    _notify(federation_user, 3)
    (others,) = _notify(other_federation_user, 1)

    response = client_for(federation_user).post(reverse("notices:read_all"), follow=True)
    assert "Đã đánh dấu 3 thông báo là đã đọc." in response.content.decode()
    assert Notice.objects.filter(user=federation_user, read_at__isnull=True).count() == 0
    others.refresh_from_db()
    assert others.read_at is None
    assert find_all(page(response), id="notices-count") == []  # the bell has no count left


def test_another_persons_notice_cannot_be_marked(client_for, federation_user, other_federation_user):
    (others,) = _notify(other_federation_user, 1)
    assert client_for(federation_user).post(reverse("notices:read", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_marking_without_the_forms_token_is_refused(federation_user):
    (notice,) = _notify(federation_user, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(federation_user)
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 403
    assert client.post(reverse("notices:read_all")).status_code == 403
    assert client.post(reverse("notices:settings"), {}).status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None and not Preference.objects.exists()


def test_the_bell_costs_one_query_whatever_the_number_of_notices(
    client_for, federation_user, django_assert_max_num_queries
):
    client = client_for(federation_user)
    url = reverse("training:course_list")
    with CaptureQueriesContext(connection) as none:
        assert "notices-count" not in client.get(url).content.decode()
    _notify(federation_user, 40)
    with django_assert_max_num_queries(len(none.captured_queries)):
        response = client.get(url)
    assert text(find(page(response), id="notices-count")) == "40"


@pytest.mark.parametrize("email", ["ban@ldld.example.vn", ""])
def test_email_can_be_turned_off_and_on(client_for, federation_user, email):
    federation_user.email = email
    federation_user.save()
    client = client_for(federation_user)
    form = page(client.get(reverse("notices:settings")))
    assert "checked" in dict(find(form, id="id_email").attributes)  # on unless turned off
    assert (find_all(form, id="notices-no-address") == []) == bool(email)

    response = client.post(reverse("notices:settings"), {}, follow=True)
    assert "Đã tắt" in response.content.decode()
    assert Preference.objects.get(user=federation_user).email is False
    assert "checked" not in dict(find(page(response), id="id_email").attributes)

    client.post(reverse("notices:settings"), {"email": "on"})
    assert Preference.objects.get(user=federation_user).email is True


def test_the_user_menu_leads_to_the_email_setting(client_for, leader):
    shown = page(client_for(leader).get(reverse("notices:list")))
    assert attr(find(shown, id="menu-notice-settings"), "href") == reverse("notices:settings")
    find(shown, id="notices-empty")
