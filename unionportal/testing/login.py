"""Signing in as the tests' users do: every user of the fixtures has PASSWORD, and the browser
tests sign in through the login form, as a person would."""

PASSWORD = "correct-horse-2018"


def log_in(page, url: str, username: str, password: str = PASSWORD):
    """Open `url` in the browser and sign in through the login form it sends an anonymous
    visitor to, as a person would; the page then shows `url`."""
    page.goto(url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    return page
