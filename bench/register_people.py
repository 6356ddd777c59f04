"""The people of bench/register_data.py's province: who they are (Vietnamese names in their real
shares, birth, CCCD numbers) and what becomes of them in 2026 (entered, admitted, transferred in,
lost or moved), drawn with numpy from the caller's generator. Import after django.setup()."""

import numpy as np

from members.models import LossReason
from members.register.people import fold
from unionportal.lib.months import Month

FIRST, MONTHS = Month(2026, 1), 11  # the register from 01/2026; figures 01/2026 … 11/2026

# Family names and their shares (the common ones from surveys of Vietnamese names; the rest shares
# the remainder), middle and given names for men and women with rough weights.
SURNAMES = {
    "Nguyễn": 38.4, "Trần": 11.0, "Lê": 9.5, "Phạm": 7.1, "Hoàng": 4.1, "Huỳnh": 1.0, "Phan": 4.5,
    "Vũ": 2.9, "Võ": 1.0, "Đặng": 2.1, "Bùi": 2.0, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3, "Dương": 1.0,
    "Lý": 0.5, "Đinh": 0.9, "Trương": 0.8, "Đào": 0.7, "Mai": 0.5, "Lương": 0.6, "Trịnh": 0.6,
    "Hà": 0.6, "Lâm": 0.4, "Cao": 0.4, "Chu": 0.3, "Tạ": 0.3, "Ma": 0.3, "Nông": 0.3, "Lục": 0.2,
    "La": 0.2, "Triệu": 0.2, "Kiều": 0.1, "Quách": 0.1, "Tô": 0.2, "Thái": 0.1, "Văn": 0.1, "Âu": 0.05,
    "Khổng": 0.05, "Ninh": 0.1, "Đàm": 0.1, "Giáp": 0.1, "Hứa": 0.05, "Lã": 0.05, "Mạc": 0.05,
}  # fmt: skip
MIDDLE = {
    "male": {
        "Văn": 38, "Đức": 8, "Minh": 7, "Quang": 5, "Hữu": 5, "Công": 4, "Đình": 4, "Xuân": 4, "Thanh": 3,
        "Ngọc": 3, "Mạnh": 2, "Tiến": 2, "Trung": 2, "Hoàng": 2, "Anh": 2, "Duy": 2, "Tuấn": 1, "Bá": 1,
        "Thế": 1, "Trọng": 1, "Việt": 1, "Quốc": 1, "Hồng": 1, "Thành": 1, "Kim": 0.5, "Gia": 0.5,
    },
    "female": {
        "Thị": 52, "Ngọc": 5, "Thu": 5, "Thanh": 4, "Minh": 3, "Phương": 3, "Hồng": 3, "Kim": 3,
        "Thùy": 3, "Mai": 2, "Hoài": 2, "Bích": 2, "Diệu": 1, "Lan": 1, "Quỳnh": 1, "Hải": 1,
        "Khánh": 1, "Bảo": 1, "Như": 1, "Thúy": 1, "Cẩm": 0.5, "Tuyết": 0.5,
    },
}  # fmt: skip
GIVEN = {
    "male": (
        "Tuấn Hùng Dũng Hải Nam Long Minh Đức Thắng Cường Sơn Huy Quang Trung Thành Phong Việt Bình Hưng "
        "Anh Hiếu Tùng Khánh Hoàng Toàn Vinh Quân Kiên Lâm Tiến Mạnh Hòa Phúc Thịnh Tâm Tài Đạt An "
        "Nghĩa Lực Công Chiến Quý Thái Trường Hiệp Duy Tú Khoa Lợi Luân Phú Quyết Thuận Trọng Hậu "
        "Hiển Khải Nguyên Tình Hưởng Định Đông Giang Hà Ngọc Nhân Phát Phương Sang Tân Thông Trí "
        "Vương Bảo Chung Doanh Điệp Hạnh Hoan Kỳ Lộc Ninh Pảo Quảng Sinh Tuyên Vĩnh Xuân"
    ).split(),
    "female": (
        "Hương Hà Lan Linh Trang Hằng Thảo Huyền Nga Mai Phương Hoa Yến Anh Dung Hạnh Hồng Thủy Ngọc Thu "
        "Nhung Vân Chi Loan Hiền Thúy Giang Quỳnh Liên Oanh Tuyết Ánh Bích Châu Diệp Duyên Hường Khánh "
        "Ly My Ngân Nhi Phượng Tâm Thoa Thư Trinh Uyên Vy Xuân Hậu Lệ Lý Nguyệt Nhàn Thơm Hoài Hảo "
        "Gấm Đào Huế Lụa Mơ Nhài Quyên Sen Tươi Vui Xoan"
    ).split(),
}
ETHNICITIES = {"Kinh": 85, "Tày": 6, "Nùng": 3.5, "Sán Dìu": 1.5, "Dao": 1.5, "Sán Chay": 1, "H'Mông": 0.5, "Hoa": 1}
JOBS = [
    "Công nhân", "Công nhân may", "Công nhân lắp ráp điện tử", "Kỹ thuật viên", "Nhân viên văn phòng",
    "Tổ trưởng sản xuất", "Lái xe", "Giáo viên", "Nhân viên y tế", "Công chức", "Kế toán", "Bảo vệ",
]  # fmt: skip
# Provinces of birth (CCCD's first three digits): mostly this one (Thái Nguyên, 019) and its neighbours.
BIRTH_PROVINCES = {19: 60, 6: 8, 8: 5, 20: 4, 24: 6, 1: 5, 25: 3, 22: 3, 26: 2, 40: 2, 38: 2}
# What becomes of the members in 2026 (shares of all of them).
ENTRY = {"opening": 0.895, "admitted": 0.09, "transferred_in": 0.015}
LOST, MOVED = 0.06, 0.005  # lose membership during 2026; move to another CĐCS of the province
LOSS_SHARES = {
    LossReason.JOB: 0.45,
    LossReason.RETIRED: 0.17,
    LossReason.ENTERPRISE_CLOSED: 0.08,
    LossReason.LEFT: 0.13,
    LossReason.DIED: 0.03,
    LossReason.TRANSFERRED_OUT: 0.14,
}


