"""A plan built on the page, in two steps that need no script: (1) the header, the unions that end and
those founded; (2) one row per CĐCS of the unions that end (what happens to it, with a helper that
fills the action or a code into many rows at once), the CĐCS founded and, for the rule "typed",
the quotas. Step one's answers ride along in step two as hidden fields; "more rows" and "fill"
post the page back to itself. The draft is kept through reorganisation.drafting, as an Excel
list's is: refused rows are named in the table."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from targets.models import Quota
from unionportal.lib.formatting import count
from unionportal.lib.sheets import ImportRefused

from ..drafting import draft_create
from ..forms import (
    LineFormSet,
    NewCdcsFormSet,
    NewUnionFormSet,
    PlanForm,
    QuotaFormSet,
    plan_read_of,
)
from ..listing import CdcsRow, cdcs_of_unions, union_codes
from ..models import Plan, PlanLine
from ..workbook import LINES_SHEET
from .common import require_builder

STEP_ONE, STEP_TWO = "reorganisation/plan_new.html", "reorganisation/plan_lines.html"
UNUSED_CODES = {
    PlanLine.Action.MOVE: ("target_code",),
    PlanLine.Action.TO_PROVINCE: ("union_code", "target_code"),
    PlanLine.Action.MERGE: ("union_code",),
    PlanLine.Action.END: ("union_code",),
}


@login_required
def plan_new(request):
    require_builder(request.user)
    if request.method != "POST":
        return _step_one(request, PlanForm(), NewUnionFormSet(prefix="union"))
    go, data = request.POST.get("go", ""), request.POST
    plan_form, unions = PlanForm(data), NewUnionFormSet(data, prefix="union")
    if go in ("more_unions", "back"):  # shown again as typed, without errors, with empty rows below
        return _step_one(request, PlanForm(initial=_header_initial(data)), _unbound(NewUnionFormSet, data, "union"))
    if not (plan_form.is_valid() and unions.is_valid()):
        return _step_one(request, plan_form, unions)
    endings = plan_form.cleaned_data["endings"]
    if go == "lines":  # from step one: a row for each CĐCS of the unions chosen
        rows = cdcs_of_unions(endings, plan_form.cleaned_data["effective_month"])
        forms = (
            [{"cdcs": row.code} for row in rows],
            NewCdcsFormSet(prefix="cdcs"),
            QuotaFormSet(prefix="quota", form_kwargs={"endings": endings}),
        )
        return _step_two(request, plan_form, unions, forms)
    if go == "fill":
        data = _fill(request, data)
    if go != "create":  # fill, more rows: shown again as typed, without errors
        forms = (
            _posted(data, "line", LineFormSet),
            _unbound(NewCdcsFormSet, data, "cdcs"),
            _unbound(QuotaFormSet, data, "quota", form_kwargs={"endings": endings}),
        )
        return _step_two(request, plan_form, unions, forms)
    lines = LineFormSet(data, prefix="line")
    new_cdcs = NewCdcsFormSet(data, prefix="cdcs")
    quotas = QuotaFormSet(data, prefix="quota", form_kwargs={"endings": endings})
    shown = ([{**row, "errors": errors} for row, errors in zip(_posted(data, "line", LineFormSet), _errors(lines),
                                                                strict=False)], new_cdcs, quotas)  # fmt: skip
    typed = plan_form.cleaned_data["quota_rule"] == Plan.QuotaRule.TYPED
    if not (lines.is_valid() and new_cdcs.is_valid() and (quotas.is_valid() or not typed)):
        return _step_two(request, plan_form, unions, shown)
    read = plan_read_of(plan_form, unions, lines, new_cdcs, quotas if typed else None)
    try:
        plan = draft_create(read, user=request.user)
    except ImportRefused as refused:
        return _step_two(request, plan_form, unions, shown, problems=refused.problems)
    messages.success(
        request, _("Đã lập dự thảo đề án “%(name)s”. Xem trước kết quả rồi bấm Áp dụng khi đã sẵn sàng.") % {
            "name": plan.name}
    )  # fmt: skip
    return redirect("reorganisation:plan_detail", pk=plan.pk)


def _header_initial(data) -> dict:
    return {**{name: data.get(name, "") for name in PlanForm.base_fields}, "endings": data.getlist("endings")}


def _posted(data, prefix: str, formset_class) -> list[dict]:
    """The rows of a posted table as they were typed (field → text), read without building forms."""
    names = list(formset_class.form.base_fields)
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), formset_class.max_num)
    except ValueError:
        total = 0
    return [{name: data.get(f"{prefix}-{index}-{name}", "") for name in names} for index in range(total)]


def _unbound(formset_class, data, prefix: str, **kwargs):
    """The rows of a posted table as an unbound formset (shown as typed, without errors): its rows
    with something in them, and the formset's empty rows below."""
    rows = [row for row in _posted(data, prefix, formset_class) if any(value.strip() for value in row.values())]
    return formset_class(prefix=prefix, initial=rows, **kwargs)


def _errors(formset) -> list[list[str]]:
    """Each form's errors in words (the formset validated)."""
    formset.is_valid()
    return [[str(error) for errors in form.errors.values() for error in errors] for form in formset.forms]


