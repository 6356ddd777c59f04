"""Nothing personal in the logs: ID numbers (CCCD, 12 digits) are blotted out of every record, its
message and its traceback alike. The register never logs names, and its URLs carry record numbers
only; the one way an ID number could reach a log is in a database error (PostgreSQL names the
value that broke a unique constraint: "Key (id_number)=(…) already exists")."""

import logging
import re

_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")


def redact(text: str) -> str:
    return _ID_NUMBER.sub("••••••••••••", text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
