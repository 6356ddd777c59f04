"""A whole country's programme 2018–2023 for bench/dashboard_speed.py: 700 federations under one
root (code NAT), 150,000 CĐCS, about 10 million monthly rows, a programme with yearly quotas.

Written with PostgreSQL COPY, month by month, as the data would have arrived: every CĐCS is
simulated at once with numpy (its stock carried from month to month, so that each row keeps the
stock identity and starts where the last one ended). Import after django.setup()."""

import io
import time
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
from django.core.management import call_command
from django.db import connection

from members.models import Organisation, Sector
from targets.models import Programme, Quota
from unionportal.lib.months import Month

ROOT = "NAT"
FIRST, MONTHS = Month(2018, 1), 72  # 01/2018 … 12/2023
FEDERATIONS, SECTOR_UNIONS = 700, 80  # the last 80 are sector unions, the rest district federations
# Share of CĐCS by sector: state (public, SOE) about 60 %, non-state about 40 %.
SECTORS = (Sector.PUBLIC, Sector.SOE, Sector.PRIVATE, Sector.FDI, Sector.COOPERATIVE, Sector.OTHER)
SECTOR_SHARES = (0.50, 0.10, 0.26, 0.07, 0.04, 0.03)
FOUNDED_IN_PROGRAMME = 0.12  # the rest were founded 2000–2017
DISSOLVED = {"state": 0.02, "non_state": 0.07}  # dissolved during the programme
# Monthly rates, as a share of a CĐCS's size: recruits, transfers in, losses (of the stock).
ADMITTED, TRANSFERRED_IN = {"state": 0.009, "non_state": 0.014}, 0.0015
LOSS = {"state": 0.007, "non_state": 0.012}
# How losses split between the reasons other than "CĐCS dissolved" (in LOSS_COLUMNS order).
LOSS_SPLIT = (0.45, 0.18, 0.08, 0.13, 0.03, 0.13)
LOSS_COLUMNS = (
    "lost_job",
    "lost_retired",
    "lost_enterprise_closed",
    "lost_left",
    "lost_died",
    "lost_transferred_out",
)
FIGURE_COLUMNS = (
    "cdcs_id",
    "month",
    "federation_id",
    "members_start",
    "admitted",
    "transferred_in",
    *LOSS_COLUMNS,
    "lost_cdcs_dissolved",
    "reorg_in",
    "reorg_out",
    "members_end",
    "workers",
    "acknowledged_warnings",
    "updated_at",
)
LOADED_AT = datetime(2024, 1, 15, 8, 0, tzinfo=UTC).isoformat()


def national_exists() -> bool:
    """The marker: the root NAT and at least 9 million monthly rows."""
    if not Organisation.objects.filter(code=ROOT).exists():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_monthlyfigure")
        return cursor.fetchone()[0] >= 9_000_000


