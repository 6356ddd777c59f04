"""Reads of training courses: who may see which, the list, and the report against the quota."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from members.access import can_read_people, cdcs_now_under, is_provincial, orgs_visible_to
from members.models import GrassrootsUnion, Officer, Organisation
from members.officers.selectors import POST_ORDER
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .in_post import TrainedInPost, trained_in_post
from .models import Course


def courses_visible_to(user) -> QuerySet[Course]:
    """Courses of the organisations the user may see (access.orgs_visible_to): federation staff
    see their own federation's courses only, not the province's nor another federation's."""
    return Course.objects.filter(organiser__in=orgs_visible_to(user))


def course_list(*, user, year: int | None = None, organiser: Organisation | None = None) -> QuerySet[Course]:
    """The courses the user may see, newest first, with how many CĐCS and officers their
    attendance names. One query."""
    courses = courses_visible_to(user).select_related("organiser")
    if year:
        courses = courses.filter(starts_on__year=year)
    if organiser is not None:
        courses = courses.filter(organiser=organiser)
    return courses.annotate(cdcs_count=Count("attendance"), assigned=Sum("attendance__officers")).order_by(
        "-starts_on", "-pk"
    )


def course_years(*, user) -> list[int]:
    """The years in which the user's visible courses started, newest first. One query."""
    return [day.year for day in courses_visible_to(user).dates("starts_on", "year", order="DESC")]


def cdcs_choices(organiser: Organisation | None) -> QuerySet[GrassrootsUnion]:
    """The CĐCS a course of this organiser may name: those that are or were under the federation
    (the service checks the month), or any CĐCS for the province's own courses."""
    if organiser is None or organiser.is_province:
        return GrassrootsUnion.objects.order_by("code")
    return GrassrootsUnion.objects.filter(affiliations__federation=organiser).distinct().order_by("code")


# --- the officers an attendance names -------------------------------------------------------------


def names_readable(user, cdcs_ids) -> set[int]:
    """Which of these CĐCS the user may read officers' names of (members.officers.rules): every one
    for provincial staff and the system, those now under their federation for its staff, none for leadership.
    One query at most."""
    ids = set(cdcs_ids)
    if user is None or is_provincial(user):  # None: the system itself (the demo, a command)
        return ids
    if not can_read_people(user) or not ids:
        return set()
    return set(cdcs_now_under(user).filter(pk__in=ids).values_list("pk", flat=True))


def officers_during(course: Course, cdcs_ids) -> dict[int, list[Officer]]:
    """Per CĐCS, its officers in post on some day of the course (from its first day to its last),
    in order of precedence: those an attendance line may name. One query."""
    last_day = course.ends_on or course.starts_on
    officers = (
        Officer.objects.filter(term__cdcs_id__in=list(cdcs_ids), from_on__lte=last_day)
        .exclude(to_on__lte=course.starts_on)
        .select_related("term")
    )
    found: dict[int, list[Officer]] = defaultdict(list)
    for officer in sorted(officers, key=lambda o: (POST_ORDER[o.post], o.full_name, o.pk)):
        found[officer.term.cdcs_id].append(officer)
    return found


# --- the report -----------------------------------------------------------------------------------


def attainment(actual: int, quota: int | None) -> float | None:
    """actual ÷ quota × 100, or None where there is no quota (none given, or zero)."""
    return actual * 100 / quota if quota else None


@dataclass
class TrainingRow:
    org: Organisation | None  # None: the courses the province organised itself
    courses: int = 0
    officers: int = 0
    quota: int | None = None  # the year's training quota; None where the programme gives none
    programme_officers: int = 0  # from the programme's first year to the report's year
    programme_quota: int | None = None
    in_post: TrainedInPost | None = None  # officers in post at the report's day, and how many trained

    @property
    def attainment(self) -> float | None:
        return attainment(self.officers, self.quota)

    @property
    def programme_attainment(self) -> float | None:
        return attainment(self.programme_officers, self.programme_quota)


@dataclass
class TrainingReport:
    year: int
    programme: Programme | None
    rows: list[TrainingRow]  # the federations
    province_courses: TrainingRow | None  # courses organised by the province; None for federation staff
    total: TrainingRow | None  # the whole province against its own quota; None for federation staff
    in_post_on: date | None = None  # the day of the officers in post: the year's last, or today


def training_report(*, year: int, user, today: date | None = None) -> TrainingReport:
    """Officers trained and courses per federation in `year`, and over the programme up to that
    year, beside the training quotas of the programme covering the year (the newest when two
    overlap); and the chairs and committee members in post at the end of the year (today, for
    this year) with how many of them the programme's courses trained (in_post.py). Seven queries,
    however many federations, courses and officers."""
    programme = Programme.objects.for_year(year)
    first_year = programme.first_year if programme else year
    on = min(date(year, 12, 31), today or timezone.localdate())
    visible = list(orgs_visible_to(user).order_by("position", "name"))
    province = next((org for org in visible if org.is_province), None)
    ids = [org.pk for org in visible]

    done = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # org id → year → [courses, officers]
    for org_id, course_year, courses, officers in (
        Course.objects.filter(organiser_id__in=ids, starts_on__gte=date(first_year, 1, 1), starts_on__year__lte=year)
        .annotate(course_year=ExtractYear("starts_on"))
        .values("organiser_id", "course_year")
        .annotate(courses=Count("pk"), officers=Sum("officers"))
        .values_list("organiser_id", "course_year", "courses", "officers")
    ):
        done[org_id][course_year] = [courses, officers]

    quotas = defaultdict(dict)  # org id → year → training quota
    if programme is not None:
        for org_id, quota_year, trained in Quota.objects.filter(
            programme=programme, organisation_id__in=ids, year__lte=year
        ).values_list("organisation_id", "year", "trained_officers"):
            quotas[org_id][quota_year] = trained

    def row_of(org: Organisation | None, org_id: int) -> TrainingRow:
        courses, officers = done[org_id].get(year, [0, 0])
        year_quota = quotas[org_id].get(year) or None
        programme_quota = sum(quotas[org_id].values()) or None
        programme_officers = sum(officers for _courses, officers in done[org_id].values())
        return TrainingRow(org, courses, officers, year_quota, programme_officers, programme_quota)

    start, end = Month(year, 1), Month(year, 12)
    rows = [
        row_of(org, org.pk)
        for org in visible
        if not org.is_province
        and (_active_between(org, start, end) or done[org.pk].get(year) or quotas[org.pk].get(year))
    ]
    in_post = trained_in_post(federations=[row.org for row in rows], on=on, since=date(first_year, 1, 1))
    for row in rows:
        row.in_post = in_post.get(row.org.pk, TrainedInPost())
    if province is None:
        return TrainingReport(year, programme, rows, None, None, on)
    own = row_of(None, province.pk)
    own.quota = own.programme_quota = None  # the province's quota is for the whole province: see total
    total = TrainingRow(
        province,
        courses=own.courses + sum(row.courses for row in rows),
        officers=own.officers + sum(row.officers for row in rows),
        quota=quotas[province.pk].get(year) or None,
        programme_officers=sum(officers for org_years in done.values() for _c, officers in org_years.values()),
        programme_quota=sum(quotas[province.pk].values()) or None,
        in_post=TrainedInPost.sum(row.in_post for row in rows),
    )
    return TrainingReport(year, programme, rows, own, total, on)


def _active_between(org: Organisation, start: Month, end: Month) -> bool:
    return (org.active_from is None or org.active_from <= end.last_day) and (
        org.active_to is None or org.active_to >= start.first_day
    )
