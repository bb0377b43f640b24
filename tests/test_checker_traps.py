"""The traps real APIs set, one scenario each, through `effdiff check-venues --apply`.

One catalog holds one record per trap; the stub (a real loopback server) answers for
them the way the APIs do. Every scenario asserts the verdict and that `--apply` wrote
nothing wrong: an update writes the right venue and year, anything else leaves the file
byte for byte as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from checker_world import (
    ATTENTION_AUTHORS,
    crossref_chemcrow,
    crossref_item,
    dblp_info,
    dblp_wrong_top_hit,
    iclr2023_volume,
    new_catalog,
    openalex_chemcrow_works,
    record_text,
    s2_record,
    stub_env,
    write_records,
)
from stub_api import StubData, StubServer

from effdiff_catalog.records.catalog import load_catalog

AUTHORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
CHEMCROW_AUTHORS = ["Andres M Bran", "Sam Cox", "Andrew Dickson White", "Philippe Schwaller"]
CHEMCROW_TITLE = "ChemCrow: Augmenting large-language models with chemistry tools"
CHEMCROW_DOI = "10.1038/s42256-024-00832-8"
CVPR_2024 = "2024 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"


@dataclass(frozen=True)
class Trap:
    title: str
    arxiv: str | None
    published: str  # arXiv v1 date
    authors: tuple[str, ...] = tuple(AUTHORS)
    record_authors: tuple[str, ...] | None = None  # None: the same as arXiv's


TRAPS: dict[str, Trap] = {
    # Semantic Scholar's year is the arXiv year; the ICLR 2024 volume lists the paper.
    "s2-year-is-arxiv-year": Trap("Sparse Steps for Diffusion Sampling", "2310.01001",
                                  "2023-10-02"),
    # The same, with no other source: the year would come from Semantic Scholar alone.
    "s2-year-alone": Trap("Lonely Claims about Diffusion Caching", "2310.01002", "2023-10-03"),
    # Semantic Scholar says NeurIPS 2023, dblp has the paper at ICML 2023.
    "s2-and-dblp-disagree": Trap("Token Merging Revisited for Diffusion", "2305.02002",
                                 "2023-05-04"),
    # Published under another title: the arXiv id and the authors say it is the same.
    "renamed-on-publication": Trap("FastDiff: Fewer Steps by Feature Caching", "2306.03003",
                                   "2023-06-05"),
    # No authors in the record, none at Semantic Scholar; arXiv lists them; dblp has it.
    "authorless-s2-miss-dblp-hit": Trap("Consistency Distillation without Teachers",
                                        "2210.04004", "2022-10-06", record_authors=()),
    # No arXiv id; dblp's top hit for the title is another paper (recorded response).
    "confident-wrong-dblp-top-hit": Trap("Attention Is All You Need", None, "2017-06-12",
                                         authors=tuple(ATTENTION_AUTHORS)),
    # A workshop venues.yaml has no entry for: never proposed as ICML.
    "workshop-not-in-registry": Trap("Structured Inference for Diffusion Priors",
                                     "2306.06006", "2023-06-07"),
    # A workshop venues.yaml has (CVPRW): proposed as the workshop, for review only.
    "workshop-in-registry": Trap("Efficient Diffusion on the Edge", "2404.07007",
                                 "2024-04-08"),
    # OpenAlex keeps the journal version as a separate work (recorded responses).
    "openalex-separate-published-work": Trap(CHEMCROW_TITLE, "2304.05376", "2023-04-11",
                                             authors=tuple(CHEMCROW_AUTHORS)),
    # Crossref's deposit confirms the DOI Semantic Scholar gives, and the venue year.
    "crossref-confirms-doi": Trap("Latent Caching at Scale", "2311.08008", "2023-11-09"),
    # Crossref shows the DOI Semantic Scholar gives belongs to another paper.
    "crossref-refutes-doi": Trap("Guidance Distillation in Few Steps", "2311.09009",
                                 "2023-11-10"),
}


def trap_data() -> StubData:
    data = StubData()
    for trap in TRAPS.values():
        if trap.arxiv:
            data.arxiv[trap.arxiv] = {"title": trap.title, "authors": list(trap.authors),
                                      "published": f"{trap.published}T00:00:00Z",
                                      "summary": "Trap."}
    s2 = data.s2

    def s2_for(name: str, venue: str, year: int, **extra: Any) -> None:
        trap = TRAPS[name]
        assert trap.arxiv
        s2[trap.arxiv] = s2_record(trap.arxiv, trap.title, venue, year, list(trap.authors),
                                   **extra)

    s2_for("s2-year-is-arxiv-year", "ICLR", 2023)
    s2_for("s2-year-alone", "ICLR", 2023)
    s2_for("s2-and-dblp-disagree", "NeurIPS", 2023)
    s2_for("renamed-on-publication", "ICCV", 2023)
    s2["2306.03003"]["title"] = "Quantised Samplers at Scale"
    s2_for("workshop-not-in-registry",
           "ICML 2023 Workshop on Structured Probabilistic Inference", 2023)
    s2_for("workshop-in-registry", "CVPR 2024 Workshops", 2024)
    s2_for("openalex-separate-published-work", "Nature Machine Intelligence", 2023)
    s2_for("crossref-confirms-doi", "Computer Vision and Pattern Recognition", 2023,
           ids={"DOI": "10.1109/CVPR52733.2024.00777"})
    s2_for("crossref-refutes-doi", "Computer Vision and Pattern Recognition", 2024,
           ids={"DOI": "10.1109/CVPR52733.2024.00999"})
    data.dblp_volumes = {
        "db/conf/iclr/iclr2023.bht": [*iclr2023_volume(), dblp_info(
            "conf/iclr/LovelaceTH23", "Consistency Distillation without Teachers", "ICLR",
            2023, AUTHORS)],
        "db/conf/iclr/iclr2024.bht": [dblp_info(
            "conf/iclr/LovelaceTH24", "Sparse Steps for Diffusion Sampling", "ICLR", 2024,
            AUTHORS)],
        "db/conf/iccv/iccv2023.bht": [dblp_info(
            "conf/iccv/LovelaceTH23", "Quantised Samplers at Scale", "ICCV", 2023, AUTHORS)],
        "db/conf/cvpr/cvprw2024.bht": [dblp_info(
            "conf/cvpr/LovelaceTH24w", "Efficient Diffusion on the Edge", "CVPR Workshops",
            2024, AUTHORS)],
    }
    data.dblp = [
        dblp_info("conf/icml/LovelaceTH23", "Token Merging Revisited for Diffusion", "ICML",
                  2023, AUTHORS),
        dblp_wrong_top_hit(),
    ]
    data.openalex = openalex_chemcrow_works()
    data.crossref = {
        CHEMCROW_DOI: crossref_chemcrow(),
        "10.1109/cvpr52733.2024.00777": crossref_item(
            "10.1109/CVPR52733.2024.00777", "Latent Caching at Scale", CVPR_2024, 2024,
            AUTHORS),
        "10.1109/cvpr52733.2024.00999": crossref_item(
            "10.1109/CVPR52733.2024.00999", "A Completely Different Paper on Stereo Matching",
            CVPR_2024, 2024, ["Someone Else"]),
    }
    return data


def write_trap_catalog(root: Path) -> None:
    new_catalog(root)
    records = {}
    for name, trap in TRAPS.items():
        authors = list(trap.authors if trap.record_authors is None else trap.record_authors)
        records[name] = record_text(name, trap.title, authors, trap.arxiv,
                                    int(trap.published[:4]))
    write_records(root, records)


def effdiff(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], env=env,
                          capture_output=True, text=True, timeout=180)


@dataclass
class Applied:
    root: Path
    before: dict[str, bytes]
    after: dict[str, bytes]
    results: dict[str, dict[str, Any]]
    returncode: int

    def record(self, name: str) -> Any:
        catalog, _ = load_catalog(self.root)
        return catalog.by_id()[name]

    def unchanged(self, name: str) -> bool:
        return self.before[f"{name}.yaml"] == self.after[f"{name}.yaml"]


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "papers").iterdir())}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("traps")
    write_trap_catalog(tmp / "pristine")
    with StubServer(trap_data()) as stub:
        yield tmp, stub_env(stub, tmp / "cache")


def run_apply(world: tuple[Path, dict[str, str]], name: str, *extra: str) -> Applied:
    tmp, env = world
    root = tmp / name
    shutil.copytree(tmp / "pristine", root)
    before = snapshot(root)
    run = effdiff(["check-venues", "--root", str(root), "--format", "json", "--apply",
                   *extra], env)
    assert run.returncode in (0, 1), run.stderr
    results = {r["record_id"]: r for r in json.loads(run.stdout)["results"]}
    return Applied(root, before, snapshot(root), results, run.returncode)


@pytest.fixture(scope="module")
def applied(world: tuple[Path, dict[str, str]]) -> Applied:
    return run_apply(world, "applied")


def test_every_trap_is_in_the_run_and_only_updates_are_written(applied: Applied) -> None:
    assert set(applied.results) == set(TRAPS)
    changed = {name for name in TRAPS if not applied.unchanged(name)}
    assert changed == {n for n, r in applied.results.items() if r["status"] == "update"}
    assert applied.returncode == 1


def test_s2_year_equal_to_arxiv_year_is_not_the_venue_year(applied: Applied) -> None:
    result = applied.results["s2-year-is-arxiv-year"]
    assert (result["status"], result["venue"], result["year"]) == ("update", "iclr", 2024)
    assert any("semanticscholar's 2023 is the preprint's year" in r for r in result["reasons"])
    record = applied.record("s2-year-is-arxiv-year")
    assert (record.venue, record.year) == ("iclr", 2024)


def test_a_year_only_semantic_scholar_gives_is_for_review(applied: Applied) -> None:
    result = applied.results["s2-year-alone"]
    assert result["status"] == "review"
    assert any("comes only from semanticscholar's year" in r for r in result["reasons"])
    assert applied.unchanged("s2-year-alone")


def test_s2_and_dblp_disagreeing_is_a_conflict_never_applied(applied: Applied) -> None:
    result = applied.results["s2-and-dblp-disagree"]
    assert result["status"] == "conflict"
    assert "NeurIPS 2023" in result["reasons"][0] and "ICML 2023" in result["reasons"][0]
    assert applied.unchanged("s2-and-dblp-disagree")


def test_renamed_paper_is_matched_by_authors_and_held_for_review(applied: Applied) -> None:
    result = applied.results["renamed-on-publication"]
    assert (result["status"], result["venue"], result["year"]) == ("review", "iccv", 2023)
    assert set(result["source"].split(", ")) == {"dblp", "semanticscholar"}
    held = next(r for r in result["reasons"] if "renamed" in r)
    assert "Quantised Samplers at Scale" in held and "FastDiff: Fewer Steps" in held
    assert applied.unchanged("renamed-on-publication")


def test_authorless_record_is_matched_with_the_authors_arxiv_gives(applied: Applied) -> None:
    result = applied.results["authorless-s2-miss-dblp-hit"]
    assert (result["status"], result["venue"], result["year"]) == ("review", "iclr", 2023)
    assert result["matched"] == ["dblp:conf/iclr/LovelaceTH23"]
    assert any("author surnames 100%" in r for r in result["reasons"])
    assert applied.unchanged("authorless-s2-miss-dblp-hit")


def test_confident_wrong_dblp_top_hit_is_rejected(applied: Applied) -> None:
    result = applied.results["confident-wrong-dblp-top-hit"]
    assert (result["status"], result["unknown_reason"]) == ("unknown", "not-published")
    assert any("1 hit(s) rejected" in r for r in result["reasons"])
    assert applied.unchanged("confident-wrong-dblp-top-hit")


def test_unregistered_workshop_is_never_its_main_conference(applied: Applied) -> None:
    result = applied.results["workshop-not-in-registry"]
    assert (result["status"], result["unknown_reason"]) == ("unknown", "not-in-registry")
    assert result["venue"] is None
    assert any("is a workshop without an entry" in r for r in result["reasons"])
    assert applied.unchanged("workshop-not-in-registry")


def test_registered_workshop_is_proposed_as_the_workshop_for_review(applied: Applied) -> None:
    result = applied.results["workshop-in-registry"]
    assert (result["status"], result["venue"], result["year"]) == (
        "review", "cvpr-workshops", 2024)
    assert any("a workshop paper" in r for r in result["reasons"])
    assert applied.unchanged("workshop-in-registry")


def test_openalex_separate_published_work_found_by_title(applied: Applied) -> None:
    result = applied.results["openalex-separate-published-work"]
    assert (result["status"], result["venue"], result["year"]) == ("update", "natmi", 2024)
    assert set(result["source"].split(", ")) == {"crossref", "openalex", "semanticscholar"}
    assert "OpenAlex:W4396723768" in result["matched"]
    record = applied.record("openalex-separate-published-work")
    assert (record.venue, record.year, record.doi) == ("natmi", 2024, CHEMCROW_DOI)


def test_crossref_confirms_the_doi_and_the_venue_year(applied: Applied) -> None:
    result = applied.results["crossref-confirms-doi"]
    assert (result["status"], result["venue"], result["year"]) == ("update", "cvpr", 2024)
    assert result["doi"] == "10.1109/CVPR52733.2024.00777"
    record = applied.record("crossref-confirms-doi")
    assert (record.venue, record.year, record.doi) == ("cvpr", 2024,
                                                       "10.1109/CVPR52733.2024.00777")


def test_crossref_refuting_a_doi_keeps_it_out(applied: Applied) -> None:
    result = applied.results["crossref-refutes-doi"]
    assert result["status"] == "review" and result["doi"] is None
    assert any("registered for another paper" in r for r in result["reasons"])
    assert applied.unchanged("crossref-refutes-doi")


def test_accept_review_writes_candidates_but_never_conflicts(
    world: tuple[Path, dict[str, str]],
) -> None:
    run = run_apply(world, "accept-review", "--accept", "review")
    assert (run.record("workshop-in-registry").venue, run.record("renamed-on-publication").venue
            ) == ("cvpr-workshops", "iccv")
    assert run.record("crossref-refutes-doi").doi is None
    for name, result in run.results.items():
        if result["status"] in ("conflict", "unknown"):
            assert run.unchanged(name), name
