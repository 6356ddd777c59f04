"""Nothing personal in the logs: ID numbers (CCCD, 12 digits) are blotted out of every record, its
message and its traceback alike, and a path in it keeps no query string. The
register never logs names, and its URLs carry record numbers only; an ID number could still reach
a log in a database error (PostgreSQL names the value that broke a unique constraint: "Key
(id_number)=(…) already exists"), in a path typed by hand, or in a search box of a GET form (the
CĐCS list's, say), which the development server's request lines (logger "django.server") printed
with the query string, in whatever digits or spacing it was typed. gunicorn's access log is
unionportal.accesslog's."""

import logging
import re

_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")
# "GET /cdcs/?q=001090001234 HTTP/1.1", "Error handling request /cdcs/?q=…": a path's query string.
_QUERY = re.compile(r'(/[^\s?"]*)\?[^\s"]+')


def redact(text: str) -> str:
    return _ID_NUMBER.sub("••••••••••••", text)


def without_query(text: str) -> str:
    """Paths with their query string cut to "?…"."""
    return _QUERY.sub(r"\1?…", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(without_query(record.getMessage())), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