def pick(rng, table: dict, n: int) -> np.ndarray:
    weights = np.array(list(table.values()), dtype=float)
    return rng.choice(len(table), n, p=weights / weights.sum())


def _zipfpick(rng, n: int, options: int, exponent: float = 0.9) -> np.ndarray:
    weights = 1 / np.arange(1, options + 1) ** exponent
    return rng.choice(options, n, p=weights / weights.sum())


def people_draw(rng, sizes: np.ndarray) -> dict:
    """Every member's CĐCS (index), name, birth, gender, numbers, and when they entered the register."""
    n = int(sizes.sum())
    cdcs = np.repeat(np.arange(len(sizes)), sizes)
    female = rng.random(n) < 0.48
    surnames, surname_keys = list(SURNAMES), [fold(name) for name in SURNAMES]
    surname = pick(rng, SURNAMES, n)
    names, keys = np.empty(n, dtype=object), np.empty(n, dtype=object)
    for gender, mask in (("male", ~female), ("female", female)):
        count = int(mask.sum())
        middles, given = list(MIDDLE[gender]), GIVEN[gender]
        middle = pick(rng, MIDDLE[gender], count)
        second = np.where(
            rng.random(count) < (0.18 if gender == "female" else 0.06), pick(rng, MIDDLE[gender], count), -1
        )
        first = _zipfpick(rng, count, len(given))
        family = surname[mask]
        part_names = [
            " ".join([surnames[f], middles[m], *([middles[s]] if s >= 0 and s != m else []), given[g]])
            for f, m, s, g in zip(family.tolist(), middle.tolist(), second.tolist(), first.tolist(), strict=True)
        ]
        names[mask] = part_names
        folded_middle = [fold(name) for name in middles]
        folded_given = [fold(name) for name in given]
        keys[mask] = [
            " "
            + " ".join(
                [surname_keys[f], folded_middle[m], *([folded_middle[s]] if s >= 0 and s != m else []), folded_given[g]]
            )
            + " "
            for f, m, s, g in zip(family.tolist(), middle.tolist(), second.tolist(), first.tolist(), strict=True)
        ]
    born = np.datetime64("1966-01-01") + rng.integers(0, 41 * 365, n).astype("timedelta64[D]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    # When each entered the register, and how.
    entry = pick(rng, ENTRY, n)  # 0 opening, 1 admitted, 2 transferred in
    entry_month = np.where(entry == 0, 0, rng.integers(0, MONTHS, n))
    first_days = np.array([(FIRST + t).first_day for t in range(MONTHS + 1)], dtype="datetime64[D]")
    month_length = (first_days[1:] - first_days[:-1]).astype(np.int64)
    entry_on = first_days[entry_month] + np.where(
        entry == 0, 0, (rng.random(n) * month_length[entry_month]).astype(np.int64)
    ).astype("timedelta64[D]")
    # Joined the union: before 2026 for those entered or transferred in, on the day for the admitted.
    earliest = np.maximum(born + np.timedelta64(18 * 365, "D"), np.datetime64("1990-01-01"))
    span = (np.datetime64("2025-12-31") - earliest).astype(np.int64)
    joined = np.where(entry == 1, entry_on, earliest + (rng.random(n) * span).astype(np.int64).astype("timedelta64[D]"))
    # Later in the year, on a day after the entry: a loss (LOST of everyone), or a move to another
    # CĐCS of the province (MOVED, of those entered as members already).
    fate = rng.random(n)
    can_leave = entry_month < MONTHS - 1
    lost = (fate < LOST) & can_leave
    moved = (fate >= LOST) & (fate < LOST + MOVED) & (entry == 0) & can_leave
    out_month = np.minimum(entry_month + 1 + (rng.random(n) * (MONTHS - 1 - entry_month)).astype(np.int64), MONTHS - 1)
    out_on = first_days[out_month] + (rng.random(n) * month_length[out_month]).astype(np.int64).astype("timedelta64[D]")
    return {
        "n": n,
        "cdcs": cdcs,
        "lost": lost,
        "moved": moved,
        "out_month": out_month,
        "out_on": out_on,
        "reasons": np.array([reason.value for reason in LOSS_SHARES], dtype=object)[pick(rng, dict(LOSS_SHARES), n)],
        "target": (cdcs + 1 + rng.integers(0, len(sizes) - 1, n)) % len(sizes),  # another CĐCS
        "female": female,
        "names": names,
        "keys": keys,
        "born": born,
        "year": year,
        "joined": joined,
        "entry": entry,
        "entry_month": entry_month,
        "entry_on": entry_on,
        "first_days": first_days,
        "month_length": month_length,
        "id_numbers": id_numbers(rng, n, year, female),
        "ethnicity": pick(rng, ETHNICITIES, n),
        "job": rng.integers(0, len(JOBS), n),
        "card": rng.random(n) < 0.75,
    }


def id_numbers(rng, n: int, year: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Unique CCCD numbers (as id_number_for writes them), blank for 3 % of the people."""
    provinces = np.array(list(BIRTH_PROVINCES))[pick(rng, BIRTH_PROVINCES, n)]
    digit = 2 * ((year - 1900) // 100) + female.astype(np.int64)
    head = provinces * 1_000_000_000 + digit * 100_000_000 + (year % 100) * 1_000_000
    numbers = head + rng.integers(0, 1_000_000, n)
    while True:  # draw again the serials that collide
        _values, first, counts = np.unique(numbers, return_index=True, return_counts=True)
        repeated = np.setdiff1d(np.arange(n), first)
        if not len(repeated):
            break
        numbers[repeated] = head[repeated] + rng.integers(0, 1_000_000, len(repeated))
    text = np.char.zfill(numbers.astype(str), 12).astype(object)
    text[rng.random(n) < 0.03] = ""
    return text
