"""`effdiff check-venues` end to end: a real subprocess against the local stub APIs.

Each fault test checks the promises: the run completes with the "could not look" exit
status, the records a source could not answer for name it (and are unknown when nothing
else shows a publication), and no file changes except those whose update was applied.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from checker_world import SOURCE_PREFIXES, build_catalog, stub_data, stub_env
from stub_api import StubServer

from effdiff_catalog.checker.config import environment_variables
from effdiff_catalog.records.catalog import load_catalog

UPDATES = {"deepcache-2023": ("cvpr", 2024), "attention-2017": ("neurips", 2017)}


def effdiff(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "papers").iterdir())}


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["record_id"]: r for r in report["results"]}


@pytest.fixture
def world(tmp_path: Path) -> Any:
    root = tmp_path / "catalog"
    build_catalog(root)
    with StubServer(stub_data()) as stub:
        yield root, stub, stub_env(stub, tmp_path / "cache")


def toc_requests(stub: StubServer) -> list[tuple[str, str]]:
    return [(r.query["q"][0], r.query["f"][0]) for r in stub.requests("dblp")
            if r.query["q"][0].startswith("toc:")]


def test_report_then_apply_then_rerun_from_cache(world: Any) -> None:
    root, stub, env = world
    before = snapshot(root)
    run = effdiff(["check-venues", "--root", str(root), "--format", "json"], env)
    assert run.returncode == 1, run.stderr  # updates found
    report = json.loads(run.stdout)
    results = by_id(report)
    for rid, (venue, year) in UPDATES.items():
        assert (results[rid]["status"], results[rid]["venue"], results[rid]["year"]) == (
            "update", venue, year)
    assert results["faster-sampler-2022"]["status"] == "review"  # dblp alone
    assert results["paperqa-2023"]["unknown_reason"] == "not-published"
    assert results["wrong-hit-2021"]["unknown_reason"] == "not-published"
    assert results["pinned-2023"]["status"] == "pinned"
    assert snapshot(root) == before  # a report never writes
    # One batched request per id source for the whole catalog; OpenAlex's title searches
    # only for the three papers not settled by then; each dblp volume page once.
    requests = report["requests"]
    assert (requests["arxiv"], requests["semanticscholar"], requests["crossref"]) == (1, 1, 1)
    assert requests["openalex"] == 1 + 3
    tocs = toc_requests(stub)
    assert len(tocs) == len(set(tocs)) and ("toc:db/conf/iclr/iclr2023.bht:", "1000") in tocs
    s2_body = json.loads(stub.requests("s2")[0].body)
    assert "ARXIV:2312.99999" not in s2_body["ids"]  # pinned: never looked up

    n_requests = len(stub.log)
    again = effdiff(["check-venues", "--root", str(root), "--format", "json"], env)
    assert set(json.loads(again.stdout)["requests"].values()) == {0}
    assert len(stub.log) == n_requests  # an unchanged catalog costs no request

    applied = effdiff(["check-venues", "--root", str(root), "--format", "markdown", "--apply"],
                      env)
    assert applied.returncode == 1, applied.stderr
    assert "### Applied" in applied.stdout and "CVPR 2024 (applied)" in applied.stdout
    assert "### For review" in applied.stdout
    after = snapshot(root)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {f"{rid}.yaml" for rid in UPDATES}
    text = after["deepcache-2023.yaml"].decode()
    assert "# Imported from the survey's README; keep this comment." in text
    assert 'arxiv: "2312.00858"  # keep as a string' in text
    assert "citation_key: deepcache2023" in text and "month: 6" in text
    assert "venue: cvpr\nyear: 2024\n" in text
    assert "doi: 10.1109/CVPR52733.2024.01492" in text
    assert "  proceedings: https://doi.org/10.1109/CVPR52733.2024.01492" in text
    catalog, diagnostics = load_catalog(root)
    assert not [d for d in diagnostics if d.severity == "error"]
    assert len(stub.log) == n_requests  # apply used the cache only

    final = effdiff(["check-venues", "--root", str(root), "--format", "json"], env)
    assert final.returncode == 0  # nothing left to update, every source answered
    assert set(by_id(json.loads(final.stdout))) == {"paperqa-2023", "wrong-hit-2021",
                                                    "pinned-2023", "faster-sampler-2022"}


def test_id_and_since_select_subsets(world: Any) -> None:
    root, _stub, env = world
    run = effdiff(["check-venues", "--root", str(root), "--format", "json",
                   "--id", "deepcache-2023", "--id", "paperqa-2023"], env)
    assert set(by_id(json.loads(run.stdout))) == {"deepcache-2023", "paperqa-2023"}
    late = effdiff(["check-venues", "--root", str(root), "--format", "json",
                    "--since", "2030-01-01"], env)
    assert late.returncode == 0 and json.loads(late.stdout)["results"] == []
    bad = effdiff(["check-venues", "--root", str(root), "--id", "no-such-record"], env)
    assert bad.returncode == 2 and "no-such-record" in bad.stderr


def test_offline_with_empty_cache_could_not_check_and_asks_nobody(world: Any) -> None:
    root, stub, env = world
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--offline",
                   "--apply"], env)
    assert run.returncode == 3  # could not look: never "nothing new"
    report = json.loads(run.stdout)
    assert report["offline"] is True
    results = by_id(report)
    assert {r["unknown_reason"] for r in results.values()} == {"no-answer", None}
    assert any("offline" in reason for reason in results["deepcache-2023"]["reasons"])
    assert stub.log == []


def test_table_is_readable_at_80_columns_and_progress_goes_to_stderr(world: Any) -> None:
    root, _stub, env = world
    run = effdiff(["check-venues", "--root", str(root)], {**env, "COLUMNS": "80"})
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    row = next(line for line in lines if line.startswith("deepcache-2023"))
    assert row.split() == ["deepcache-2023", "update", "CVPR", "2024"]
    assert "    - sources: crossref, dblp, semanticscholar (confidence 0.99)" in lines
    assert " ".join(run.stdout.split("\n\n")[-1].split()).startswith(
        "6 checked: 2 update, 1 review, 0 conflict, 2 unknown")
    as_json = effdiff(["check-venues", "--root", str(root), "--format", "json"], env)
    assert "checking venues: 6/6" in as_json.stderr


def test_help_lists_exit_statuses_and_every_environment_variable() -> None:
    run = subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", "check-venues",
                          "--help"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COLUMNS": "120"})
    assert run.returncode == 0
    text = " ".join(run.stdout.split())
    assert "3 some papers could not be fully checked" in text
    for name, _meaning in environment_variables():
        assert name in run.stdout, name


FAULTS = {
    # name: (source, faults, extra env, reason that must be reported)
    "s2-429-no-retry-after": ("s2", ["429"] * 3, {}, "HTTP 429 (no Retry-After)"),
    "s2-429-retry-after": ("s2", ["429:0.1"] * 3, {}, "Retry-After 0.1"),
    "s2-503": ("s2", ["503"] * 3, {}, "HTTP 503"),
    "s2-timeout": ("s2", ["timeout:0.6"] * 3, {"EFFDIFF_S2_TIMEOUT": "0.3"}, "timed out"),
    "s2-reset": ("s2", ["reset"] * 3, {}, "connection failed"),
    "s2-truncated": ("s2", ["truncate"] * 3, {}, "connection failed"),
    "s2-malformed": ("s2", ["malformed"], {}, "not JSON"),
    "arxiv-error-feed": ("arxiv", ["error-feed"], {}, "incorrect id format"),
    "arxiv-malformed": ("arxiv", ["malformed"], {}, "not an Atom feed"),
    "openalex-503": ("openalex", ["503"] * 100, {}, "HTTP 503"),
    "crossref-malformed": ("crossref", ["malformed"], {}, "no message.items"),
    "dblp-down": ("dblp", ["503"] * 300, {}, "HTTP 503"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_reported_and_leaves_files_alone(world: Any, name: str) -> None:
    root, stub, env = world
    source, faults, extra, reason = FAULTS[name]
    stub.add_fault(source, *faults)
    before = snapshot(root)
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--apply"],
                  {**env, **extra})
    assert run.returncode == 3, run.stderr  # could not look, for some papers
    report = json.loads(run.stdout)
    results = by_id(report)
    after = snapshot(root)
    applied = {o["record_id"] for o in report["applied"] if o["applied"]}
    for rid, result in results.items():
        if rid in applied:
            assert result["status"] == "update"
        else:
            assert after[f"{rid}.yaml"] == before[f"{rid}.yaml"], rid
    api = {"s2": "semanticscholar"}.get(source, source)
    assert any(api in r["unchecked"] for r in results.values())
    reasons = [r for res in results.values() for r in res["reasons"]]
    assert any(reason in r for r in reasons), reasons
    # DeepCache still has two sources that agree: without Semantic Scholar, its dblp volume
    # names the DOI and Crossref's deposit confirms it.
    deepcache = results["deepcache-2023"]
    assert deepcache["status"] == "update" and "deepcache-2023" in applied
    if source == "s2":
        assert deepcache["source"] == "crossref, dblp"
    if source == "dblp":
        faster = results["faster-sampler-2022"]
        assert (faster["status"], faster["unknown_reason"]) == ("unknown", "source-failed")


def test_all_sources_down_every_paper_unknown_and_files_untouched(world: Any) -> None:
    root, _stub, env = world
    dead = "http://127.0.0.1:9"
    env = {**env, **{f"EFFDIFF_{p}_URL": dead for p in SOURCE_PREFIXES}}
    before = snapshot(root)
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--apply"], env)
    assert run.returncode == 3, run.stderr
    report = json.loads(run.stdout)
    results = by_id(report)
    assert {(r["status"], r["unknown_reason"]) for r in results.values()} == {
        ("unknown", "no-answer"), ("pinned", None)}
    assert report["summary"]["unknown_by_reason"] == {"no-answer": 5}
    assert all(r["reasons"][0].startswith("not checked: no source could answer")
               and any("connection failed" in x for x in r["reasons"])
               for r in results.values() if r["status"] == "unknown")
    assert snapshot(root) == before
    # Failures are not cached: the next run asks again.
    cache = Path(env["EFFDIFF_CACHE_DIR"])
    assert not list(cache.rglob("*.json"))
