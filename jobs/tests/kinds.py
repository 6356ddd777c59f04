"""Kinds of job that only the tests register: making auth groups, slowly if asked, and failing on
purpose. A worker started by a test imports this module (`--include jobs.tests.kinds`), so that
it knows them too."""

import time

from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from jobs.registry import JobFailed, Result, job_kind


def _staff_see(user, job) -> bool:
    return user.is_staff


@job_kind("jobs_test.groups", title=_("Tạo nhóm (thử)"), visible_to=_staff_see)
def groups_make(*, job, progress) -> Result:
    """params: count, prefix, pause (seconds after each group), refuse_at (a group number at which
    the work refuses), recorded_refusal (refuse, but keep what was made, as a Result(failed))."""
    count, prefix = job.params["count"], job.params.get("prefix", "g")
    progress.step(_("Tạo nhóm"), total=count)
    for number in range(1, count + 1):
        if number == job.params.get("refuse_at"):
            raise JobFailed(_("Nhóm thứ %(n)s không tạo được.") % {"n": number}, url="/jobs/", link=_("Xem"))
        Group.objects.create(name=f"{prefix}-{number}")
        progress.advance()
        time.sleep(job.params.get("pause", 0))
    if job.params.get("recorded_refusal"):
        return Result(_("Đã tạo rồi từ chối."), failed=True)
    return Result(_("Đã tạo %(n)s nhóm.") % {"n": count}, url="/jobs/", link=_("Xem các việc"))


@job_kind("jobs_test.crash", title=_("Lỗi (thử)"))
def crash(*, job, progress) -> Result:
    from django.contrib.auth.models import Group

    Group.objects.create(name="crash-made-this")
    raise ValueError("a bug")


@job_kind("jobs_test.steps", title=_("Từng bước (thử)"), atomic=False)
def steps(*, job, progress) -> Result:
    progress.step(_("Bước"), total=3)
    for number in range(3):
        Group.objects.get_or_create(name=f"step-{number}")
        progress.advance()
    return Result(_("Xong ba bước."))
