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
