"""Demo data for the organising app (issue 8): about sixty enterprises of the non-state sector
spread over the federations that have such CĐCS, in every stage, with their stage changes and
contacts back-dated over the 18 months before `end`. Some next steps are overdue, some
enterprises stalled with a reason, and a few founded ones are linked to demo CĐCS founded in
those months (no CĐCS is created here: the demo's figures already count them).

Rows are written in bulk, as the rest of the demo is, but keep the model's rules: every
enterprise starts with a change from no stage, moves only forward (or to stalled and back),
never on a day before its last change nor after `end`."""

import random
from datetime import date, timedelta

from members.demo.tables import successor
from members.models import GrassrootsUnion, Sector

from .models import OPEN_STAGES, Contact, Enterprise, PriorityRule, Stage, StageChange, StallReason

COUNT = 60
NON_STATE = (Sector.PRIVATE, Sector.FDI, Sector.COOPERATIVE)
# Federations with enterprises to organise, and how many of the sixty each follows.
WEIGHTS = {"KCN": 14, "TPTN": 9, "TXPY": 8, "TPSC": 7, "PB": 5, "DT": 5, "DHY": 3, "PL": 3, "DH": 2, "VN": 2}
KINDS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hợp tác xã", "Công ty TNHH"]
TRADES = [
    "May mặc", "Giày da", "Điện tử", "Cơ khí", "Chè", "Vật liệu xây dựng", "Bao bì", "Thực phẩm", "Gỗ",
    "Linh kiện", "Dệt", "Vận tải", "Xây dựng", "Thương mại", "Dược phẩm",
]  # fmt: skip
PLACES = [
    "Thái Nguyên", "Sông Công", "Phổ Yên", "Yên Bình", "Điềm Thụy", "Tân Cương", "Gia Sàng", "Hà Nội", "Quyết Thắng",
]  # fmt: skip
OUTCOMES = [
    "Gặp chủ doanh nghiệp, giới thiệu Luật Công đoàn; doanh nghiệp hẹn trao đổi thêm.",
    "Tuyên truyền cho người lao động ca sáng, phát tờ rơi; nhiều người quan tâm.",
    "Chủ doanh nghiệp chưa đồng ý, đề nghị gặp lại sau kỳ sản xuất cao điểm.",
    "Người lao động đề xuất danh sách ban vận động thành lập CĐCS.",
    "Gọi điện nhắc lịch; doanh nghiệp xác nhận lịch làm việc.",
    "Làm việc với phòng nhân sự về số lao động và hợp đồng lao động.",
]
NEXT_STEPS = [
    "Gặp lại giám đốc",
    "Họp người lao động",
    "Gửi văn bản đề nghị thành lập CĐCS",
    "Hướng dẫn ban vận động lập hồ sơ",
    "Tổ chức đại hội thành lập",
]


def _tax_code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "46" + "".join(rng.choice("0123456789") for _ in range(8))
        if rng.random() < 0.08:
            code += f"-{rng.randint(1, 9):03d}"
        if code not in used:
            used.add(code)
            return code


def _after(rng: random.Random, day: date, last: date, low: int = 15, high: int = 110) -> date | None:
    """A day some weeks after `day`, or None if it would pass `last`."""
    later = day + timedelta(days=rng.randint(low, high))
    return later if later <= last else None


