"""Two people saving the same federation-month at the same moment, for real: two threads, two
database connections. One save wins; the other waits for it, is told who saved first, and
writes nothing. No half of either month is left behind."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from members.models import AuditEntry, MonthlyFigure
from unionportal.lib.months import Month

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_month_let_one_through_and_refuse_the_other(
    federation, federation_user, provincial_staff, make_cdcs
):
    unions = [make_cdcs(federation, opening=50, first_month=MARCH) for _ in range(30)]
    url = reverse("members:grid", kwargs={"code": federation.code, "month": APRIL})
    clients = {}
    for name, user, admitted in (("federation", federation_user, "3"), ("province", provincial_staff, "7")):
        client = Client()
        client.force_login(user)
        version = client.get(url).context["grid"].monthly_return.version
        form = {"version": str(version)}
        form.update({f"r{cdcs.pk}-admitted": admitted for cdcs in unions})
        clients[name] = (client, form)

    start = threading.Barrier(2)
    responses = {}

    def save(name):
        client, form = clients[name]
        try:
            start.wait()
            responses[name] = client.post(url, form)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [200, 302]
    winner = next(name for name, response in responses.items() if response.status_code == 302)
    loser = responses["province" if winner == "federation" else "federation"]
    assert "sau khi bạn mở trang này" in loser.content.decode()
    admitted = set(MonthlyFigure.objects.filter(month=APRIL.first_day).values_list("admitted", flat=True))
    assert admitted == {3 if winner == "federation" else 7}
    assert MonthlyFigure.objects.filter(month=APRIL.first_day).count() == len(unions)
    assert AuditEntry.objects.filter(action="figures.record", month=APRIL.first_day).count() == len(unions)
