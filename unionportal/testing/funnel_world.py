"""A hand-built pipeline for the funnel's tests (organising and reports), read on 30/06/2021:

| enterprise | fed | workers | moves | on 30/06/2021 |
|---|---|---|---|---|
| e1 | DT | 10  | identified 01/03/2020, approached 01/06/2020, committee 01/09/2020, founded 01/02/2021 | founded |
| e2 | DT | 10  | identified 10/01/2021, approached 01/03/2021 | approached, 121 days |
| e3 | DT | 200 | identified 01/05/2020 | identified, 425 days |
| e4 | DT | 10  | identified 01/01/2020, approached 01/02/2020, stalled 01/04/2021 | stalled |
| e5 | DT | 30  | identified 01/02/2021, committee 01/05/2021 (skipping "approached") | committee, 60 days |
| e6 | DT | 10  | identified 01/08/2021 | not yet identified |
| p1 | PB | 10  | identified 01/01/2019, approached 01/05/2019, committee 01/06/2019, founded 01/10/2019 | founded |
| p2 | PB | 10  | identified 01/01/2019, approached 01/02/2019, stalled 01/12/2019 | stalled |
| p3 | PB | 10  | none recorded: stage "approached" since 01/11/2020 | approached, 241 days |
| p4 | PB | 10  | registered with its CĐCS (founded 2015): "" → founded 01/03/2021 | not in the pipeline |
| p5 | PB | 10  | identified 01/11/2019, approached 01/12/2019, committee 01/01/2020, stalled 01/10/2020 | stalled |
| p6 | PB | 10  | identified 01/03/2021 from a list, linked the same day to its CĐCS of 2012 | not in the pipeline |

The forecast's horizon on 30/06/2021 is 184 days, so its rates look at the month-ends from
30/06/2019 to 30/11/2020: identified 0 of 12 founded within 184 days; approached 1 of 21;
committee 7 of 16. Expected: DT 1/21 (e2) + 7/16 (e5) = 0,49 → 0; PB 1/21 (p3) → 0; the
province 0,53 → 1.

Besides the pipeline, DT founds a CĐCS on 10/05/2021 without it, so the quota report counts two
CĐCS founded by DT in 2021 (e1's and that one)."""

from datetime import date

from members.models import Sector
from organising.models import Enterprise, Stage, StageChange, StallReason

AS_OF = date(2021, 6, 30)


def enterprise(federation, tax_code: str, moves, *, workers=10, cdcs=None, record=True, sector=Sector.PRIVATE):
    """An enterprise whose moves are [(day, stage), …], the first from no stage; its current
    stage is the last. record=False stores the stage without any StageChange."""
    last_day, last_stage = moves[-1]
    founded = last_stage == Stage.FOUNDED
    item = Enterprise.objects.create(
        name=f"Công ty {tax_code[-2:]}",
        tax_code=tax_code,
        federation=federation,
        sector=sector,
        workers=workers,
        has_union=founded,
        cdcs=cdcs if founded else None,
        stage=last_stage,
        stage_since=last_day,
        stall_reason=StallReason.EMPLOYER_REFUSES if last_stage == Stage.STALLED else "",
    )
    if record:
        previous = ""
        for day, stage in moves:
            StageChange.objects.create(
                enterprise=item,
                from_stage=previous,
                to_stage=stage,
                on=day,
                reason=StallReason.EMPLOYER_REFUSES if stage == Stage.STALLED else "",
            )
            previous = stage
    return item


def build_pipeline(dt, pb, make_cdcs) -> dict[str, Enterprise]:
    d = date
    ide, app, com, fou, sta = Stage.IDENTIFIED, Stage.APPROACHED, Stage.COMMITTEE, Stage.FOUNDED, Stage.STALLED
    e1_cdcs = make_cdcs(dt, founded_on=d(2021, 2, 1), name="CĐCS Công ty 01")
    make_cdcs(dt, founded_on=d(2021, 5, 10), name="CĐCS lập không qua vận động")
    p1_cdcs = make_cdcs(pb, founded_on=d(2019, 10, 1))
    p4_cdcs = make_cdcs(pb, founded_on=d(2015, 3, 1))
    p6_cdcs = make_cdcs(pb, founded_on=d(2012, 9, 1))
    return {
        "e1": enterprise(
            dt,
            "0100000001",
            [(d(2020, 3, 1), ide), (d(2020, 6, 1), app), (d(2020, 9, 1), com), (d(2021, 2, 1), fou)],
            cdcs=e1_cdcs,
        ),
        "e2": enterprise(dt, "0100000002", [(d(2021, 1, 10), ide), (d(2021, 3, 1), app)]),
        "e3": enterprise(dt, "0100000003", [(d(2020, 5, 1), ide)], workers=200),
        "e4": enterprise(dt, "0100000004", [(d(2020, 1, 1), ide), (d(2020, 2, 1), app), (d(2021, 4, 1), sta)]),
        "e5": enterprise(dt, "0100000005", [(d(2021, 2, 1), ide), (d(2021, 5, 1), com)], workers=30),
        "e6": enterprise(dt, "0100000006", [(d(2021, 8, 1), ide)], workers=500),
        "p1": enterprise(
            pb,
            "0200000001",
            [(d(2019, 1, 1), ide), (d(2019, 5, 1), app), (d(2019, 6, 1), com), (d(2019, 10, 1), fou)],
            cdcs=p1_cdcs,
        ),
        "p2": enterprise(pb, "0200000002", [(d(2019, 1, 1), ide), (d(2019, 2, 1), app), (d(2019, 12, 1), sta)]),
        "p3": enterprise(pb, "0200000003", [(d(2020, 11, 1), app)], record=False),
        "p4": enterprise(pb, "0200000004", [(d(2021, 3, 1), fou)], cdcs=p4_cdcs),
        "p6": enterprise(pb, "0200000006", [(d(2021, 3, 1), ide), (d(2021, 3, 1), fou)], cdcs=p6_cdcs),
        "p5": enterprise(
            pb,
            "0200000005",
            [(d(2019, 11, 1), ide), (d(2019, 12, 1), app), (d(2020, 1, 1), com), (d(2020, 10, 1), sta)],
        ),
    }
