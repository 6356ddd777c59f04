"""(to be written)"""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


return_history = figure_history = _todo
