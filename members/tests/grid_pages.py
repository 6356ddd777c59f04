"""The entry grid as its tests use it: its URL, a post of the form the page shows with some cells
changed (as a browser posts it, ticked boxes included), an input by name, and a stored row."""

from django.urls import reverse

from members.models import MonthlyFigure
from unionportal.lib.months import Month
from unionportal.testing.html import attr, find_all, grid_form

MARCH, APRIL = Month(2021, 3), Month(2021, 4)


def grid_url(federation, month=APRIL, name="members:grid"):
    return reverse(name, kwargs={"code": federation.code, "month": month})


def grid_post(client, federation, changes: dict, *, month=APRIL, start_from=None):
    """Post the grid of `month` as the page shows it (or `start_from`), with `changes` typed in."""
    form = start_from if start_from is not None else grid_form(client.get(grid_url(federation, month)))
    form.update(changes)
    return client.post(grid_url(federation, month), form)


def grid_input(root, name: str):
    found = [element for element in find_all(root, "input") if attr(element, "name") == name]
    assert found, f"no input {name}"
    return found[0]


def figure_row(cdcs, month=APRIL):
    return MonthlyFigure.objects.filter(cdcs=cdcs, month=month.first_day).first()
