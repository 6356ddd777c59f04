# Django's vi formats, plus what they leave out: the thousands grouping (so 30018 shows as 30.018)
# and days written and read the way Vietnamese forms write them (03/12/2026, day first).
from django.conf.locale.vi.formats import *  # noqa: F403

from unionportal.lib.dates import DATETIME_INPUT_FORMATS, INPUT_FORMATS  # noqa: F401

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
DATE_FORMAT = SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = INPUT_FORMATS
FIRST_DAY_OF_WEEK = 1  # Monday, for the admin's calendar
