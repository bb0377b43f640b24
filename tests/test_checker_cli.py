"""`effdiff check-venues` end to end: a real subprocess against the local stub APIs.

Each fault test checks the three promises: the run completes, the records a source could
not answer for are reported unknown with the reason, and no file changes except those
whose update was applied.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from checker_world import build_catalog, stub_data, stub_env
from stub_api import StubServer

from effdiff_catalog.records.catalog import load_catalog

UPDATES = {"deepcache-2023": ("cvpr", 2024), "attention-2017": ("neurips", 2017),
           "faster-sampler-2022": ("iclr", 2023)}


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
    assert results["paperqa-2023"]["status"] == "unknown"
    assert results["wrong-hit-2021"]["status"] == "unknown"
    assert results["pinned-2023"]["status"] == "pinned"
    assert snapshot(root) == before  # a report never writes
    # One batched request per id source; dblp only for records the id lookups left open.
    assert report["requests"] == {"arxiv": 1, "semanticscholar": 1, "dblp": 3}
    s2_body = json.loads(stub.requests("s2")[0].body)
    assert "ARXIV:2312.99999" not in s2_body["ids"]  # pinned: never looked up

    n_requests = len(stub.log)
    again = effdiff(["check-venues", "--root", str(root), "--format", "json"], env)
    assert json.loads(again.stdout)["requests"] == {"arxiv": 0, "semanticscholar": 0, "dblp": 0}
    assert len(stub.log) == n_requests  # an unchanged catalog costs no request

    applied = effdiff(["check-venues", "--root", str(root), "--format", "markdown", "--apply"],
                      env)
    assert applied.returncode == 1, applied.stderr
    assert "(applied)" in applied.stdout and "### Updates" in applied.stdout
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
    assert final.returncode == 0  # nothing left to update
    assert set(by_id(json.loads(final.stdout))) == {"paperqa-2023", "wrong-hit-2021",
                                                    "pinned-2023"}


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


def test_offline_with_empty_cache_reports_unknown_and_asks_nobody(world: Any) -> None:
    root, stub, env = world
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--offline",
                   "--apply"], env)
    assert run.returncode == 0
    report = json.loads(run.stdout)
    assert report["offline"] is True
    assert all(r["status"] in ("unknown", "pinned") for r in report["results"])
    assert any("offline" in reason for reason in by_id(report)["deepcache-2023"]["reasons"])
    assert stub.log == []


def test_table_format_prints_a_table(world: Any) -> None:
    root, _stub, env = world
    run = effdiff(["check-venues", "--root", str(root)], {**env, "COLUMNS": "200"})
    assert run.returncode == 1
    assert "Venue check" in run.stdout and "deepcache-2023" in run.stdout
    assert "CVPR 2024" in run.stdout


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
    "dblp-503-retry": ("dblp", ["503"] * 9, {}, "HTTP 503"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_reported_unknown_and_leaves_files_alone(world: Any, name: str) -> None:
    root, stub, env = world
    source, faults, extra, reason = FAULTS[name]
    stub.add_fault(source, *faults)
    before = snapshot(root)
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--apply"],
                  {**env, **extra})
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    results = by_id(report)
    after = snapshot(root)
    applied = {o["record_id"] for o in report["applied"] if o["applied"]}
    for rid, result in results.items():
        if rid in applied:
            assert result["status"] == "update"
        else:
            assert after[f"{rid}.yaml"] == before[f"{rid}.yaml"], rid
    reasons = [r for res in results.values() for r in res["reasons"]]
    assert any(reason in r for r in reasons), reasons
    if source == "s2":
        # With Semantic Scholar out, its only-by-id findings become unknown...
        assert results["deepcache-2023"]["status"] == "unknown"
        assert any(reason in r for r in results["deepcache-2023"]["reasons"])
        # ...while dblp still finds what it can.
        assert results["faster-sampler-2022"]["status"] == "update"
    if source == "arxiv":
        assert results["deepcache-2023"]["status"] == "update"
    if source == "dblp":
        assert results["faster-sampler-2022"]["status"] == "unknown"
        assert results["deepcache-2023"]["status"] == "update"


def test_all_sources_down_for_the_whole_run(world: Any) -> None:
    root, _stub, env = world
    dead = "http://127.0.0.1:9"
    env = {**env, "EFFDIFF_ARXIV_URL": f"{dead}/api/query", "EFFDIFF_S2_URL": f"{dead}/graph",
           "EFFDIFF_DBLP_URL": f"{dead}/search"}
    before = snapshot(root)
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--apply"], env)
    assert run.returncode == 0, run.stderr
    results = by_id(json.loads(run.stdout))
    assert {r["status"] for r in results.values()} == {"unknown", "pinned"}
    assert all(any("connection failed" in x for x in r["reasons"])
               for r in results.values() if r["status"] == "unknown")
    assert snapshot(root) == before
    # Failures are not cached: the next run asks again.
    cache = Path(env["EFFDIFF_CACHE_DIR"])
    assert not list(cache.rglob("*.json"))
