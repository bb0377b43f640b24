"""`effdiff discover` end to end: a real subprocess against the loopback stub, on the real
catalog, the real ICLR 2023 volume, a synthetic week of arXiv and synthetic citations of
the survey (tests/discover_world.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from checker_world import stub_env
from discover_world import (
    DBLP_ONLY_DOI,
    DEEPCACHE_ARXIV,
    HOSTILE_ARXIV,
    MERGED_ARXIV,
    SURVEY,
    SUSPECT_ARXIV,
    WEEK_OPTIONS,
    copy_catalog,
    world_data,
)
from stub_api import StubServer

from effdiff_catalog.checker.config import discover_variables, environment_variables
from effdiff_catalog.records.catalog import load_catalog

World = tuple[Path, StubServer, dict[str, str]]
ICLR_IN_CATALOG = 7  # ICLR 2023 papers the catalog holds (by title or link)


def effdiff(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it, stdin not a terminal."""
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def discover(world: World, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    root, _stub, env = world
    return effdiff(["discover", "--root", str(root), *WEEK_OPTIONS, "--citations", *args],
                   {**env, **extra})


def report(world: World, *args: str, **extra: str) -> tuple[int, dict[str, Any]]:
    run = discover(world, "--format", "json", "--top", "0", *args, **extra)
    assert run.stdout, run.stderr
    return run.returncode, json.loads(run.stdout)


def ids(data: dict[str, Any]) -> list[str]:
    return [c["id"] for c in data["candidates"]]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "papers").iterdir())}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    root = copy_catalog(tmp_path / "catalog")
    with StubServer(world_data()) as stub:
        # Generous timeouts: a busy test machine must not turn into a failing source.
        yield root, stub, stub_env(stub, tmp_path / "cache", **{
            f"EFFDIFF_{s}_TIMEOUT": "10" for s in ("ARXIV", "S2", "DBLP", "OPENALEX",
                                                    "CROSSREF")})


def test_one_volume_a_week_of_arxiv_and_the_citations_then_a_warm_rerun_asks_nobody(
    world: World,
) -> None:
    root, stub, _env = world
    status, data = report(world)
    assert status == 1  # candidates found
    # 1,574 records at 1,000 a page; 62 submissions in one page; 5 citing papers in one.
    assert data["requests"] == {"dblp": 2, "arxiv": 1, "semanticscholar": 1}
    tocs = [(r.query["q"][0], r.query["f"][0]) for r in stub.requests("dblp")]
    assert tocs == [("toc:db/conf/iclr/iclr2023.bht:", "0"), ("toc:db/conf/iclr/iclr2023.bht:",
                                                             "1000")]
    (search,) = stub.requests("arxiv")
    assert search.query["search_query"] == [
        "(cat:cs.CV OR cat:cs.LG OR cat:cs.AI) AND submittedDate:[202611020000 TO 202611082359]"]
    assert search.query["sortBy"] == ["submittedDate"]
    (cited,) = stub.requests("s2")
    assert cited.path == f"/s2/graph/v1/paper/ARXIV:{SURVEY}/citations"
    assert "externalIds" in cited.query["fields"][0] and cited.query["limit"] == ["1000"]
    counts = data["counts"]
    assert counts["found"] == counts["new"] + counts["in_catalog"] + counts[
        "possible_duplicates"] + counts["rejected"]
    in_catalog = {c["id"]: c for c in data["left_out"]["in_catalog"]}
    assert len(in_catalog) == ICLR_IN_CATALOG + 1
    assert in_catalog[DEEPCACHE_ARXIV]["how"] == "same arXiv id"  # cited under a v2 title
    assert [d["id"] for d in data["left_out"]["possible_duplicates"]] == [SUSPECT_ARXIV]
    found = {c["id"]: c for c in data["candidates"]}
    assert len(found) == counts["new"] == len(data["candidates"])
    assert not set(found) & set(in_catalog)
    assert found[MERGED_ARXIV]["found_in"] == ["dblp ICLR 2023", "arXiv", "cites the survey"]
    assert found[DBLP_ONLY_DOI]["url"] == f"https://doi.org/{DBLP_ONLY_DOI}"
    assert "s2:s2only" in found
    taxonomy = load_catalog(root)[0].taxonomy
    for candidate in data["candidates"][:20]:
        assert len(candidate["sections"]) == 3
        assert all(s["path"] in taxonomy for s in candidate["sections"])
        assert candidate["terms"] and candidate["neighbours"]
        assert candidate["accept"].endswith(f"--category {candidate['sections'][0]['path']}")
    n = len(stub.log)
    status_again, again = report(world)
    assert status_again == 1 and len(stub.log) == n  # a warm rerun makes no request
    assert set(again["requests"].values()) == {0} and again["cache"]["misses"] == 0
    assert [(c["id"], c["score"]) for c in again["candidates"]] == [
        (c["id"], c["score"]) for c in data["candidates"]]


