"""(to be written)"""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


programme_list = programme_new = quotas = _todo