def national_build(*, cdcs: int = 150_000, seed: int = 2018) -> dict[str, float]:
    """Empty the database and load the country. Returns the seconds each phase took."""
    rng = np.random.default_rng(seed)
    seconds = {}
    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        # Foreign keys are not checked row by row (every id written comes from the rows just
        # created); CHECK constraints, the stock identity among them, still are.
        cursor.execute("SET session_replication_role = replica")
    try:
        federation_ids = _organisations()
        register = _register(rng, cdcs, federation_ids)
        seconds["register"] = time.perf_counter() - started
        started = time.perf_counter()
        admitted_by_year, founded_by_year = _figures(rng, register)
        seconds["monthly rows"] = time.perf_counter() - started
        _programme(rng, federation_ids, admitted_by_year, founded_by_year)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("members_grassrootsunion", "members_affiliation", "members_monthlyfigure", "targets_quota"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    seconds["vacuum analyze"] = time.perf_counter() - started
    return seconds


def _organisations() -> np.ndarray:
    root = Organisation.objects.create(
        code=ROOT, name="Tổng Liên đoàn (bench)", kind=Organisation.Kind.PROVINCE, active_from=date(1990, 1, 1)
    )
    federations = Organisation.objects.bulk_create(
        Organisation(
            code=f"{ROOT}{i:03d}",
            name=f"Công đoàn ngành {i:03d}" if i > FEDERATIONS - SECTOR_UNIONS else f"LĐLĐ huyện {i:03d}",
            kind=Organisation.Kind.SECTOR if i > FEDERATIONS - SECTOR_UNIONS else Organisation.Kind.DISTRICT,
            parent=root,
            position=i,
            active_from=date(1990, 1, 1),
        )
        for i in range(1, FEDERATIONS + 1)
    )
    return np.array([org.pk for org in federations], dtype=np.int64)


def _register(rng: np.random.Generator, n: int, federation_ids: np.ndarray) -> pd.DataFrame:
    """The CĐCS, their federation (from 2018 or their founding month on) and what drives their figures."""
    weights = rng.lognormal(0, 0.8, FEDERATIONS)  # some federations are much bigger than others
    federation = np.sort(rng.choice(FEDERATIONS, n, p=weights / weights.sum()))
    sector = rng.choice(len(SECTORS), n, p=SECTOR_SHARES)
    non_state = sector >= 2
    # First month with a row (0 = 01/2018) and the founding date.
    new = rng.random(n) < FOUNDED_IN_PROGRAMME
    first = np.where(new, rng.integers(0, MONTHS, n), 0)
    founded_day = rng.integers(1, 29, n)
    old_founding = np.datetime64("2000-01-01") + rng.integers(0, 6575, n).astype("timedelta64[D]")  # 2000–2017
    first_days = np.array([(FIRST + int(i)).first_day for i in range(MONTHS)], dtype="datetime64[D]")
    founded_on = np.where(new, first_days[first] + (founded_day - 1).astype("timedelta64[D]"), old_founding)
    # Last month with a row: the month of dissolution, or the last of the programme.
    dissolved = rng.random(n) < np.where(non_state, DISSOLVED["non_state"], DISSOLVED["state"])
    last = np.where(dissolved, first + (rng.random(n) * (MONTHS - first)).astype(np.int64), MONTHS - 1)
    dissolved_day = np.maximum(rng.integers(1, 29, n), np.where(last == first, founded_day, 1))
    dissolved_on = first_days[last] + (dissolved_day - 1).astype("timedelta64[D]")
    size = np.clip(rng.lognormal(np.log(50), 0.9, n), 5, 20_000).astype(np.int64)  # about 75 members a CĐCS
    register = pd.DataFrame(
        {
            "code": [f"N{i:06d}" for i in range(n)],
            "name": [f"CĐCS đơn vị {i:06d}" for i in range(n)],
            "employer": [f"Đơn vị {i:06d}" for i in range(n)],
            "sector": np.array([s.value for s in SECTORS])[sector],
            "workers": (size * rng.uniform(1.05, 1.6, n)).astype(np.int64),
            "founded_on": founded_on,
            "founding_decision": "",
            "dissolved_on": pd.Series(dissolved_on).where(dissolved),
            "dissolution_reason": np.where(dissolved, "Giải thể (đơn vị giải thể, sáp nhập)", ""),
            "ended_by_reorganisation": False,
            "founded_by_reorganisation": False,
        }
    )
    _copy("members_grassrootsunion", register)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM members_grassrootsunion ORDER BY code")
        ids = np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)
    affiliations = pd.DataFrame(
        {"cdcs_id": ids, "federation_id": federation_ids[federation], "valid_from": first_days[first]}
    )
    _copy("members_affiliation", affiliations)
    register = register[["workers", "founded_on"]].assign(
        id=ids, federation=federation, non_state=non_state, dissolved=dissolved, first=first, last=last, size=size
    )
    return register


