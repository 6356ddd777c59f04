"""The demo province written: the province and its federations, the demo users, the CĐCS with
their affiliations and monthly figures (members.demo.builder), the member register of a few of
them (members.demo.people), the monthly returns and the summary. The first step of seed_demo
(reports/management/commands/seed_demo.py); the other apps seed theirs on what this returns.

Written in bulk (bulk_create; unionportal.lib.bulk for the ~150,000 monthly figures): the database
constraints (non-negative figures, stock identity, one row per CĐCS and month) still guard every row."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from members.figures.summary import summary_rebuild
from members.models import Affiliation, GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation, Role, UserProfile
from unionportal.lib.bulk import insert_many
from unionportal.lib.months import Month

from .builder import ProvinceBuilder
from .people import seed_register
from .tables import DEMO_PASSWORD, FEDERATIONS, MERGE, PROVINCE_CODE

DEMO_MAIL_DOMAIN = "ldld.example.vn"  # the demo users' made-up addresses (notices by e-mail)
USERS = [
    # username, full name, role, federations followed as a steering-committee member
    ("bantochuc", "Nguyễn Thị Lan", Role.PROVINCIAL_STAFF, []),
    ("lanhdao", "Hoàng Thu Hà", Role.LEADERSHIP, []),
    ("bcd.minh", "Trần Văn Minh", Role.LEADERSHIP, ["TPTN", "TXPY", "KCN"]),
]


@dataclass
class DemoProvince:
    """What the other apps' demo seeders build on, and how much members wrote."""

    province: Organisation
    federations: dict[str, Organisation]  # by code
    users: dict  # by username, federation staff by their federation's code
    admin: object
    cdcs: int
    figures: int
    returns: int
    members: int


def demo_exists() -> bool:
    return Organisation.objects.filter(code=PROVINCE_CODE).exists()


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, what they are) for every demo user."""
    logins = [("admin", DEMO_PASSWORD, "Quản trị hệ thống (Django admin)")]
    for username, full_name, role, followed in USERS:
        what = f"{Role(role).label}: {full_name}"
        if followed:
            what += f" (phụ trách {', '.join(followed)})"
        logins.append((username, DEMO_PASSWORD, what))
    for code, name, *_rest in FEDERATIONS:
        logins.append((f"cb.{code.lower()}", DEMO_PASSWORD, f"{Role.FEDERATION_STAFF.label}: {name}"))
    return logins


def _moment(month: Month, day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(month.first_day.replace(day=day), time(hour)))


def _organisations(end: Month) -> tuple[Organisation, dict[str, Organisation]]:
    province = Organisation.objects.create(
        code=PROVINCE_CODE, name="LĐLĐ tỉnh Thái Nguyên", kind=Organisation.Kind.PROVINCE, active_from=date(1990, 1, 1)
    )
    federations = {}
    for position, (code, name, kind, *_rest) in enumerate(FEDERATIONS, start=1):
        federations[code] = Organisation.objects.create(
            code=code, name=name, kind=kind, parent=province, position=position, active_from=date(1990, 1, 1)
        )
    source, into, merge_month = MERGE
    if end >= merge_month:
        federations[source].active_to = merge_month.first_day - timedelta(days=1)
        federations[source].merged_into = federations[into]
        federations[source].save()
    return province, federations


def _users(federations: dict[str, Organisation]) -> tuple[object, dict]:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    admin = User.objects.create(
        username="admin",
        email="admin@example.org",
        first_name="Quản trị",
        is_staff=True,
        is_superuser=True,
        password=password,
    )
    users = {}
    for username, full_name, role, followed in USERS:
        # Vietnamese names read family name first: keep the whole name in first_name so that
        # get_full_name() gives "Nguyễn Thị Lan", not "Lan Nguyễn Thị".
        users[username] = User.objects.create(
            username=username, password=password, first_name=full_name, email=f"{username}@{DEMO_MAIL_DOMAIN}"
        )
        profile = UserProfile.objects.create(user=users[username], role=role)
        profile.followed_federations.set([federations[code] for code in followed])
    for code, *_rest in FEDERATIONS:
        username = f"cb.{code.lower()}"
        user = User.objects.create(
            username=username, password=password, first_name=f"Cán bộ {code}", email=f"{username}@{DEMO_MAIL_DOMAIN}"
        )
        UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federations[code])
        users[code] = user
    return admin, users


def seed_members(*, end: Month) -> DemoProvince:
    """Build the demo province's organisations, users and CĐCS with figures up to `end`. The caller
    holds the transaction (seed_demo writes every app's part in one)."""
    builder = ProvinceBuilder(end)
    builder.build()
    province, federations = _organisations(end)
    admin, users = _users(federations)

    unions = GrassrootsUnion.objects.bulk_create(
        [
            GrassrootsUnion(
                code=u.code,
                name=u.name,
                employer=u.employer,
                sector=u.sector,
                workers=u.workers,
                founded_on=u.founded_on,
                dissolved_on=u.dissolved_on,
                dissolution_reason=u.dissolution_reason,
                founding_decision=u.founding_decision,
            )
            for u in builder.unions
            if u.founded_on <= end.last_day
        ],
        batch_size=1000,
    )
    by_code = {union.code: union for union in unions}
    Affiliation.objects.bulk_create(
        [
            Affiliation(cdcs=by_code[u.code], federation=federations[code], valid_from=month.first_day)
            for u in builder.unions
            if u.code in by_code
            for month, code in u.affiliations
        ],
        batch_size=2000,
    )

    figures, reported = [], set()
    for u in builder.unions:
        for month, row in u.rows.items():
            federation = federations[u.federation_at(month)]
            figures.append(MonthlyFigure(cdcs=by_code[u.code], month=month.first_day, federation=federation, **row))
            reported.add((federation.code, month))
    insert_many(figures)  # ~150,000 rows: bulk_create spends most of the demo's time compiling them
    registered = seed_register(builder.unions, by_code, end)

    # The workflow as it would stand: everything approved but the last two months; the month
    # before last submitted, the last one submitted by some federations only.
    returns = []
    for index, (code, month) in enumerate(sorted(reported, key=lambda item: (item[1], item[0]))):
        monthly_return = MonthlyReturn(federation=federations[code], month=month.first_day, version=1)
        if month <= end - 1 or index % 2 == 0:
            monthly_return.status = MonthlyReturn.Status.SUBMITTED
            monthly_return.submitted_by, monthly_return.submitted_at = users[code], _moment(month + 1, 5, 9)
        if month <= end - 2:
            monthly_return.status = MonthlyReturn.Status.APPROVED
            monthly_return.approved_by, monthly_return.approved_at = users["bantochuc"], _moment(month + 1, 10, 15)
        returns.append(monthly_return)
    MonthlyReturn.objects.bulk_create(returns, batch_size=2000)
    summary_rebuild()  # the rows above were written in bulk, around the services
    return DemoProvince(
        province=province,
        federations=federations,
        users=users,
        admin=admin,
        cdcs=len(unions),
        figures=len(figures),
        returns=len(returns),
        members=registered,
    )
