"""The menu shows each role only what it may open, and each role lands on its own page. On the
permission matrix's world (two federations, uploads in preview, a transfer waiting), built once."""

import pytest
from django.urls import reverse

from unionportal.testing.html import attr, find, find_all, page, text

ROLES = ["federation", "other_federation", "leader", "provincial", "superuser"]


def _menu_links(response) -> list[str]:
    """The left-hand menu's links, dropdowns included (not the language and user menus)."""
    (menu,) = [ul for ul in find_all(page(response), "ul") if "me-auto" in (attr(ul, "class") or "").split()]
    return [attr(link, "href") for link in find_all(menu, "a")]


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_entry_opens_for_the_role_that_sees_it(client, matrix_world, role):
    client.force_login(matrix_world["users"][role])
    landing = client.get(reverse("home"), follow=True)
    assert landing.status_code == 200
    links = _menu_links(landing)
    assert links
    refused = [(link, status) for link in links if (status := client.get(link, follow=True).status_code) != 200]
    assert refused == []


def test_leadership_sees_neither_the_entry_grid_nor_member_records_in_the_menu(client, matrix_world):
    client.force_login(matrix_world["users"]["leader"])
    links = _menu_links(client.get(reverse("reports:dashboard")))
    for hidden in ("members:grid_start", "members:people", "members:transfers", "desk:todo", "desk:approvals"):
        assert reverse(hidden) not in links, hidden
    assert reverse("members:board") in links and reverse("members:reconcile_province") in links


@pytest.mark.parametrize(
    "role,shown,hidden",
    [
        ("federation", "desk:todo", "desk:approvals"),
        ("provincial", "desk:approvals", "desk:todo"),
        ("superuser", "desk:approvals", "desk:todo"),
    ],
)
def test_the_menu_offers_the_roles_own_page(client, matrix_world, role, shown, hidden):
    client.force_login(matrix_world["users"][role])
    links = _menu_links(client.get(reverse("members:board")))
    assert reverse(shown) in links and reverse(hidden) not in links
    assert reverse("members:grid_start") in links and reverse("members:people") in links


@pytest.mark.parametrize(
    "role,landing",
    [
        ("federation", "desk:todo"),
        ("provincial", "desk:approvals"),
        ("superuser", "desk:approvals"),
        ("leader", "reports:dashboard"),
    ],
)
def test_signing_in_lands_each_role_on_its_own_page(client, matrix_world, role, landing):
    client.force_login(matrix_world["users"][role])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(landing)


def test_an_account_without_a_role_is_told_whom_to_ask_and_sees_no_menu(client, matrix_world):
    client.force_login(matrix_world["users"]["no_role"])
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "chưa được phân quyền" in response.content.decode()
    assert _menu_links(response) == []


def test_an_admin_account_without_a_role_lands_on_the_admin(client, matrix_world):
    no_role = matrix_world["users"]["no_role"]
    no_role.is_staff = True
    no_role.save()
    client.force_login(no_role)
    assert client.get(reverse("home")).url == reverse("admin:index")


def test_the_federations_work_lists_its_own_uploads_and_transfers_only(client, matrix_world):
    client.force_login(matrix_world["users"]["federation"])
    html = page(client.get(reverse("desk:todo")))
    transfers = text(find(html, "section", id="todo-transfers"))
    assert "CĐCS Công ty 2 → CĐCS Công ty 1" in transfers
    assert transfers.count("→") == 1  # PB01 → PB02 is PB's business
    uploads = find(html, "section", id="todo-uploads")
    hrefs = {attr(link, "href") for link in find_all(uploads, "a")}
    world = matrix_world
    assert hrefs == {
        reverse("members:upload_detail", kwargs={"code": "DT", "pk": world["uploads"]["DT"].pk}),
        reverse("members:member_list_preview", kwargs={"code": "DT01", "pk": world["member_lists"]["DT01"].pk}),
        reverse("organising:list_preview", kwargs={"pk": world["enterprise_uploads"]["DT"].pk}),
        reverse("ratings:upload_detail", kwargs={"year": 2021, "code": "DT", "pk": world["rating_uploads"]["DT"].pk}),
    }
    for href in hrefs:  # each opens the page where the upload is confirmed or dropped
        assert client.get(href).status_code == 200
