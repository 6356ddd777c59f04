"""Demo data for targets: the two programmes of the demo province (2018–2023 and 2023–2028) with
their yearly quotas for the province, split among the federations so that the parts add up
exactly; from the year of the 2025 merge, Đồng Hỷ's share goes to TP Thái Nguyên."""

import math
from datetime import date

from members.demo.tables import MERGE
from members.models import Organisation
from unionportal.lib.months import Month

from .models import Programme, Quota


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


def seed_targets(*, province: Organisation, federations: dict[str, Organisation], end: Month) -> int:
    """Write the demo programmes and their quotas (whatever `end`: quotas are set ahead); returns
    how many quotas it wrote."""
    source, into, merge_month = MERGE
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
    return len(quotas)
