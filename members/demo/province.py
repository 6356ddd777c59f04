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

from members.figures.summary import summary_rebuild, summary_refresh
from members.models import Affiliation, GrassrootsUnion, MonthlyFigure, MonthlyReturn, Organisation, Role, UserProfile
from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.months import Month

from .builder import ProvinceBuilder
from .people import REGISTER_FEDERATION, seed_register
from .tables import COMMUNE_UNIONS, DEMO_PASSWORD, FEDERATIONS, MERGE, PROVINCE_CODE, successor

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
    end: Month
    builder: ProvinceBuilder  # what the figures are generated from
    written: Month  # the last month written: before `end` while paused for the reorganisation
    password: str  # the demo password, hashed once

    @property
    def paused(self) -> bool:
        return self.written < self.end


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
    # The commune and ward unions' staff, where the demo went past the reorganisation.
    founded = [(code, name) for unions in COMMUNE_UNIONS.values() for code, name, _places in unions]
    present = set(
        get_user_model()
        .objects.filter(username__in=[f"cb.{code.lower()}" for code, _n in founded])
        .values_list("username", flat=True)
    )
    for code, name in founded:
        if f"cb.{code.lower()}" in present:
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


def _users(federations: dict[str, Organisation]) -> tuple[object, dict, str]:
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
    return admin, users, password


def seed_members(*, end: Month, pause_before: Month | None = None) -> DemoProvince:
    """Build the demo province's organisations, users and CĐCS with figures up to `end`; with
    `pause_before` (the reorganisation's month) in the range, only up to the month before it:
    `resume_members` writes the rest, once the reorganisation has been applied and the builder
    told what it changed. The caller holds the transaction (seed_demo writes every app's part in one)."""
    last = pause_before - 1 if pause_before is not None and pause_before <= end else end
    builder = ProvinceBuilder(end)
    builder.build(until=last)
    province, federations = _organisations(end)
    admin, users, password = _users(federations)
    world = DemoProvince(
        province=province,
        federations=federations,
        users=users,
        admin=admin,
        cdcs=0,
        figures=0,
        returns=0,
        members=0,
        end=end,
        builder=builder,
        written=last,
        password=password,
    )
    _write(world, since=None)
    if not world.paused:
        _close(world)
    return world


def resume_members(world: DemoProvince) -> None:
    """After the pause: the months from the reorganisation to the end, generated on the structure
    it left (its new unions get staff and figures, the province's direct block sends its returns),
    then the register and the summary."""
    since = world.written + 1
    world.builder.resume()
    world.written = world.end
    _staff_new_unions(world)
    _write(world, since=since)
    _close(world, since=since)


def _staff_new_unions(world: DemoProvince) -> None:
    """Every organisation there is now, staff for the commune and ward unions the reorganisation
    founded, and the steering committee following the unions that took over the ones it followed."""
    for org in Organisation.objects.federations().exclude(code__in=world.federations).order_by("position", "pk"):
        world.federations[org.code] = org  # after the first ones, so that seeders meet those in their order
    User = get_user_model()
    for code, org in world.federations.items():
        if org.kind == Organisation.Kind.COMMUNE and code not in world.users:
            username = f"cb.{code.lower()}"
            user = User.objects.create(
                username=username,
                password=world.password,
                first_name=f"Cán bộ {code}",
                email=f"{username}@{DEMO_MAIL_DOMAIN}",
            )
            UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=org)
            world.users[code] = user
    for username, _name, _role, followed in USERS:
        later = {successor(code, world.end) for code in followed} - set(followed)
        if later:
            world.users[username].profile.followed_federations.add(*(world.federations[code] for code in later))


def _write(world: DemoProvince, *, since: Month | None) -> None:
    """The CĐCS, affiliations, monthly rows and returns of the months since..world.written (all up
    to it when `since` is None), around what a reorganisation plan wrote itself."""
    builder, last = world.builder, world.written
    by_code = _write_unions(world, since=since)
    plan_month = builder.reorganised

    def written_now(month: Month) -> bool:
        return (since is None or month >= since) and month <= last

    Affiliation.objects.bulk_create(
        [
            Affiliation(cdcs=by_code[u.code], federation=world.federations[code], valid_from=month.first_day)
            for u in builder.unions
            if u.code in by_code
            for month, code in u.affiliations
            if written_now(month) and not (month == plan_month and u.code in builder.plan_affiliated)
        ],
        batch_size=2000,
    )
    figures, reported = [], set()
    for u in builder.unions:
        for month, row in u.rows.items():
            if written_now(month):
                federation = world.federations[u.federation_at(month)]
                figures.append(MonthlyFigure(cdcs=by_code[u.code], month=month.first_day, federation=federation, **row))
                reported.add((federation.code, month))
    insert_many(figures)  # ~150,000 rows: bulk_create spends most of the demo's time compiling them
    world.returns += _write_returns(world, reported, since=since)


