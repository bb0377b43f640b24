"""The Markdown and JSON reports: every source value is escaped, only http(s) is linked."""

from __future__ import annotations

import json
import re

from effdiff_catalog.checker.apply import ApplyOutcome
from effdiff_catalog.checker.match import CheckResult
from effdiff_catalog.checker.report import to_json, to_markdown
from effdiff_catalog.checker.run import CheckRun

HOSTILE = "Evil | <script>alert(1)</script> [x](javascript:alert(1)) `code`"


def sample_run() -> CheckRun:
    return CheckRun([
        CheckResult("good-2024", "Good", "2401.00001", "update", venue="cvpr",
                    venue_name="CVPR", year=2024, doi="10.1109/x.1",
                    proceedings_url="javascript:alert(1)", source="semanticscholar",
                    matched=["S2:abc"], confidence=0.85, reasons=[HOSTILE]),
        CheckResult("bad-2023", "Bad", "2301.00001", "unknown",
                    reasons=[f"semanticscholar: venue {HOSTILE!r} is not in venues.yaml"]),
        CheckResult("split-2022", "Split", None, "conflict", matched=["dblp:a", "S2:b"],
                    reasons=["sources disagree on the venue"]),
    ])


def test_markdown_escapes_source_text_and_drops_unsafe_links() -> None:
    applied = [ApplyOutcome("good-2024", "papers/good-2024.yaml", True, "venue arxiv -> cvpr")]
    text = to_markdown(sample_run(), applied)
    assert "<script>" not in text
    assert not re.search(r"(?<!\\)\]\(javascript:", text)  # no live javascript: link
    assert "[link](javascript" not in text
    assert "Evil \\| \\<script\\>" in text
    assert "1 update(s)** (1 applied)" in text and "1 conflict(s)" in text
    assert "CVPR 2024 (applied)" in text
    good_row = next(line for line in text.splitlines() if line.startswith("| `good-2024`"))
    assert good_row.count(" | ") == 6  # seven cells: no pipe leaked from the source text
    assert "### Conflicts" in text and "`split-2022`" in text


def test_json_report_has_every_result_and_the_apply_outcomes() -> None:
    data = json.loads(to_json(sample_run(), []))
    assert data["summary"]["update"] == 1 and data["summary"]["checked"] == 3
    assert [r["record_id"] for r in data["results"]] == ["good-2024", "bad-2023", "split-2022"]
    assert data["applied"] == []
    assert "applied" not in json.loads(to_json(sample_run()))
