"""Demo data for the training app (issue 8): courses for CĐCS officers over the programme years.

Each federation runs a few courses a year, training roughly its training quota (more in some
years, less in others, so that the report shows both); the province runs two courses a year of
its own. About half of the courses name the CĐCS their officers came from, drawn from the CĐCS
that belonged to the organiser in the course's month. Written in bulk, around the services,
like the rest of the demo: the rows satisfy the same rules (see training.services). Once the
demo's committees are there, some courses name the officers who attended (seed_attended,
registered with members.demo.register_seeder from TrainingConfig.ready())."""

import random
from collections import defaultdict
from datetime import date

from members.models import Body, GrassrootsUnion, Officer, Post
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .models import Course, CourseAttendance

TOPICS = [
    "Nghiệp vụ công tác công đoàn cho chủ tịch CĐCS mới thành lập",
    "Kỹ năng đối thoại, thương lượng tập thể tại doanh nghiệp",
    "Pháp luật lao động và Luật Công đoàn cho cán bộ CĐCS",
    "Công tác tài chính công đoàn cơ sở",
    "Kỹ năng phát triển đoàn viên, thành lập CĐCS khu vực ngoài nhà nước",
    "Công tác an toàn, vệ sinh lao động",
    "Công tác nữ công cho cán bộ CĐCS",
    "Tổ chức đại hội CĐCS và kiểm tra công đoàn",
]
PLACES = ["Hội trường {org}", "Trung tâm Chính trị huyện", "Nhà văn hóa Lao động tỉnh", "Trực tuyến"]
COURSE_MONTHS = (3, 5, 8, 10)


