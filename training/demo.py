"""Demo data for the training app (issue 8): courses for CĐCS officers over the programme years.

Each federation runs a few courses a year, training roughly its training quota (more in some
years, less in others, so that the report shows both); the province runs two courses a year of
its own. About half of the courses name the CĐCS their officers came from, drawn from the CĐCS
that belonged to the organiser in the course's month. Written in bulk, around the services,
like the rest of the demo: the rows satisfy the same rules (see training.services)."""

import random
from datetime import date

from members.models import GrassrootsUnion
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
