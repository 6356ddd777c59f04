"""The names of the audit actions members writes: the monthly figures, the CĐCS and the register.
Registered from MembersConfig.ready() (members.audit.register_labels)."""

from django.utils.translation import gettext_lazy

LABELS = {
    "figures.record": gettext_lazy("Ghi số liệu"),
    "cdcs.found": gettext_lazy("Thành lập CĐCS"),
    "cdcs.dissolve": gettext_lazy("Giải thể CĐCS"),
    "cdcs.update": gettext_lazy("Sửa thông tin CĐCS"),
    "cdcs.move": gettext_lazy("Chuyển CĐCS sang đơn vị khác"),
    "cdcs.merge": gettext_lazy("Hợp nhất CĐCS"),
    "organisation.merge": gettext_lazy("Hợp nhất công đoàn cấp trên"),
    "organisation.found": gettext_lazy("Thành lập công đoàn cấp trên"),
    "organisation.end": gettext_lazy("Kết thúc hoạt động công đoàn cấp trên"),
    "return.submit": gettext_lazy("Gửi báo cáo tháng"),
    "return.approve": gettext_lazy("Duyệt, khóa số liệu tháng"),
    "return.unlock": gettext_lazy("Mở khóa số liệu tháng"),
    "return.send_back": gettext_lazy("Trả lại báo cáo tháng để sửa"),
    "sheet.import": gettext_lazy("Nhập số liệu từ tệp Excel"),
    "figures.acknowledge": gettext_lazy("Xác nhận đã kiểm tra cảnh báo"),
    "member.admit": gettext_lazy("Kết nạp đoàn viên"),
    "member.register": gettext_lazy("Ghi đoàn viên vào sổ"),
    "member.update": gettext_lazy("Sửa hồ sơ đoàn viên"),
    "member.leave": gettext_lazy("Ghi giảm đoàn viên"),
    "member.transfer_request": gettext_lazy("Đề nghị chuyển sinh hoạt đoàn viên"),
    "member.transfer_accept": gettext_lazy("Tiếp nhận đoàn viên chuyển đến"),
    "member.transfer_reject": gettext_lazy("Từ chối tiếp nhận đoàn viên"),
    "member.transfer_cancel": gettext_lazy("Hủy đề nghị chuyển sinh hoạt"),
    "member.dissolve": gettext_lazy("Giảm đoàn viên do CĐCS giải thể"),
    "member.merge": gettext_lazy("Chuyển đoàn viên do hợp nhất CĐCS"),
    "member.id_view": gettext_lazy("Xem số CCCD đầy đủ"),
    "member.id_search": gettext_lazy("Tìm đoàn viên theo số CCCD đầy đủ"),
    "member.lookup": gettext_lazy("Tra cứu số CCCD trong sổ đoàn viên của tỉnh"),
    "member.id_duplicate": gettext_lazy("Bỏ số CCCD trùng với hồ sơ khác"),
    "member_list.import": gettext_lazy("Nhập danh sách đoàn viên từ tệp Excel"),
    "member_list.export": gettext_lazy("Xuất danh sách đoàn viên"),
}
