"""Where an ended union's quotas go. From the effective year on, the union hands on the effective
year's quota × (months left from M through December ÷ 12), rounded, and every later year's whole
quota; it keeps the rest of the effective year. Rule "members": the destinations share it pro rata
by the members each received from the union (by the CĐCS each received when none had members),
with the largest remainder, so that the parts add up exactly; rule "typed": as the plan's
PlanQuota rows say, which must add up to what is handed on."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from targets.models import Quota
from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.formatting import count

from .context import PlanContext
from .models import Plan, PlanQuota

KINDS = ("new_members", "new_unions", "trained_officers")


@dataclass(frozen=True)
class QuotaMove:
    """One part of an ended union's quotas, handed to one destination (key: code, "" = direct block)."""

    from_id: int
    key: str
    programme_id: int
    year: int
    amounts: tuple[int, int, int]


def handed_on(context: PlanContext) -> dict[tuple[int, int, int], tuple[int, int, int]]:
    """(ended union, programme, year) → the three quotas it hands on."""
    month = context.month
    months_left = 12 - month.month + 1
    handed = {}
    for quota in context.quotas:
        if quota.organisation_id not in context.ending_ids:
            continue
        amounts = tuple(getattr(quota, kind) for kind in KINDS)
        if quota.year == month.year:
            amounts = tuple((amount * months_left + 6) // 12 for amount in amounts)  # rounded half up
        if any(amounts):
            handed[(quota.organisation_id, quota.programme_id, quota.year)] = amounts
    return handed


def received(context: PlanContext) -> dict[int, dict[str, list[int]]]:
    """Ended union → destination key → [members, CĐCS] it received from that union."""
    result: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for line in context.lines:
        state = context.cdcs.get(line.cdcs_id)
        if state is None or state.federation_now not in context.ending_ids:
            continue
        key = context.destination(line)
        if key is None:
            continue
        share = result[state.federation_now][key]
        share[0] += state.stock
        share[1] += 1
    return result


def quota_moves(context: PlanContext) -> list[QuotaMove]:
    """The parts handed on, by the plan's rule (assuming quota_problems found nothing)."""
    if context.plan.quota_rule == Plan.QuotaRule.TYPED:
        return [
            QuotaMove(
                quota.from_organisation_id,
                context.union_key(quota.union_code),
                quota.programme_id,
                quota.year,
                tuple(getattr(quota, kind) for kind in KINDS),
            )
            for quota in context.plan_quotas
            if any(getattr(quota, kind) for kind in KINDS)
        ]
    moves = []
    shares = received(context)
    for (from_id, programme_id, year), amounts in sorted(handed_on(context).items()):
        weights = _weights(shares.get(from_id, {}))
        if not weights:
            continue
        keys = sorted(weights)
        parts = [largest_remainder(amount, [weights[key] for key in keys]) for amount in amounts]
        for index, key in enumerate(keys):
            split = tuple(part[index] for part in parts)
            if any(split):
                moves.append(QuotaMove(from_id, key, programme_id, year, split))
    return moves


def _weights(shares: dict[str, list[int]]) -> dict[str, int]:
    by_members = {key: members for key, (members, _cdcs) in shares.items() if members}
    return by_members or {key: cdcs for key, (_members, cdcs) in shares.items() if cdcs}


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, in whole numbers adding up to `total`: each part
    rounded down, the rest one by one to the largest remainders (the first of equals)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    parts = [total * weight // whole for weight in weights]
    remainders = sorted(range(len(weights)), key=lambda index: (-(total * weights[index] % whole), index))
    for index in remainders[: total - sum(parts)]:
        parts[index] += 1
    return parts


def quota_problems(context: PlanContext) -> list[str]:
    """Why the quotas cannot be handed on as the plan says (plan-wide messages)."""
    handed = handed_on(context)
    if context.plan.quota_rule != Plan.QuotaRule.TYPED:
        shares = received(context)
        stranded = sorted({from_id for from_id, _programme, _year in handed if not _weights(shares.get(from_id, {}))})
        return [
            _("%(org)s còn chỉ tiêu phải chuyển nhưng không có CĐCS nào chuyển đi đâu: hãy nhập chỉ tiêu chuyển.")
            % {"org": context.orgs[from_id].name}
            for from_id in stranded
        ]
    problems = []
    typed: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    programmes = {}
    for quota in context.plan_quotas:
        programmes[quota.programme_id] = quota.programme
        if quota.from_organisation_id not in context.ending_ids:
            problems.append(
                _("Chỉ tiêu chuyển từ %(org)s: đơn vị này không kết thúc trong đề án.")
                % {"org": quota.from_organisation.name}
            )
            continue
        if not context.resolves_to_union(quota.union_code):
            problems.append(
                _("Chỉ tiêu chuyển đến %(union)s: không phải công đoàn cấp trên đang hoạt động hay mới.")
                % {"union": quota.union_code}
            )
        sums = typed[(quota.from_organisation_id, quota.programme_id, quota.year)]
        for index, kind in enumerate(KINDS):
            sums[index] += getattr(quota, kind)
    for quota in context.quotas:
        programmes.setdefault(quota.programme_id, quota.programme)
    for key in sorted(set(handed) | set(typed)):
        expected, given = handed.get(key, (0, 0, 0)), tuple(typed.get(key, (0, 0, 0)))
        if expected != given:
            from_id, programme_id, year = key
            problems.append(
                _(
                    "Chỉ tiêu năm %(year)s (%(programme)s) %(org)s chuyển đi phải là %(expected)s; "
                    "đã nhập %(given)s (kết nạp đoàn viên / thành lập CĐCS / đào tạo cán bộ)."
                )
                % {
                    "year": year,
                    "programme": programmes[programme_id],
                    "org": context.orgs[from_id].name,
                    "expected": " / ".join(count(value) for value in expected),
                    "given": " / ".join(count(value) for value in given),
                }
            )
    return problems


def quotas_hand_on(context: PlanContext, federation_of_key: dict) -> dict:
    """Write the quota moves: the ended unions' rows decrease (a later year's row handed on whole
    is deleted), the destinations' rows increase or are created; with the rule "members", the
    computed parts are written as the plan's PlanQuota rows, so that the result is on record.
    Returns what the undo needs."""
    moves = quota_moves(context)
    rows = {(quota.organisation_id, quota.programme_id, quota.year): quota for quota in context.quotas}
    changed: dict[int, list] = {}
    created = []
    for move in moves:
        source = rows[(move.from_id, move.programme_id, move.year)]
        destination_id = federation_of_key[move.key].pk
        destination = rows.get((destination_id, move.programme_id, move.year))
        if destination is None:
            destination = Quota(organisation_id=destination_id, programme_id=move.programme_id, year=move.year)
            rows[(destination_id, move.programme_id, move.year)] = destination
            created.append(destination)
        for quota, sign in ((source, -1), (destination, 1)):
            if quota.pk is not None:
                changed.setdefault(quota.pk, [quota.pk, *(getattr(quota, kind) for kind in KINDS)])
            for kind, amount in zip(KINDS, move.amounts, strict=True):
                setattr(quota, kind, getattr(quota, kind) + sign * amount)
    emptied = [
        quota
        for quota in rows.values()
        if quota.pk in changed
        and quota.organisation_id in context.ending_ids
        and quota.year > context.month.year
        and not any(getattr(quota, kind) for kind in KINDS)
    ]
    deleted = [changed.pop(quota.pk) + [quota.organisation_id, quota.programme_id, quota.year] for quota in emptied]
    Quota.objects.filter(pk__in=[quota.pk for quota in emptied]).delete()
    update_many([quota for quota in rows.values() if quota.pk in changed], list(KINDS))
    insert_many(created, returning=True)
    if context.plan.quota_rule != Plan.QuotaRule.TYPED:
        context.plan.quotas.all().delete()
        insert_many(
            [
                PlanQuota(
                    plan=context.plan, from_organisation_id=move.from_id, union_code=move.key,
                    programme_id=move.programme_id, year=move.year,
                    **dict(zip(KINDS, move.amounts, strict=True)),
                )
                for move in moves
            ]
        )  # fmt: skip
    return {
        "quotas_created": [quota.pk for quota in created],
        "quotas_changed": list(changed.values()),
        "quotas_deleted": deleted,
    }


def quotas_restore(record: dict) -> None:
    """Put the quotas back as they were before the plan."""
    Quota.objects.filter(pk__in=record["quotas_created"]).delete()
    restored = [Quota(pk=pk, **dict(zip(KINDS, amounts, strict=True))) for pk, *amounts in record["quotas_changed"]]
    update_many(restored, list(KINDS))
    Quota.objects.bulk_create(  # with their former ids
        Quota(
            pk=pk,
            organisation_id=org_id,
            programme_id=programme_id,
            year=year,
            **dict(zip(KINDS, amounts, strict=True)),
        )
        for pk, *amounts, org_id, programme_id, year in record["quotas_deleted"]
    )
