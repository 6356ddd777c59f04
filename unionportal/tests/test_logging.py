"""The logs never carry an ID number, whether in a message or in a traceback."""

import io
import logging
import logging.config
import sys

from django.conf import settings

from unionportal.logfilters import redact


def test_id_numbers_are_blotted_out_of_log_lines_and_tracebacks():
    logging.config.dictConfig(settings.LOGGING)  # the portal's own logging, as a server runs it
    (handler,) = logging.getLogger().handlers
    written = io.StringIO()
    handler.setStream(written)
    try:
        try:
            raise ValueError("duplicate key value violates unique constraint: Key (id_number)=(001090001234)")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /people/%s/ (%s)", 42, "001090001234")
    finally:
        handler.setStream(sys.stderr)

    assert "Internal Server Error: /people/42/" in written.getvalue()
    assert "Key (id_number)=(" in written.getvalue()
    assert "001090001234" not in written.getvalue()


def test_only_twelve_digit_numbers_are_taken_for_id_numbers():
    text = "CCCD 001090001234, thẻ TN0001234, 30.018 đoàn viên"
    assert redact(text) == "CCCD ••••••••••••, thẻ TN0001234, 30.018 đoàn viên"
    assert redact("mã giao dịch 0010900012345") == "mã giao dịch 0010900012345"
