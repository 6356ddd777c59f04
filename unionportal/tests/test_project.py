"""Project-wide promises: migrations match the models, the SQLite setup queues writers, and
pages load nothing from the internet (the portal runs on intranets)."""

import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]


def test_templates_load_nothing_from_outside_the_portal():
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""")
    offenders = [path.name for path in (ROOT / "templates").rglob("*.html") if external.search(path.read_text())]
    assert offenders == []
    for asset in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/chartjs/chart.umd.min.js",
    ):
        assert finders.find(asset), asset
