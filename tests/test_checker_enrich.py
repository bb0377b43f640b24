"""`effdiff enrich`: fields filled only where two sources agree, never over a present value
without --update, written atomically with comments kept; against the loopback stub."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from checker_world import (
    DEEPCACHE_AUTHORS,
    DEEPCACHE_DOI,
    DEEPCACHE_TITLE,
    FASTER_TITLE,
    build_catalog,
    dblp_info,
    s2_record,
    stub_data,
    stub_env,
    write_records,
)
from stub_api import StubServer

from effdiff_catalog.checker.enrich import Candidate, propose, same_authors
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Paper

ABSTRACT = "Diffusion models have recently gained attention."
PUBLISHED = """# yaml-language-server: $schema=../schema/record.schema.json
# Published version; its arXiv id is not known yet.
id: deepcache-2024
title: "DeepCache: Accelerating Diffusion Models for Free"
authors:
  - Xinyin Ma
  - Gongfan Fang
  - Xinchao Wang
venue: cvpr
year: 2024
doi: 10.1109/CVPR52733.2024.01492
citation_key: ma2024deepcache
categories:
  - system/caching-technique
added: 2024-06-09
"""


def effdiff(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], env=env,
                          capture_output=True, text=True, timeout=180)


def fields(report: dict[str, Any], record_id: str) -> dict[str, dict[str, Any]]:
    result = next(r for r in report["results"] if r["record_id"] == record_id)
    return {p["name"]: p for p in result["proposals"]}


@pytest.fixture
def world(tmp_path: Path) -> Any:
    """The checker's catalog, with DeepCache as a published record that lacks its arXiv
    id, and the authorless preprint of Faster Sampler."""
    root = tmp_path / "catalog"
    build_catalog(root)
    (root / "papers" / "deepcache-2023.yaml").unlink()
    faster = root / "papers" / "faster-sampler-2022.yaml"
    text = faster.read_text()
    start, end = text.index("authors:"), text.index("venue: arxiv")
    faster.write_text(text[:start] + "authors: []  # to be found\n" + text[end:]
                      .replace("citation_key: fastersampler2022\n", ""))
    write_records(root, {"deepcache-2024": PUBLISHED})
    data = stub_data()
    data.s2["2312.00858"]["abstract"] = ABSTRACT
    data.s2["2210.00001"] = s2_record("2210.00001", FASTER_TITLE, "arXiv.org", 2022,
                                      ["Alice Keller", "Bo Chen", "Carla Diaz"])
    data.dblp.append(dblp_info("journals/corr/abs-2312-00858", DEEPCACHE_TITLE, "CoRR", 2023,
                               DEEPCACHE_AUTHORS, type="Informal and Other Publications",
                               ee="https://arxiv.org/abs/2312.00858"))
    with StubServer(data) as stub:
        yield root, stub, stub_env(stub, tmp_path / "cache")


def test_enrich_fills_what_two_sources_agree_on_and_keeps_the_rest(world: Any) -> None:
    root, _stub, env = world
    before = {p.name: p.read_bytes() for p in (root / "papers").iterdir()}
    run = effdiff(["enrich", "--root", str(root), "--format", "json"], env)
    assert run.returncode == 1, run.stderr  # fields filled
    report = json.loads(run.stdout)
    published = fields(report, "deepcache-2024")
    assert (published["arxiv"]["status"], published["arxiv"]["value"]) == ("fill", "2312.00858")
    assert set(published["arxiv"]["sources"]) == {"arxiv", "dblp", "semanticscholar"}
    assert published["abstract"]["status"] == "fill"  # arXiv's and Semantic Scholar's agree
    faster = fields(report, "faster-sampler-2022")
    assert faster["authors"]["value"] == ["Alice Keller", "Bo Chen", "Carla Diaz"]
    assert faster["authors"]["status"] == "fill"
    assert faster["abstract"]["status"] == "review"  # arXiv alone
    assert faster["citation_key"]["value"] == "keller2022faster"  # from the filled authors
    catalog, diagnostics = load_catalog(root)
    assert not [d for d in diagnostics if d.severity == "error"]
    records = catalog.by_id()
    deepcache = records["deepcache-2024"]
    assert isinstance(deepcache, Paper)
    assert (deepcache.arxiv, deepcache.abstract) == ("2312.00858", ABSTRACT)
    assert records["faster-sampler-2022"].citation_key == "keller2022faster"  # type: ignore[union-attr]
    assert records["faster-sampler-2022"].abstract is None  # type: ignore[union-attr]
    text = (root / "papers" / "deepcache-2024.yaml").read_text()
    assert "# Published version; its arXiv id is not known yet." in text
    assert "doi: 10.1109/CVPR52733.2024.01492\narxiv: '2312.00858'" not in text  # key order
    changed = {n for n, b in before.items() if (root / "papers" / n).read_bytes() != b}
    assert changed == {"deepcache-2024.yaml", "faster-sampler-2022.yaml"}


def test_dry_run_writes_nothing_and_review_needs_accept(world: Any) -> None:
    root, _stub, env = world
    before = {p.name: p.read_bytes() for p in (root / "papers").iterdir()}
    dry = effdiff(["enrich", "--root", str(root), "--dry-run"], {**env, "COLUMNS": "80"})
    assert dry.returncode == 1, dry.stderr
    assert max(len(line) for line in dry.stdout.splitlines()) <= 80
    assert {p.name: p.read_bytes() for p in (root / "papers").iterdir()} == before
    accepted = effdiff(["enrich", "--root", str(root), "--accept", "review", "--format",
                        "json"], env)
    assert accepted.returncode == 1
    faster = load_catalog(root)[0].by_id()["faster-sampler-2022"]
    assert faster.abstract == "We ..."  # type: ignore[union-attr]


def test_a_present_value_changes_only_with_update(world: Any) -> None:
    root, _stub, env = world
    path = root / "papers" / "paperqa-2023.yaml"
    path.write_text(path.read_text().replace('  - "Andrew D. White"\n', ""))
    before = path.read_text()
    kept = effdiff(["enrich", "--root", str(root), "--id", "paperqa-2023", "--format",
                    "json"], env)
    assert "authors" not in fields(json.loads(kept.stdout), "paperqa-2023")
    shown = effdiff(["enrich", "--root", str(root), "--id", "paperqa-2023", "--update",
                     "--dry-run", "--format", "json"], env)
    authors = fields(json.loads(shown.stdout), "paperqa-2023")["authors"]
    assert authors["status"] == "update" and set(authors["sources"]) == {
        "arxiv", "openalex", "semanticscholar"}
    assert path.read_text() == before
    effdiff(["enrich", "--root", str(root), "--id", "paperqa-2023", "--update"], env)
    record = load_catalog(root)[0].by_id()["paperqa-2023"]
    assert isinstance(record, Paper)
    assert record.authors[-1] == "Andrew D. White"
    assert "# keep as a string" in path.read_text()


def test_enrich_reports_an_outage_and_writes_nothing(world: Any) -> None:
    root, _stub, env = world
    before = {p.name: p.read_bytes() for p in (root / "papers").iterdir()}
    dead = {k: "http://127.0.0.1:9" for k in env if k.endswith("_URL")}
    run = effdiff(["enrich", "--root", str(root), "--format", "json"], {**env, **dead})
    assert run.returncode == 3
    # Not even the citation key: without its authors the record would get a title key.
    key = fields(json.loads(run.stdout), "faster-sampler-2022")["citation_key"]
    assert (key["status"], key["value"]) == ("review", "faster2022sampler")
    assert {p.name: p.read_bytes() for p in (root / "papers").iterdir()} == before


def test_sources_that_disagree_are_a_conflict_never_a_fill() -> None:
    proposal = propose("authors", [], [
        Candidate("arxiv", ["Ada Lovelace", "Alan Turing"]),
        Candidate("semanticscholar", ["Ada Lovelace", "Grace Hopper"])], update=False)
    assert proposal is not None and (proposal.status, proposal.value) == ("conflict", None)
    one = propose("doi", None, [Candidate("semanticscholar", DEEPCACHE_DOI)], update=False)
    assert one is not None and one.status == "review"


def test_author_lists_agree_across_name_orders_and_initials() -> None:
    assert same_authors(["Wei Zhang", "Andrew D. White"], ["Zhang Wei", "Andrew White"])
    assert not same_authors(["Wei Zhang", "Andrew White"], ["Andrew White", "Wei Zhang"])
    assert not same_authors(["Wei Zhang"], ["Wei Zhang", "Andrew White"])


def test_real_name_spellings_of_one_author_list_agree() -> None:
    arxiv = ["Jakub Lála", "Odhran O'Donoghue", "Andrew D. White"]
    s2 = ["Jakub L'ala", "Odhran O'Donoghue", "Andrew D. White"]  # recorded S2 spelling
    openalex = ["Jakub Lála", "Odhran O’Donoghue", "Andrew Dickson White"]  # recorded
    assert same_authors(arxiv, s2) and same_authors(arxiv, openalex)
