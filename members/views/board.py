"""(to be written)"""

from django.http import Http404


def board(request, *args, **kwargs):
    raise Http404
