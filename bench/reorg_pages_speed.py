"""How fast the plan's pages and Excel list are with a province-wide plan: the province and plan of
bench/reorg_speed.py (15 district unions of 100 CĐCS each, all ending; 1,500 lines, 30 commune
unions and 150 CĐCS founded), through the pages' own code.

    .venv/bin/python bench/reorg_pages_speed.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench_reorg .venv/bin/python bench/reorg_pages_speed.py

Times the template prefilled with the 1,500 CĐCS, the upload of the list filled in (read, codes
matched, the plan's checks on a draft rolled back), its confirmation (the draft), the plan's page,
and the page-built plan's step two (1,500 rows) and its creation. Prints figures; asserts only
that the work was done."""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/reorg-bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from reorg_speed import M, build, plan_data  # noqa: E402  (the same directory: its province and plan)

from reorganisation.listing import cdcs_of_unions  # noqa: E402
from reorganisation.lists import plan_confirm, plan_receive  # noqa: E402
from reorganisation.models import Plan, PlanUpload  # noqa: E402
from reorganisation.workbook import ACTION_WORDS, plan_workbook  # noqa: E402


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:>10.0f} ms"


def filled(districts, data) -> bytes:
    workbook = plan_workbook(endings=districts, lines=cdcs_of_unions([org.code for org in districts], M), month=M)
    buffer = io.BytesIO()
    workbook.save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    book["Đề án"]["B3"] = "Đề án sắp xếp"
    where = {line["cdcs_code"]: line for line in data["lines"]}
    for row in book["CĐCS"].iter_rows(min_row=4):
        line = where[row[1].value]
        row[5].value = ACTION_WORDS[line["action"]]
        row[6].value, row[7].value = line.get("union_code"), line.get("target_code")
    for union in data["new_unions"]:
        book["Đơn vị mới"].append([union["code"], union["name"], "Công đoàn xã, phường, đặc khu"])
    for cdcs in data["new_cdcs"]:
        book["CĐCS mới"].append([cdcs["code"], cdcs["name"], cdcs["name"], "Cơ quan hành chính, đơn vị sự nghiệp",
                                 cdcs["union_code"]])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    districts, _leaving, sector_cdcs, user = build()
    data = plan_data(districts, _leaving, sector_cdcs)
    started = time.perf_counter()
    plan_workbook(endings=districts, lines=cdcs_of_unions([org.code for org in districts], M), month=M)
    print(f"{'template (1,500 CĐCS)':<28}{_ms(started)}")
    file = filled(districts, data)

    started = time.perf_counter()
    upload = plan_receive(data=file, file_name="de-an.xlsx", user=user)
    print(f"{'upload: read and checked':<28}{_ms(started)}   {len(file) // 1024} KB")
    assert upload.outcome == PlanUpload.Outcome.PREVIEW, upload.problems[:3]
    started = time.perf_counter()
    plan = plan_confirm(upload=upload, user=user)
    print(f"{'upload: confirmed (draft)':<28}{_ms(started)}   {plan.lines.count()} lines")

    setup_test_environment()
    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    response = client.get(reverse("reorganisation:plan_detail", args=[plan.pk]))
    print(f"{'plan page':<28}{_ms(started)}   {len(response.content) // 1024} KB")
    assert response.status_code == 200

    step = {"name": "Đề án trên trang", "effective_month": str(M), "quota_rule": "members", "go": "lines",
            "endings": [org.code for org in districts], "union-TOTAL_FORMS": "0",
            "union-INITIAL_FORMS": "0"}  # fmt: skip
    started = time.perf_counter()
    response = client.post(reverse("reorganisation:plan_new"), step)
    print(f"{'page, step two (1,500 rows)':<28}{_ms(started)}   {len(response.content) // 1024} KB")
    assert response.status_code == 200 and b"line-1499-cdcs" in response.content
    lines = {"line-TOTAL_FORMS": "1500", "line-INITIAL_FORMS": "1500", "cdcs-TOTAL_FORMS": "0",
             "cdcs-INITIAL_FORMS": "0", "quota-TOTAL_FORMS": "0", "quota-INITIAL_FORMS": "0"}  # fmt: skip
    for index, row in enumerate(cdcs_of_unions([org.code for org in districts], M)):
        lines |= {f"line-{index}-cdcs": row.code, f"line-{index}-action": "to_province"}
    started = time.perf_counter()
    response = client.post(reverse("reorganisation:plan_new"), {**step, **lines, "go": "create"})
    print(f"{'page, draft made':<28}{_ms(started)}")
    assert response.status_code == 302, response.content[:2000]
    assert Plan.objects.count() == 2


if __name__ == "__main__":
    main()
