"""`make rules` reads the rule IDs from the spec files themselves and lists every rule, tested or not."""
from __future__ import annotations

import json

from tests.rules_report import main, spec_rules

SPEC = """# Spec
| § | Feature | IDs |
|---|---|---|
| 1 | Lists | ABC-1…3 |

- **ABC-1** A list opens from the menu (see ABC-9 and XY-2).
- ABC-2: the locator moves to the first match.
| ABC-3 "Wzór" | a print form |
| Kod CN | 8 digits | CNK-1: exactly 8 digits |
**SYNC-7 A branch run.** (1) read the file; mentions SYNC-15 only.
Barcodes EAN-13 and UTF-8 are no rules; **EAN-8 / EAN-13** neither.
"""


def test_rules_are_the_defined_ids_not_the_mentions(tmp_path):
    (tmp_path / "a.md").write_text(SPEC, encoding="utf-8")
    assert set(spec_rules(tmp_path)) == {"ABC-1", "ABC-2", "ABC-3", "CNK-1", "SYNC-7"}


def test_report_lists_untested_rules_counts_per_prefix_and_unknown_markers(tmp_path, capsys):
    (tmp_path / "a.md").write_text(SPEC, encoding="utf-8")
    report = tmp_path / "rules-report.json"
    report.write_text(json.dumps({"t.py::a": {"rules": ["ABC-1"], "outcome": "passed"},
                                  "t.py::b": {"rules": ["ABC-2", "CN-7"], "outcome": "failed"}}))
    code = main([str(report), "--spec", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1                                                    # a failure and an unknown ID
    assert "ABC-1        passed   1 test(s)" in out and "ABC-2        FAILED" in out
    assert "ABC-3        untested" in out and "SYNC-7       untested" in out
    assert "CN-7         UNKNOWN" in out
    assert "  ABC        2 / 3" in out and "  SYNC       0 / 1" in out
    assert "2 of 5 rules tested, 1 with failures, 1 unknown rule IDs in markers" in out
