"""The member register's pages as their tests use them: a signed-in client, a member admitted
through the service, a member's URLs, the messages a POST's next page shows, the names a list
shows and every address a response sends the browser to."""

from datetime import date

from django.test import Client
from django.urls import reverse

from members.models import Member
from members.register.services import MemberData, member_admit
from unionportal.testing.html import attr, find_all, page, text

AN_ID = "001090001234"  # a man born in 1990
BINH_ID = "001192005678"  # a woman born in 1992


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admit(cdcs, name, *, joined_on=date(2021, 3, 5), **extra) -> Member:
    return member_admit(cdcs=cdcs, data=MemberData(full_name=name, joined_on=joined_on, **extra), user=None)


def person_url(name, member, **kwargs) -> str:
    return reverse(f"members:{name}", kwargs={"pk": member.pk, **kwargs})


def messages_after(client, response) -> list[str]:
    """The messages the page a POST redirects to shows the user."""
    assert response.status_code == 302, response
    return [text(alert) for alert in find_all(page(client.get(response.url)), "div", role="alert")]


def listed_names(response) -> list[str]:
    return [member.full_name for member in response.context["page"]]


def sent_to(response) -> list[str]:
    """Every address the response sends the browser to: its redirect, links, forms, sources."""
    urls = [response.get("Location", "")]
    if response.get("Content-Type", "").startswith("text/html") and response.content:
        root = page(response)
        for key in ("href", "action", "src"):
            urls += [attr(element, key) for element in find_all(root, None, **{key: True})]
    return urls
