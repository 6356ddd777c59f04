"""How fast the entry grid is for a 3,000-CĐCS federation-month, in the browser and on the server.

    .venv/bin/python bench/grid_speed.py                       # SQLite (a scratch file, removed after)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grid_bench .venv/bin/python bench/grid_speed.py
    BENCH_CDCS=300 …                                           # a federation of one page

Builds its own federation of N CĐCS (default 3,000; BENCH_CDCS=… to change) in a scratch
database (named *bench*: it is emptied), each with an opening month, then times: opening the grid
page (server time, queries, HTML); the page in Chromium from a live server (/usr/bin/chromium,
launched as the browser tests launch it), from the start of the navigation to the grid usable:
the first row's cell clicked, typed into and its column's total showing it (median of five, the
page's css and js cached); saving the first page with every row new, the other pages' rows in one
post, ten rows changed as the page's script posts them (those rows only) and as a page without
its script would (every row of the page), nothing changed, and a stale save (someone else saved
ten other rows since the page was opened) merged cell by cell. Prints figures and the machine's
load; asserts only that the work was done. Target (issue 22): usable < 1.5 s, a save of ten
changed rows < 300 ms."""

import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/grid-bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from members.models import Affiliation, GrassrootsUnion, MonthlyFigure, Organisation, Role, UserProfile  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402

