"""Searching the member register, and the people list's page: the search (member_search) ignores
diacritics and case, finds a card number or an ID number whole or by its last four digits; the
page (people_page) counts up to COUNT_CAP and reads the same few queries whatever the register's
size (bench/register_scale.py: 2.5 million members, docs/operations.md "Sổ đoàn viên cỡ lớn")."""

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Func, Q, TextField
from django.db.models.functions import Right

from ..models import Member
from .people import card_key, fold, is_id_ending, is_whole_id, normal_id_number


class NameWords(Func):
    """PostgreSQL: every beginning of every word of a folded name (" nguyen van " → n, ng, …, nguyen,
    v, va, van), as the GIN index of migration 0017 holds them. A search's words are then a few
    look-ups in that index, where LIKE '% word%' reads the name of every member, or (trigrams)
    merges the long lists of "ngu", "guy", "uye"… of a province where a third are Nguyễn."""

    function = "member_name_prefixes"
    output_field = ArrayField(TextField())


def member_search(queryset, query: str, *, indexed: bool = True):
    """Members whose name has words starting with every word of the query, whatever the accents
    and case; a query with digits finds a card number (any case, with or without leading zeros:
    "tn1234" finds TN0001234) or an ID number, whole (12 digits) or by its last four digits. No
    other part of an ID number finds anyone: searching by its first digits, one more at a time,
    rebuilt a whole number in a few dozen searches, without the audit its reveal writes.

    On PostgreSQL names are looked up in the index of their words; `indexed=False` leaves it out
    (people_page's first look among the latest members, where reading them is quicker)."""
    compact = normal_id_number(query)
    if not compact:
        return queryset
    if any(char.isdigit() for char in compact):
        found = Q(card_key=card_key(compact))
        if is_whole_id(compact):
            found |= Q(id_number=compact)
        elif is_id_ending(compact):
            found |= Q(id_ending=compact)  # the index member_id_ending: no scan of every number
        return queryset.alias(id_ending=Right("id_number", 4)).filter(found)
    words = fold(query).split()
    if indexed and connections[queryset.db].vendor == "postgresql":
        queryset = queryset.alias(name_words=NameWords("search_name")).filter(name_words__contains=words)
    for word in words:  # the rule itself, and the cheap test of the rows the index hands over
        queryset = queryset.filter(search_name__contains=f" {word}")
    return queryset


def searches_names(query: str) -> bool:
    """Does member_search look for name words (not a card or ID number) in this query?"""
    compact = normal_id_number(query)
    return bool(compact) and not any(char.isdigit() for char in compact)


# The people list counts matches up to this many. Past it the number says "more than 1,000": counting
# every Nguyễn of a province (a million of 2.5 million members) takes seconds, for a number that tells
# nobody anything but to search more narrowly.
COUNT_CAP = 1_000
# A name search on PostgreSQL first reads the latest this many members of the whole register (by
# record number), without the name index, to learn whether its name is common. Where one in fifty
# or more match (Nguyễn, Văn, Thị, Nguyễn Văn…) they are then read without the index, by a scan that
# stops as soon as it has found enough, in a few milliseconds where merging the index's lists of
# half a million members each takes 100 ms. Rarer names go to the index (bench/register_scale.py).
# Names do not depend on when members were entered, so the latest are as good a sample as any;
# the union or CĐCS searched in does, which is why the sample is of the whole register.
PROBE = 50_000


class _Counted(Paginator):
    """A paginator told its count, instead of counting its list again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known = count

    @property
    def count(self) -> int:
        return self.known


@dataclass
class PeoplePage:
    page: Page
    capped: bool  # more than COUNT_CAP members match: the count says "more than"
    sample: bool  # capped and found by name: the page lists `per_page` of them, with no other pages


def people_page(members, query: str, *, number, per_page: int) -> PeoplePage:
    """A page of the `members` that `query` finds (all of them without one), in name order, read in
    a fixed number of queries whatever their number.

    The first reads the ids of at most COUNT_CAP + 1 of them, in whichever order the database finds
    them fastest (a scan that stops early when they are many, an index when they are few). Up to
    COUNT_CAP, those are all of them: counted exactly, sorted by name, paged. Beyond it:
    - without name words (the whole register, a CĐCS, a status, a number) the name index is walked
      in order, which finds each next 50 at once since such members are spread evenly through it;
      the pages go as far as COUNT_CAP;
    - with name words, the members found lie together wherever their names sort ("phạm" after
      every name from A to P): walking the index may read two million names, and sorting every
      match means reading them all. The page lists `per_page` of those found, in name order, and
      says that they are some of more than COUNT_CAP."""
    named = searches_names(query)
    indexed = not (named and _common(members, query))
    found = member_search(members, query, indexed=indexed)
    ids = list(found.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    chosen = Member.objects.filter(pk__in=ids).prefetch_related("cdcs").order_by("search_name", "pk")
    capped = len(ids) > COUNT_CAP
    if not capped:
        paginator = _Counted(chosen, per_page, count=len(ids))
    elif named:
        paginator = _Counted(chosen[:per_page], per_page, count=per_page)
    else:
        walked = found.select_related("cdcs").order_by("search_name", "pk")
        paginator = _Counted(walked, per_page, count=COUNT_CAP)
    return PeoplePage(paginator.get_page(number), capped=capped, sample=capped and named)


def _common(members, query: str) -> bool:
    """On PostgreSQL, do more than one in fifty of the latest PROBE members of the register match
    the query's names (see PROBE)? Elsewhere there is no name index to spare: False."""
    if connections[members.db].vendor != "postgresql":
        return False
    register = Member.objects.using(members.db)
    latest = register.order_by("-pk").values_list("pk", flat=True).first() or 0
    recent = member_search(register.filter(pk__gt=latest - PROBE), query, indexed=False)
    return len(recent.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1]) > COUNT_CAP
