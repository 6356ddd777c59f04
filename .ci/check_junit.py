"""Fail when tests that must run did not really run: CI must not pass on a skipped browser, nor,
with --standby (the PostgreSQL run beside .ci/replica), on skipped tests of the real replica."""

import sys
import xml.etree.ElementTree as ET

arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
report = ET.parse(arguments[0]).getroot()
cases = list(report.iter("testcase"))


def module(case) -> str:
    return case.get("classname", "").rsplit(".", 1)[-1]


def must_run(what: str, selected: list) -> None:
    skipped = [case for case in selected if case.find("skipped") is not None]
    print(f"{len(cases)} tests, {len(selected)} {what}, {len(skipped)} of them skipped")
    if not selected:
        sys.exit(f"!! no test ran {what}")
    if skipped:
        for case in skipped:
            print(f"   skipped: {case.get('name')}: {case.find('skipped').get('message')}")
        sys.exit(f"!! tests {what} were skipped")


# pytest-playwright names every test it drives a browser for "…[chromium]"; browser test
# modules are named test_browser.py or test_*_browser.py.
must_run(
    "in the browser",
    [case for case in cases if "[chromium" in case.get("name", "") or module(case).endswith("browser")],
)
if "--standby" in sys.argv:
    must_run("on the real standby", [case for case in cases if module(case) == "test_replica_standby"])