def _figures(rng: np.random.Generator, register: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every CĐCS's monthly rows, one COPY a month. Returns admitted and CĐCS founded per year × federation."""
    ids, federation = register["id"].to_numpy(), register["federation"].to_numpy()
    first, last, size = register["first"].to_numpy(), register["last"].to_numpy(), register["size"].to_numpy()
    non_state, workers = register["non_state"].to_numpy(), register["workers"].to_numpy()
    dissolved = register["dissolved"].to_numpy()
    federation_ids = Organisation.objects.exclude(code=ROOT).order_by("position").values_list("pk", flat=True)
    federation_ids = np.array(list(federation_ids), dtype=np.int64)
    admitted_rate = size * np.where(non_state, ADMITTED["non_state"], ADMITTED["state"])
    loss_rate = np.where(non_state, LOSS["non_state"], LOSS["state"])
    stock = np.where(first == 0, size, 0)  # CĐCS founded before 2018 open with their size
    years = MONTHS // 12
    admitted_by_year = np.zeros((years, FEDERATIONS), dtype=np.int64)
    founded_by_year = np.zeros((years, FEDERATIONS), dtype=np.int64)
    for t in range(MONTHS):
        active = np.flatnonzero((first <= t) & (t <= last))
        founding = first[active] == t
        start = stock[active]
        admitted = rng.poisson(admitted_rate[active]) + np.where(
            founding & (start == 0), (size[active] * rng.uniform(0.5, 0.9, len(active))).astype(np.int64), 0
        )
        transferred_in = rng.poisson(size[active] * TRANSFERRED_IN)
        available = start + admitted + transferred_in
        losses = rng.multinomial(rng.binomial(available, loss_rate[active]), LOSS_SPLIT)
        dissolving = dissolved[active] & (last[active] == t)
        remaining = available - losses.sum(axis=1)
        lost_dissolved = np.where(dissolving, remaining, 0)
        end = remaining - lost_dissolved
        stock[active] = end
        rows = pd.DataFrame(
            {
                "cdcs_id": ids[active],
                "month": (FIRST + t).first_day.isoformat(),
                "federation_id": federation_ids[federation[active]],
                "members_start": start,
                "admitted": admitted,
                "transferred_in": transferred_in,
                **{column: losses[:, i] for i, column in enumerate(LOSS_COLUMNS)},
                "lost_cdcs_dissolved": lost_dissolved,
                "reorg_in": 0,  # no reorganisation in the bench's programme
                "reorg_out": 0,
                "members_end": end,
                "workers": workers[active],
                "acknowledged_warnings": "[]",
                "updated_at": LOADED_AT,
            }
        )
        _copy("members_monthlyfigure", rows)
        admitted_by_year[t // 12] += np.bincount(federation[active], weights=admitted, minlength=FEDERATIONS).astype(
            np.int64
        )
        founded_by_year[t // 12] += np.bincount(
            federation[active][founding & (start == 0)], minlength=FEDERATIONS
        ).astype(np.int64)
    return admitted_by_year, founded_by_year


def _programme(rng, federation_ids: np.ndarray, admitted_by_year: np.ndarray, founded_by_year: np.ndarray) -> None:
    """The programme 2018–2023 and each federation's yearly quotas, within ±25 % of what it did;
    the root's quotas are the sum of the federations'."""
    programme = Programme.objects.create(
        name="Chương trình phát triển đoàn viên, thành lập CĐCS giai đoạn 2018–2023 (bench)",
        document_number="01/CTr-BENCH",
        document_date=date(2018, 7, 11),
        first_year=FIRST.year,
        last_year=FIRST.year + MONTHS // 12 - 1,
    )
    members = np.rint(admitted_by_year * rng.uniform(0.8, 1.25, admitted_by_year.shape)).astype(np.int64)
    unions = np.rint(founded_by_year * rng.uniform(0.7, 1.4, founded_by_year.shape)).astype(np.int64)
    quotas = [
        Quota(
            programme=programme,
            organisation_id=int(federation_ids[f]),
            year=FIRST.year + y,
            new_members=int(members[y, f]),
            new_unions=int(unions[y, f]),
        )
        for y in range(members.shape[0])
        for f in range(FEDERATIONS)
    ]
    root = Organisation.objects.get(code=ROOT)
    quotas += [
        Quota(
            programme=programme,
            organisation=root,
            year=FIRST.year + y,
            new_members=int(members[y].sum()),
            new_unions=int(unions[y].sum()),
        )
        for y in range(members.shape[0])
    ]
    Quota.objects.bulk_create(quotas)


def _copy(table: str, frame: pd.DataFrame) -> None:
    """COPY a DataFrame into `table` (its columns named as the table's), PostgreSQL text format."""
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N", date_format="%Y-%m-%d")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN", buffer)
