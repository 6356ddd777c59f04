"""Fixtures of the quota tests: a 2024–2028 programme, as the province's next one will be."""

from datetime import date

import pytest

from targets.services import programme_create


@pytest.fixture
def programme(db):
    return programme_create(
        name="Chương trình phát triển đoàn viên 2024–2028",
        document_number="01/CTr-LĐLĐ",
        document_date=date(2024, 1, 15),
        first_year=2024,
        last_year=2028,
        user=None,
    )
