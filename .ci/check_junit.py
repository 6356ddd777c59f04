"""Fail when the browser tests did not really run: CI must not pass on a skipped browser."""

import sys
import xml.etree.ElementTree as ET

report = ET.parse(sys.argv[1]).getroot()
cases = list(report.iter("testcase"))
# pytest-playwright names every test it drives a browser for "…[chromium]"; browser test
# modules are named test_browser.py or test_*_browser.py.
browser = [
    case
    for case in cases
    if "[chromium" in case.get("name", "") or case.get("classname", "").rsplit(".", 1)[-1].endswith("browser")
]
skipped = [case for case in browser if case.find("skipped") is not None]
print(f"{len(cases)} tests, {len(browser)} in the browser, {len(skipped)} of them skipped")
if not browser:
    sys.exit("!! no browser test ran")
if skipped:
    for case in skipped:
        print(f"   skipped: {case.get('name')}: {case.find('skipped').get('message')}")
    sys.exit("!! browser tests were skipped")
