"""The reports: Markdown escapes every source value and links only http(s); the text
table stays readable at 80 columns; counts and the exit status tell an outage apart."""

from __future__ import annotations

import json
import re

from effdiff_catalog.checker.apply import ApplyOutcome
from effdiff_catalog.checker.evidence import CheckResult
from effdiff_catalog.checker.report import exit_status, format_table, to_json, to_markdown
from effdiff_catalog.checker.run import CheckRun

HOSTILE = "Evil | <script>alert(1)</script> [x](javascript:alert(1)) `code`"
LONG_REASON = ("dblp in its proceedings volume: title match 1.00, author surnames 100%, "
               "venue 'Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern "
               "Recognition (CVPR)' 2024, https://openaccess.thecvf.com/content/CVPR2024/html/"
               "A_Very_Long_Paper_Name_CVPR_2024_paper.html")


def sample_run() -> CheckRun:
    return CheckRun([
        CheckResult("good-2024", "Good", "2401.00001", "update", venue="cvpr",
                    venue_name="CVPR", year=2024, doi="10.1109/x.1",
                    proceedings_url="javascript:alert(1)", source="crossref, semanticscholar",
                    matched=["S2:abc"], confidence=0.95, reasons=[HOSTILE, LONG_REASON]),
        CheckResult("maybe-2024", "Maybe", "2402.00001", "review", venue="iclr",
                    venue_name="ICLR", year=2024, source="semanticscholar",
                    reasons=["review: only semanticscholar shows it"]),
        CheckResult("bad-2023", "Bad", "2301.00001", "unknown", unknown_reason="not-in-registry",
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
    assert "1 update(s)** (1 applied), 1 for review, 1 conflict(s)" in text
    assert "1 unknown (not-in-registry 1)" in text
    good_row = next(line for line in text.splitlines() if line.startswith("| `good-2024`"))
    assert good_row.count(" | ") == 6  # seven cells: no pipe leaked from the source text
    assert "CVPR 2024 (applied)" in good_row


def test_markdown_separates_applied_review_and_conflicts() -> None:
    text = to_markdown(sample_run(), [
        ApplyOutcome("good-2024", "papers/good-2024.yaml", True, "venue arxiv -> cvpr")])
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert [h.split(" (")[0] for h in headings] == ["### Applied", "### For review",
                                                     "### Conflicts"]
    review = text[text.index("### For review"):text.index("### Conflicts")]
    assert "`maybe-2024`" in review and "`good-2024`" not in review
    assert "### Updates\n" in to_markdown(sample_run())  # a report that applied nothing


def test_markdown_lists_the_sources_that_could_not_answer() -> None:
    run = CheckRun([CheckResult("down-2023", "Down", "2301.00002", "unknown",
                                unknown_reason="no-answer", unchecked=["semanticscholar"],
                                reasons=["not checked: no source could answer",
                                         "semanticscholar: HTTP 503; gave up after 3 attempts"])])
    text = to_markdown(run)
    assert "**1 record(s) could not be fully checked**" in text
    assert "- semanticscholar could not answer for 1 record(s): semanticscholar: HTTP 503" in text


def test_table_puts_reasons_under_their_row_within_80_columns() -> None:
    text = format_table(sample_run(), None, 80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    good = lines.index(next(line for line in lines if line.startswith("good-2024")))
    assert lines[good].split() == ["good-2024", "update", "CVPR", "2024"]
    assert lines[good + 1] == "    - sources: crossref, semanticscholar (confidence 0.95)"
    unbroken = " ".join(line.strip(" -") for line in lines[good + 3:good + 7])
    assert "title match 1.00, author surnames 100%" in unbroken
    counts = " ".join(text.split("\n\n")[-1].split())
    assert counts == ("4 checked: 1 update, 1 review, 1 conflict, 1 unknown (not-in-registry "
                      "1), 0 pinned")


def test_json_report_has_every_result_the_counts_and_the_apply_outcomes() -> None:
    data = json.loads(to_json(sample_run(), []))
    assert data["summary"]["update"] == 1 and data["summary"]["checked"] == 4
    assert data["summary"]["unknown_by_reason"] == {"not-in-registry": 1}
    assert [r["record_id"] for r in data["results"]] == ["good-2024", "maybe-2024", "bad-2023",
                                                         "split-2022"]
    assert data["applied"] == [] and data["exit_status"] == 1
    assert "applied" not in json.loads(to_json(sample_run()))


def test_exit_status_tells_nothing_new_from_could_not_look() -> None:
    quiet = CheckResult("q-2023", "Q", None, "unknown", unknown_reason="not-published")
    review = CheckResult("r-2023", "R", None, "review", venue="iclr", year=2024)
    found = CheckResult("f-2023", "F", None, "update", venue="iclr", year=2024)
    down = CheckResult("d-2023", "D", None, "unknown", unknown_reason="no-answer",
                       unchecked=["dblp"])
    assert exit_status([quiet, review]) == 0
    assert exit_status([quiet, found]) == 1
    assert exit_status([quiet, down]) == 3 and exit_status([found, down]) == 3
    applied_review = [ApplyOutcome("r-2023", "p", True, "venue arxiv -> iclr")]
    assert exit_status([review], applied_review) == 1
