from datetime import date

import pytest

from unionportal.lib.months import Month

from .people_pages import AN_ID, BINH_ID, admit


@pytest.fixture
def unions(federation, make_cdcs):
    """DT01 and DT02 under the federation, with 100 and 40 members at the end of March 2021."""
    march = Month(2021, 3)
    return (
        make_cdcs(federation, opening=100, first_month=march, code="DT01"),
        make_cdcs(federation, opening=40, first_month=march, code="DT02"),
    )


@pytest.fixture
def two_unions(federation, make_cdcs):
    """Two CĐCS under the federation with 100 and 40 members at the end of March 2021, made as any
    test's CĐCS (T0001, T0002): the entry grid's tests."""
    march = Month(2021, 3)
    return make_cdcs(federation, opening=100, first_month=march), make_cdcs(federation, opening=40, first_month=march)


# The member register's people (test_people_views, test_people_transfers); a module that needs
# other CĐCS under these names defines its own.
@pytest.fixture
def dt01(federation, make_cdcs):
    return make_cdcs(federation, code="DT01", name="CĐCS Trường THCS Hùng Sơn")


@pytest.fixture
def dt02(federation, make_cdcs):
    return make_cdcs(federation, code="DT02", name="CĐCS Công ty May Đại Từ")


@pytest.fixture
def pb01(other_federation, make_cdcs):
    return make_cdcs(other_federation, code="PB01", name="CĐCS Công ty May Phú Bình")


@pytest.fixture
def an(dt01):
    return admit(dt01, "Nguyễn Văn An", born_on=date(1990, 5, 1), gender="male", id_number=AN_ID)


@pytest.fixture
def binh(pb01):
    return admit(pb01, "Trần Thị Bình", born_on=date(1992, 2, 2), gender="female", id_number=BINH_ID)
