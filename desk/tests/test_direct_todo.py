"""Provincial staff's home: beside the months waiting for their approval, their own month to
enter and send, that of the CĐCS directly under the province (the direct block)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.figures.services import figures_record
from members.figures.workflow import return_submit
from members.models import Organisation
from members.services.org import cdcs_found
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find, find_all, page, text

LAST = Month.last_complete(timezone.localdate())  # the month due


@pytest.fixture
def direct(province, provincial_staff):
    """BV01 directly under the province, with 60 members at the end of the month before the one due."""
    cdcs = cdcs_found(
        code="BV01", name="CĐCS Bệnh viện", employer="Bệnh viện", sector="public", founded_on=date(2020, 1, 1),
        federation=Organisation.Kind.DIRECT, user=provincial_staff,
    )  # fmt: skip
    figures_record(cdcs=cdcs, month=LAST - 1, members_start=60, user=provincial_staff)
    return cdcs


def _queue(client):
    return page(client.get(reverse("desk:approvals")))


def test_the_direct_blocks_month_due_is_a_to_do_that_opens_its_grid(client_for, direct, provincial_staff):
    html = _queue(client_for(provincial_staff))
    section = find(html, "section", id="queue-direct")
    assert attr(section, "data-status") == "empty"
    assert f"CĐCS trực thuộc LĐLĐ tỉnh Thái Nguyên: báo cáo tháng {LAST}" in text(section)
    assert "0 / 1 CĐCS đã có số liệu." in text(section)
    link = find(section, "a", id="direct-open-grid")
    assert attr(link, "href") == reverse("members:grid", kwargs={"code": "TN-TT", "month": LAST})
    # the month before was entered and never sent: listed as late
    assert [attr(item, "data-month") for item in find_all(section, "li")] == [(LAST - 1).iso]


def test_once_sent_it_waits_for_approval_like_any_federations(client_for, direct, provincial_staff):
    block = Organisation.objects.get(kind=Organisation.Kind.DIRECT)
    figures_record(cdcs=direct, month=LAST, admitted=2, user=provincial_staff)
    return_submit(federation=block, month=LAST, user=provincial_staff)
    html = _queue(client_for(provincial_staff))
    assert attr(find(html, "section", id="queue-direct"), "data-status") == "submitted"
    waiting = find(html, "section", id="queue-waiting")
    assert [attr(item, "data-federation") for item in find_all(waiting, "li", data_federation=True)] == ["TN-TT"]


def test_no_direct_block_no_such_to_do(client_for, federation, provincial_staff):
    assert not find_all(_queue(client_for(provincial_staff)), id="queue-direct")
