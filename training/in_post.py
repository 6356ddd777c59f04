"""How many of the officers in post were trained: the chairs and executive-committee members of
the CĐCS of each federation on a day, and how many of them some course of the programme named
among its attendance (CourseAttendance.named_officers).

A person is the same across their records (a post changed, a term renewed) when the records link
the same member of the register, or, without a link, carry the same name in the same CĐCS: the
vice-chair trained in 2021 who is chair at the end of 2023 counts as a trained chair. Three
queries, whatever the number of federations and officers."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date

from members.models import Body, Officer, Post, Term
from members.officers.selectors import cdcs_existing_on

from .models import CourseAttendance


@dataclass
class TrainedInPost:
    chairs: int = 0  # chairs in post on the day
    chairs_trained: int = 0  # of them, trained during the window
    committee: int = 0  # executive-committee members in post on the day, chairs included
    committee_trained: int = 0

    @classmethod
    def sum(cls, parts: Iterable["TrainedInPost"]) -> "TrainedInPost":
        total = cls()
        for part in parts:
            for name in (f.name for f in fields(cls)):
                setattr(total, name, getattr(total, name) + getattr(part, name))
        return total


def person(cdcs_id: int, member_id: int | None, full_name: str) -> tuple:
    """Who an officer record is: the register member it links, or its name within its CĐCS."""
    if member_id is not None:
        return ("member", member_id)
    return ("name", cdcs_id, " ".join(full_name.split()).casefold())


def trained_in_post(*, federations, on: date, since: date) -> dict[int, TrainedInPost]:
    """Per federation (by id) of `federations`: the CĐCS under it on the day `on`, their chairs and
    executive-committee members in post that day, and how many of those people some course that
    started between `since` and `on` names as attending (whoever organised it)."""
    unions = cdcs_existing_on(on, list(federations))
    federation_of = dict(unions.values_list("pk", "federation_at_id"))
    in_post = (
        Officer.objects.in_post(on)
        .filter(body=Body.EXECUTIVE, term__in=Term.objects.current_on(on), term__cdcs__in=unions.values("pk"))
        .values_list("term__cdcs_id", "member_id", "full_name", "post")
    )
    trained = {
        person(cdcs_id, member_id, name)
        for cdcs_id, member_id, name in CourseAttendance.named_officers.through.objects.filter(
            courseattendance__course__starts_on__gte=since,
            courseattendance__course__starts_on__lte=on,
        ).values_list("officer__term__cdcs_id", "officer__member_id", "officer__full_name")
    }
    found: dict[int, TrainedInPost] = defaultdict(TrainedInPost)
    for cdcs_id, member_id, name, post in in_post:
        counts = found[federation_of[cdcs_id]]
        was_trained = person(cdcs_id, member_id, name) in trained
        counts.committee += 1
        counts.committee_trained += was_trained
        if post == Post.CHAIR:
            counts.chairs += 1
            counts.chairs_trained += was_trained
    return found
