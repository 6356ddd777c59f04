"""Reading the member register: search that ignores diacritics, masked ID numbers, ID number
checks, and the month's figures as the register counts them (register_figures)."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Lower
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


def member_search(queryset, query: str):
    """Members whose name has words starting with every word of the query, whatever the accents
    and case; a query with digits finds a card number (any case, with or without leading zeros:
    "tn1234" finds TN0001234) or an ID number, whole (12 digits) or by its last four digits. No
    other part of an ID number finds anyone: searching by its first digits, one more at a time,
    rebuilt a whole number in a few dozen searches, without the audit its reveal writes."""
    query = normal_digits(query).strip()
    if not query:
        return queryset
    compact = _SEPARATORS.sub("", query)
    if any(char.isdigit() for char in compact):
        found = Q(card_key=card_key(compact))
        if is_whole_id(compact):
            found |= Q(id_number=compact)
        elif is_id_ending(compact):
            found |= Q(id_number__endswith=compact)
        return queryset.filter(found)
    for word in fold(query).split():
        queryset = queryset.filter(search_name__contains=f" {word}")
    return queryset


def is_whole_id(query: str) -> bool:
    """Is the search a whole ID number (a look-up, which the audit trail records)?"""
    return bool(ID_NUMBER.match(_SEPARATORS.sub("", normal_digits(query))))


def is_id_ending(query: str) -> bool:
    """The last four digits of an ID number: one digit more than lists show (mask_id), and never
    more, so that no series of searches spells out the rest."""
    return bool(ID_ENDING.match(query))


# Up to this many matches, PostgreSQL sorts them faster than it finds them walking the name index in
# order: names start with the family name, so the matches of "hoang" lie together far down the index,
# which the planner cannot know (bench/member_speed.py: 100 ms → 17 ms). Beyond it they are dense
# enough for the walk. SQLite sorts by reading whole rows, slower than its walk over the index.
SORT_MATCHES_UP_TO = 5_000


def name_ordered(found, *, matches: int):
    """The members `found` by a search, in name order, by the quickest way for their number."""
    if connection.vendor == "postgresql" and matches <= SORT_MATCHES_UP_TO:
        return found.order_by(Lower("search_name"), "pk")  # the same order, not the index's
    return found.order_by("search_name", "pk")


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


def _count(month: Month, **condition):
    return Count("pk", filter=Q(month=month.first_day, **condition))


def keeps_register(cdcs: GrassrootsUnion, month: Month) -> bool:
    return cdcs.register_from is not None and cdcs.register_from <= month.first_day


def register_figures(unions, month: Month) -> dict[int, RegisterMonth]:
    """The month of each of `unions` that keeps its register by `month`, from its members' events,
    in one query whatever their number, none when none keeps one: the stock at the start (register
    openings up to the month, flows before it) and the month's admitted, transferred in and lost
    by reason."""
    keeping = [cdcs.pk for cdcs in unions if keeps_register(cdcs, month)]
    if not keeping:
        return {}
    flows = {
        "admitted": _count(month, kind=MemberEvent.Kind.ADMITTED),
        "transferred_in": _count(month, kind=MemberEvent.Kind.TRANSFERRED_IN),
        **{column: _count(month, kind=MemberEvent.Kind.LOST, reason=reason) for reason, column in LOSS_FIELDS.items()},
    }
    earlier = Q(month__lt=month.first_day)
    gained = Q(kind__in=[MemberEvent.Kind.ADMITTED, MemberEvent.Kind.TRANSFERRED_IN])
    rows = (
        MemberEvent.objects.filter(cdcs_id__in=keeping, month__lte=month.first_day)
        .values("cdcs_id")
        .annotate(
            opening=Count("pk", filter=Q(kind=MemberEvent.Kind.OPENING)),
            gained=Count("pk", filter=earlier & gained),
            lost_before=Count("pk", filter=earlier & Q(kind=MemberEvent.Kind.LOST)),
            **flows,
        )
    )
    result = {pk: RegisterMonth(pk, 0, dict.fromkeys(FLOW_FIELDS, 0)) for pk in keeping}
    for row in rows:
        result[row["cdcs_id"]] = RegisterMonth(
            row["cdcs_id"],
            row["opening"] + row["gained"] - row["lost_before"],
            {column: row[column] for column in FLOW_FIELDS},
        )
    return result
