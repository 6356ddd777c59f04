"""A large province's member register for bench/register_scale.py: 60 upper-level unions (one of them,
the industrial zones' union, with 3,000 CĐCS), 25,000 CĐCS and 2.5 million members with their events
and the monthly figures of 01–11/2026. Import after django.setup().

Everything is drawn with numpy from one seed, then written with unionportal.lib.bulk.insert_rows:
PostgreSQL COPY (the register's indexes dropped first and built again after, as a restore does),
or multi-row INSERTs on SQLite. People look like a Vietnamese province's: family names in their
real shares (Nguyễn about 38 %, Trần 11 %, Lê 9.5 % …), middle names by gender (Văn, Thị), some
with two, a few hundred given names drawn unevenly, CCCD numbers that agree with birth year and
gender (members.register.people.id_number_for) and are unique, card numbers for three quarters.
Every CĐCS keeps its register from 01/2026: most members are entered then (opening), others are
admitted, transferred in from outside or moved between CĐCS of the province, some lose membership
(each reason in its share), each with the events the services would have written. The monthly
figures are the register's counts, except in 0.5 % of CĐCS-months, which report a member more
or less (carried forward), and the 1 % of CĐCS that have not reported 11/2026 yet."""

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from register_people import ETHNICITIES, FIRST, JOBS, MONTHS, people_draw

from members.models import (
    LOSS_FIELDS,
    Affiliation,
    GrassrootsUnion,
    LossReason,
    Member,
    MemberEvent,
    MemberTransfer,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    Role,
    UserProfile,
)
from unionportal.lib.bulk import insert_rows
from unionportal.lib.months import Month

ROOT = "TN"
UNIONS, BIG = 60, "KCN"  # the industrial zones' union holds 12 % of the CĐCS (3,000 of 25,000)
BIG_SHARE = 0.12
PASSWORD = "bench-register-2026"
LOADED_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CHUNK = 250_000  # rows per COPY

DIFFERING, NOT_REPORTED = 0.005, 0.01  # a CĐCS-month reported otherwise; a CĐCS late with 11/2026


@dataclass
class Province:
    """What register_scale.py needs of the built province."""

    big: Organisation  # the 3,000-CĐCS union
    small: Organisation  # one of the smallest unions
    month: Month  # the reconciliation month (the last with figures)
    users: dict  # name → user: "bantochuc" (provincial staff), "canbo.kcn", "canbo.nho" (federation staff)
    members: int
    cdcs: int


def marker(members: int, cdcs: int) -> str:
    return f"LĐLĐ tỉnh (bench register: {members:,} đoàn viên, {cdcs:,} CĐCS)"


def province_load(*, members: int, cdcs: int) -> Province | None:
    """The province built earlier with these sizes, or None (the marker: the province's name)."""
    root = Organisation.objects.filter(code=ROOT, name=marker(members, cdcs)).first()
    if root is None or Member.objects.count() < members:
        return None
    unions = list(Organisation.objects.filter(parent=root).order_by("position"))
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(username__in=["bantochuc", "canbo.kcn", "canbo.nho"])}
    return Province(unions[0], unions[-1], FIRST + (MONTHS - 1), users, members, cdcs)


