# Django's own vi formats, plus what they leave out: the thousands grouping (so 30018
# shows as 30.018) and dates written the way Vietnamese forms write them (11/7/2018).
from django.conf.locale.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
