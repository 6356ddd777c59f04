"""A draft plan's rows from plain data (codes, as a form or an Excel list gives them), with every
field-level refusal in Vietnamese. What only the whole plan can tell (where a code leads, whether
every CĐCS of an ending union has a line) is left to plan_problems."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from members.models import GrassrootsUnion, Organisation
from targets.models import Programme

from .models import PlanEnding, PlanLine, PlanNewCdcs, PlanNewUnion, PlanQuota
from .quotas import KINDS


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_messages(error: ValidationError, model) -> list[str]:
    names = {field.name: _first_upper(str(field.verbose_name)) for field in model._meta.fields}
    return [
        f"{names[field]}: {message}" if field in names else message
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _cleaned(obj, label: str) -> list[str]:
    try:
        obj.full_clean(
            exclude=["plan", "cdcs", "organisation", "from_organisation", "programme"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return [f"{label}: {message}" for message in field_messages(error, type(obj))]
    return []


def draft_rows(
    *, endings: list[str], new_unions: list[dict], new_cdcs: list[dict], lines: list[dict], quotas: list[dict]
) -> tuple[dict, list[str]]:
    """(model → unsaved rows without their plan, refusals)."""
    errors: list[str] = []
    codes = {code.strip() for code in endings} | {str(quota.get("from_code", "")).strip() for quota in quotas}
    orgs = Organisation.objects.in_bulk([code for code in codes if code], field_name="code")
    rows: dict = {PlanEnding: [], PlanNewUnion: [], PlanNewCdcs: [], PlanLine: [], PlanQuota: []}
    seen = set()
    for code in (code.strip() for code in endings):
        if code in seen:
            errors.append(_("Công đoàn cấp trên %(code)s được ghi kết thúc hai lần.") % {"code": code})
        elif code not in orgs:
            errors.append(_("Không có công đoàn cấp trên mã %(code)s.") % {"code": code})
        else:
            rows[PlanEnding].append(PlanEnding(organisation=orgs[code]))
        seen.add(code)
    errors += _new_rows(rows, new_unions, new_cdcs)
    errors += _line_rows(rows, lines)
    errors += _quota_rows(rows, quotas, orgs)
    return rows, errors


def _new_rows(rows: dict, new_unions: list[dict], new_cdcs: list[dict]) -> list[str]:
    errors, seen = [], set()
    for data in new_unions:
        union = PlanNewUnion(
            code=str(data.get("code", "")).strip(), name=str(data.get("name", "")).strip(), kind=data.get("kind", "")
        )
        label = _("Công đoàn cấp trên mới %(code)s") % {"code": union.code or "?"}
        errors += _cleaned(union, label)
        if union.code.lower() in seen:
            errors.append(_("%(label)s: mã ghi hai lần.") % {"label": label})
        seen.add(union.code.lower())
        rows[PlanNewUnion].append(union)
    for data in new_cdcs:
        cdcs = PlanNewCdcs(
            code=str(data.get("code", "")).strip(),
            name=str(data.get("name", "")).strip(),
            employer=str(data.get("employer", "") or data.get("name", "")).strip(),
            sector=data.get("sector", ""),
            union_code=str(data.get("union_code", "") or "").strip(),
        )
        label = _("CĐCS mới %(code)s") % {"code": cdcs.code or "?"}
        errors += _cleaned(cdcs, label)
        if cdcs.code.lower() in seen:
            errors.append(_("%(label)s: mã ghi hai lần.") % {"label": label})
        seen.add(cdcs.code.lower())
        rows[PlanNewCdcs].append(cdcs)
    return errors


def _line_rows(rows: dict, lines: list[dict]) -> list[str]:
    errors = []
    codes = {str(data.get("cdcs_code", "")).strip() for data in lines}
    unions = GrassrootsUnion.objects.in_bulk([code for code in codes if code], field_name="code")
    first_line: dict[str, int] = {}
    numbers = set()
    for index, data in enumerate(lines, start=1):
        line_no = data.get("line_no") or index
        code = str(data.get("cdcs_code", "")).strip()
        line = PlanLine(
            line_no=line_no,
            action=data.get("action", ""),
            union_code=str(data.get("union_code", "") or "").strip(),
            target_code=str(data.get("target_code", "") or "").strip(),
        )
        problems = [message for message in _cleaned(line, "") if message]
        problems = [message.removeprefix(": ") for message in problems]
        if line_no in numbers:
            problems.append(_("số dòng %(line)s ghi hai lần.") % {"line": line_no})
        numbers.add(line_no)
        if not code:
            problems.append(_("thiếu mã CĐCS."))
        elif code not in unions:
            problems.append(_("không có CĐCS mã %(code)s.") % {"code": code})
        elif code in first_line:
            problems.append(_("CĐCS %(code)s đã có ở dòng %(line)s.") % {"code": code, "line": first_line[code]})
        else:
            first_line[code] = line_no
            line.cdcs = unions[code]
        problems += _action_problems(line)
        errors += [_("Dòng %(line)s: %(message)s") % {"line": line_no, "message": message} for message in problems]
        rows[PlanLine].append(line)
    return errors


def _action_problems(line: PlanLine) -> list[str]:
    Action = PlanLine.Action
    if line.action not in Action.values:
        return []  # full_clean said so
    problems = []
    if line.action == Action.MOVE and not line.union_code:
        problems.append(_("chuyển sang công đoàn cấp trên khác thì phải ghi mã công đoàn cấp trên."))
    if line.action in (Action.MERGE, Action.END):
        if not line.target_code:
            problems.append(_("hợp nhất hay kết thúc hoạt động thì phải ghi mã CĐCS nhận đoàn viên."))
        if line.union_code:
            problems.append(
                _(
                    "hợp nhất hay kết thúc hoạt động thì bỏ trống mã công đoàn cấp trên: "
                    "CĐCS đi theo công đoàn cấp trên của CĐCS nhận đoàn viên."
                )
            )
    if line.action == Action.TO_PROVINCE and line.union_code:
        problems.append(_("chuyển về LĐLĐ tỉnh trực tiếp quản lý thì bỏ trống mã công đoàn cấp trên."))
    if line.action in (Action.MOVE, Action.TO_PROVINCE) and line.target_code:
        problems.append(_("chỉ ghi mã CĐCS nhận đoàn viên khi hợp nhất hay kết thúc hoạt động."))
    return problems


def _quota_rows(rows: dict, quotas: list[dict], orgs: dict) -> list[str]:
    errors, seen = [], set()
    programme_refs = {data.get("programme") for data in quotas}
    ids = {ref.pk if isinstance(ref, Programme) else ref for ref in programme_refs}
    programmes = Programme.objects.in_bulk([pk for pk in ids if isinstance(pk, int)])
    for index, data in enumerate(quotas, start=1):
        label = _("Chỉ tiêu chuyển thứ %(index)s") % {"index": index}
        ref = data.get("programme")
        programme = programmes.get(ref.pk if isinstance(ref, Programme) else ref)
        from_code = str(data.get("from_code", "")).strip()
        quota = PlanQuota(
            union_code=str(data.get("union_code", "") or "").strip(),
            year=data.get("year"),
            **{kind: data.get(kind, 0) for kind in KINDS},
        )
        problems = _cleaned(quota, label)
        if from_code not in orgs:
            problems.append(_("%(label)s: không có đơn vị mã %(code)s.") % {"label": label, "code": from_code})
        else:
            quota.from_organisation = orgs[from_code]
        if programme is None:
            problems.append(_("%(label)s: không có chương trình này.") % {"label": label})
        else:
            quota.programme = programme
            if isinstance(quota.year, int) and quota.year not in programme.years:
                problems.append(
                    _("%(label)s: năm %(year)s nằm ngoài chương trình (%(first)s–%(last)s).")
                    % {"label": label, "year": quota.year, "first": programme.first_year, "last": programme.last_year}
                )
        key = (from_code, quota.union_code, programme.pk if programme else None, quota.year)
        if key in seen:
            problems.append(_("%(label)s: ghi hai lần cho cùng đơn vị, chương trình và năm.") % {"label": label})
        seen.add(key)
        errors += problems
        rows[PlanQuota].append(quota)
    return errors
