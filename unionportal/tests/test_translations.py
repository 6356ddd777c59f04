"""English is one click away: every Vietnamese string has its English, compiled."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
QUOTED = r'"(?:[^"\\]|\\.)*"'
ENTRY = re.compile(
    rf"^(#, [^\n]*\n)?(?:msgctxt ({QUOTED})\n)?msgid ((?:{QUOTED}\n)+)msgstr ((?:{QUOTED}\n?)+)",
    re.M,
)


def _text(quoted: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', quoted)).encode().decode("unicode_escape").encode(
        "latin-1").decode()  # fmt: skip


def _entries():
    source = (CATALOG / "django.po").read_text(encoding="utf-8")
    for match in ENTRY.finditer(source):
        flags, context = match.group(1) or "", _text(match.group(2) or "")
        msgid, msgstr = _text(match.group(3)), _text(match.group(4))
        if msgid:
            yield flags, context, msgid, msgstr


def test_every_string_has_an_english_translation():
    entries = list(_entries())
    assert len(entries) > 200
    assert [msgid for _flags, _context, msgid, msgstr in entries if not msgstr] == []
    assert [msgid for flags, _context, msgid, _msgstr in entries if "fuzzy" in flags] == []


def test_the_compiled_catalog_matches_the_source():
    with open(CATALOG / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for _flags, context, msgid, msgstr in _entries()
        if (catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages` (compilemessages)"