def province_build(*, members: int, cdcs: int, seed: int = 2026) -> tuple[Province, dict[str, float]]:
    """Empty the database and build the province. Returns it and the seconds each phase took."""
    rng = np.random.default_rng(seed)
    seconds, started = {}, time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    postgres = connection.vendor == "postgresql"
    dropped = _drop_indexes(["members_member", "members_memberevent"]) if postgres else []
    if postgres:
        with connection.cursor() as cursor:
            # Foreign keys not checked row by row (every id written comes from what was just
            # written); CHECK constraints still are.
            cursor.execute("SET session_replication_role = replica")
    try:
        unions, cdcs_ids, owner, sizes = _organisations(rng, cdcs, members)
        seconds["organisations and CĐCS"] = time.perf_counter() - started
        started = time.perf_counter()
        people = people_draw(rng, sizes)
        seconds["people drawn"] = time.perf_counter() - started
        started = time.perf_counter()
        _write_members(people, cdcs_ids)
        seconds["members written"] = time.perf_counter() - started
        started = time.perf_counter()
        events = _write_events(people, cdcs_ids)
        seconds["events written"] = time.perf_counter() - started
        started = time.perf_counter()
        _write_figures(rng, events, cdcs_ids, owner, unions)
        seconds["monthly figures written"] = time.perf_counter() - started
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    started = time.perf_counter()
    if postgres:
        _create_indexes(dropped)
        for table in (
            "members_grassrootsunion",
            "members_member",
            "members_memberevent",
            "members_membertransfer",
        ):
            _sequence_reset(table)
        with connection.cursor() as cursor:
            for table in (
                "members_grassrootsunion",
                "members_affiliation",
                "members_member",
                "members_memberevent",
                "members_monthlyfigure",
                "members_membertransfer",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
        seconds["indexes built, vacuum analyze"] = time.perf_counter() - started
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds["analyze"] = time.perf_counter() - started
    users = _users(unions)
    Organisation.objects.filter(code=ROOT).update(name=marker(members, cdcs))  # the marker, last
    return Province(unions[0], unions[-1], FIRST + (MONTHS - 1), users, members, cdcs), seconds


# --- the tree --------------------------------------------------------------------------------


def _organisations(rng, cdcs: int, members: int):
    """The province, UNIONS upper-level unions and `cdcs` CĐCS; returns (unions, CĐCS ids, the
    union index of each CĐCS, the members of each CĐCS)."""
    root = Organisation.objects.create(code=ROOT, name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    kinds = [Organisation.Kind.INDUSTRIAL_ZONE] + [Organisation.Kind.SECTOR] * 8 + [Organisation.Kind.COMMUNE] * 51
    unions = [Organisation(code=BIG, name="Công đoàn các Khu công nghiệp tỉnh", kind=kinds[0], parent=root, position=1)]
    unions += [
        Organisation(
            code=f"U{n:02d}",
            name=f"Công đoàn ngành {n:02d}"
            if kinds[n] == Organisation.Kind.SECTOR
            else f"Công đoàn phường, xã {n:02d}",
            kind=kinds[n],
            parent=root,
            position=n + 1,
        )
        for n in range(1, UNIONS)
    ]
    unions = Organisation.objects.bulk_create(unions)
    big = round(cdcs * BIG_SHARE)
    weights = rng.lognormal(0, 0.6, UNIONS - 1)
    owner = np.concatenate(
        [np.zeros(big, dtype=np.int64), 1 + rng.choice(UNIONS - 1, cdcs - big, p=weights / weights.sum())]
    )
    owner = np.sort(owner)
    # the smallest union last, so that the bench's "small" federation is one with few CĐCS
    # Members per CĐCS: most have a few dozen, factories thousands; the industrial zones' are bigger.
    raw = np.clip(rng.lognormal(np.log(45), 1.1, cdcs), 3, 30_000) * np.where(owner == 0, 1.6, 1.0)
    sizes = np.maximum(3, np.floor(raw * members / raw.sum())).astype(np.int64)
    sizes[np.argmax(sizes)] += members - sizes.sum()  # exactly `members`
    sectors = np.where(owner == 0, rng.choice(["fdi", "private"], cdcs, p=[0.7, 0.3]), "")
    other = rng.choice(["public", "soe", "private", "cooperative", "other"], cdcs, p=[0.5, 0.1, 0.3, 0.05, 0.05])
    sectors = np.where(owner == 0, sectors, other)
    founded = (np.datetime64("1995-01-01") + rng.integers(0, 10_950, cdcs).astype("timedelta64[D]")).tolist()
    ids = list(range(1, cdcs + 1))
    insert_rows(
        GrassrootsUnion,
        ["id", "code", "name", "employer", "sector", "workers", "founded_on", "register_from"],
        [
            (
                pk,
                f"CS{pk:05d}",
                f"CĐCS đơn vị {pk:05d}",
                f"Đơn vị {pk:05d}",
                sector,
                int(size * 1.3),
                day,
                FIRST.first_day,
            )
            for pk, sector, size, day in zip(ids, sectors.tolist(), sizes.tolist(), founded, strict=True)
        ],
    )
    union_ids = [union.pk for union in unions]
    insert_rows(
        Affiliation,
        ["cdcs_id", "federation_id", "valid_from"],
        [(pk, union_ids[o], date(1995, 1, 1)) for pk, o in zip(ids, owner.tolist(), strict=True)],
    )
    return unions, np.array(ids, dtype=np.int64), owner, sizes


# --- the people ------------------------------------------------------------------------------


def _write_members(people: dict, cdcs_ids: np.ndarray) -> None:
    """The members as they are at the end: those who moved in their new CĐCS, those who lost
    membership with their status, day and reason."""
    n, lost, moved = people["n"], people["lost"], people["moved"]
    cdcs = cdcs_ids[np.where(moved, people["target"], people["cdcs"])]
    status = np.full(n, Member.Status.ACTIVE.value, dtype=object)
    status[lost] = np.where(
        people["reasons"][lost] == LossReason.TRANSFERRED_OUT.value, Member.Status.TRANSFERRED_OUT, Member.Status.LEFT
    )
    left_on = np.where(lost, people["out_on"], np.datetime64("NaT")).astype("datetime64[D]").astype(object)
    left_reason = np.where(lost, people["reasons"], "").astype(object)
    ethnicities = list(ETHNICITIES)
    columns = [
        "id", "cdcs_id", "full_name", "search_name", "born_on", "gender", "ethnicity", "id_number",
        "card_number", "card_key", "joined_on", "job", "status", "left_on", "left_reason",
        "created_at", "updated_at",
    ]  # fmt: skip
    for start in range(0, n, CHUNK):
        part = slice(start, min(start + CHUNK, n))
        rows = [
            (
                pk,
                union,
                name,
                key,
                born,
                "female" if female else "male",
                ethnicities[ethnicity],
                id_number,
                f"TN{pk:07d}" if card else "",
                f"TN{pk}" if card else "",
                joined,
                JOBS[job],
                state,
                left,
                reason,
                LOADED_AT,
                LOADED_AT,
            )
            for pk, union, name, key, born, female, id_number, card, joined, ethnicity, job, state, left, reason in zip(
                range(start + 1, part.stop + 1),
                cdcs[part].tolist(),
                people["names"][part].tolist(),
                people["keys"][part].tolist(),
                people["born"][part].tolist(),
                people["female"][part].tolist(),
                people["id_numbers"][part].tolist(),
                people["card"][part].tolist(),
                people["joined"][part].tolist(),
                people["ethnicity"][part].tolist(),
                people["job"][part].tolist(),
                status[part].tolist(),
                left_on[part].tolist(),
                left_reason[part].tolist(),
                strict=True,
            )
        ]
        insert_rows(Member, columns, rows)


def _write_events(people: dict, cdcs_ids: np.ndarray) -> dict:
    """Every member's events: their entry, then a loss, or a move (a loss "transferred out" and an
    arrival on the same day, with its accepted transfer) for some. Returns the events' CĐCS index,
    month index, kind and reason, for the figures."""
    n, lost, moved = people["n"], people["lost"], people["moved"]
    everyone = np.arange(n)
    entry_kinds = np.array(
        [MemberEvent.Kind.OPENING.value, MemberEvent.Kind.ADMITTED.value, MemberEvent.Kind.TRANSFERRED_IN.value],
        dtype=object,
    )

    def same(value, count: int) -> np.ndarray:
        return np.full(count, value, dtype=object)

    out_on, out_month, origin, target = people["out_on"], people["out_month"], people["cdcs"], people["target"]
    movers = int(moved.sum())
    parts = [
        (everyone, origin, entry_kinds[people["entry"]], same("", n), people["entry_on"], people["entry_month"]),
        (
            everyone[lost],
            origin[lost],
            same(MemberEvent.Kind.LOST.value, int(lost.sum())),
            people["reasons"][lost],
            out_on[lost],
            out_month[lost],
        ),
        (
            everyone[moved],
            origin[moved],
            same(MemberEvent.Kind.LOST.value, movers),
            same(LossReason.TRANSFERRED_OUT.value, movers),
            out_on[moved],
            out_month[moved],
        ),
        (
            everyone[moved],
            target[moved],
            same(MemberEvent.Kind.TRANSFERRED_IN.value, movers),
            same("", movers),
            out_on[moved],
            out_month[moved],
        ),
    ]
    keys = ("member", "cdcs", "kind", "reason", "on", "month")
    events = {key: np.concatenate([part[i] for part in parts]) for i, key in enumerate(keys)}
    order = np.lexsort((events["on"], events["member"]))  # stable: a move's loss before its arrival
    events = {key: values[order] for key, values in events.items()}
    transfer_of = np.zeros(n, dtype=np.int64)
    transfer_of[moved] = _write_transfers(everyone[moved], origin[moved], target[moved], out_on[moved], cdcs_ids)
    is_move = moved[events["member"]] & (events["kind"] != MemberEvent.Kind.OPENING.value)
    transfer = np.where(is_move, transfer_of[events["member"]], 0)
    first_days = [(FIRST + t).first_day for t in range(MONTHS)]
    columns = ["id", "member_id", "cdcs_id", "kind", "reason", "on", "month", "transfer_id", "recorded_at"]
    total = len(events["member"])
    for start in range(0, total, CHUNK):
        part = slice(start, min(start + CHUNK, total))
        rows = [
            (pk, member + 1, cdcs, kind, reason, on, first_days[month], t or None, LOADED_AT)
            for pk, member, cdcs, kind, reason, on, month, t in zip(
                range(start + 1, part.stop + 1),
                events["member"][part].tolist(),
                cdcs_ids[events["cdcs"][part]].tolist(),
                events["kind"][part].tolist(),
                events["reason"][part].tolist(),
                events["on"][part].tolist(),
                events["month"][part].tolist(),
                transfer[part].tolist(),
                strict=True,
            )
        ]
        insert_rows(MemberEvent, columns, rows)
    return events


def _write_transfers(members, origins, targets, days, cdcs_ids) -> np.ndarray:
    """The accepted transfers of those who moved; returns their ids, in the order given."""
    ids = np.arange(1, len(members) + 1)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    insert_rows(
        MemberTransfer,
        ["id", "member_id", "from_cdcs_id", "to_cdcs_id", "status", "requested_at", "decided_at", "accepted_on"],
        [
            (pk, m + 1, a, b, MemberTransfer.Status.ACCEPTED.value, at, at, day)
            for pk, m, a, b, day in zip(
                ids.tolist(),
                members.tolist(),
                cdcs_ids[origins].tolist(),
                cdcs_ids[targets].tolist(),
                days.tolist(),
                strict=True,
            )
        ],
    )
    return ids


# --- the figures -----------------------------------------------------------------------------


def _write_figures(rng, events: dict, cdcs_ids: np.ndarray, owner: np.ndarray, unions: list) -> None:
    """Each CĐCS's months as its register counts them, a few reported otherwise (see the module)."""
    cdcs, month, kind, reason = events["cdcs"], events["month"], events["kind"], events["reason"]
    n = len(cdcs_ids)
    slot = cdcs * MONTHS + month

    def counted(mask) -> np.ndarray:
        return np.bincount(slot[mask], minlength=n * MONTHS).reshape(n, MONTHS)

    opening = counted(kind == MemberEvent.Kind.OPENING)
    flows = {
        "admitted": counted(kind == MemberEvent.Kind.ADMITTED),
        "transferred_in": counted(kind == MemberEvent.Kind.TRANSFERRED_IN),
        **{column: counted((kind == MemberEvent.Kind.LOST) & (reason == r.value)) for r, column in LOSS_FIELDS.items()},
    }
    lost = sum(flows[column] for column in LOSS_FIELDS.values())
    net = flows["admitted"] + flows["transferred_in"] - lost
    end = opening.cumsum(axis=1) + net.cumsum(axis=1)
    start = end - net
    # A member more admitted, or one more lost, in a few CĐCS-months, carried into the later stock
    # (none where that would take a stock below zero).
    differs = rng.random((n, MONTHS)) < DIFFERING
    more = differs & (rng.random((n, MONTHS)) < 0.6)
    delta = more.astype(np.int64) - (differs & ~more).astype(np.int64)
    delta[((end + delta.cumsum(axis=1)) < 0).any(axis=1) | ((start + delta.cumsum(axis=1) - delta) < 0).any(axis=1)] = 0
    offset = delta.cumsum(axis=1)
    flows["admitted"] = flows["admitted"] + (delta > 0)
    flows["lost_job"] = flows["lost_job"] + (delta < 0)
    start, end = start + offset - delta, end + offset
    reported = np.ones((n, MONTHS), dtype=bool)
    reported[:, -1] = rng.random(n) >= NOT_REPORTED
    union_ids = np.array([union.pk for union in unions], dtype=np.int64)
    columns = ["cdcs_id", "month", "federation_id", "members_start", *flows, "members_end", "workers", "updated_at"]
    rows = []
    for c in range(n):
        for t in range(MONTHS):
            if reported[c, t]:
                rows.append(
                    (
                        int(cdcs_ids[c]),
                        (FIRST + t).first_day,
                        int(union_ids[owner[c]]),
                        int(start[c, t]),
                        *(int(flows[column][c, t]) for column in flows),
                        int(end[c, t]),
                        int(end[c, t] * 1.3) + 5,
                        LOADED_AT,
                    )
                )
    for begin in range(0, len(rows), CHUNK):
        insert_rows(MonthlyFigure, columns, rows[begin : begin + CHUNK])
    returns = [
        MonthlyReturn(
            federation=union,
            month=(FIRST + t).first_day,
            status=MonthlyReturn.Status.APPROVED if t < MONTHS - 1 else MonthlyReturn.Status.SUBMITTED,
            submitted_at=LOADED_AT,
            approved_at=LOADED_AT if t < MONTHS - 1 else None,
        )
        for union in unions
        for t in range(MONTHS)
    ]
    MonthlyReturn.objects.bulk_create(returns)


# --- users and PostgreSQL's housekeeping -------------------------------------------------------


def _users(unions: list) -> dict:
    User = get_user_model()
    smallest = min(unions[1:], key=lambda union: GrassrootsUnion.objects.filter(affiliations__federation=union).count())
    users = {}
    for name, role, federation in (
        ("bantochuc", Role.PROVINCIAL_STAFF, None),
        ("canbo.kcn", Role.FEDERATION_STAFF, unions[0]),
        ("canbo.nho", Role.FEDERATION_STAFF, smallest),
    ):
        users[name] = User.objects.create_user(name, password=PASSWORD)
        UserProfile.objects.create(user=users[name], role=role, federation=federation)
    # the small union last among the positions, for province_load
    Organisation.objects.filter(pk=smallest.pk).update(position=UNIONS + 1)
    return users


def _drop_indexes(tables: list[str]) -> list[str]:
    """Drop the tables' indexes but their primary keys; returns the statements that make them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = 'public' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def _create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for definition in definitions:
            cursor.execute(definition)


def _sequence_reset(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT coalesce(max(id), 1) FROM {table}))", [table]
        )
