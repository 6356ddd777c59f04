"""A demo province like Thái Nguyên, built deterministically.

Its figures over 01/2018–03/2021 are those of the report to the steering committee of 7 April
2021 (the worked example of docs/domain.md): 30.018 members admitted, a decrease of 10.979, 67
CĐCS founded and 64 dissolved. Everything else (names, sizes, monthly flows) is generated from a
fixed seed, so the same command always builds the same province up to the last complete month.

The generator works in plain Python and writes with bulk_create: the database constraints
(non-negative figures, stock identity, one row per CĐCS and month) still guard every row."""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from members.audit import audit_log
from members.models import (
    LOSS_FIELDS,
    Affiliation,
    AuditEntry,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    Role,
    Sector,
    UserProfile,
)
from members.summary import summary_rebuild
from targets.models import Programme, Quota
from unionportal.lib.months import Month, month_range

from .demo_organising import seed_organising
from .demo_people import seed_register
from .demo_ratings import seed_ratings
from .demo_training import seed_training

PROVINCE_CODE = "TN"
DEMO_PASSWORD = "demo-2018"
DATA_START = Month(2018, 1)
# The window of the 7 April 2021 report and the figures it must show.
WINDOW = (Month(2018, 1), Month(2021, 3))
WINDOW_ADMITTED = 30_018
WINDOW_DECREASE = 10_979
WINDOW_FOUNDED = 67
WINDOW_DISSOLVED = 64
# Events after the window are drawn up to here, whatever today is, so that the window never
# depends on the day the demo is built.
HORIZON = Month(2030, 12)
MERGE = ("DHY", "TPTN", Month(2025, 7))  # Đồng Hỷ's CĐCS go to TP Thái Nguyên (2025 reorganisation)

# code, name, kind, pre-2018 CĐCS per sector, CĐCS founded in the window
FEDERATIONS = [
    (
        "TPTN",
        "LĐLĐ thành phố Thái Nguyên",
        "district",
        {Sector.PUBLIC: 90, Sector.SOE: 25, Sector.PRIVATE: 100, Sector.FDI: 5, Sector.COOPERATIVE: 5, Sector.OTHER: 5},
        10,
    ),
    (
        "TPSC",
        "LĐLĐ thành phố Sông Công",
        "district",
        {Sector.PUBLIC: 30, Sector.SOE: 10, Sector.PRIVATE: 40, Sector.FDI: 6, Sector.COOPERATIVE: 2, Sector.OTHER: 2},
        8,
    ),
    (
        "TXPY",
        "LĐLĐ thị xã Phổ Yên",
        "district",
        {Sector.PUBLIC: 35, Sector.SOE: 5, Sector.PRIVATE: 45, Sector.FDI: 10, Sector.COOPERATIVE: 3, Sector.OTHER: 2},
        10,
    ),
    (
        "DT",
        "LĐLĐ huyện Đại Từ",
        "district",
        {Sector.PUBLIC: 55, Sector.SOE: 5, Sector.PRIVATE: 30, Sector.COOPERATIVE: 5},
        4,
    ),
    ("DH", "LĐLĐ huyện Định Hóa", "district", {Sector.PUBLIC: 42, Sector.PRIVATE: 14, Sector.COOPERATIVE: 4}, 1),
    (
        "PL",
        "LĐLĐ huyện Phú Lương",
        "district",
        {Sector.PUBLIC: 45, Sector.SOE: 3, Sector.PRIVATE: 18, Sector.COOPERATIVE: 4},
        3,
    ),
    (
        "DHY",
        "LĐLĐ huyện Đồng Hỷ",
        "district",
        {Sector.PUBLIC: 45, Sector.SOE: 5, Sector.PRIVATE: 20, Sector.COOPERATIVE: 5},
        3,
    ),
    ("VN", "LĐLĐ huyện Võ Nhai", "district", {Sector.PUBLIC: 38, Sector.PRIVATE: 9, Sector.COOPERATIVE: 3}, 1),
    ("PB", "LĐLĐ huyện Phú Bình", "district", {Sector.PUBLIC: 42, Sector.PRIVATE: 18, Sector.COOPERATIVE: 5}, 5),
    ("GD", "Công đoàn ngành Giáo dục tỉnh", "sector", {Sector.PUBLIC: 300}, 1),
    ("YT", "Công đoàn ngành Y tế tỉnh", "sector", {Sector.PUBLIC: 60}, 1),
    ("VC", "Công đoàn Viên chức tỉnh", "sector", {Sector.PUBLIC: 120}, 0),
    ("KCN", "Công đoàn các Khu công nghiệp tỉnh", "industrial_zone", {Sector.FDI: 60, Sector.PRIVATE: 25}, 20),
]

