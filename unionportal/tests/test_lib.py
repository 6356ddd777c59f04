"""Months, environment settings and the Vietnamese number format."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, translation

from unionportal.lib.env import envbool, envint, envlist
from unionportal.lib.formatting import count, parse_whole, percent
from unionportal.lib.months import Month, month_range


def test_months_parse_both_ways_people_write_them():
    assert Month.parse("2021-03") == Month.parse("03/2021") == Month.parse(" 3/2021 ") == Month(2021, 3)
    for bad in ("2021-13", "March 2021", "", "2021/03"):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_month_arithmetic_crosses_years():
    assert Month(2021, 1) - 1 == Month(2020, 12)
    assert Month(2020, 12) + 3 == Month(2021, 3)
    assert Month(2021, 3) - Month(2018, 1) == 38
    assert len(list(month_range(Month(2018, 1), Month(2021, 3)))) == 39
    assert (str(Month(2021, 3)), Month(2021, 3).iso, Month(2020, 2).last_day.day) == ("03/2021", "2021-03", 29)


def test_env_helpers_read_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert envbool("X_BOOL", False) is True and envbool("X_MISSING", True) is True
    assert envint("X_INT", 0) == 42
    assert envlist("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("X_BOOL", False)


def test_numbers_use_the_vietnamese_format_by_default():
    with translation.override("vi"):
        assert formats.number_format(30018, force_grouping=True) == "30.018"
        assert count(1234567) == "1.234.567"
        assert percent(63.45) == "63,5 %"
        assert percent(18.86) == "18,9 %"  # rounded, not cut
    with translation.override("en"):
        assert count(30018) == "30,018"
        assert percent(63.45) == "63.5 %"


@pytest.mark.parametrize(
    ("text", "number"),
    [("9500", 9500), ("9.500", 9500), ("9,500", 9500), ("9 500", 9500), ("9\u00a0500", 9500), (" 12 ", 12),
     ("1.234.567", 1234567), ("-3", -3), ("", None), ("  ", None)],
)  # fmt: skip
def test_whole_numbers_are_read_as_pages_show_them_and_people_type_them(text, number):
    assert parse_whole(text) == number
    with translation.override("vi"):
        assert number is None or parse_whole(count(number)) == number  # what a page shows reads back
    with translation.override("en"):
        assert number is None or parse_whole(count(number)) == number


@pytest.mark.parametrize("text", ["9,5", "9.5", "95.00", "1.234,567", "12 34", "1..234", "9.500 người", "-", "٣"])
def test_what_is_not_a_whole_number_is_not_read(text):
    with pytest.raises(ValueError):
        parse_whole(text)
