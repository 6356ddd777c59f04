"""The demo province's tests (conftest.py seeds it once for them all): what they quote of it."""

from unionportal.lib.months import Month

END = Month(2026, 10)
SENTENCE = (
    "Từ đầu năm 2018 đến nay đã kết nạp mới 30.018 đoàn viên; giảm 10.979 đoàn viên "
    "(tăng tuyệt đối 19.039 đoàn viên); thành lập mới 67 CĐCS, giảm 64 CĐCS (tăng tuyệt đối 03 CĐCS)."
)
