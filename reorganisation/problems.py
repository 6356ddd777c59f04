"""The whole-plan checks: what would make applying the plan wrong, each with the line it concerns
(None for the plan as a whole), in Vietnamese. Read from a PlanContext: a fixed number of queries
whatever the plan's size."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from members.services.common import short_day
from unionportal.lib.months import Month

from .context import DIRECT, PlanContext
from .models import PlanLine
from .quotas import quota_problems

ENDING = (PlanLine.Action.MERGE, PlanLine.Action.END)


@dataclass(frozen=True)
class PlanProblem:
    line_no: int | None
    message: str

    def __str__(self):
        if self.line_no is None:
            return self.message
        return _("Dòng %(line)s: %(message)s") % {"line": self.line_no, "message": self.message}


def context_problems(context: PlanContext) -> list[PlanProblem]:
    problems = [
        *_month_problems(context),
        *_ending_problems(context),
        *_new_union_problems(context),
        *_new_cdcs_problems(context),
    ]
    for line in context.lines:
        problems += [PlanProblem(line.line_no, message) for message in _line_problems(context, line)]
    problems += _uncovered_problems(context)
    problems += [PlanProblem(None, message) for message in quota_problems(context)]
    return problems


def _month_problems(context: PlanContext) -> list[PlanProblem]:
    """The months the plan writes must be open: none of the federations it touches may have a
    month from M on approved and locked."""
    touched = touched_federations(context)
    locked = [item for item in context.locked if item.federation_id in touched]
    if not locked:
        return []
    months = "; ".join(
        _("tháng %(month)s của %(org)s") % {"month": Month.of(item.month), "org": item.federation.name}
        for item in locked
    )
    return [
        PlanProblem(
            None,
            _(
                "Tháng có hiệu lực %(month)s phải sau các tháng đã duyệt và khóa của các đơn vị trong đề án; "
                "đã khóa: %(months)s. Cần mở khóa các tháng đó hoặc chọn tháng có hiệu lực muộn hơn."
            )
            % {"month": context.month, "months": months},
        )
    ]


def touched_federations(context: PlanContext) -> set[int]:
    """The existing organisations whose months the plan writes (not yet the ones it founds)."""
    touched = set(context.ending_ids)
    for line in context.lines:
        state = context.cdcs.get(line.cdcs_id)
        if state is not None and state.federation_now is not None:
            touched.add(state.federation_now)
        key = context.destination(line)
        if key is not None:
            org = context.direct if key == DIRECT else context.by_code.get(key)
            if org is not None:
                touched.add(org.pk)
    return touched


def _ending_problems(context: PlanContext) -> list[PlanProblem]:
    problems = []
    first = context.month.first_day
    for org in context.endings:
        if org.is_province or org.is_direct:
            problems.append(
                PlanProblem(None, _("%(org)s không phải công đoàn cấp trên có thể kết thúc.") % {"org": org.name})
            )
        elif org.active_from is not None and org.active_from >= first:
            problems.append(
                PlanProblem(
                    None,
                    _("%(org)s bắt đầu hoạt động ngày %(day)s, không trước tháng %(month)s nên không thể kết thúc.")
                    % {"org": org.name, "day": short_day(org.active_from), "month": context.month},
                )
            )
        elif org.active_to is not None and org.active_to < first:
            problems.append(
                PlanProblem(
                    None,
                    _("%(org)s đã kết thúc hoạt động ngày %(day)s.")
                    % {"org": org.name, "day": short_day(org.active_to)},
                )
            )
    for cdcs_id, federation_id, valid_from in context.later_affiliations:
        state = context.cdcs.get(cdcs_id)
        line = context.line_of.get(cdcs_id)
        problems.append(
            PlanProblem(
                line.line_no if line else None,
                _("CĐCS %(cdcs)s đã được ghi chuyển về %(org)s từ tháng %(from)s, sau khi đơn vị này kết thúc.")
                % {
                    "cdcs": state.code if state else cdcs_id,
                    "org": context.orgs[federation_id].name,
                    "from": Month.of(valid_from),
                },
            )
        )
    return problems


def _new_union_problems(context: PlanContext) -> list[PlanProblem]:
    problems = []
    used = {context.destination(line) for line in context.lines if line.action == PlanLine.Action.MOVE}
    used |= {context.union_key(cdcs.union_code) for cdcs in context.new_cdcs}
    for union in context.new_unions:
        twin = context.by_lower_code.get(union.code.lower())
        if twin is not None:
            problems.append(
                PlanProblem(
                    None,
                    _("Mã %(code)s của công đoàn cấp trên mới đã có: %(org)s.") % {"code": union.code, "org": twin},
                )
            )
        if union.code not in used:
            problems.append(
                PlanProblem(
                    None,
                    _("Công đoàn cấp trên mới %(code)s – %(name)s không có CĐCS nào trực thuộc.")
                    % {"code": union.code, "name": union.name},
                )
            )
    return problems


def _new_cdcs_problems(context: PlanContext) -> list[PlanProblem]:
    problems = []
    targets = {line.target_code for line in context.ending_lines}
    union_codes = {union.code.lower() for union in context.new_unions}
    for cdcs in context.new_cdcs:
        taken = context.taken_cdcs_codes.get(cdcs.code.lower())
        if taken is not None:
            problems.append(
                PlanProblem(None, _("Mã CĐCS mới %(code)s đã có (%(taken)s).") % {"code": cdcs.code, "taken": taken})
            )
        if cdcs.union_code and not context.resolves_to_union(cdcs.union_code):
            problems.append(
                PlanProblem(
                    None,
                    _("CĐCS mới %(code)s: %(union)s không phải công đoàn cấp trên đang hoạt động hay mới trong đề án.")
                    % {"code": cdcs.code, "union": cdcs.union_code},
                )
            )
        if cdcs.code not in targets:
            problems.append(
                PlanProblem(
                    None,
                    _("CĐCS mới %(code)s – %(name)s không có CĐCS nào hợp nhất hay chuyển đoàn viên vào.")
                    % {"code": cdcs.code, "name": cdcs.name},
                )
            )
        if cdcs.code.lower() in union_codes:
            problems.append(
                PlanProblem(None, _("Mã %(code)s vừa là công đoàn cấp trên mới vừa là CĐCS mới.") % {"code": cdcs.code})
            )
    return problems


def _line_problems(context: PlanContext, line: PlanLine) -> list[str]:
    state = context.cdcs.get(line.cdcs_id)
    cdcs = line.cdcs
    if state is None or not state.alive_before or state.federation_now is None:
        return [
            _("CĐCS %(cdcs)s không hoạt động, hoặc chưa trực thuộc công đoàn cấp trên nào, trong tháng %(month)s.")
            % {"cdcs": cdcs.code, "month": context.month}
        ]
    if line.action in (PlanLine.Action.MOVE, PlanLine.Action.TO_PROVINCE):
        return _move_problems(context, line, state)
    return _merge_problems(context, line, state)


def _move_problems(context: PlanContext, line: PlanLine, state) -> list[str]:
    if line.action == PlanLine.Action.MOVE and not context.resolves_to_union(line.union_code):
        return [
            _("%(union)s không phải công đoàn cấp trên đang hoạt động (và không kết thúc) hay mới trong đề án.")
            % {"union": line.union_code}
        ]
    if context.destination(line) == context.key_of(state.federation_now):
        return [
            _("CĐCS %(cdcs)s đã trực thuộc %(org)s trong tháng %(month)s.")
            % {"cdcs": state.code, "org": context.orgs[state.federation_now].name, "month": context.month}
        ]
    return []


def _merge_problems(context: PlanContext, line: PlanLine, state) -> list[str]:
    problems = []
    if state.dissolved_on is not None:
        problems.append(
            _("CĐCS %(cdcs)s đã có ngày giải thể %(day)s.") % {"cdcs": state.code, "day": short_day(state.dissolved_on)}
        )
    if state.last_month is not None and state.last_month > context.month.first_day:
        problems.append(
            _("CĐCS %(cdcs)s đã có số liệu tháng %(later)s, sau tháng có hiệu lực %(month)s.")
            % {"cdcs": state.code, "later": Month.of(state.last_month), "month": context.month}
        )
    problems += _target_problems(context, line, state)
    return problems


def _target_problems(context: PlanContext, line: PlanLine, state) -> list[str]:
    code = line.target_code
    if code == state.code:
        return [_("CĐCS không thể hợp nhất vào chính nó.")]
    if code in context.new_cdcs_by_code:
        return []
    target = context.cdcs_by_code.get(code)
    if target is None or target.federation_now is None or target.dissolved_on is not None:
        return [
            _("%(code)s không phải CĐCS đang hoạt động trong tháng %(month)s hay CĐCS mới trong đề án.")
            % {"code": code, "month": context.month}
        ]
    target_line = context.line_of.get(target.pk)
    if target_line is not None and target_line.action in ENDING:
        return [
            _("CĐCS nhận %(code)s cũng kết thúc trong đề án (dòng %(line)s): hãy ghi thẳng CĐCS nhận cuối cùng.")
            % {"code": code, "line": target_line.line_no}
        ]
    if context.cdcs_destination(code) is None or (target_line is None and target.federation_now in context.ending_ids):
        return [_("CĐCS nhận %(code)s thuộc công đoàn cấp trên kết thúc mà chưa có dòng nào.") % {"code": code}]
    return []


def _uncovered_problems(context: PlanContext) -> list[PlanProblem]:
    """Every CĐCS of an ending union, active in M, needs a line saying where it goes."""
    problems = []
    for state in sorted(context.cdcs.values(), key=lambda state: state.code):
        if (
            state.federation_now in context.ending_ids
            and state.pk not in context.line_of
            and state.alive_before
            and (state.dissolved_on is None or state.dissolved_on >= context.month.first_day)
        ):
            problems.append(
                PlanProblem(
                    None,
                    _("CĐCS %(code)s – %(name)s thuộc %(org)s (kết thúc) chưa có dòng nào trong đề án.")
                    % {"code": state.code, "name": state.name, "org": context.orgs[state.federation_now].name},
                )
            )
    return problems
