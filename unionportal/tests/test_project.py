"""Project-wide promises: migrations match the models, the SQLite setup queues writers, pages
load nothing from the internet (the portal runs on intranets), and the repository is readable on
its own: no file points outside it, every link of its documentation leads somewhere."""

import re
import subprocess
import unicodedata
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


# --- the repository stands on its own -------------------------------------------------------------

# Pointers to what lives beside a checkout and not in it (the notes the project started from).
# Written so that this file does not match itself.
OUTSIDE = re.compile(r"\.\./+shared|(?<![\w.])shared/(?:domain|style)\.md|shared/seed(?=/)")
RELATIVE_UP = re.compile(r"(?:\.\./)+[\w.-]+")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
SKIPPED_TREES = {".git", ".venv", "node_modules", "staticfiles", "test-results", "__pycache__", ".ci/out"}


def tracked_files() -> list[Path]:
    """What a clone holds: git's list of tracked files (the worktree's files outside .venv and the
    like when this is not a git checkout)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        return [ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file()]
    except (OSError, subprocess.SubprocessError):
        return [
            path
            for path in ROOT.rglob("*")
            if path.is_file() and not SKIPPED_TREES & {part for part in path.relative_to(ROOT).parts}
        ]


def text_of(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # images, fonts, compiled catalogues
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def escapes_root(base: Path, target: str) -> bool:
    return not (base / target).resolve().is_relative_to(ROOT.resolve())


def test_no_tracked_file_points_outside_the_repository():
    """Someone who clones the project reads every formula and rule in it: README, docstrings and
    templates link to docs/, never to notes kept beside a checkout."""
    offenders = []
    for path in tracked_files():
        if "vendor" in path.relative_to(ROOT).parts:
            continue  # third-party files as shipped
        text = text_of(path)
        if text is None:
            continue
        name = path.relative_to(ROOT).as_posix()
        offenders += [f"{name}: {match.group()}" for match in OUTSIDE.finditer(text)]
        offenders += [
            f"{name}: {match.group()}"
            for match in RELATIVE_UP.finditer(text)
            if escapes_root(path.parent, match.group())
        ]
    assert offenders == []


def documentation() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def heading_anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text())
    return {heading_anchor(line.lstrip("#")) for line in text.splitlines() if re.match(r"#{1,6} ", line)}


def test_every_relative_link_of_the_documentation_leads_to_a_file_and_heading_of_the_repository():
    assert (ROOT / "docs" / "domain.md").is_file()
    broken = []
    for page in documentation():
        text = FENCE.sub("", page.read_text())
        for target in LINK.findall(text):
            if re.match(r"[a-z][a-z+.-]*:", target):  # https:, mailto:
                continue
            name, _hash, fragment = target.partition("#")
            destination = (page.parent / name).resolve() if name else page
            where = f"{page.relative_to(ROOT).as_posix()} → {target}"
            if escapes_root(page.parent, name or ".") or not destination.exists():
                broken.append(f"{where}: no such file in the repository")
            elif fragment and destination.suffix == ".md" and fragment not in anchors_of(destination):
                broken.append(f"{where}: no such heading")
    assert broken == []


def test_the_docs_are_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text()
    for page in ("docs/domain.md", "docs/architecture.md", "docs/operations.md", "docs/guide/"):
        assert f"]({page}" in readme, page
