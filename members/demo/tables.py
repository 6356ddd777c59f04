"""The demo province's shape: its federations, how big and how busy each sector's CĐCS are, the
names they are given, and the figures of the 7 April 2021 report it must reproduce. Read by the
generator (members.demo.builder) and by the other apps' demo seeders (the merge, the codes)."""

from members.models import LossReason, Sector
from unionportal.lib.months import Month

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
MERGE = ("DHY", "TPTN", Month(2025, 1))  # Đồng Hỷ's CĐCS go to TP Thái Nguyên
# From this month on, the district unions are ended: the reorganisation plan of the reorganisation
# app's demo (reorganisation.demo) sends their CĐCS to the commune and ward unions below, to the
# province's direct block, or merges them.
REORGANISATION = Month(2025, 7)

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

# The commune and ward unions (kind "commune") founded by the July 2025 reorganisation, per district
# union it ends: code, name, and the places (PLACES) whose CĐCS go to it. TP Thái Nguyên's list takes
# in Đồng Hỷ's places, whose CĐCS it holds since the merge. The first union of each district takes
# its CĐCS without a place in their name in turn with the others, and the CĐCS founded later on its
# ground.
COMMUNE_UNIONS = {
    "TPTN": [
        (
            "PDP",
            "Công đoàn phường Phan Đình Phùng",
            ["Hoàng Văn Thụ", "Phan Đình Phùng", "Quang Trung", "Túc Duyên", "Đồng Quang", "Trung Thành", "Tân Thịnh"],
        ),
        ("GSA", "Công đoàn phường Gia Sàng", ["Gia Sàng", "Tân Lập", "Cam Giá"]),
        ("QTH", "Công đoàn phường Quyết Thắng", ["Thịnh Đán", "Quyết Thắng", "Phúc Xuân", "Tích Lương"]),
        ("LSO", "Công đoàn phường Linh Sơn", ["Hóa Thượng", "Sông Cầu", "Hòa Bình", "Minh Lập", "Khe Mo"]),
        ("TCA", "Công đoàn xã Trại Cau", ["Trại Cau", "Nam Hòa", "Quang Sơn"]),
    ],
    "TPSC": [
        ("SCO", "Công đoàn phường Sông Công", ["Thắng Lợi", "Phố Cò", "Cải Đan", "Lương Sơn", "Mỏ Chè"]),
        ("BQU", "Công đoàn phường Bách Quang", ["Bách Quang", "Tân Quang", "Bình Sơn"]),
    ],
    "TXPY": [
        ("PYE", "Công đoàn phường Phổ Yên", ["Ba Hàng", "Bãi Bông", "Đồng Tiến", "Bắc Sơn", "Hồng Tiến"]),
        ("TTH", "Công đoàn phường Trung Thành", ["Đắc Sơn", "Tiên Phong", "Nam Tiến", "Trung Thành", "Thuận Thành"]),
    ],
    "DT": [
        ("DTU", "Công đoàn xã Đại Từ", ["Hùng Sơn", "Hoàng Nông", "Tân Linh", "Bình Thuận", "Ký Phú"]),
        ("LBA", "Công đoàn xã La Bằng", ["Quân Chu", "La Bằng", "Phú Xuyên", "Cù Vân", "Vạn Thọ"]),
    ],
    "DH": [
        ("DHO", "Công đoàn xã Định Hóa", ["Chợ Chu", "Bảo Cường", "Trung Hội", "Kim Phượng"]),
        ("PDI", "Công đoàn xã Phú Đình", ["Phú Đình", "Tân Dương", "Sơn Phú", "Điềm Mặc"]),
    ],
    "PL": [
        ("PLU", "Công đoàn xã Phú Lương", ["Đu", "Giang Tiên", "Yên Ninh", "Động Đạt"]),
        ("VTR", "Công đoàn xã Vô Tranh", ["Phấn Mễ", "Ôn Lương", "Vô Tranh", "Tức Tranh"]),
    ],
    "VN": [
        ("VNH", "Công đoàn xã Võ Nhai", ["Đình Cả", "Lâu Thượng", "Phú Thượng", "Cúc Đường"]),
        ("LHI", "Công đoàn xã La Hiên", ["La Hiên", "Tràng Xá", "Dân Tiến", "Thần Sa"]),
    ],
    "PB": [
        ("PBI", "Công đoàn xã Phú Bình", ["Hương Sơn", "Úc Kỳ", "Nga My", "Bảo Lý"]),
        ("DTH", "Công đoàn xã Điềm Thụy", ["Điềm Thụy", "Kha Sơn", "Thanh Ninh", "Tân Đức"]),
    ],
}


def successor(code: str, month: Month) -> str:
    """The federation that stands in `month` for the federation `code` of the demo's first years:
    the one it merged into, then, from the reorganisation on, the first commune or ward union
    founded on its ground (the codes the other apps' demo seeders name work in any month)."""
    if code == MERGE[0] and month >= MERGE[2]:
        code = MERGE[1]
    if month >= REORGANISATION and code in COMMUNE_UNIONS:
        code = COMMUNE_UNIONS[code][0][0]
    return code