def test_the_issue_body_has_a_checkbox_each_and_escapes_what_sources_say(world: World) -> None:
    run = discover(world, "--format", "markdown", "--top", "0")
    assert run.returncode == 1, run.stderr
    body = run.stdout
    assert body.startswith("## Candidate papers\n")
    items = [line for line in body.splitlines() if line.startswith("- [ ] **")]
    assert len(items) == body.count("  - accept: `effdiff discover ")
    hostile = next(line for line in items if HOSTILE_ARXIV in line)
    assert "\\<script\\>" in hostile and "<script>" not in hostile.replace("\\<", "")
    assert not re.search(r"(?<!\\)\]\(javascript:", hostile)  # no link, only its text
    assert "\\[click\\]" in hostile
    assert f"(https://arxiv.org/abs/{HOSTILE_ARXIV})" in hostile
    assert "Eve \\| Mallory" in hostile
    assert "### Sources" in body and "### Left out as possible duplicates" in body
    top = discover(world, "--format", "markdown")
    assert top.stdout.count("- [ ] **") == 30 and "more not shown" in top.stdout


def test_the_table_fits_the_terminal(world: World) -> None:
    root, _stub, env = world
    run = discover(world, "--top", "10", COLUMNS="80")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "Candidate papers" and max(len(line) for line in lines) <= 80
    assert sum(line.startswith("      sections: ") for line in lines) == 10


def test_rejected_candidates_never_come_back_in_another_version_or_source(
    world: World,
) -> None:
    root, stub, _env = world
    rejected = root / "discovery" / "rejected.yaml"
    assert rejected.exists()  # the repository's file, with its header
    first = discover(world, "--reject", "2611.00003", "--reject", "dblp:conf/iclr/VargasGD23",
                     "--reason", "not about efficiency")
    assert first.returncode == 0, first.stderr
    entries = yaml.safe_load(rejected.read_text(encoding="utf-8"))["rejected"]
    assert [(e["id"], e["reason"]) for e in entries] == [
        ("2611.00003", "not about efficiency"), ("dblp:conf/iclr/VargasGD23",
                                                 "not about efficiency")]
    assert entries[1]["title"] == "Denoising Diffusion Samplers"
    assert rejected.read_text(encoding="utf-8").startswith("# Candidate papers the maintainers")
    # A new version of the first, renamed; the second submitted to arXiv under a new id.
    stub.data.arxiv["2611.00003"].update(title="A Renamed Second Version", version=2)
    stub.data.arxiv["2611.09100"] = {**stub.data.arxiv["2611.00004"],
                                     "title": "Denoising Diffusion Samplers"}
    status, data = report(world, EFFDIFF_CACHE_TTL="0")  # ask the sources again
    assert status == 1
    assert not {"2611.00003", "2611.09100", "dblp:conf/iclr/VargasGD23"} & set(ids(data))
    assert {r["rejected_as"] for r in data["left_out"]["rejected"]} == {
        "2611.00003", "dblp:conf/iclr/VargasGD23"}
    before = rejected.read_bytes()
    again = discover(world, "--reject", "arXiv:2611.00003v2", "--reason", "still no")
    assert again.returncode == 0 and "already rejected" in again.stdout
    assert rejected.read_bytes() == before
    no_reason = discover(world, "--reject", "2611.00005")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr


