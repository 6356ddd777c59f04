"""(to be written)"""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


grid_start = grid = submit = approve = unlock = _todo