SIZE = int(os.environ.get("BENCH_CDCS", "3000"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # as the browser tests launch it (conftest.py)  # fmt: skip
OPENING, MONTH = Month(2021, 2), Month(2021, 3)


def build():
    """A province, one federation of SIZE CĐCS with February figures, and its staff user."""
    if "bench" not in Path(str(connection.settings_dict["NAME"])).name:  # DATABASE_URL may come from .env
        sys.exit(f"{connection.settings_dict['NAME']}: this script empties its database; use one named *bench*.")
    call_command("flush", interactive=False, verbosity=0)
    province = Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    federation = Organisation.objects.create(code="BIG", name="LĐLĐ lớn", kind="district", parent=province)
    unions = GrassrootsUnion.objects.bulk_create(
        GrassrootsUnion(
            code=f"B{i:05d}",
            name=f"CĐCS Công ty {i}",
            employer=f"Công ty {i}",
            sector="private",
            workers=200,
            founded_on=date(2015, 1, 1),
        )  # fmt: skip
        for i in range(SIZE)
    )
    Affiliation.objects.bulk_create(
        Affiliation(cdcs=cdcs, federation=federation, valid_from=date(2015, 1, 1)) for cdcs in unions
    )
    MonthlyFigure.objects.bulk_create(
        MonthlyFigure(
            cdcs=cdcs, federation=federation, month=OPENING.first_day, members_start=100, members_end=100, workers=200
        )
        for cdcs in unions
    )
    user = get_user_model().objects.create_user("canbo.big", password="bench-2021")
    UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federation)
    return federation, user, unions


_INPUT = re.compile(r'<input[^>]*?name="(version|r\d+-[a-z_]+)"[^>]*?value="([^"]*)"([^>]*)>')


def form_of(client, url) -> dict[str, str]:
    """The grid's inputs as the page renders them (the loaded values included), as a browser posts them."""
    html = client.get(url).content.decode()
    return {
        name: value
        for name, value, rest in _INPUT.findall(html)
        if not name.endswith("-ack") or "checked" in rest  # a checkbox is posted only when ticked
    }


def rows_of(form: dict[str, str]) -> set[int]:
    """The CĐCS whose row a form carries."""
    return {int(name[1:].split("-")[0]) for name in form if name.startswith("r")}


def as_script_posts(form: dict[str, str], changed) -> dict[str, str]:
    """The form as the page's script posts it: the rows changed, and no other (static/js/grid.js)."""
    prefixes = tuple(f"r{cdcs.pk}-" for cdcs in changed)
    return {name: value for name, value in form.items() if not name.startswith("r") or name.startswith(prefixes)}


def post(client, url, data):
    """As a browser posts a form: urlencoded (the test client's default, multipart, is slower)."""
    return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")


# What "usable" means: the first row's "Kết nạp" cell clicked and typed into, and the total of the
# column showing it (grid.js has run: a keystroke is taken and added up), timed from the start of
# the navigation, as Chromium's performance clock counts it.
_USABLE = """total => {
    const cell = document.querySelector('[data-total="admitted"]');
    return cell && cell.textContent.trim() !== total;
}"""


def browser_figures(url: str, session: str, runs: int = 7) -> None:
    """Open the grid page in Chromium from a live server `runs` times in one tab (the page's css
    and js cached, as from the menu) and print the medians: the first byte, DOMContentLoaded, and
    the grid usable (clicked, typed into, its total updated), each from the start of the
    navigation; then a keystroke's live totals."""
    if not os.path.exists(CHROMIUM):
        print("  (no /usr/bin/chromium: browser figures skipped)")
        return
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("localhost", StaticFilesHandler, connections_override={}, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://localhost:{server.port}"
    figures = {"first byte": [], "DOMContentLoaded": [], "usable": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()  # one tab, as someone opening the grid again from the menu
            page.on("dialog", lambda dialog: dialog.accept())  # leaving the figure typed last time
            for run in range(runs + 1):  # the first fills the cache
                page.goto(base + url, wait_until="commit")
                first = page.locator('#grid input[name$="-admitted"]').first
                first.click()
                total = page.locator('[data-total="admitted"]').text_content().strip()
                page.keyboard.type("7")
                page.wait_for_function(_USABLE, arg=total, polling="raf")
                usable = page.evaluate("performance.now()")
                timing = page.evaluate('performance.getEntriesByType("navigation")[0].toJSON()')
                if run:
                    figures["first byte"].append(timing["responseStart"])
                    figures["DOMContentLoaded"].append(timing["domContentLoadedEventEnd"])
                    figures["usable"].append(usable)
            keystroke = page.evaluate(_KEYSTROKES)
            browser.close()
    finally:
        server.terminate()
    medians = ", ".join(f"{name} {statistics.median(values):.0f} ms" for name, values in figures.items())
    print(f"  in Chromium, median of {runs}: {medians}")
    print(f"    usable, each run: {', '.join(f'{value:.0f}' for value in figures['usable'])} ms")
    print(f"    a keystroke's live totals: median {keystroke[0]:.1f} ms, worst {keystroke[1]:.1f} ms")


_KEYSTROKES = """() => {
    const inputs = Array.from(document.querySelectorAll('input[name$="-lost_job"]'));
    const times = [];
    inputs.slice(0, 200).forEach((input, i) => {
        input.value = String(i % 7);
        const t = performance.now();
        input.dispatchEvent(new Event("input", {bubbles: true}));
        times.push(performance.now() - t);
    });
    times.sort((a, b) => a - b);
    return [times[Math.floor(times.length / 2)], times[times.length - 1]];
}"""


def timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def timed_save(client, url, data) -> tuple[float, int]:
    """Milliseconds and queries of one grid save."""
    with CaptureQueriesContext(connection) as queries:
        elapsed = timed_ms(lambda: post(client, url, data))
    return elapsed, len(queries.captured_queries)


def main():
    setup_test_environment()  # the test client's response.context, and "testserver" as a host
    call_command("migrate", verbosity=0)
    federation, user, unions = build()
    client = Client()
    client.force_login(user)
    url = reverse("members:grid", kwargs={"code": federation.code, "month": MONTH})
    engine = connection.vendor
    print(f"Entry grid, {SIZE} CĐCS, {engine}; load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")

    client.get(url)  # warm-up
    samples = [timed_ms(lambda: client.get(url)) for _ in range(5)]
    with CaptureQueriesContext(connection) as page_queries:
        response = client.get(url)
    print(
        f"  open the grid page:      median {statistics.median(samples):7.0f} ms, "
        f"{len(page_queries.captured_queries)} queries, {len(response.content) / 1024:.0f} KiB of HTML"
    )

    browser_figures(url, client.cookies["sessionid"].value)

    # The page's script posts the rows changed and those with nothing saved yet (all of a fresh
    # month's page); a page without its script posts every row it shows.
    data = form_of(client, url)
    shown = rows_of(data)
    for cdcs_id in shown:
        data[f"r{cdcs_id}-admitted"] = "3"
    elapsed, queries = timed_save(client, url, data)
    assert MonthlyFigure.objects.filter(month=MONTH.first_day).count() == len(shown), "the page's rows not written"
    print(f"  save the first page, every row new ({len(shown)}): {elapsed:7.0f} ms, {queries} queries")

    rest = {"version": form_of(client, url)["version"]}  # a script's post: cells without what the page showed
    rest |= {f"r{cdcs.pk}-admitted": "3" for cdcs in unions if cdcs.pk not in shown}
    elapsed, queries = timed_save(client, url, rest)
    assert MonthlyFigure.objects.filter(month=MONTH.first_day).count() == SIZE, "the other rows not written"
    print(f"  save the other {SIZE - len(shown)} rows in one post: {elapsed:7.0f} ms, {queries} queries")

    data = form_of(client, url)
    for cdcs in unions[:10]:
        data[f"r{cdcs.pk}-transferred_in"] = "2"
    elapsed, queries = timed_save(client, url, as_script_posts(data, unions[:10]))
    print(f"  save, ten rows changed, as the page posts them:   {elapsed:7.0f} ms, {queries} queries")
    data = form_of(client, url)
    for cdcs in unions[:10]:
        data[f"r{cdcs.pk}-transferred_in"] = "1"
    elapsed, queries = timed_save(client, url, data)
    print(
        f"  save, ten rows changed, every row of the page ({len(rows_of(data))}): {elapsed:7.0f} ms, {queries} queries"
    )

    data = form_of(client, url)
    elapsed, queries = timed_save(client, url, as_script_posts(data, []))
    print(f"  save, nothing changed:   {elapsed:7.0f} ms, {queries} queries")
    assert MonthlyFigure.objects.filter(month=MONTH.first_day, members_end=103).count() == SIZE - 10

    stale = form_of(client, url)  # opened here; someone else then saves ten other rows
    theirs = form_of(client, url)
    for cdcs in unions[20:30]:
        theirs[f"r{cdcs.pk}-lost_retired"] = "1"
    post(client, url, as_script_posts(theirs, unions[20:30]))
    for cdcs in unions[10:20]:
        stale[f"r{cdcs.pk}-transferred_in"] = "2"
    elapsed, queries = timed_save(client, url, as_script_posts(stale, unions[10:20]))
    print(f"  save, stale, merged:     {elapsed:7.0f} ms, {queries} queries (ten rows here, ten kept from theirs)")
    assert MonthlyFigure.objects.filter(month=MONTH.first_day, members_end=102).count() == 10  # theirs
    assert MonthlyFigure.objects.filter(month=MONTH.first_day, members_end=105).count() == 10  # mine
    print(f"  load at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} (1 and 5 minutes)")


if __name__ == "__main__":
    main()
