from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.lib.forms import DateField

from .models import Programme

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label=_("Tên chương trình"),
        max_length=255,
        help_text=_("Ví dụ: Chương trình phát triển đoàn viên, thành lập CĐCS nhiệm kỳ 2028–2033"),
    )
    document_number = forms.CharField(label=_("Số văn bản"), max_length=50, help_text=_("Ví dụ: 01/CTr-LĐLĐ"))
    document_date = DateField(label=_("Ngày ban hành"))
    first_year = forms.IntegerField(label=_("Từ năm"), min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)
    last_year = forms.IntegerField(label=_("Đến năm"), min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)
    source = forms.ModelChoiceField(
        label=_("Sao chép cơ cấu từ"),
        queryset=Programme.objects.order_by("-first_year", "-pk"),
        required=False,
        empty_label=_("— Không sao chép (bắt đầu trống) —"),
        help_text=_(
            "Mỗi đơn vị có chỉ tiêu trong chương trình này và còn hoạt động sẽ có sẵn một dòng chỉ tiêu "
            "(bằng 0) cho mọi năm của chương trình mới."
        ),
    )
    copy_values = forms.BooleanField(
        label=_("Sao chép cả số chỉ tiêu của năm cuối chương trình trước cho mọi năm"),
        required=False,
        help_text=_("Làm điểm xuất phát để sửa; bỏ chọn thì mọi chỉ tiêu bằng 0."),
    )

    def clean(self):
        # The years and the document are checked by the service (programme_create), once.
        data = super().clean()
        if data.get("copy_values") and not data.get("source"):
            self.add_error("source", _("Hãy chọn chương trình để sao chép số chỉ tiêu."))
        return data