def seed_organising(*, province, federations, users, end) -> int:
    """Seed the demo's organising data up to the month `end`; returns how many enterprises it wrote."""
    rng = random.Random(8)
    last = end.last_day
    first = (end - 17).first_day
    PriorityRule.objects.get_or_create(pk=1, defaults={"min_workers": 25, "stuck_days": 90})
    active = {
        code: org
        for code, org in federations.items()
        if not org.merged_into_id and (org.active_to is None or org.active_to >= last) and not org.is_direct
    }
    weights = {}
    for code, weight in WEIGHTS.items():  # a federation merged or ended: its successor follows its share
        code = successor(code, end)
        if code in active:
            weights[code] = weights.get(code, 0) + weight
    lent = users.get("bantochuc")
    used: set[str] = set()
    plans = []  # (enterprise, [(day, from, to, reason)], [contacts], lend)

    # A few founded through the pipeline: CĐCS of the non-state sector founded in the window.
    recent = (
        GrassrootsUnion.objects.with_federation_at(end)
        .filter(founded_on__gte=first, founded_on__lte=last, sector__in=NON_STATE, dissolved_on__isnull=True)
        .order_by("-founded_on")[:8]
    )
    by_pk = {org.pk: org for org in active.values()}
    for cdcs in recent:
        federation = by_pk.get(cdcs.federation_at_id)
        if federation is None:
            continue
        identified = max(first, cdcs.founded_on - timedelta(days=rng.randint(150, 300)))
        approached = identified + (cdcs.founded_on - identified) / 3
        committee = identified + (cdcs.founded_on - identified) * 2 / 3
        moves = [
            (identified, "", Stage.IDENTIFIED, ""),
            (approached, Stage.IDENTIFIED, Stage.APPROACHED, ""),
            (committee, Stage.APPROACHED, Stage.COMMITTEE, ""),
            (cdcs.founded_on, Stage.COMMITTEE, Stage.FOUNDED, ""),
        ]
        enterprise = Enterprise(
            name=cdcs.employer, tax_code=_tax_code(rng, used), federation=federation, sector=cdcs.sector,
            workers=cdcs.workers, has_union=True, cdcs=cdcs, address=f"{rng.choice(PLACES)}, Thái Nguyên",
        )  # fmt: skip
        plans.append((enterprise, moves, rng.random() < 0.4))

    codes = list(weights)
    names = set()
    while len(plans) < COUNT and codes:
        code = rng.choices(codes, weights=[weights[c] for c in codes])[0]
        federation = active[code]
        sector = Sector.FDI if code == "KCN" and rng.random() < 0.6 else rng.choice(NON_STATE)
        kind = "Hợp tác xã" if sector == Sector.COOPERATIVE else rng.choice(KINDS[:3])
        workers = int(rng.lognormvariate(3.6, 1.0)) + 5
        name = f"{kind} {rng.choice(TRADES)} {rng.choice(PLACES)}"
        if name in names:  # two enterprises of one name: the second is told apart as a real one would be
            name = f"{name} {rng.choice(['Việt Nam', 'Miền Bắc', 'Thái Nguyên', 'Số 2'])}"
        names.add(name)
        enterprise = Enterprise(
            name=name,
            tax_code=_tax_code(rng, used), federation=federation, sector=sector, workers=min(workers, 6000),
            address=f"{rng.choice(PLACES)}, Thái Nguyên",
        )  # fmt: skip
        day = first + timedelta(days=rng.randint(0, max(0, (last - first).days - 20)))
        moves = [(day, "", Stage.IDENTIFIED, "")]
        stage = Stage.IDENTIFIED
        target = rng.choices(
            [Stage.IDENTIFIED, Stage.APPROACHED, Stage.COMMITTEE, Stage.STALLED], weights=[25, 30, 20, 25]
        )[0]
        order = list(OPEN_STAGES)
        goal = target if target != Stage.STALLED else rng.choice(order)
        while order.index(stage) < order.index(goal):
            later = _after(rng, day, last)
            if later is None:
                break
            following = order[order.index(stage) + 1]
            moves.append((later, stage, following, ""))
            day, stage = later, following
        if target == Stage.STALLED:
            later = _after(rng, day, last)
            if later is not None:
                reason = rng.choice(list(StallReason.values))
                moves.append((later, stage, Stage.STALLED, reason))
        plans.append((enterprise, moves, False))

    for enterprise, moves, _lend in plans:
        day, _from, stage, reason = moves[-1]
        enterprise.stage, enterprise.stage_since, enterprise.stall_reason = stage, day, reason
    created = Enterprise.objects.bulk_create([plan[0] for plan in plans])
    if created and created[0].pk is None:
        by_code = Enterprise.objects.in_bulk([e.tax_code for e in created], field_name="tax_code")
        created = [by_code[e.tax_code] for e in created]

    changes, contacts = [], []
    for enterprise, (_plan, moves, _lend) in zip(created, plans, strict=True):
        user = users.get(enterprise.federation.code)
        for day, from_stage, to_stage, reason in moves:
            changes.append(
                StageChange(enterprise=enterprise, from_stage=from_stage, to_stage=to_stage, on=day, reason=reason,
                            by=user)
            )  # fmt: skip
        # a contact a little after each move but the last, and one after the last for those still open
        visits = [day + timedelta(days=rng.randint(1, 12)) for day, *_rest in moves]
        if enterprise.stage not in OPEN_STAGES:
            visits = visits[:-1]
        visits = [day for day in visits if day <= last]
        for number, day in enumerate(visits, start=1):
            final = number == len(visits) and enterprise.stage in OPEN_STAGES
            step_on = None
            if final:
                # about a third overdue (before the end of the demo), the others due after it
                step_on = last - timedelta(days=rng.randint(3, 40)) if rng.random() < 0.35 else None
                step_on = step_on if step_on and step_on >= day else last + timedelta(days=rng.randint(5, 45))
            contacts.append(
                Contact(
                    enterprise=enterprise, on=day, kind=rng.choice(list(Contact.Kind.values)), by=user,
                    people=user.get_full_name() if user else "", outcome=rng.choice(OUTCOMES),
                    next_step=rng.choice(NEXT_STEPS) if final else "", next_step_on=step_on,
                )
            )  # fmt: skip
            if final:
                enterprise.next_step, enterprise.next_step_on = contacts[-1].next_step, step_on
    StageChange.objects.bulk_create(changes, batch_size=1000)
    Contact.objects.bulk_create(contacts, batch_size=1000)
    Enterprise.objects.bulk_update([e for e in created if e.next_step], ["next_step", "next_step_on"], batch_size=500)
    if lent is not None:
        through = Enterprise.lent_staff.through
        helped = [e for e, plan in zip(created, plans, strict=True) if plan[2] or e.stage == Stage.COMMITTEE]
        through.objects.bulk_create([through(enterprise_id=e.pk, user_id=lent.pk) for e in helped[:8]])
    return len(created)
