"""(to be written)"""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


cdcs_list = cdcs_new = cdcs_detail = cdcs_dissolve = cdcs_move = cdcs_merge = _todo