def seed_training(*, province, federations, users, end) -> int:
    """Seed the demo's training data up to the month `end`; returns how many courses it wrote."""
    rng = random.Random("training-2018")
    programmes = list(Programme.objects.order_by("first_year", "pk"))
    if not programmes:
        return 0
    first_year = programmes[0].first_year
    quotas = {
        (org_id, year): trained
        for org_id, year, trained in Quota.objects.filter(trained_officers__gt=0).values_list(
            "organisation_id", "year", "trained_officers"
        )
    }
    cdcs_of: dict[Month, dict[int, list[int]]] = {}

    def under(month: Month, org_id: int) -> list[int]:
        if month not in cdcs_of:
            by_federation: dict[int, list[int]] = {}
            for pk, federation_id in (
                # Founded before the month and not dissolved in it: there on any day of it.
                GrassrootsUnion.objects.filter(founded_on__lt=month.first_day)
                .exclude(dissolved_on__lte=month.last_day)
                .with_federation_at(month)
                .order_by("pk")
                .values_list("pk", "federation_at_id")
            ):
                by_federation.setdefault(federation_id, []).append(pk)
            cdcs_of[month] = by_federation
        return cdcs_of[month].get(org_id, [])

    courses, attendance = [], []
    for year in range(first_year, end.year + 1):
        months = [Month(year, m) for m in COURSE_MONTHS if Month(year, m) < end]
        if not months:
            continue
        for org in [*federations.values(), province]:
            if org.is_direct:
                continue  # the province's own courses are the province's line
            if (org.active_to is not None and org.active_to < date(year, 1, 1)) or (
                org.active_from is not None and org.active_from > date(year, 12, 31)
            ):
                continue
            own = org.is_province
            target = 120 if own else quotas.get((org.pk, year), 20)
            officers = round(target * rng.uniform(0.55, 1.25) * len(months) / len(COURSE_MONTHS))
            count = 2 if own else rng.randint(1, min(3, len(months)))
            for month, share in zip(sorted(rng.sample(months, count)), _split(officers, count, rng), strict=True):
                starts_on = date(year, month.month, rng.randint(5, 24))
                if share < 1 or not (org.active_from or starts_on) <= starts_on <= (org.active_to or starts_on):
                    continue
                user = users["bantochuc"] if own else users.get(org.code)
                course = Course(
                    organiser=org,
                    starts_on=starts_on,
                    ends_on=date(year, month.month, starts_on.day + rng.choice((0, 1, 2))),
                    topic=rng.choice(TOPICS),
                    place=rng.choice(PLACES).format(org=org.name),
                    officers=share,
                    entered_by=user,
                )
                courses.append(course)
                if rng.random() < 0.5:
                    pool = (
                        [pk for fed in federations.values() for pk in under(month, fed.pk)]
                        if own
                        else under(month, org.pk)
                    )
                    chosen = rng.sample(pool, min(len(pool), rng.randint(3, 8), share))
                    parts = _split(rng.randint(len(chosen), share), len(chosen), rng) if chosen else []
                    if sum(parts) <= share:
                        attendance += [(course, pk, n) for pk, n in zip(chosen, parts, strict=True) if n > 0]
    Course.objects.bulk_create(courses, batch_size=500)
    CourseAttendance.objects.bulk_create(
        (CourseAttendance(course=course, cdcs_id=pk, officers=n) for course, pk, n in attendance), batch_size=2000
    )
    return len(courses)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` cut into `parts` whole numbers of similar size (each at least 1 when total allows)."""
    if parts <= 0:
        return []
    weights = [rng.uniform(0.7, 1.3) for _ in range(parts)]
    shares = [max(1, int(total * weight / sum(weights))) for weight in weights]
    shares[-1] = max(0, total - sum(shares[:-1]))
    return shares


def seed_attended(*, federations, users, end) -> int:
    """After the demo's committees (members.officers.demo): the federations' courses name some of
    the officers who attended, chairs first: on a line of their CĐCS, or on a new line where the
    course's total leaves room. Only officers in post on some day of the course, of a CĐCS under
    the organiser that month (the rules of training.services). Returns how many it named."""
    rng = random.Random("attended-2018")
    officers = defaultdict(list)  # CĐCS id → its executive officers
    for officer in Officer.objects.filter(body=Body.EXECUTIVE).select_related("term").order_by("pk"):
        officers[officer.term.cdcs_id].append(officer)
    if not officers:
        return 0
    federation_ids = {org.pk for org in federations.values()}
    courses = Course.objects.filter(organiser_id__in=federation_ids).order_by("starts_on", "pk")
    lines = defaultdict(dict)  # course id → CĐCS id → line
    for line in CourseAttendance.objects.filter(course__in=courses):
        lines[line.course_id][line.cdcs_id] = line
    under: dict[Month, dict[int, int]] = {}
    new_lines, named = [], []
    for course in courses:
        month = Month.of(course.starts_on)
        if month not in under:
            under[month] = dict(
                GrassrootsUnion.objects.filter(pk__in=list(officers)).with_federation_at(month)
                .values_list("pk", "federation_at_id")
            )  # fmt: skip
        room = course.officers - sum(line.officers for line in lines[course.pk].values())
        for cdcs_id, people in officers.items():
            present = [o for o in people if _during(o, course)]
            if under[month].get(cdcs_id) != course.organiser_id or not present or rng.random() < 0.6:
                continue
            line = lines[course.pk].get(cdcs_id)
            if line is None:
                if room < 1:
                    continue
                line = CourseAttendance(course=course, cdcs_id=cdcs_id, officers=min(room, rng.randint(1, 3)))
                room -= line.officers
                new_lines.append(line)
            # Chairs are sent to courses more often than the other members, not always.
            chosen = sorted(present, key=lambda o: rng.random() - (0.4 if o.post == Post.CHAIR else 0))
            chosen = chosen[: line.officers]
            named += [(line, officer) for officer in chosen]
    CourseAttendance.objects.bulk_create(new_lines, batch_size=500)
    Through = CourseAttendance.named_officers.through
    Through.objects.bulk_create(
        (Through(courseattendance_id=line.pk, officer_id=officer.pk) for line, officer in named), batch_size=2000
    )
    return len(named)


def _during(officer: Officer, course: Course) -> bool:
    last_day = course.ends_on or course.starts_on
    return officer.from_on <= last_day and (officer.to_on is None or officer.to_on > course.starts_on)