# Monthly rates per member on the books, by sector.
ADMIT_RATE = {
    Sector.PUBLIC: 0.0018,
    Sector.SOE: 0.0025,
    Sector.PRIVATE: 0.008,
    Sector.FDI: 0.0052,
    Sector.COOPERATIVE: 0.004,
    Sector.OTHER: 0.004,
}
LOSS_RATES = {
    Sector.PUBLIC: {
        LossReason.JOB: 0.0005,
        LossReason.RETIRED: 0.0006,
        LossReason.LEFT: 0.00003,
        LossReason.DIED: 0.00003,
    },
    Sector.SOE: {LossReason.JOB: 0.001, LossReason.RETIRED: 0.0006, LossReason.LEFT: 0.00005, LossReason.DIED: 0.00003},
    Sector.PRIVATE: {
        LossReason.JOB: 0.0028,
        LossReason.RETIRED: 0.0001,
        LossReason.LEFT: 0.0004,
        LossReason.DIED: 0.00003,
    },
    Sector.FDI: {
        LossReason.JOB: 0.0021,
        LossReason.RETIRED: 0.00003,
        LossReason.LEFT: 0.0002,
        LossReason.DIED: 0.00003,
    },
    Sector.COOPERATIVE: {
        LossReason.JOB: 0.0015,
        LossReason.RETIRED: 0.0004,
        LossReason.LEFT: 0.0002,
        LossReason.DIED: 0.00003,
    },
    Sector.OTHER: {
        LossReason.JOB: 0.0015,
        LossReason.RETIRED: 0.0004,
        LossReason.LEFT: 0.0002,
        LossReason.DIED: 0.00003,
    },
}
DENSITY = {
    Sector.PUBLIC: 0.95,
    Sector.SOE: 0.9,
    Sector.PRIVATE: 0.6,
    Sector.FDI: 0.7,
    Sector.COOPERATIVE: 0.8,
    Sector.OTHER: 0.9,
}
# Median workers and spread (log-normal), by sector.
SIZE = {
    Sector.PUBLIC: (32, 0.6),
    Sector.SOE: (140, 0.8),
    Sector.PRIVATE: (55, 0.9),
    Sector.FDI: (650, 1.0),
    Sector.COOPERATIVE: (14, 0.5),
    Sector.OTHER: (20, 0.5),
}

