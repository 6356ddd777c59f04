"""The names of the audit actions ratings writes (registered from RatingsConfig.ready()); an
assessment's history shows them too."""

from django.utils.translation import gettext_lazy

LABELS = {
    "rating.rubric_create": gettext_lazy("Tạo bộ tiêu chí"),
    "rating.rubric_update": gettext_lazy("Sửa tiêu chí, mức xếp loại"),
    "rating.year_close": gettext_lazy("Khóa năm đánh giá"),
    "rating.year_reopen": gettext_lazy("Mở lại năm đánh giá"),
    "rating.self_assess": gettext_lazy("Tự chấm điểm"),
    "rating.review": gettext_lazy("Lưu điểm thẩm định"),
    "rating.finalise": gettext_lazy("Thẩm định, chốt kết quả"),
    "rating.reopen": gettext_lazy("Mở lại kết quả"),
}