def _write_unions(world: DemoProvince, *, since: Month | None) -> dict[str, GrassrootsUnion]:
    """The CĐCS founded in the months written (not those a plan founded: it wrote them), each
    dissolved only if that happened by the last month written; after a pause, the dissolutions
    since then of the CĐCS written before it. Returns every CĐCS by code."""
    builder, last = world.builder, world.written

    def dissolution(u) -> tuple:
        happened = u.dissolved_on is not None and u.dissolved_on <= last.last_day
        return (u.dissolved_on, u.dissolution_reason) if happened else (None, "")

    founded = [
        u
        for u in builder.unions
        if not u.made_by_plan and u.founded_on <= last.last_day and (since is None or u.founded_on >= since.first_day)
    ]
    GrassrootsUnion.objects.bulk_create(
        [
            GrassrootsUnion(
                code=u.code,
                name=u.name,
                employer=u.employer,
                sector=u.sector,
                workers=u.workers,
                founded_on=u.founded_on,
                dissolved_on=dissolution(u)[0],
                dissolution_reason=dissolution(u)[1],
                founding_decision=u.founding_decision,
            )
            for u in founded
        ],
        batch_size=1000,
    )
    by_code = GrassrootsUnion.objects.in_bulk(field_name="code")
    if since is not None:
        ended = []
        for u in builder.unions:
            if u.plan_month is None and u.founded_on < since.first_day and dissolution(u)[0] is not None:
                cdcs = by_code[u.code]
                if cdcs.dissolved_on is None:
                    cdcs.dissolved_on, cdcs.dissolution_reason = dissolution(u)
                    ended.append(cdcs)
        update_many(ended, ["dissolved_on", "dissolution_reason"])
    return by_code


def _write_returns(world: DemoProvince, reported: set, *, since: Month | None) -> int:
    """The workflow as it would stand: everything approved but the last two months; the month
    before last submitted, the last one submitted by some federations only. The province's staff
    send the direct block's months; a month a plan opened already is brought along."""
    end, users = world.end, world.users
    existing = {}
    if since is not None:
        existing = {(r.federation_id, r.month): r for r in MonthlyReturn.objects.filter(month__gte=since.first_day)}
    new, changed = [], []
    for index, (code, month) in enumerate(sorted(reported, key=lambda item: (item[1], item[0]))):
        federation = world.federations[code]
        monthly_return = existing.get((federation.pk, month.first_day))
        if monthly_return is None:
            monthly_return = MonthlyReturn(federation=federation, month=month.first_day, version=1)
            new.append(monthly_return)
        else:
            monthly_return.version = max(monthly_return.version, 1)
            changed.append(monthly_return)
        sender = users.get(code) or users["bantochuc"]
        if month <= end - 1 or index % 2 == 0:
            monthly_return.status = MonthlyReturn.Status.SUBMITTED
            monthly_return.submitted_by, monthly_return.submitted_at = sender, _moment(month + 1, 5, 9)
        if month <= end - 2:
            monthly_return.status = MonthlyReturn.Status.APPROVED
            monthly_return.approved_by, monthly_return.approved_at = users["bantochuc"], _moment(month + 1, 10, 15)
    MonthlyReturn.objects.bulk_create(new, batch_size=2000)
    update_many(changed, ["version", "status", "submitted_by", "submitted_at", "approved_by", "approved_at"])
    return len(new)


def _close(world: DemoProvince, *, since: Month | None = None) -> None:
    """The member register of a few CĐCS and the summary, once every month is written (after a
    pause, from its month on: the federations the plan touched are summarised to it already,
    the others, never summarised, are summarised whole)."""
    by_code = GrassrootsUnion.objects.in_bulk(field_name="code")
    federation = successor(REGISTER_FEDERATION, world.end)
    world.members = seed_register(world.builder.unions, by_code, world.end, federation=federation)
    world.cdcs, world.figures = GrassrootsUnion.objects.count(), MonthlyFigure.objects.count()
    # The rows above were written in bulk, around the services.
    if since is None:
        summary_rebuild()
    else:
        summary_refresh(federation_ids=[org.pk for org in world.federations.values()], since=since)
