from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.text import NoteFormField

from .models import Criterion, CriterionGroup, Level, Rubric
from .scoring import CriterionRule


class RubricNewForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Năm đánh giá"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("Hãy nhập năm."),
            "invalid": gettext_lazy("Năm phải là số, ví dụ 2025."),
            "min_value": gettext_lazy("Năm phải từ 2000 đến 2100."),
            "max_value": gettext_lazy("Năm phải từ 2000 đến 2100."),
        },
    )


class ReasonForm(forms.Form):
    reason = NoteFormField(
        label=gettext_lazy("Lý do"), rows=2, error_messages={"required": gettext_lazy("Hãy ghi lý do.")}
    )


def score_field(criterion: CriterionRule, *, required: bool = False, **extra) -> forms.IntegerField:
    """A score entry: a whole number 0..max; above the maximum is refused with a message, never capped."""
    return forms.IntegerField(
        label=criterion.code,
        required=required,
        min_value=0,
        max_value=criterion.max_score,
        widget=forms.NumberInput(attrs={"min": 0, "max": criterion.max_score, "class": "form-control form-control-sm"}),
        error_messages={
            "required": _("Thiếu điểm tiêu chí %(code)s.") % {"code": criterion.code},
            "invalid": _("Điểm tiêu chí %(code)s phải là số nguyên.") % {"code": criterion.code},
            "min_value": _("Điểm không được âm."),
            "max_value": _("Tiêu chí %(code)s tối đa %(max)s điểm.")
            % {"code": criterion.code, "max": criterion.max_score},
        },
        **extra,
    )


class GridForm(forms.Form):
    """The self-assessment grid: one field per CĐCS and criterion, named s-<cdcs id>-<criterion code>.
    Rows already final are shown but not editable."""

    def __init__(self, *args, rows, criteria, editable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.criteria = rows, criteria
        for row in rows:
            scores = row.self_scores
            for criterion in criteria:
                field = score_field(criterion, initial=scores.get(criterion.id))
                field.disabled = not editable or row.is_final
                self.fields[self.name(row.cdcs.pk, criterion)] = field

    @staticmethod
    def name(cdcs_id: int, criterion: CriterionRule) -> str:
        return f"s-{cdcs_id}-{criterion.code}"

    def scores(self) -> dict[int, dict[int, int | None]]:
        """What was entered for the editable rows, cell by cell: a cell the POST does not carry is
        left out, so that its saved score stays (a row missing from the POST is never emptied);
        a cell sent empty is None, which clears it."""
        entered = {}
        for row in self.rows:
            if row.is_final:
                continue
            cells = {
                criterion.id: self.cleaned_data.get(name)
                for criterion in self.criteria
                if self.add_prefix(name := self.name(row.cdcs.pk, criterion)) in self.data
            }
            if cells:
                entered[row.cdcs.pk] = cells
        return entered

    def cells(self, row):
        return [self[self.name(row.cdcs.pk, criterion)] for criterion in self.criteria]


class ReviewForm(forms.Form):
    note = NoteFormField(label=gettext_lazy("Nhận xét thẩm định"), required=False)

    def __init__(self, *args, criteria, initial_scores: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"c-{criterion.code}"] = score_field(
                criterion, required=True, initial=initial_scores.get(criterion.id)
            )

    def scores(self) -> dict[int, int]:
        return {criterion.id: self.cleaned_data[f"c-{criterion.code}"] for criterion in self.criteria}

    def score_fields(self):
        return [self[f"c-{criterion.code}"] for criterion in self.criteria]


# --- the rubric's pages: formsets over groups, criteria and levels ---------------------------------


class _RubricFormSet(BaseModelFormSet):
    unique_field = ""  # checked across the forms: the database would refuse it anyway

    def __init__(self, *args, rubric: Rubric, **kwargs):
        self.rubric = rubric
        kwargs.setdefault("queryset", self.model.objects.filter(rubric=rubric))
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.unique_field:
            return
        in_forms = [form.instance.pk for form in self.initial_forms if form.instance.pk]
        others = self.model.objects.filter(rubric=self.rubric).exclude(pk__in=in_forms)
        seen = {str(value).strip().casefold() for value in others.values_list(self.unique_field, flat=True)}
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None or self._should_delete_form(form):
                continue
            value = (form.cleaned_data.get(self.unique_field) or "").strip().casefold()
            if value and value in seen:
                form.add_error(self.unique_field, _("Trùng với một dòng khác."))
            seen.add(value)


class GroupFormSetBase(_RubricFormSet):
    pass


class CriterionFormSetBase(_RubricFormSet):
    unique_field = "code"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["group"].queryset = CriterionGroup.objects.filter(rubric=self.rubric)
        form.fields["group"].empty_label = None


class LevelFormSetBase(_RubricFormSet):
    unique_field = "name"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["requires_nonzero"]
        field.widget = forms.CheckboxSelectMultiple()
        field.queryset = Criterion.objects.filter(rubric=self.rubric)  # after the widget: it takes the choices
        field.label_from_instance = lambda criterion: criterion.code


_widgets = {
    "name": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    "code": forms.TextInput(attrs={"class": "form-control form-control-sm", "size": 5}),
    "position": forms.NumberInput(attrs={"class": "form-control form-control-sm w-5rem"}),
    "max_score": forms.NumberInput(attrs={"class": "form-control form-control-sm w-6rem"}),
    "min_total": forms.NumberInput(attrs={"class": "form-control form-control-sm w-6rem"}),
    "group": forms.Select(attrs={"class": "form-select form-select-sm"}),
}

# A rubric has a handful of groups, criteria and levels: a posted TOTAL_FORMS of 20 digits must not
# make Django build a thousand forms per formset (its default absolute_max).
RUBRIC_ROWS_MAX = 100

GroupFormSet = modelformset_factory(
    CriterionGroup,
    formset=GroupFormSetBase,
    fields=["position", "name"],
    widgets=_widgets,
    extra=1,
    can_delete=True,
    max_num=RUBRIC_ROWS_MAX,
    absolute_max=RUBRIC_ROWS_MAX,
)
CriterionFormSet = modelformset_factory(
    Criterion,
    formset=CriterionFormSetBase,
    fields=["group", "position", "code", "name", "max_score"],
    widgets=_widgets,
    extra=2,
    can_delete=True,
    max_num=RUBRIC_ROWS_MAX,
    absolute_max=RUBRIC_ROWS_MAX,
)
LevelFormSet = modelformset_factory(
    Level,
    formset=LevelFormSetBase,
    fields=["position", "name", "min_total", "requires_nonzero"],
    widgets=_widgets,
    extra=1,
    can_delete=True,
    max_num=RUBRIC_ROWS_MAX,
    absolute_max=RUBRIC_ROWS_MAX,
)
