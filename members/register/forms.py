"""Forms of the member register's pages: the list's filters and search, a member's record (admit,
edit), losing a member, transfers and their decisions. The rules are the services'; these only
read what was typed."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from unionportal.lib.forms import DateField, MonthField

from ..models import Gender, GrassrootsUnion, LossReason, Member
from .people import mask_id
from .services import LEAVING_REASONS, MemberData


class CdcsCodeField(forms.CharField):
    """A CĐCS typed or picked by code from a <datalist> ("DT01 – CĐCS …" is read as DT01), among
    the CĐCS of `queryset`, which the form sets: a province has too many for a plain select."""

    def __init__(self, *, datalist: str, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", _("Gõ mã hoặc tên để chọn trong danh sách."))
        super().__init__(widget=forms.TextInput(attrs={"list": datalist, "autocomplete": "off"}), **kwargs)
        self.queryset = GrassrootsUnion.objects.none()

    def clean(self, value) -> GrassrootsUnion | None:
        code = super().clean(value).split(" – ", 1)[0].strip()
        if not code:
            return None
        cdcs = self.queryset.filter(code__iexact=code).first()
        if cdcs is None:
            raise ValidationError(
                _("Không có CĐCS mã “%(code)s” trong các CĐCS bạn được chọn."), params={"code": code[:20]}
            )
        return cdcs


# --- the list ---------------------------------------------------------------------------------


class PeopleFilterForm(forms.Form):
    """What the list is narrowed to through the query string: nothing personal, a CĐCS code and a status."""

    cdcs = forms.CharField(
        label=_("Mã CĐCS"), required=False, max_length=20, widget=forms.TextInput(attrs={"list": "people-cdcs"})
    )
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *Member.Status.choices]
    )


class PeopleSearchForm(forms.Form):
    """The name or ID searched for: posted, kept in the session, never in a URL."""

    # Said under the search row (a help text inside the field's column would push its buttons down).
    hint = _("Số CCCD: đủ 12 chữ số, hoặc 4 chữ số cuối. Số thẻ: không kể chữ hoa, chữ thường, các số 0 ở đầu.")

    q = forms.CharField(
        label=_("Họ tên, số CCCD hoặc số thẻ"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("ví dụ: nguyen van an"), "autocomplete": "off"}
        ),
    )


# --- a member's record ------------------------------------------------------------------------


def confirm_month_field() -> forms.BooleanField:
    """The box that confirms an event in an approved month (members.register.event_months): shown
    by the templates once the service asked for it (_confirm_month.html)."""
    return forms.BooleanField(label=_("Vẫn ghi vào tháng đã duyệt"), required=False)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    born_on = DateField(label=_("Ngày sinh"), required=False)
    gender = forms.ChoiceField(label=_("Giới tính"), required=False, choices=[("", "—"), *Gender.choices])
    ethnicity = forms.CharField(label=_("Dân tộc"), max_length=50, required=False)
    id_number = forms.CharField(
        label=_("Số CCCD"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số; có thể để trống."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    card_number = forms.CharField(label=_("Số thẻ đoàn viên"), max_length=30, required=False)
    joined_on = DateField(label=_("Ngày vào công đoàn"))
    job = forms.CharField(label=_("Nghề nghiệp, chức vụ"), max_length=200, required=False)
    confirm_month = confirm_month_field()

    def member_data(self) -> MemberData:
        data = self.cleaned_data
        return MemberData(
            full_name=data["full_name"],
            joined_on=data["joined_on"],
            born_on=data["born_on"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            id_number=data["id_number"],
            card_number=data["card_number"],
            job=data["job"],
        )


class MemberEditForm(MemberForm):
    """A member's record corrected. The ID number saved is not sent to the browser (the reveal on
    the member's page, which the audit trail records, is the one way to see it whole): the form
    shows it masked and takes a new one, left blank to keep it."""

    clear_id = forms.BooleanField(label=_("Bỏ số CCCD đang lưu"), required=False)

    def __init__(self, *args, member: Member, **kwargs):
        record = [name for name in MemberForm.base_fields if name not in ("id_number", "confirm_month")]
        kwargs.setdefault("initial", {name: getattr(member, name) for name in record})
        super().__init__(*args, **kwargs)
        self.member = member
        field = self.fields["id_number"]
        if member.id_number:
            field.label = _("Số CCCD mới")
            field.help_text = _("Đang lưu: %(masked)s. Để trống thì giữ nguyên; ghi đủ 12 chữ số để thay.") % {
                "masked": mask_id(member.id_number)
            }
        else:
            del self.fields["clear_id"]

    def member_data(self) -> MemberData:
        data = super().member_data()
        if not data.id_number and not self.cleaned_data.get("clear_id"):
            data.id_number = self.member.id_number
        return data


class AdmitMode:
    NEW = "new"
    EXISTING = "existing"
    ARRIVED = "arrived"
    CHOICES = [
        (NEW, _("Kết nạp mới (tính vào chỉ tiêu)")),
        (EXISTING, _("Đã là đoàn viên, nay ghi vào sổ")),
        (ARRIVED, _("Chuyển đến từ ngoài tỉnh hoặc đơn vị chưa có trên cổng thông tin")),
    ]


class MemberAdmitForm(MemberForm):
    cdcs = CdcsCodeField(label=_("CĐCS"), datalist="admit-cdcs")
    mode = forms.ChoiceField(
        label=_("Ghi vào sổ theo diện"), choices=AdmitMode.CHOICES, initial=AdmitMode.NEW, widget=forms.RadioSelect
    )
    month = MonthField(
        label=_("Tháng bắt đầu sổ"),
        required=False,
        help_text=_(
            "Chỉ dùng cho người đã là đoàn viên: họ được tính vào số đoàn viên của CĐCS từ tháng này. "
            "CĐCS đã có sổ thì giữ tháng bắt đầu sổ đã có."
        ),
    )

    arrived_on = DateField(
        label=_("Ngày chuyển đến"),
        required=False,
        help_text=_("Chỉ dùng cho người chuyển đến: tính là “chuyển đến” của CĐCS trong tháng đó."),
    )

    field_order = ["cdcs", "mode", "month", "arrived_on"]

    def __init__(self, *args, targets: QuerySet[GrassrootsUnion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cdcs"].queryset = targets

    def clean(self):
        data = super().clean()
        if data.get("mode") == AdmitMode.EXISTING and not data.get("month") and "month" not in self.errors:
            self.add_error("month", _("Cần chọn tháng bắt đầu sổ cho người đã là đoàn viên."))
        if data.get("mode") == AdmitMode.ARRIVED and not data.get("arrived_on") and "arrived_on" not in self.errors:
            self.add_error("arrived_on", _("Cần ghi ngày chuyển đến."))
        return data

    @property
    def arrival(self):
        """The day of arrival, for someone transferred in; None otherwise."""
        return self.cleaned_data["arrived_on"] if self.cleaned_data["mode"] == AdmitMode.ARRIVED else None

    @property
    def existing(self) -> bool:
        return self.cleaned_data["mode"] == AdmitMode.EXISTING


# --- losing a member, transfers -------------------------------------------------------------------


def _leaving_label(reason: LossReason) -> str:
    # Inside the province a member is transferred, not lost: "chuyển đi" here leaves the province.
    return _("Chuyển đi ngoài tỉnh") if reason == LossReason.TRANSFERRED_OUT else reason.label


class MemberLeaveForm(forms.Form):
    on = DateField(label=_("Ngày giảm"))
    reason = forms.ChoiceField(
        label=_("Lý do giảm"),
        choices=[("", _("— Chọn lý do —")), *((reason.value, _leaving_label(reason)) for reason in LEAVING_REASONS)],
        help_text=_("Chuyển sang một CĐCS khác trong tỉnh thì dùng “Chuyển sinh hoạt”, không ghi giảm ở đây."),
    )
    confirm_month = confirm_month_field()


class MemberTransferForm(forms.Form):
    to_cdcs = CdcsCodeField(label=_("Chuyển đến CĐCS"), datalist="transfer-targets")
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, targets: QuerySet[GrassrootsUnion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cdcs"].queryset = targets


class TransferAcceptForm(forms.Form):
    on = DateField(label=_("Ngày tiếp nhận"))
    confirm_month = confirm_month_field()


class TransferRejectForm(forms.Form):
    note = forms.CharField(label=_("Lý do từ chối"), max_length=255)