def _step_one(request, plan_form, unions):
    return render(request, STEP_ONE, {"plan_form": plan_form, "unions": unions})


def _step_two(request, plan_form, unions, forms, *, problems=()):
    lines, new_cdcs, quotas = forms
    data = plan_form.cleaned_data
    endings, month = data["endings"], data["effective_month"]
    info = {row.code: row for row in cdcs_of_unions(endings, month)}
    by_row: dict[int, list[str]] = {}
    for problem in problems:
        if problem.sheet == LINES_SHEET and problem.row:
            by_row.setdefault(problem.row, []).append(problem.message)
    rows = line_rows(lines, info, by_row)
    new_codes = [form["code"].value() for form in new_cdcs.forms if form["code"].value()]
    context = {
        "plan_form": plan_form,
        "unions": unions,
        "rows": rows,
        "line_error_count": sum(1 for row in rows if row.errors),
        "max_lines": LineFormSet.max_num,
        "new_cdcs": new_cdcs,
        "quotas": quotas,
        "typed": data["quota_rule"] == Plan.QuotaRule.TYPED,
        "quotas_now": Quota.objects.filter(organisation__code__in=endings, year__gte=month.year)
        .select_related("organisation", "programme")
        .order_by("organisation__code", "programme", "year"),
        "problems": [problem for problem in problems if not (problem.sheet == LINES_SHEET and problem.row)],
        "month": month,
        "endings": endings,
        "union_codes": [*union_codes(), *((form["code"].value(), form["name"].value()) for form in unions.forms
                                         if form["code"].value())],
        "cdcs_codes": [*info, *new_codes],
        "actions": PlanLine.Action.choices,
    }  # fmt: skip
    return render(request, STEP_TWO, context)


@dataclass
class LineRow:
    """A row of the lines' table as the page writes it: by hand, not through the form's widgets,
    which take a millisecond each (eight seconds for the 1,473 CĐCS of a province's districts)."""

    index: int  # of the formset's form: line-<index>-<field>
    code: str
    info: CdcsRow | None
    action: str
    union_code: str
    target_code: str
    picked: bool
    errors: list[str]  # the form's and the plan's, in words

    @property
    def prefix(self) -> str:
        return f"line-{self.index}-"

    @property
    def members(self) -> str:
        return count(self.info.members) if self.info is not None else "–"

    options: str = ""  # the action's <option>s, this row's chosen


def _options() -> dict[str, str]:
    """The action's <option>s with each choice chosen, written once for every row."""
    choices = [("", _("— Chọn —")), *((value, str(label)) for value, label in PlanLine.Action.choices)]
    return {
        chosen: format_html_join("", '<option value="{}"{}>{}</option>',
                                 ((value, " selected" if value == chosen else "", label) for value, label in choices))
        for chosen, _label in choices
    }  # fmt: skip


def line_rows(lines: list[dict], info: dict, by_row: dict[int, list[str]]) -> list[LineRow]:
    """The table's rows from what was typed (or the CĐCS listed) and their errors."""
    options = _options()
    return [
        LineRow(
            index=index,
            code=line.get("cdcs", ""),
            info=info.get(line.get("cdcs", "")),
            action=line.get("action", ""),
            union_code=line.get("union_code", ""),
            target_code=line.get("target_code", ""),
            picked=bool(line.get("pick")),
            errors=[*line.get("errors", ()), *by_row.get(index + 1, [])],
            options=options.get(line.get("action", ""), options[""]),
        )  # fmt: skip
        for index, line in enumerate(lines)
    ]


def _fill(request, data):
    """The posted data with the action and codes of the helper written into the rows it names:
    those ticked, all, or those of one ending union."""
    data = data.copy()
    scope = data.get("fill_scope", "picked")
    values = {name: (data.get(f"fill_{name}") or "").strip() for name in ("action", "union_code", "target_code")}
    if values["action"] not in PlanLine.Action.values:
        values["action"] = ""
    try:
        total = min(int(data.get("line-TOTAL_FORMS") or 0), LineFormSet.max_num)
    except ValueError:
        total = 0
    union = scope.removeprefix("union:") if scope.startswith("union:") else None
    unions_of = {}
    if union is not None:
        form = PlanForm(data)
        if form.is_valid():
            rows = cdcs_of_unions(form.cleaned_data["endings"], form.cleaned_data["effective_month"])
            unions_of = {row.code: row.union_code for row in rows}
    filled = 0
    for index in range(total):
        prefix = f"line-{index}-"
        chosen = (
            scope == "all"
            or (union is not None and unions_of.get(data.get(prefix + "cdcs")) == union)
            or (scope == "picked" and data.get(prefix + "pick"))
        )
        if not chosen:
            continue
        filled += 1
        for name, value in values.items():
            if value:
                data[prefix + name] = value
        for name in UNUSED_CODES.get(values["action"], ()):
            data[prefix + name] = ""  # what the new action does not take
        data.pop(prefix + "pick", None)
    if filled and any(values.values()):
        messages.info(request, _("Đã điền cho %(count)s dòng.") % {"count": filled})
    else:
        messages.warning(request, _("Chưa điền gì: hãy chọn dòng (hoặc phạm vi) và hình thức hoặc mã cần điền."))
    return data