PLACES = {
    "TPTN": [
        "Hoàng Văn Thụ",
        "Phan Đình Phùng",
        "Quang Trung",
        "Túc Duyên",
        "Gia Sàng",
        "Tân Thịnh",
        "Tân Lập",
        "Thịnh Đán",
        "Quyết Thắng",
        "Phúc Xuân",
        "Tích Lương",
        "Trung Thành",
        "Đồng Quang",
        "Cam Giá",
    ],
    "TPSC": ["Thắng Lợi", "Phố Cò", "Cải Đan", "Lương Sơn", "Bách Quang", "Mỏ Chè", "Tân Quang", "Bình Sơn"],
    "TXPY": [
        "Ba Hàng",
        "Bãi Bông",
        "Đồng Tiến",
        "Bắc Sơn",
        "Hồng Tiến",
        "Đắc Sơn",
        "Tiên Phong",
        "Nam Tiến",
        "Trung Thành",
        "Thuận Thành",
    ],
    "DT": [
        "Hùng Sơn",
        "Quân Chu",
        "Hoàng Nông",
        "La Bằng",
        "Phú Xuyên",
        "Cù Vân",
        "Tân Linh",
        "Bình Thuận",
        "Vạn Thọ",
        "Ký Phú",
    ],
    "DH": ["Chợ Chu", "Phú Đình", "Bảo Cường", "Trung Hội", "Kim Phượng", "Tân Dương", "Sơn Phú", "Điềm Mặc"],
    "PL": ["Đu", "Giang Tiên", "Yên Ninh", "Động Đạt", "Phấn Mễ", "Ôn Lương", "Vô Tranh", "Tức Tranh"],
    "DHY": ["Hóa Thượng", "Sông Cầu", "Trại Cau", "Nam Hòa", "Hòa Bình", "Minh Lập", "Khe Mo", "Quang Sơn"],
    "VN": ["Đình Cả", "La Hiên", "Lâu Thượng", "Tràng Xá", "Dân Tiến", "Phú Thượng", "Thần Sa", "Cúc Đường"],
    "PB": ["Hương Sơn", "Úc Kỳ", "Điềm Thụy", "Kha Sơn", "Thanh Ninh", "Tân Đức", "Nga My", "Bảo Lý"],
}
BRANDS = [
    "An Phát",
    "Hòa Bình",
    "Minh Đức",
    "Thành Công",
    "Việt Hưng",
    "Phú Thái",
    "Tân Cương",
    "Đông Á",
    "Hưng Thịnh",
    "Thái Sơn",
    "Bắc Hà",
    "Gia Bảo",
    "Nam Việt",
    "Trường An",
    "Kim Long",
    "Phúc Lộc",
    "Hoàng Gia",
    "Sông Cầu",
    "Núi Cốc",
    "Tam Đảo",
    "Quang Minh",
    "Thiên Phú",
    "Đại Dương",
    "Sao Mai",
]
TRADES = [
    "May mặc",
    "Cơ khí",
    "Xây dựng",
    "Vật liệu xây dựng",
    "Chè",
    "Thực phẩm",
    "Vận tải",
    "Khai khoáng",
    "Gỗ",
    "Bao bì",
    "Thương mại",
    "Dịch vụ",
]
FOREIGN = [
    "Daeyang",
    "Hansol",
    "Jinwoo",
    "Seojin",
    "Woojin",
    "Yoosung",
    "Shinsung",
    "Kyungil",
    "Taeyang",
    "Chang Shin",
    "Hoa Lâm",
    "Minh Trí",
    "Sein Tech",
    "Dong Yang",
    "Heesung",
    "Nara",
]
SCHOOLS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường THPT"]
AGENCIES = [
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Nông nghiệp và PTNT",
    "Sở Tài nguyên và Môi trường",
    "Sở Kế hoạch và Đầu tư",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Giao thông vận tải",
    "Sở Nội vụ",
    "Sở Khoa học và Công nghệ",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Quản lý các KCN",
    "Đài Phát thanh - Truyền hình",
    "Báo Thái Nguyên",
    "Kho bạc Nhà nước tỉnh",
    "Cục Thuế tỉnh",
    "Bảo hiểm xã hội tỉnh",
]

DISSOLUTION_REASONS = [
    "Doanh nghiệp giải thể",
    "Doanh nghiệp phá sản",
    "Doanh nghiệp ngừng hoạt động",
    "Sáp nhập đơn vị",
    "Không còn đủ đoàn viên",
]


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


class _Builder:
    def __init__(self, end: Month):
        self.end = end
        self.rng_names = random.Random("names-2018")
        self.rng_events = random.Random("events-2018")
        self.rng_flows = random.Random("flows-2018")
        self.unions: list[_Union] = []
        self.serial = 0
        self.used_names = defaultdict(int)
        self.decisions = defaultdict(int)  # founding decisions issued so far, per year

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
                if code == MERGE[0] and month >= MERGE[2]:
                    code = MERGE[1]
                union = self._new_union(code, sector, _random_day(rng, month))
                self.decisions[union.founded_on.year] += 1
                union.founding_decision = f"{self.decisions[union.founded_on.year]}/QĐ-{code}"
            for union, code in moves.get(month, []):
                union.affiliations.append((month, code))
            if month == MERGE[2]:
                for union in self.unions:
                    if union.active_in(month) and union.federation_at(month) == MERGE[0]:
                        union.affiliations.append((month, MERGE[1]))
            active = [u for u in self.unions if u.active_in(month)]
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

    def build(self) -> None:
        self.build_register()
        self.simulate(DATA_START, min(WINDOW[1], self.end))
        if self.end >= WINDOW[1]:
            self.fit_window()
            self.simulate(WINDOW[1] + 1, self.end)
        # Events drawn up to the horizon that lie after the last month are not history yet.
        for union in self.unions:
            if union.dissolved_on and union.dissolved_on > self.end.last_day:
                union.dissolved_on, union.dissolution_reason = None, ""
            union.affiliations = [(m, code) for m, code in union.affiliations if m <= self.end]


def _apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split a province quota among federations so that the parts add up exactly (largest remainder)."""
    whole = sum(weights.values())
    raw = {code: total * weight / whole for code, weight in weights.items()}
    parts = {code: math.floor(value) for code, value in raw.items()}
    for code in sorted(raw, key=lambda c: raw[c] - parts[c], reverse=True)[: total - sum(parts.values())]:
        parts[code] += 1
    return parts


PROGRAMMES = [
    {
        "name": "Chương trình phát triển đoàn viên, thành lập công đoàn cơ sở giai đoạn 2018–2023",
        "document_number": "04/CTr-LĐLĐ",
        "document_date": date(2018, 7, 11),
        "first_year": 2018,
        "last_year": 2023,
        "members": [9_000, 9_200, 9_400, 9_600, 9_800, 10_000],
        "unions": [25, 25, 25, 25, 25, 25],
        "trained": [1_200, 1_200, 1_300, 1_300, 1_400, 1_400],  # cadre training (training app)
    },
    {
        "name": "Chương trình phát triển đoàn viên, thành lập công đoàn cơ sở nhiệm kỳ 2023–2028",
        "document_number": "01/CTr-LĐLĐ",
        "document_date": date(2024, 1, 15),
        "first_year": 2024,
        "last_year": 2028,
        "members": [9_500, 9_500, 9_800, 10_000, 10_000],
        "unions": [22, 22, 24, 24, 25],
        "trained": [1_400, 1_400, 1_500, 1_500, 1_500],
    },
]
# Shares of the province's quotas, roughly each federation's part of recruitment.
QUOTA_WEIGHTS = {
    "TPTN": 14,
    "TPSC": 7,
    "TXPY": 9,
    "DT": 3,
    "DH": 2,
    "PL": 3,
    "DHY": 3,
    "VN": 1,
    "PB": 3,
    "GD": 4,
    "YT": 2,
    "VC": 1,
    "KCN": 48,
}

USERS = [
    # username, full name, role, federations followed as a steering-committee member
    ("bantochuc", "Nguyễn Thị Lan", Role.PROVINCIAL_STAFF, []),
    ("lanhdao", "Hoàng Thu Hà", Role.LEADERSHIP, []),
    ("bcd.minh", "Trần Văn Minh", Role.LEADERSHIP, ["TPTN", "TXPY", "KCN"]),
]


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


@transaction.atomic
def seed_demo(*, end: Month) -> dict[str, int]:
    """Build the demo province with figures up to `end`. Returns counts of what it wrote."""
    builder = _Builder(end)
    builder.build()

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
        users[username] = User.objects.create(username=username, password=password, first_name=full_name)
        profile = UserProfile.objects.create(user=users[username], role=role)
        profile.followed_federations.set([federations[code] for code in followed])
    for code, *_rest in FEDERATIONS:
        user = User.objects.create(username=f"cb.{code.lower()}", password=password, first_name=f"Cán bộ {code}")
        UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federations[code])
        users[code] = user

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
    MonthlyFigure.objects.bulk_create(figures, batch_size=5000)
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

    quotas = []
    for spec in PROGRAMMES:
        programme = Programme.objects.create(
            **{k: spec[k] for k in ("name", "document_number", "document_date", "first_year", "last_year")}
        )
        for index, year in enumerate(range(spec["first_year"], spec["last_year"] + 1)):
            weights = dict(QUOTA_WEIGHTS)
            if year > merge_month.year or (year == merge_month.year and merge_month.month == 1):
                weights[into] += weights.pop(source)
            members = _apportion(spec["members"][index], weights)
            new_unions = _apportion(spec["unions"][index], weights)
            trained = _apportion(spec["trained"][index], weights)
            quotas.append(
                Quota(
                    programme=programme,
                    organisation=province,
                    year=year,
                    new_members=spec["members"][index],
                    new_unions=spec["unions"][index],
                    trained_officers=spec["trained"][index],
                )
            )
            quotas += [
                Quota(
                    programme=programme,
                    organisation=federations[code],
                    year=year,
                    new_members=members[code],
                    new_unions=new_unions[code],
                    trained_officers=trained[code],
                )
                for code in weights
            ]
    Quota.objects.bulk_create(quotas)
    summary_rebuild()  # the rows above were written in bulk, around the services
    # Issue 8: the organising pipeline, the annual CĐCS rating and the cadre training.
    extra = {"province": province, "federations": federations, "users": users, "end": end}
    enterprises, ratings, courses = seed_organising(**extra), seed_ratings(**extra), seed_training(**extra)

    counts = {
        "federations": len(federations),
        "cdcs": len(unions),
        "figures": len(figures),
        "returns": len(returns),
        "quotas": len(quotas),
        "users": len(users) + 1,
        "members": registered,
        "enterprises": enterprises,
        "ratings": ratings,
        "courses": courses,
    }
    audit_log(admin, "demo.seed", province, source=AuditEntry.Source.COMMAND, end=end.iso, **counts)
    return counts