def test_accept_files_an_arxiv_candidate_through_add_and_a_proceedings_one_from_its_record(
    world: World,
) -> None:
    root, _stub, _env = world
    before = snapshot(root)
    arxiv = discover(world, "--accept", "2611.00005", "--category",
                     "algorithm/compression/quantization")
    assert arxiv.returncode == 0, arxiv.stderr
    proceedings = discover(world, "--accept", "dblp:conf/iclr/TevetRGSCB23", "--category",
                           "algorithm/efficient-training/latent-diffusion")
    assert proceedings.returncode == 0, proceedings.stderr
    added = sorted(set(snapshot(root)) - set(before))
    assert len(added) == 2, (arxiv.stdout, proceedings.stdout)
    catalog, diagnostics = load_catalog(root)
    assert not [d for d in diagnostics if d.severity == "error"]
    records = {p.id: p for p in catalog.papers() if f"{p.id}.yaml" in added}
    preprint = next(p for p in records.values() if p.arxiv == "2611.00005")
    assert preprint.venue == "arxiv" and preprint.categories == [
        "algorithm/compression/quantization"] and preprint.citation_key
    motion = next(p for p in records.values() if p.title == "Human Motion Diffusion Model")
    assert (motion.venue, motion.year) == ("iclr", 2023) and motion.links.paper
    assert motion.categories == ["algorithm/efficient-training/latent-diffusion"]
    _, data = report(world)
    assert not {"2611.00005", "dblp:conf/iclr/TevetRGSCB23"} & set(ids(data))


def test_accept_without_a_category_lists_the_suggestions_and_writes_nothing(
    world: World,
) -> None:
    root, _stub, _env = world
    before = snapshot(root)
    run = discover(world, "--accept", "dblp:conf/iclr/ZhangTC23")
    assert run.returncode == 2, run.stderr
    assert "not accepted: no --category given; suggested: algorithm/" in run.stderr
    assert snapshot(root) == before
    unknown = discover(world, "--accept", "dblp:conf/iclr/NoSuchPaper23", "--category",
                       "algorithm/compression/quantization")
    assert unknown.returncode == 1 and "not among the candidates gathered" in unknown.stderr


def test_add_without_a_category_fails_with_the_suggestions_when_nobody_can_answer(
    world: World,
) -> None:
    root, _stub, env = world
    before = snapshot(root)
    run = effdiff(["add", "--root", str(root), "2611.00005"], env)
    assert run.returncode == 2
    assert "2611.00005: not added: no --category given; suggested: " in run.stderr
    suggested = run.stderr.split("suggested: ", 1)[1].split(", ")
    assert len(suggested) == 3 and all("/" in s for s in suggested)
    assert snapshot(root) == before


FAULTS = {
    # name: (stub source, faults, extra env, the API named in the report, reason shown)
    "dblp-down": ("dblp", ["503"] * 3, {}, "dblp", "HTTP 503"),
    "dblp-reset": ("dblp", ["reset"] * 3, {}, "dblp", "connection failed"),
    "arxiv-error-feed": ("arxiv", ["error-feed"], {}, "arxiv", "incorrect id format"),
    "arxiv-second-page": ("arxiv", ["pass", "503", "503", "503"],
                          {"EFFDIFF_ARXIV_SEARCH_PAGE": "20"}, "arxiv", "HTTP 503"),
    "s2-429": ("s2", ["429:0.1"] * 3, {}, "semanticscholar", "HTTP 429 (Retry-After 0.1"),
    # The answer comes long after the timeout: even a run whose event loop is busy
    # parsing a dblp page for a while sees it time out.
    "s2-timeout": ("s2", ["timeout:3"] * 3, {"EFFDIFF_S2_TIMEOUT": "0.3"},
                   "semanticscholar", "timed out"),
    "s2-malformed": ("s2", ["malformed"], {}, "semanticscholar", "not JSON"),
}


RERUN = {"dblp-down", "arxiv-second-page", "s2-429"}  # each source's failure, asked again


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_a_failing_source_is_reported_and_the_run_completes_with_the_others(
    world: World, name: str,
) -> None:
    _root, stub, _env = world
    source, faults, extra, api, reason = FAULTS[name]
    stub.add_fault(source, *faults)
    status, data = report(world, **extra)
    assert status == 3  # a source failed: never "nothing new"
    failed = {s["source"]: s["errors"] for s in data["sources"] if s["errors"]}
    assert list(failed) == [api] and any(reason in e for e in failed[api]), failed
    others = {s["source"]: s["found"] for s in data["sources"] if s["source"] != api}
    assert all(others.values()) and data["candidates"]
    if api != "arxiv":
        assert "2611.00003" in ids(data)  # the week's submissions are still there
    if name == "arxiv-second-page":
        assert next(s for s in data["sources"] if s["source"] == "arxiv")["found"] == 20
    if name not in RERUN:
        return
    # Failures are never cached: a rerun asks the failed source again, and only it.
    status, again = report(world, **extra)
    assert status == 1 and not any(s["errors"] for s in again["sources"])
    asked = {k for k, v in again["requests"].items() if v}
    assert asked == {api}


