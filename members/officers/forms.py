"""Forms of the officers' pages: a congress (a term and the committee it elects), an officer taking
a post, leaving it, a record corrected, the lists' filters. The rules are the services'; these
only read what was typed."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from unionportal.lib.forms import DateField
from unionportal.lib.text import NFCFormField, NoteFormField

from ..models import COMMITTEE_MAX, Member, Officer, Organisation, Post, Term
from .selectors import OfficerStatus
from .services import LEAVING_REASONS, OfficerData, TermData

COMMITTEE_ROWS = 15  # lines of the congress form's committee: a large CĐCS's executive committee


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        return f"{member.full_name} ({member.card_number})" if member.card_number else member.full_name


def member_field() -> MemberChoiceField:
    return MemberChoiceField(
        label=_("Đoàn viên trong sổ"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("— không liên kết —"),
        help_text=_("Khi CĐCS giữ sổ đoàn viên trên cổng: chọn người để liên kết; để trống họ tên thì lấy theo sổ."),
    )


def register_members(cdcs) -> QuerySet[Member] | None:
    """The CĐCS's active members to link an officer to, when it keeps its register here."""
    if cdcs.register_from is None:
        return None
    return Member.objects.active().filter(cdcs=cdcs).order_by("search_name", "pk")


class TermForm(forms.Form):
    kind = forms.ChoiceField(label=_("Mở nhiệm kỳ bằng"), choices=Term.Kind.choices, initial=Term.Kind.CONGRESS,
                             widget=forms.RadioSelect)  # fmt: skip
    congress_on = DateField(label=_("Ngày đại hội"), required=False)
    starts_on = DateField(
        label=_("Nhiệm kỳ từ ngày"), required=False,
        help_text=_("Để trống: ngày đại hội. BCH lâm thời: ngày quyết định chỉ định."),
    )  # fmt: skip
    ends_on = DateField(
        label=_("Nhiệm kỳ đến ngày"), required=False,
        help_text=_("Để trống: 5 năm sau ngày bắt đầu (BCH lâm thời: 12 tháng)."),
    )  # fmt: skip
    decision_number = NFCFormField(label=_("Số quyết định công nhận (chỉ định)"), max_length=100, required=False)
    committee_size = forms.IntegerField(label=_("Số ủy viên BCH theo điều lệ"), min_value=1, max_value=COMMITTEE_MAX)
    inspection_size = forms.IntegerField(
        label=_("Số ủy viên UBKT"), min_value=0, max_value=COMMITTEE_MAX, initial=0,
        help_text=_("0 khi CĐCS không có Ủy ban kiểm tra."),
    )  # fmt: skip
    note = NoteFormField(label=_("Ghi chú"), required=False, rows=2)

    def __init__(self, *args, editing: Term | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:  # its kind and first day stay (services.term_edit)
            for name in ("kind", "starts_on"):
                del self.fields[name]

    def data_object(self) -> TermData:
        return TermData(**{name: value for name, value in self.cleaned_data.items() if value is not None})


class CommitteeLineForm(forms.Form):
    """One person elected at the congress (or appointed to the provisional committee); linked to
    the member register afterwards, on their own form (a select of the register on each of
    fifteen lines would be fifteen lists of the CĐCS's members)."""

    full_name = NFCFormField(label=_("Họ và tên"), max_length=150, required=False)
    post = forms.ChoiceField(label=_("Chức vụ"), choices=[("", "—"), *Post.choices], required=False)
    full_time = forms.BooleanField(label=_("Chuyên trách"), required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("full_name") or data.get("post"))


CommitteeFormSet = forms.formset_factory(CommitteeLineForm, extra=COMMITTEE_ROWS, max_num=COMMITTEE_ROWS * 2)


def committee_of(formset) -> tuple[list[OfficerData], list[str]]:
    """The people of the committee lines filled in, and what is missing on a line (its number)."""
    people, problems = [], []
    for number, line in enumerate(formset.forms, start=1):
        if line.is_blank():
            continue
        data = line.cleaned_data
        if not data.get("post"):
            problems.append(_("Dòng %(n)s: chọn chức vụ.") % {"n": number})
            continue
        people.append(OfficerData(data.get("full_name") or "", data["post"], full_time=data.get("full_time") or False))
    return people, problems


class OfficerForm(forms.Form):
    full_name = NFCFormField(label=_("Họ và tên"), max_length=150, required=False)
    member = member_field()
    post = forms.ChoiceField(label=_("Chức vụ"), choices=Post.choices)
    full_time = forms.BooleanField(label=_("Chuyên trách"), required=False,
                                   help_text=_("Không đánh dấu: kiêm nhiệm."))  # fmt: skip
    how = forms.ChoiceField(label=_("Hình thức"), choices=Officer.How.choices, initial=Officer.How.CO_OPTED)
    from_on = DateField(label=_("Giữ chức vụ từ ngày"))
    decision_number = NFCFormField(label=_("Số quyết định (chuẩn y, chỉ định)"), max_length=100, required=False)
    note = NoteFormField(label=_("Ghi chú"), required=False, rows=2)
    to_on = DateField(label=_("Thôi giữ chức vụ từ ngày"), required=False)
    left_reason = forms.ChoiceField(label=_("Lý do thôi giữ chức vụ"), choices=Officer.LeftReason.choices,
                                    required=False)  # fmt: skip

    def __init__(self, *args, cdcs, editing: Officer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        members = register_members(cdcs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members
            if editing is not None and editing.member_id:  # linked while active: keep showing the link
                self.fields["member"].queryset = (members | Member.objects.filter(pk=editing.member_id)).distinct()
        if editing is None or editing.in_post:
            del self.fields["to_on"], self.fields["left_reason"]
        if editing is not None:
            self.fields["post"].disabled = True

    def data_object(self) -> OfficerData:
        data = self.cleaned_data
        return OfficerData(
            data.get("full_name") or "", data["post"], data["from_on"], full_time=data["full_time"], how=data["how"],
            member=data.get("member"), decision_number=data["decision_number"], note=data["note"],
        )  # fmt: skip


class LeaveForm(forms.Form):
    on = DateField(label=_("Thôi giữ chức vụ từ ngày"))
    reason = forms.ChoiceField(label=_("Lý do"), choices=[("", "—"), *((r.value, r.label) for r in LEAVING_REASONS)])
    note = NoteFormField(label=_("Ghi chú"), required=False, rows=2)


class OfficersFilterForm(forms.Form):
    """The officers' list narrowed through the query string (nothing personal)."""

    federation = forms.ModelChoiceField(label=_("Công đoàn cấp trên"), queryset=Organisation.objects.none(),
                                        required=False, to_field_name="code", empty_label=_("Cả tỉnh"))  # fmt: skip
    post = forms.ChoiceField(label=_("Chức vụ"), choices=[("", _("Tất cả")), *Post.choices], required=False)
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False,
        choices=[(OfficerStatus.IN_POST, _("Đang giữ chức vụ")), (OfficerStatus.LEFT, _("Đã thôi trong nhiệm kỳ")),
                 (OfficerStatus.ALL, _("Mọi nhiệm kỳ"))],
    )  # fmt: skip
    cdcs = forms.CharField(label=_("Mã CĐCS"), required=False, max_length=20)

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations
