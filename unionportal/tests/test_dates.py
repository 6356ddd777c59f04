"""Days and months as a Vietnamese office writes them: 03/04/2021 is 3 April 2021 and 04/2021 is
April 2021, typed or shown, whatever the language of the page or of the browser."""

import re
from datetime import date, datetime

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone, translation

from members.models import GrassrootsUnion, MemberTransfer, Sector
from members.register.moves import member_transfer_request
from members.register.services import MemberData, member_admit
from reports.models import Meeting
from unionportal.lib.dates import parse_day
from unionportal.lib.forms import DateField, MonthField
from unionportal.lib.months import Month


class DayForm(forms.Form):
    on = DateField(label="Ngày")


class MonthForm(forms.Form):
    month = MonthField(label="Tháng")


@pytest.mark.parametrize(
    "text",
    ["03/04/2021", "3/4/2021", " 03/04/2021 ", "03-04-2021", "03.04.2021", "03 04 2021", "03042021", "2021-04-03"],
)
def test_a_day_is_read_day_first_however_it_is_written(text):
    assert parse_day(text) == date(2021, 4, 3)


@pytest.mark.parametrize(
    "text", ["31/02/2021", "13/13/2021", "03/04/21", "03/04-2021", "April 3, 2021", "2021/04/03", ""]
)
def test_what_is_not_a_day_is_not_read(text):
    with pytest.raises(ValueError):
        parse_day(text)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_day_field_reads_and_shows_day_first_in_both_languages(language):
    with translation.override(language):
        form = DayForm({"on": "03/04/2021"})
        assert form.is_valid() and form.cleaned_data["on"] == date(2021, 4, 3)
        html = str(DayForm(initial={"on": date(2021, 4, 3)})["on"])
    assert 'type="text"' in html and 'value="03/04/2021"' in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'inputmode="numeric"' in html and "data-date-input" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("30/02/2021", "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy, ví dụ 10/03/2021."),
        ("3 tháng 4", "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy, ví dụ 10/03/2021."),
        ("01/01/0001", "Ngày phải trong khoảng 01/01/1900 – 31/12/2100."),
        ("31/12/9999", "Ngày phải trong khoảng 01/01/1900 – 31/12/2100."),
        ("99999999", "Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy, ví dụ 10/03/2021."),
    ],
)
def test_a_day_that_cannot_be_read_gets_a_vietnamese_message_and_stays_typed(typed, message):
    form = DayForm({"on": typed})
    with translation.override("vi"):
        assert not form.is_valid()
        assert form.errors["on"] == [message]
    assert f'value="{typed}"' in str(form["on"])


def test_the_month_field_reads_both_ways_and_refuses_months_out_of_range():
    assert MonthForm({"month": "04/2021"}).is_valid() and MonthForm({"month": "2021-04"}).is_valid()
    for typed in ("1900-01", "2999-12", "12/1989", "01/2101"):
        form = MonthForm({"month": typed})
        with translation.override("vi"):
            assert not form.is_valid()
            assert form.errors["month"] == ["Tháng phải trong khoảng 01/1990 – 12/2100."]
    assert 'value="04/2021"' in str(MonthForm(initial={"month": Month(2021, 4)})["month"])
    assert 'value="04/2021"' in str(MonthForm({"month": "2021-04"})["month"])  # as a query string sends it


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_show_days_as_dd_mm_yyyy_in_both_languages(language):
    template = Template('{{ day|date:"SHORT_DATE_FORMAT" }} {{ day }} {{ moment|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override(language):
        shown = template.render(Context({"day": date(2021, 4, 3), "moment": datetime(2021, 4, 3, 14, 5)}))
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
    assert shown == "03/04/2021 03/04/2021 14:05 03/04/2021"


def test_founding_a_cdcs_on_the_english_page_reads_03_04_2021_as_3_april(client_for, federation_user, federation):
    client = client_for(federation_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = {
        "code": "DT99", "name": "CĐCS Công ty May Tân Cương", "employer": "Công ty TNHH May Tân Cương",
        "sector": Sector.FDI, "workers": "320", "federation": federation.pk, "founded_on": "03/04/2021",
    }  # fmt: skip
    response = client.post(reverse("members:cdcs_new"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert GrassrootsUnion.objects.get(code="DT99").founded_on == date(2021, 4, 3)
    page = client.get(reverse("members:cdcs_detail", kwargs={"code": "DT99"})).content.decode()
    assert "03/04/2021" in page


def test_the_english_admin_reads_03_04_2021_as_3_april(client, superuser):
    client.force_login(superuser)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    data = {"held_on": "03/04/2021", "title": "Phiên họp quý I"}
    response = client.post(reverse("admin:reports_meeting_add"), data)
    assert response.status_code == 302
    assert Meeting.objects.get().held_on == date(2021, 4, 3)
    assert "03/04/2021" in client.get(reverse("admin:reports_meeting_changelist")).content.decode()


def test_a_transfer_is_accepted_on_a_day_typed_day_first(client_for, federation_user, federation, make_cdcs):
    """The decision's day on /people/transfers/ is a form written by hand: the same input."""
    sender, receiver = make_cdcs(federation, code="DT01"), make_cdcs(federation, code="DT02")
    member = member_admit(cdcs=sender, data=MemberData("Nguyễn Văn An", date(2021, 3, 5)), user=None)
    transfer = member_transfer_request(member=member, to_cdcs=receiver, user=None)
    client = client_for(federation_user)
    page = client.get(reverse("members:transfers")).content.decode()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert re.search(rf'<input type="text" name="on" value="{today}"[^>]*data-date-input', page)
    client.post(reverse("members:transfer_accept", kwargs={"pk": transfer.pk}), {"on": "05/04/2021"})
    assert MemberTransfer.objects.get(pk=transfer.pk).accepted_on == date(2021, 4, 5)
