"""Read pip-audit's JSON report of requirements.txt and check Django's pin; exit non-zero when a
pinned package has a known vulnerability or Django is behind the newest patch of its series.

A package pip-audit could not look up (no advisory service reachable, as on a machine whose only
network is a package mirror) is listed loudly as NOT audited rather than failing the run: the
advisories are then unknown, not absent, and the report says so."""

import json
import re
import subprocess
import sys
from pathlib import Path

report = json.loads(Path(sys.argv[1]).read_text())
dependencies = report["dependencies"]
vulnerable = [dep for dep in dependencies if dep.get("vulns")]
skipped = [dep for dep in dependencies if "skip_reason" in dep]
audited = len(dependencies) - len(skipped)
print(
    f"pip-audit: {len(dependencies)} pinned packages, {audited} audited, {len(vulnerable)} with known vulnerabilities"
)
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"   {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
if skipped:
    print(f"!! {len(skipped)} packages NOT audited (no advisory data reachable from here)")
    print(f"   e.g. {skipped[0]['skip_reason']}")

# Django's security fixes come as patch releases of the supported series: the pin must be the newest.
pinned = re.search(r"^Django==(\d+\.\d+)\.(\d+)$", Path("requirements.txt").read_text(), re.MULTILINE | re.IGNORECASE)
series, patch = pinned.group(1), int(pinned.group(2))
index = subprocess.run(
    [sys.executable, "-m", "pip", "index", "versions", "Django", "--disable-pip-version-check"],
    capture_output=True,
    text=True,
    check=False,
)
available = [int(found) for found in re.findall(rf"\b{re.escape(series)}\.(\d+)\b", index.stdout)]
behind = False
if not available:
    print(f"!! could not list Django's releases: {index.stderr.strip()[:200]}")
else:
    newest = max(available)
    print(f"Django {series}.{patch} pinned, newest {series}.x is {series}.{newest}")
    behind = newest > patch

if vulnerable or behind:
    sys.exit("!! audit failed: upgrade the packages above in requirements.txt")
