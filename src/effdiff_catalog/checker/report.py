"""The checker's report as Markdown (a pull-request body) or JSON.

Everything a source returned is untrusted: the Markdown template escapes every value and
only links http(s) URLs. The terminal table is drawn by the CLI.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from effdiff_catalog.checker.apply import ApplyOutcome
from effdiff_catalog.checker.match import CheckResult
from effdiff_catalog.checker.run import CheckRun
from effdiff_catalog.formats.readme import markdown_environment
from effdiff_catalog.resources import package_path

TEMPLATES_DIR = package_path("templates")
STATUSES = ("update", "review", "conflict", "unknown", "pinned")


def summary(run: CheckRun, applied: Sequence[ApplyOutcome] | None = None) -> dict[str, int]:
    counts: Counter[str] = Counter(r.status for r in run.results)
    out = {status: counts.get(status, 0) for status in STATUSES}
    out["checked"] = len(run.results)
    out["applied"] = sum(o.applied for o in applied or [])
    return out


def to_json(run: CheckRun, applied: Sequence[ApplyOutcome] | None = None) -> str:
    data: dict[str, Any] = {
        "summary": summary(run, applied),
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

    template = markdown_environment(templates_dir).get_template("checker/venue-report.md.j2")
    return template.render(
        summary=summary(run, applied),
        offline=run.offline,
        updates=having("update"),
        review=having("review"),
        conflicts=having("conflict"),
        unknown=having("unknown"),
        pinned=having("pinned"),
        applied=None if applied is None else {o.record_id for o in applied if o.applied},
        not_applied=[o for o in applied or [] if not o.applied],
        requests=run.requests(),
        cache_hits=run.cache_hits,
    )
