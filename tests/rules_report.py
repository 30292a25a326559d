"""`make rules`: every rule of the specs, tested or not, with the tests that carry its marker.

    python -m tests.rules_report [rules-report.json] [--spec FOLDER]

The rule IDs are read from the spec files (FOLDER/*.md, default: the shared spec folder beside the
repository): a rule is defined where its ID opens a list item (`- ITM-5 …`), a table row (`| EXPF-1 …`),
a bold run (`**SYNC-7 …**`) or a labelled clause (`CNK-1: …`); every other occurrence is a mention.
The outcomes come from rules-report.json, which tests/conftest.py writes after a test run. A marker
naming an ID no spec defines is listed as unknown (a renamed or mistyped rule).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_ID = r"[A-Z][A-Z0-9]*-[0-9]+[a-z]?"
# In order of preference for the text shown: a bold run, a list item, a table row, a labelled clause.
_DEFINITIONS = (re.compile(r"\*\*(" + _ID + r")\b"), re.compile(r"^\s*[-*]\s+(" + _ID + r")\b"),
                re.compile(r"^\|\s*(" + _ID + r")\b"), re.compile(r"\b(" + _ID + r"):"))
# Code names that look like rule IDs in the spec texts (EAN-13, UTF-8, PIT-2, …) are not rules.
NOT_RULES = frozenset({"ACT", "AES", "CIT", "EAN", "ISO", "KOWAL", "PIT", "PL02", "RSA", "SHA", "UTF", "VAT"})


def default_spec_folder() -> Path | None:
    explicit = os.environ.get("FILIA_SPEC")
    if explicit:
        return Path(explicit)
    for up in (ROOT.parent, ROOT.parent.parent):
        if (up / "shared" / "spec").is_dir():
            return up / "shared" / "spec"
    return None


def prefix(rule: str) -> str:
    return rule.rsplit("-", 1)[0]


def _key(rule: str):
    m = re.match(r"([A-Z][A-Z0-9]*)-(\d+)(.*)", rule)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (rule, 0, "")


def spec_rules(folder: Path) -> dict[str, tuple[str, str]]:
    """rule ID -> (spec file name, the line that defines it; the most definition-like one when several
    do: an errata table or a cross-reference `→ KEY-264:` may name a rule before its bold entry)."""
    found: dict[str, tuple[int, str, str]] = {}
    for path in sorted(folder.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for rank, pattern in enumerate(_DEFINITIONS):
                for rule in pattern.findall(line):
                    if prefix(rule) not in NOT_RULES and (rule not in found or rank < found[rule][0]):
                        found[rule] = (rank, path.name, line.strip())
    return {rule: (name, line) for rule, (_rank, name, line) in found.items()}


def tests_by_rule(report: Path) -> dict[str, list[tuple[str, str]]]:
    by_rule: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if report.exists():
        for nodeid, entry in json.loads(report.read_text()).items():
            for rule in entry["rules"]:
                by_rule[rule].append((nodeid, entry["outcome"]))
    return by_rule


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", default="rules-report.json")
    parser.add_argument("--spec", type=Path, default=None, help="folder of the spec files (*.md)")
    parser.add_argument("--tested-only", action="store_true", help="leave the untested rules out of the list")
    args = parser.parse_args(argv)
    folder = args.spec or default_spec_folder()
    if folder is None or not folder.is_dir():
        print("rules_report: no spec folder (give --spec FOLDER or FILIA_SPEC)", file=sys.stderr)
        return 2
    rules = spec_rules(folder)
    by_rule = tests_by_rule(Path(args.report))
    failed = 0
    per_prefix: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for rule in sorted(rules, key=_key):
        tests = by_rule.get(rule, [])
        per_prefix[prefix(rule)][1] += 1
        if not tests:
            if not args.tested_only:
                print(f"{rule:12} untested")
            continue
        per_prefix[prefix(rule)][0] += 1
        bad = [t for t in tests if t[1] == "failed"]
        failed += bool(bad)
        status = "FAILED" if bad else ("passed" if any(o == "passed" for _, o in tests) else "skipped")
        print(f"{rule:12} {status:8} {len(tests)} test(s)")
        for nodeid, outcome in tests:
            print(f"    {outcome:8} {nodeid}")
    unknown = sorted((r for r in by_rule if r not in rules), key=_key)
    for rule in unknown:
        print(f"{rule:12} UNKNOWN  not defined in any spec: " + ", ".join(n for n, _o in by_rule[rule]))
    print("\nrules tested / defined, per prefix:")
    files = {prefix(r): f for r, (f, _line) in rules.items()}
    for pre in sorted(per_prefix, key=lambda p: (files[p], p)):
        tested, total = per_prefix[pre]
        print(f"  {pre:7} {tested:4} / {total:<4} {files[pre]}")
    tested = sum(t for t, _n in per_prefix.values())
    print(f"{tested} of {len(rules)} rules tested, {failed} with failures, {len(unknown)} unknown rule IDs in markers")
    return 1 if failed or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
