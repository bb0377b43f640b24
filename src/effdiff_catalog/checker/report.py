"""The checker's report: counts, the exit status, and the run as text, Markdown or JSON.

Everything a source returned is untrusted: the Markdown template escapes every value and
only links http(s) URLs. The text table is plain text at a given width; the CLI prints it.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from effdiff_catalog.checker import exitcodes
from effdiff_catalog.checker.apply import ApplyOutcome
from effdiff_catalog.checker.evidence import CheckResult
from effdiff_catalog.checker.run import CheckRun
from effdiff_catalog.formats.readme import markdown_environment
from effdiff_catalog.resources import package_path

TEMPLATES_DIR = package_path("templates")
STATUSES = ("update", "review", "conflict", "unknown", "pinned")
UNKNOWN_REASONS = ("not-published", "not-in-registry", "source-failed", "no-answer")



def incomplete(results: Sequence[CheckResult]) -> list[CheckResult]:
    """Results some source could not answer for."""
    return [r for r in results if r.unchecked]


def exit_status(results: Sequence[CheckResult],
                applied: Sequence[ApplyOutcome] | None = None) -> int:
    """The documented exit status of a check (`exitcodes`)."""
    if incomplete(results):
        return exitcodes.INCOMPLETE
    if any(r.status == "update" for r in results) or any(o.applied for o in applied or []):
        return exitcodes.FOUND
    return exitcodes.NOTHING


def summary(run: CheckRun, applied: Sequence[ApplyOutcome] | None = None) -> dict[str, Any]:
    counts: Counter[str] = Counter(r.status for r in run.results)
    reasons: Counter[str] = Counter(r.unknown_reason for r in run.results if r.unknown_reason)
    out: dict[str, Any] = {status: counts.get(status, 0) for status in STATUSES}
    out["unknown_by_reason"] = {reason: reasons[reason] for reason in UNKNOWN_REASONS
                                if reasons[reason]}
    out["incomplete"] = len(incomplete(run.results))
    out["checked"] = len(run.results)
    out["applied"] = sum(o.applied for o in applied or [])
    return out


def summary_line(counts: dict[str, Any]) -> str:
    """'6 checked: 2 update, 1 review, 0 conflict, 2 unknown (not-published 2), 1 pinned'."""
    by_reason = ", ".join(f"{k} {v}" for k, v in counts["unknown_by_reason"].items())
    parts = [f"{counts[s]} {s}" + (f" ({by_reason})" if s == "unknown" and by_reason else "")
             for s in STATUSES]
    extra = [f"{counts['applied']} applied"] if counts["applied"] else []
    if counts["incomplete"]:
        extra.append(f"{counts['incomplete']} not fully checked (a source failed)")
    return f"{counts['checked']} checked: " + ", ".join(parts + extra)


def failures(results: Sequence[CheckResult]) -> dict[str, tuple[int, str]]:
    """For each source that could not answer: how many papers, and its first reason."""
    out: dict[str, tuple[int, str]] = {}
    for result in results:
        for source in result.unchecked:
            reason = next((r for r in result.reasons if r.startswith(f"{source}:")), "")
            count, first = out.get(source, (0, reason))
            out[source] = (count + 1, first or reason)
    return out


def to_json(run: CheckRun, applied: Sequence[ApplyOutcome] | None = None) -> str:
    data: dict[str, Any] = {
        "summary": summary(run, applied),
        "exit_status": exit_status(run.results, applied),
        "offline": run.offline,
        "requests": run.requests(),
        "cache": {"hits": run.cache_hits, "misses": run.cache_misses},
        "results": [r.to_dict() for r in run.results],
    }
    if applied is not None:
        data["applied"] = [vars(o) for o in applied]
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_markdown(
    run: CheckRun,
    applied: Sequence[ApplyOutcome] | None = None,
    *,
    templates_dir: Path = TEMPLATES_DIR,
) -> str:
    def having(status: str) -> list[CheckResult]:
        return [r for r in run.results if r.status == status]

    applied_ids = None if applied is None else {o.record_id for o in applied if o.applied}
    unknown = having("unknown")
    template = markdown_environment(templates_dir).get_template("checker/venue-report.md.j2")
    return template.render(
        summary=summary(run, applied),
        offline=run.offline,
        updates=having("update"),
        review=having("review"),
        conflicts=having("conflict"),
        unknown_groups=[(reason, [r for r in unknown if r.unknown_reason == reason])
                        for reason in UNKNOWN_REASONS
                        if any(r.unknown_reason == reason for r in unknown)],
        pinned=having("pinned"),
        applied=applied_ids,
        not_applied=[o for o in applied or [] if not o.applied],
        failures=failures(run.results),
        requests=run.requests(),
        cache_hits=run.cache_hits,
    )


def proposal(result: CheckResult, applied: set[str]) -> str:
    if not result.venue_name:
        return ""
    mark = " (applied)" if result.record_id in applied else ""
    return f"{result.venue_name} {result.year}{mark}"


def format_table(run: CheckRun, applied: Sequence[ApplyOutcome] | None, width: int) -> str:
    """One line per record (id, status, proposal), its sources and reasons wrapped under
    it, then the counts: readable at any width down to 80 columns and below."""
    width = max(40, width)
    done = {o.record_id for o in applied or [] if o.applied}
    id_width = min(max((len(r.record_id) for r in run.results), default=6), width // 2)
    lines = ["Venue check", ""]
    wrap = textwrap.TextWrapper(width=width, initial_indent="    - ",
                                subsequent_indent="      ")
    for r in run.results:
        row = f"{r.record_id:<{id_width}}  {r.status:<8}  {proposal(r, done)}".rstrip()
        if len(row) > width:
            row = f"{r.record_id}\n{'':<{id_width}}  {r.status:<8}  {proposal(r, done)}".rstrip()
        lines.append(row)
        if r.source:
            lines.append(wrap.fill(f"sources: {r.source} (confidence {r.confidence:.2f})"))
        lines += [wrap.fill(reason) for reason in r.reasons]
    lines += ["", textwrap.fill(summary_line(summary(run, applied)), width=width)]
    return "\n".join(lines) + "\n"
