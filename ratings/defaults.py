"""The rubric a first year starts from when there is no earlier year to copy: criteria in the
spirit of the Tổng Liên đoàn's guidance on rating CĐCS, 100 points, and the four usual levels.
Data, not code: provincial staff change all of it on the rubric pages before rating starts."""

# (group, [(code, criterion, max score), ...])
DEFAULT_GROUPS = [
    (
        "Đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên, người lao động",
        [
            ("1.1", "Tham gia xây dựng, thực hiện quy chế dân chủ; tổ chức hội nghị người lao động", 10),
            ("1.2", "Thương lượng, ký kết và giám sát thực hiện thỏa ước lao động tập thể", 10),
            ("1.3", "Chăm lo việc làm, tiền lương, đời sống, an toàn vệ sinh lao động", 10),
        ],
    ),
    (
        "Phát triển đoàn viên, xây dựng CĐCS vững mạnh",
        [
            ("2.1", "Phát triển đoàn viên; tỷ lệ đoàn viên trên tổng số lao động", 15),
            ("2.2", "Sinh hoạt, quản lý đoàn viên; kiện toàn ban chấp hành, tổ công đoàn", 15),
        ],
    ),
    (
        "Công tác tài chính công đoàn",
        [
            ("3.1", "Thu, nộp kinh phí và đoàn phí công đoàn đầy đủ, đúng hạn", 10),
            ("3.2", "Quản lý, sử dụng tài chính đúng quy định; công khai tài chính", 10),
        ],
    ),
    (
        "Tuyên truyền, thi đua và hoạt động xã hội",
        [
            ("4.1", "Tuyên truyền, giáo dục đoàn viên; tổ chức phong trào thi đua", 10),
            ("4.2", "Hoạt động xã hội, từ thiện; phối hợp với người sử dụng lao động, chính quyền", 10),
        ],
    ),
]

# (level, total from, criteria that must not score zero)
DEFAULT_LEVELS = [
    ("Hoàn thành xuất sắc nhiệm vụ", 90, ("2.1", "3.1")),
    ("Hoàn thành tốt nhiệm vụ", 70, ("3.1",)),
    ("Hoàn thành nhiệm vụ", 50, ()),
    ("Không hoàn thành nhiệm vụ", 0, ()),
]
