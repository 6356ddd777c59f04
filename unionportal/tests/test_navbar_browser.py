"""The menu bar fits a laptop's screen in both languages: a menu that spills over makes the whole
page scroll sideways and hides the language and the user's menus."""

import pytest
from django.urls import reverse

from unionportal.testing.login import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("width,height", [(1280, 720), (1366, 768)])
def test_the_menu_bar_fits_a_laptop_screen_in_either_language(
    live_server, page, superuser, federation, language, width, height
):
    """The administrator sees every menu, Quản trị included: the longest bar there is."""
    page.set_viewport_size({"width": width, "height": height})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, f"{live_server.url}{reverse('reports:dashboard')}", superuser.username)
    assert page.evaluate("document.documentElement.lang") == language
    sizes = page.evaluate(
        """() => ({page: document.documentElement.scrollWidth, window: window.innerWidth,
                   right: Math.max(...[...document.querySelectorAll('nav .nav-link, nav .navbar-brand')]
                                    .map((item) => item.getBoundingClientRect().right))})"""
    )
    assert sizes["page"] <= sizes["window"], sizes
    assert sizes["right"] <= sizes["window"], sizes
