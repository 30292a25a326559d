"""Print rule -> tests -> passed/failed from rules-report.json (written by tests/conftest.py)."""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path


def _key(rule: str):
    m = re.match(r"([A-Z]+)-(\d+)(.*)", rule)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (rule, 0, "")


def main(path: str = "rules-report.json") -> int:
    data = json.loads(Path(path).read_text())
    by_rule: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for nodeid, entry in data.items():
        for rule in entry["rules"]:
            by_rule[rule].append((nodeid, entry["outcome"]))
    failed = 0
    for rule in sorted(by_rule, key=_key):
        tests = by_rule[rule]
        bad = [t for t in tests if t[1] == "failed"]
        failed += bool(bad)
        status = "FAILED" if bad else ("passed" if any(o == "passed" for _, o in tests) else "skipped")
        print(f"{rule:12} {status:8} {len(tests)} test(s)")
        for nodeid, outcome in tests:
            print(f"    {outcome:8} {nodeid}")
    print(f"{len(by_rule)} rules, {failed} with failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
