"""Reading the member register: names folded for search (members.register.search searches them),
masked ID numbers, ID number checks, and the month's figures as the register counts them
(register_figures)."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..models import FLOW_FIELDS, LOSS_FIELDS, Gender, GrassrootsUnion, MemberEvent

# --- search -------------------------------------------------------------------------------------

_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower case without diacritics, words separated by one space: "Nguyễn Văn Ân" → "nguyen van an".
    The same in Python for the stored name and the query, so that SQLite and PostgreSQL agree."""
    return " ".join(_fold_word(word) for word in str(text or "").split())


@lru_cache(maxsize=50_000)
def _fold_word(word: str) -> str:
    """One word folded; names draw on a few thousand words, so a list of 5,000 people folds each once."""
    text = unicodedata.normalize("NFD", word.translate(_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def search_key(full_name: str) -> str:
    """What Member.search_name stores: the folded name between spaces, so that each word of a
    query can be matched at the start of a word (" an" finds "An", not "Xuân")."""
    return f" {fold(full_name)} "


def is_whole_id(query: str) -> bool:
    """Is the search a whole ID number (a look-up, which the audit trail records)?"""
    return bool(ID_NUMBER.match(_SEPARATORS.sub("", normal_digits(query))))


def is_id_ending(query: str) -> bool:
    """The last four digits of an ID number: one digit more than lists show (mask_id), and never
    more, so that no series of searches spells out the rest."""
    return bool(ID_ENDING.match(query))


# --- ID numbers (căn cước công dân) -------------------------------------------------------------

# ASCII digits only: Python's \d also takes full-width and Arabic-Indic digits, which once let the
# same number be stored twice, as two different strings.
ID_NUMBER = re.compile(r"[0-9]{12}\Z")
ID_ENDING = re.compile(r"[0-9]{4}\Z")
# What people type between the groups of a number: "001 090 001 234", "001.090.001.234".
_SEPARATORS = re.compile(r"[\s.\-_/]+")


def normal_digits(text) -> str:
    """The text with every digit in ASCII: NFKC (full-width "０１" → "01", and the compatibility forms
    of spaces and letters), then the decimal digits NFKC keeps (Arabic-Indic "٠١", Devanagari…).
    Every ID and card number that comes in goes through here before it is checked or stored."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def normal_id_number(text) -> str:
    """An ID number as it is stored: ASCII digits, without the spaces or dots typed between groups."""
    return _SEPARATORS.sub("", normal_digits(text))


def normal_card_number(text) -> str:
    """A card number as it is stored: ASCII digits, spaces as typed but single."""
    return " ".join(normal_digits(text).split())


_DIGIT_RUN = re.compile(r"[0-9]+")


def card_key(card_number: str) -> str:
    """What card numbers are compared by (Member.card_key): upper case, letters and digits only,
    leading zeros dropped from each run of digits: "tn-0001234", "TN1234" → "TN1234"."""
    text = "".join(char for char in normal_digits(card_number).upper() if char.isalnum())
    return _DIGIT_RUN.sub(lambda run: run.group().lstrip("0") or "0", text)


def mask_id(id_number: str) -> str:
    """Lists show the last three digits only: "•••••••••345"."""
    return "" if not id_number else "•" * (len(id_number) - 3) + id_number[-3:]


def id_number_for(born_on: date, gender: str, serial: int, *, province: int = 19) -> str:
    """A CCCD number as the state issues them (for demo and benchmark people): the province of
    birth, then the digit for gender and century (see id_number_problem), the year, a serial."""
    digit = 2 * ((born_on.year - 1900) // 100) + (1 if gender == Gender.FEMALE else 0)
    return f"{province:03d}{digit}{born_on.year % 100:02d}{serial:06d}"


def id_number_problem(id_number: str, *, born_on: date | None = None, gender: str = "") -> str | None:
    """What is wrong with a CCCD number, in Vietnamese, or None. Its fourth digit says the holder's
    gender and century of birth (0/1: men/women born in the 1900s, 2/3: in the 2000s) and the two
    after it the year: a number that contradicts the birth date or gender is a typing mistake."""
    if not ID_NUMBER.match(id_number):
        return _("Số CCCD phải gồm đúng 12 chữ số (“%(text)s”).") % {"text": id_number[:20]}
    code = int(id_number[3])
    if code > 9:
        return None
    century, female = 1900 + 100 * (code // 2), code % 2 == 1
    if born_on is not None and (century + int(id_number[4:6]) != born_on.year):
        return _("Số CCCD không khớp năm sinh %(year)s (chữ số thứ 4–6 cho năm %(id_year)s).") % {
            "year": born_on.year,
            "id_year": century + int(id_number[4:6]),
        }
    if gender and (gender == Gender.FEMALE) != female:
        return _("Số CCCD không khớp giới tính (chữ số thứ 4 là %(digit)s).") % {"digit": code}
    return None


# --- the month as the register counts it --------------------------------------------------------


@dataclass
class RegisterMonth:
    """One CĐCS's month counted from its members' events, in the monthly figures' terms."""

    cdcs_id: int
    members_start: int = 0
    values: dict[str, int] = field(default_factory=dict)  # admitted, transferred_in, lost_<reason>

    @property
    def lost(self) -> int:
        return sum(self.values.get(column, 0) for column in LOSS_FIELDS.values())

    @property
    def members_end(self) -> int:
        return self.members_start + self.values.get("admitted", 0) + self.values.get("transferred_in", 0) - self.lost

    def as_figures(self) -> dict[str, int]:
        return {"members_start": self.members_start, **self.values, "members_end": self.members_end}


def keeps_register(cdcs: GrassrootsUnion, month: Month) -> bool:
    return cdcs.register_from is not None and cdcs.register_from <= month.first_day


# Past this many CĐCS (a province's, rather than a union's), register_figures reads every CĐCS's events
# and keeps those asked for: PostgreSQL took 110 ms only to plan a list of 25,000, then looked each up.
WHOLE_REGISTER = 5_000
# Which column of the figures each event of a month counts in.
_FLOW_COLUMN = {
    (MemberEvent.Kind.ADMITTED.value, ""): "admitted",
    (MemberEvent.Kind.TRANSFERRED_IN.value, ""): "transferred_in",
    **{(MemberEvent.Kind.LOST.value, reason.value): column for reason, column in LOSS_FIELDS.items()},
}


def register_figures(unions, month: Month) -> dict[int, RegisterMonth]:
    """The month of each of `unions` that keeps its register by `month`, from its members' events:
    the stock at the start (register openings up to the month, flows before it) and the month's
    admitted, transferred in and lost by reason. Two queries whatever their number, none when none
    keeps one; the CĐCS go into them as one array (`__any_of`, unionportal.lib.lookups), or not at
    all past WHOLE_REGISTER.

    Every event up to the month is read, so both queries count rows and nothing else (COUNT of a
    column never null, grouped by CĐCS, then by kind and reason): the index member_event_counts
    holds every column they read, and the database answers from it without the table. A province
    of 2.5 million members is counted in under a second this way, where twelve filtered counts per
    CĐCS took two (bench/register_scale.py)."""
    keeping = [cdcs.pk for cdcs in unions if keeps_register(cdcs, month)]
    if not keeping:
        return {}
    first_day = month.first_day
    events = MemberEvent.objects.order_by()
    if len(keeping) <= WHOLE_REGISTER:
        events = events.filter(cdcs_id__any_of=keeping)
    opening, lost = MemberEvent.Kind.OPENING, MemberEvent.Kind.LOST
    stock = (
        events.filter(Q(month__lt=first_day) | Q(month=first_day, kind=opening))
        .values("cdcs_id")
        .annotate(entered=Count("cdcs_id", filter=~Q(kind=lost)), left=Count("cdcs_id", filter=Q(kind=lost)))
    )
    flows = events.filter(month=first_day).exclude(kind=opening).values("cdcs_id", "kind", "reason")
    result = {pk: RegisterMonth(pk, 0, dict.fromkeys(FLOW_FIELDS, 0)) for pk in keeping}
    for row in stock:
        if (month_of := result.get(row["cdcs_id"])) is not None:
            month_of.members_start = row["entered"] - row["left"]
    for row in flows.annotate(n=Count("*")):
        if (month_of := result.get(row["cdcs_id"])) is not None:
            month_of.values[_FLOW_COLUMN[row["kind"], row["reason"]]] += row["n"]
    return result
