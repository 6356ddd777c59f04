import pytest

from unionportal.lib.months import Month


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
