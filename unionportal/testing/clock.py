"""The day the worked example of docs/domain.md was written: the report of 7 April 2021, on the
range 01/2018–03/2021, which is why its sentence says "đến nay". Tests that quote that sentence
from a page travel there first (time-machine's `time_machine.move_to(WORKED_EXAMPLE_DAY)`): read
on any later day, the same range ended before and the page says "đến hết tháng 03/2021"."""

from datetime import datetime
from zoneinfo import ZoneInfo

WORKED_EXAMPLE_DAY = datetime(2021, 4, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
