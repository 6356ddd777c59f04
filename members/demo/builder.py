"""The demo province generated in plain Python, deterministically (fixed seeds): its CĐCS with
their names, foundings, dissolutions, moves and monthly figures, fitted so that 01/2018–03/2021
gives exactly the figures of the 7 April 2021 report (members.demo.tables). Nothing is written
here: members.demo.province writes what ProvinceBuilder built."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from members.models import LOSS_FIELDS, LossReason, Sector
from unionportal.lib.months import Month, month_range

from .tables import (
    ADMIT_RATE,
    AGENCIES,
    BRANDS,
    DATA_START,
    DENSITY,
    DISSOLUTION_REASONS,
    FEDERATIONS,
    FOREIGN,
    HORIZON,
    LOSS_RATES,
    MERGE,
    PLACES,
    SCHOOLS,
    SIZE,
    TRADES,
    WINDOW,
    WINDOW_ADMITTED,
    WINDOW_DECREASE,
    WINDOW_DISSOLVED,
    successor,
)


@dataclass
class _Union:
    code: str
    name: str
    employer: str
    sector: str
    workers: int
    founded_on: date
    federation: str
    dissolved_on: date | None = None
    dissolution_reason: str = ""
    founding_decision: str = ""
    affiliations: list[tuple[Month, str]] = field(default_factory=list)
    stock: int = 0
    rows: dict = field(default_factory=dict)  # Month -> dict of MonthlyFigure fields
    # The month whose row a reorganisation plan writes (the CĐCS merged, the one taking them in),
    # and whether the plan founded it: the generator leaves both to the plan.
    plan_month: Month | None = None
    made_by_plan: bool = False

    def federation_at(self, month: Month) -> str:
        current = self.affiliations[0][1]
        for since, code in self.affiliations:
            if since <= month:
                current = code
        return current

    def active_in(self, month: Month) -> bool:
        return self.founded_on <= month.last_day and (self.dissolved_on is None or self.dissolved_on >= month.first_day)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _random_day(rng: random.Random, month: Month) -> date:
    return month.first_day + timedelta(days=rng.randrange((month.last_day - month.first_day).days + 1))


class ProvinceBuilder:
    """The province's CĐCS up to the month `end`: build() fills `unions`, each with its
    affiliations and monthly rows (figures from 2018 on, whatever the month it is built)."""

    def __init__(self, end: Month):
        self.end = end
        self.rng_names = random.Random("names-2018")
        self.rng_events = random.Random("events-2018")
        self.rng_flows = random.Random("flows-2018")
        self.unions: list[_Union] = []
        self.serial = 0
        self.used_names = defaultdict(int)
        self.decisions = defaultdict(int)  # founding decisions issued so far, per year
        self.built: Month | None = None  # the last month simulated
        self.reorganised: Month | None = None  # the month a reorganisation took effect, if one did
        self.plan_affiliated: set[str] = set()

    # --- the register ---------------------------------------------------------------------

    def _name(self, federation: str, sector: str) -> tuple[str, str]:
        rng = self.rng_names
        place = rng.choice(PLACES.get(federation) or sum(PLACES.values(), []))
        if federation == "GD":
            employer = f"{rng.choice(SCHOOLS)} {place}"
        elif federation == "YT":
            employer = rng.choice([f"Trạm Y tế xã {place}", f"Trung tâm Y tế {place}", f"Bệnh viện Đa khoa {place}"])
        elif federation == "VC":
            employer = rng.choice(AGENCIES)
        elif sector == Sector.PUBLIC:
            employer = rng.choice(
                [
                    f"UBND xã {place}",
                    f"Trường Tiểu học {place}",
                    f"Trường Mầm non {place}",
                    f"Trạm Y tế xã {place}",
                    f"Phòng Giáo dục và Đào tạo {place}",
                ]
            )
        elif sector == Sector.SOE:
            employer = f"Công ty {rng.choice(TRADES)} {rng.choice(BRANDS)} (nhà nước)"
        elif sector == Sector.FDI:
            employer = f"Công ty TNHH {rng.choice(FOREIGN)} {rng.choice(['Vina', 'Việt Nam', 'Thái Nguyên'])}"
        elif sector == Sector.COOPERATIVE:
            employer = f"HTX {rng.choice(TRADES)} {place}"
        elif sector == Sector.OTHER:
            employer = f"Nghiệp đoàn {rng.choice(['xe ôm', 'bốc xếp', 'chè', 'thợ xây'])} {place}"
        else:
            employer = f"Công ty {rng.choice(['TNHH', 'CP'])} {rng.choice(TRADES)} {rng.choice(BRANDS)}"
        self.used_names[employer] += 1
        if self.used_names[employer] > 1:
            employer = f"{employer} {self.used_names[employer]}"
        return f"CĐCS {employer}", employer

    def _new_union(self, federation: str, sector: str, founded_on: date) -> _Union:
        self.serial += 1
        name, employer = self._name(federation, sector)
        median, spread = SIZE[sector]
        if federation == "YT":
            median = 90
        workers = max(5, min(12_000, round(self.rng_names.lognormvariate(math.log(median), spread))))
        union = _Union(
            code=f"CS{self.serial:05d}",
            name=name,
            employer=employer,
            sector=sector,
            workers=workers,
            founded_on=founded_on,
            federation=federation,
        )
        union.affiliations.append((Month.of(founded_on), federation))
        self.unions.append(union)
        return union

    def build_register(self) -> None:
        rng = self.rng_events
        for code, _name, _kind, sectors, _founded in FEDERATIONS:
            for sector, count in sectors.items():
                for _ in range(count):
                    founded = date(rng.randrange(1975, 2018), rng.randrange(1, 13), rng.randrange(1, 29))
                    union = self._new_union(code, sector, founded)
                    union.stock = round(union.workers * DENSITY[sector] * rng.uniform(0.85, 1.0))

        # Foundings: exactly WINDOW_FOUNDED in the window, then about twenty a year.
        window_months = list(month_range(*WINDOW))
        self.foundings: list[tuple[Month, str, str]] = []
        for code, *_rest, founded in FEDERATIONS:
            for _ in range(founded):
                sector = (
                    Sector.FDI
                    if code == "KCN" and rng.random() < 0.6
                    else (
                        Sector.PUBLIC
                        if code in ("GD", "YT")
                        else rng.choice([Sector.PRIVATE] * 4 + [Sector.COOPERATIVE])
                    )
                )
                self.foundings.append((rng.choice(window_months), code, sector))
        later_codes = ["KCN"] * 6 + ["TXPY"] * 3 + ["TPSC"] * 2 + ["TPTN"] * 3 + ["PB", "DT", "PL", "DHY", "DH", "VN"]
        for month in month_range(WINDOW[1] + 1, HORIZON):
            for _ in range(_poisson(rng, 1.7)):
                code = rng.choice(later_codes)
                sector = (
                    Sector.FDI
                    if code == "KCN" and rng.random() < 0.6
                    else rng.choice([Sector.PRIVATE] * 4 + [Sector.COOPERATIVE])
                )
                self.foundings.append((month, code, sector))
        self.foundings.sort(key=lambda item: item[0])

        # Dissolutions of CĐCS that existed before 2018: exactly WINDOW_DISSOLVED in the window.
        candidates = [
            u
            for u in self.unions
            if u.sector in (Sector.PRIVATE, Sector.COOPERATIVE, Sector.OTHER)
            or (u.sector == Sector.PUBLIC and u.federation not in ("VC", "YT") and u.stock < 40)
        ]
        rng.shuffle(candidates)
        dissolving = candidates[:WINDOW_DISSOLVED]
        for union in dissolving:
            self._schedule_dissolution(union, rng.choice(window_months))
        later_months = list(month_range(WINDOW[1] + 1, HORIZON))
        for union in candidates[WINDOW_DISSOLVED : WINDOW_DISSOLVED + 140]:
            self._schedule_dissolution(union, rng.choice(later_months))

        # A few CĐCS change federation: schools to the education union, enterprises to the new zones.
        self.moves: list[tuple[_Union, Month, str]] = []
        staying = [u for u in self.unions if u.dissolved_on is None]
        for union in [u for u in staying if u.federation == "TXPY" and u.sector == Sector.FDI][:3]:
            self.moves.append((union, Month(2019, 7), "KCN"))
        for union in [u for u in staying if u.federation == "TPSC" and u.sector == Sector.FDI][:2]:
            self.moves.append((union, Month(2022, 1), "KCN"))
        for union in [u for u in staying if u.federation == "TPTN" and u.employer.startswith("Trường")][:2]:
            self.moves.append((union, Month(2020, 1), "GD"))

    def _schedule_dissolution(self, union: _Union, month: Month) -> None:
        union.dissolved_on = _random_day(self.rng_events, month)
        union.dissolution_reason = self.rng_events.choice(DISSOLUTION_REASONS)

    # --- the monthly flows ----------------------------------------------------------------

    def simulate(self, first: Month, last: Month) -> None:
        rng = self.rng_flows
        foundings = defaultdict(list)
        for month, code, sector in self.foundings:
            foundings[month].append((code, sector))
        moves = defaultdict(list)
        for union, month, code in self.moves:
            moves[month].append((union, code))
        for month in month_range(first, last):
            for code, sector in foundings.get(month, []):
                union = self._new_union(self.successor(code, month), sector, _random_day(rng, month))
                self.decisions[union.founded_on.year] += 1
                union.founding_decision = f"{self.decisions[union.founded_on.year]}/QĐ-{code}"
            for union, code in moves.get(month, []):
                union.affiliations.append((month, code))
            if month == MERGE[2]:
                for union in self.unions:
                    if union.active_in(month) and union.federation_at(month) == MERGE[0]:
                        union.affiliations.append((month, MERGE[1]))
            active = [u for u in self.unions if u.active_in(month) and u.plan_month != month]
            transfers_in, transfers_out = self._internal_transfers(active)
            for union in active:
                self._month_row(union, month, transfers_in.get(union.code, 0), transfers_out.get(union.code, 0))

    def _internal_transfers(self, active: list[_Union]):
        """Teachers and officials moving between two CĐCS of the province: out on one side,
        in on the other, in the same month."""
        rng = self.rng_flows
        public = [u for u in active if u.sector == Sector.PUBLIC and u.stock >= 10 and u.dissolved_on is None]
        transfers_in, transfers_out = defaultdict(int), defaultdict(int)
        for _ in range(12):
            source, target = rng.sample(public, 2)
            count = rng.randint(1, 3)
            transfers_out[source.code] += count
            transfers_in[target.code] += count
        return transfers_in, transfers_out

    def _month_row(self, union: _Union, month: Month, transfer_in: int, transfer_out: int) -> None:
        rng = self.rng_flows
        founded_now = Month.of(union.founded_on) == month
        start = 0 if founded_now else union.stock
        if founded_now:
            admitted = max(3, round(union.workers * DENSITY[union.sector] * rng.uniform(0.4, 0.7)))
        else:
            admitted = _poisson(rng, ADMIT_RATE[union.sector] * start)
        external_in = _poisson(rng, 0.0003 * start) if union.sector == Sector.PUBLIC else 0
        row = {"members_start": start, "admitted": admitted, "transferred_in": transfer_in + external_in}
        row.update(dict.fromkeys(LOSS_FIELDS.values(), 0))
        available = start + row["admitted"] + row["transferred_in"]
        losses = [(reason, _poisson(rng, rate * start)) for reason, rate in LOSS_RATES[union.sector].items()]
        losses.append(
            (
                LossReason.TRANSFERRED_OUT,
                transfer_out + (_poisson(rng, 0.0002 * start) if union.sector == Sector.PUBLIC else 0),
            )
        )
        dissolving = union.dissolved_on is not None and Month.of(union.dissolved_on) == month
        if dissolving and union.sector != Sector.PUBLIC:
            losses.append((LossReason.ENTERPRISE_CLOSED, round(available * rng.uniform(0.2, 0.6))))
        for reason, count in losses:
            count = min(count, available)
            row[LOSS_FIELDS[reason]] += count
            available -= count
        if dissolving:
            row[LOSS_FIELDS[LossReason.CDCS_DISSOLVED]] = available
            available = 0
        row["members_end"] = available
        if available > union.workers * DENSITY[union.sector]:
            # A union that keeps growing works in a growing workplace: members stay a share of workers.
            union.workers = math.ceil(available / DENSITY[union.sector])
        row["workers"] = 0 if dissolving else union.workers
        union.rows[month] = row
        union.stock = available

    # --- the exact window -------------------------------------------------------------------

    def window_totals(self) -> tuple[int, int]:
        admitted = decrease = 0
        for union in self.unions:
            for month, row in union.rows.items():
                if WINDOW[0] <= month <= WINDOW[1]:
                    admitted += row["admitted"]
                    decrease += sum(row[f] for f in LOSS_FIELDS.values()) - row["transferred_in"]
        return admitted, decrease

    def fit_window(self) -> None:
        """Nudge the flows of large CĐCS that are never dissolved until the window shows exactly
        the figures of the 2021 report, then carry their stock forward again."""
        rng = random.Random("fit-2018")
        steady = [
            u
            for u in self.unions
            if u.dissolved_on is None
            and u.founded_on < DATA_START.first_day
            and min(r["members_start"] for r in u.rows.values()) >= 300
        ]
        cells = [(u, m) for u in steady for m in sorted(u.rows)]
        admitted, decrease = self.window_totals()
        job = LOSS_FIELDS[LossReason.JOB]
        for column, missing in (("admitted", WINDOW_ADMITTED - admitted), (job, WINDOW_DECREASE - decrease)):
            step = 1 if missing > 0 else -1
            while missing:
                union, month = rng.choice(cells)
                if step < 0 and union.rows[month][column] == 0:
                    continue
                union.rows[month][column] += step
                missing -= step
        for union in steady:
            stock = union.rows[min(union.rows)]["members_start"]
            for month in sorted(union.rows):
                row = union.rows[month]
                row["members_start"] = stock
                stock += row["admitted"] + row["transferred_in"] - sum(row[f] for f in LOSS_FIELDS.values())
                if stock < 0:
                    raise AssertionError(f"demo stock went negative for {union.code} in {month}")
                row["members_end"] = stock
            union.stock = stock
        assert self.window_totals() == (WINDOW_ADMITTED, WINDOW_DECREASE)

    def successor(self, code: str, month: Month) -> str:
        """Where a CĐCS founded in `month` on the ground of federation `code` goes: the federation
        it merged into, and, once reorganised, the union that took its place (tables.successor)."""
        if self.reorganised is None or month < self.reorganised:
            return code if code != MERGE[0] or month < MERGE[2] else MERGE[1]
        return successor(code, month)

    def build(self, *, until: Month | None = None) -> None:
        """The province up to the end, or only up to `until` (before a reorganisation: `resume`
        goes on from there once `reorganise` has said what changed)."""
        last = min(until or self.end, self.end)
        self.build_register()
        self.simulate(DATA_START, min(WINDOW[1], last))
        if last >= WINDOW[1]:
            self.fit_window()
            self.simulate(WINDOW[1] + 1, last)
        self.built = last
        if last == self.end:
            self._finish()

    def resume(self) -> None:
        self.simulate(self.built + 1, self.end)
        self.built = self.end
        self._finish()

    def reorganise(self, *, month: Month, moves: dict[str, str], merges: dict[str, str], founded: list[dict]) -> None:
        """What a reorganisation plan applied from `month` changed: CĐCS that move (code →
        federation code) and CĐCS that merge (code → the code of a CĐCS the plan founded, listed in
        `founded` with code, name, employer, sector, federation), their members with them. The
        month's rows of the CĐCS merged and founded are the plan's, not the generator's; the
        affiliations from `month` of every CĐCS named are the plan's too (`plan_affiliated`)."""
        self.reorganised = month
        self.plan_affiliated = {*moves, *merges, *(data["code"] for data in founded)}
        by_code = {union.code: union for union in self.unions}
        for code, federation in moves.items():
            by_code[code].affiliations.append((month, federation))
        for data in founded:
            union = _Union(
                code=data["code"], name=data["name"], employer=data["employer"], sector=data["sector"], workers=0,
                founded_on=month.first_day, federation=data["federation"], plan_month=month, made_by_plan=True,
            )  # fmt: skip
            union.affiliations.append((month, data["federation"]))
            self.unions.append(union)
            by_code[union.code] = union
        for code, into in merges.items():
            merged, target = by_code[code], by_code[into]
            target.stock += merged.stock
            target.workers += merged.workers
            merged.affiliations.append((month, target.federation))
            merged.dissolved_on, merged.plan_month, merged.stock = month.first_day, month, 0

    def _finish(self) -> None:
        # Events drawn up to the horizon that lie after the last month are not history yet.
        for union in self.unions:
            if union.dissolved_on and union.dissolved_on > self.end.last_day:
                union.dissolved_on, union.dissolution_reason = None, ""
            union.affiliations = [(m, code) for m, code in union.affiliations if m <= self.end]
