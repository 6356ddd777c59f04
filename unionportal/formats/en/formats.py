# Django's en formats with the days of a Vietnamese office: English pages too show and read
# 03/12/2026 as 3 December 2026, where Django's own would show 12/03/2026 and read 03/12/2026 as
# 12 March. Numbers keep the English style (30,018), as every English page shows them.
from django.conf.locale.en.formats import *  # noqa: F403

from unionportal.lib.dates import DATETIME_INPUT_FORMATS, INPUT_FORMATS  # noqa: F401

DATE_FORMAT = SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = INPUT_FORMATS
FIRST_DAY_OF_WEEK = 1  # Monday, for the admin's calendar