def test_offline_with_an_empty_cache_could_not_look_and_asks_nobody(world: World) -> None:
    _root, stub, _env = world
    status, data = report(world, "--offline")
    assert status == 3 and data["offline"] is True
    assert all("offline, and not in the cache" in " ".join(s["errors"]) for s in data["sources"])
    assert stub.log == []


@pytest.mark.parametrize("args, message", [
    (["--venue", "no-such-venue"], "unknown venue"),
    (["--no-volumes", "--year", "2023"], "--no-volumes"),
    (["--arxiv-until", "2026-11-09"], "need --arxiv-since"),
    (["--arxiv-since", "2026-11-09", "--arxiv-until", "2026-11-02"], "window is empty"),
    (["--arxiv-since", "last week"], "YYYY-MM-DD"),
    (["--arxiv-since", "2026-11-02", "--arxiv-category", "cs CV"], "not an arXiv category"),
    (["--cites-catalog", "1"], "2 or more"),
    (["--accept", "2611.00005", "--reject", "2611.00006"], "separate runs"),
    (["--category", "algorithm/compression/quantization"], "--category goes with --accept"),
])
def test_usage_errors_exit_2_before_asking_anyone(world: World, args: list[str],
                                                  message: str) -> None:
    root, stub, env = world
    run = effdiff(["discover", "--root", str(root), *args], env)
    assert run.returncode == 2 and message in run.stderr, run.stderr
    assert stub.log == []


def test_papers_citing_several_catalog_papers_are_candidates(world: World) -> None:
    root, stub, env = world
    catalog, _ = load_catalog(root)
    cited = sorted(p.arxiv for p in catalog.papers() if p.arxiv)[:3]
    both = {"paperId": "two", "title": "Caching Attention for Faster Diffusion Transformers",
            "externalIds": {"ArXiv": "2611.07777"}}
    once = {"paperId": "one", "title": "A Diffusion Paper Citing One Catalog Paper",
            "externalIds": {"ArXiv": "2611.07778"}}
    stub.data.s2_citations.update({f"ARXIV:{cited[0]}": [both, once],
                                   f"ARXIV:{cited[1]}": [both], f"ARXIV:{cited[2]}": []})
    run = effdiff(["discover", "--root", str(root), "--no-volumes", "--cites-catalog", "2",
                   "--format", "json", "--top", "0"], env)
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert ids(data) == ["2611.07777"]
    assert data["candidates"][0]["found_in"] == ["cites 2 catalog papers"]
    assert data["requests"]["semanticscholar"] == len({p.arxiv for p in catalog.papers()
                                                       if p.arxiv})
    assert any("has no paper for" in n for s in data["sources"] for n in s["notes"])
    assert data["notes"] and "not ranked" in data["notes"][0]  # one candidate: too few


def test_help_lists_the_exit_statuses_and_every_variable() -> None:
    run = subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", "discover", "--help"],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COLUMNS": "120"})
    assert run.returncode == 0
    text = " ".join(run.stdout.split())
    assert "3 a source failed" in text and "1 candidates found" in text
    for name, _meaning in [*environment_variables(), *discover_variables()]:
        assert name in run.stdout, name


def test_add_without_a_category_asks_on_a_terminal_and_files_the_chosen_section(
    world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In process, with typer's runner as the terminal: only "is stdin a terminal?" is
    answered for it; the prompt, the suggestions and the write are the real ones."""
    from typer.testing import CliRunner

    import effdiff_catalog.cli as cli
    from effdiff_catalog.cli import checker

    root, _stub, env = world
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(checker, "chooser", lambda: checker.ask_sections)
    result = CliRunner().invoke(cli.app, ["add", "--root", str(root), "2611.00005"],
                                input="2\n")
    assert result.exit_code == 0, result.output
    shown = [line.split(". ", 1)[1] for line in result.output.splitlines()
             if line.startswith(("  1. ", "  2. ", "  3. "))]
    assert len(shown) == 3
    path = Path(next(line for line in result.output.splitlines() if line.endswith(".yaml")))
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["categories"] == [shown[1].rsplit(" (", 1)[0]]  # the second suggestion


def test_the_docs_page_lists_the_exit_statuses_and_every_discover_variable() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "discover.md").read_text("utf-8")
    assert not [name for name, _ in discover_variables() if f"`{name}`" not in docs]
    for row in ("| 0 | no new candidate", "| 1 | candidates found", "| 3 | a source could"):
        assert row in docs
