"""Fail when the browser tests did not really run: CI must not pass on a skipped browser."""

import sys
import xml.etree.ElementTree as ET

report = ET.parse(sys.argv[1]).getroot()
cases = list(report.iter("testcase"))
browser = [case for case in cases if "test_browser" in case.get("classname", "")]
skipped = [case for case in browser if case.find("skipped") is not None]
print(f"{len(cases)} tests, {len(browser)} in the browser, {len(skipped)} of them skipped")
if not browser:
    sys.exit("!! no browser test ran")
if skipped:
    for case in skipped:
        print(f"   skipped: {case.get('name')}: {case.find('skipped').get('message')}")
    sys.exit("!! browser tests were skipped")
