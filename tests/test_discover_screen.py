"""What discover keeps: one candidate per paper, none the catalog holds (under any title
or version), none the maintainers rejected; and the rejection file itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from effdiff_catalog.discover.candidates import Candidate
from effdiff_catalog.discover.project import Paper, load_catalog
from effdiff_catalog.discover.rejected import (
    REJECTED_FILE,
    RejectedFileError,
    RejectedIndex,
    Rejection,
    append_rejections,
    load_rejections,
)
from effdiff_catalog.discover.run import rank_new
from effdiff_catalog.discover.screen import Screened, merge, screen
from effdiff_catalog.identity import DuplicateIndex

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    catalog, _ = load_catalog(REPO)
    return catalog.papers()


def deepcache(papers: list[Paper]) -> Paper:
    return next(p for p in papers if p.arxiv == "2312.00858")


def test_one_paper_from_three_sources_is_one_candidate_with_every_id() -> None:
    dblp = Candidate(key="dblp:conf/iclr/LipmanCBNL23", title="Flow Matching for Generative "
                     "Modeling.", venue="ICLR", year=2023, found_in=("dblp ICLR 2023",))
    preprint = Candidate(key="2210.02747", title="Flow Matching for Generative Modeling",
                         arxiv="2210.02747", abstract="CNFs.", found_in=("arXiv",))
    cited = Candidate(key="2210.02747", title="Flow matching for generative modeling",
                      arxiv="2210.02747", found_in=("cites the survey",))
    merged = merge([dblp, preprint, cited])
    assert len(merged) == 1
    one = merged[0]
    assert (one.key, one.ident, one.venue, one.abstract) == (dblp.key, "2210.02747", "ICLR",
                                                            "CNFs.")
    assert one.found_in == ("dblp ICLR 2023", "arXiv", "cites the survey")


def test_two_papers_sharing_a_title_but_not_an_arxiv_id_stay_two() -> None:
    a = Candidate(key="2301.00001", title="Diffusion Models", arxiv="2301.00001")
    b = Candidate(key="2301.00002", title="Diffusion Models", arxiv="2301.00002")
    assert [c.key for c in merge([a, b])] == ["2301.00001", "2301.00002"]


def test_a_catalog_paper_under_another_versions_title_is_not_a_candidate(
    papers: list[Paper],
) -> None:
    paper = deepcache(papers)
    renamed = Candidate(key=f"{paper.arxiv}", title="DeepCache v2: Training-Free Acceleration",
                        arxiv=paper.arxiv)
    published = Candidate(key="dblp:conf/cvpr/MaFW24", title=f"{paper.title}.", venue="CVPR")
    fresh = Candidate(key="2611.00001", title="A New Sampler for Diffusion", arxiv="2611.00001")
    screened = screen([renamed, published, fresh], DuplicateIndex.of(papers), RejectedIndex([]))
    assert [c.key for c in screened.new] == ["2611.00001"]
    assert {(c.key, m.record_id, m.how) for c, m in screened.known} == {
        ("2312.00858", paper.id, "same arXiv id"),
        ("dblp:conf/cvpr/MaFW24", paper.id, "same normalised title")}


def test_the_same_title_with_another_arxiv_id_is_left_out_as_a_suspected_duplicate(
    papers: list[Paper],
) -> None:
    paper = deepcache(papers)
    twin = Candidate(key="2505.01234", title=paper.title, arxiv="2505.01234")
    screened = screen([twin], DuplicateIndex.of(papers), RejectedIndex([]))
    assert screened.new == [] and screened.known == []
    (candidate, match), = screened.suspected
    assert match.record_id == paper.id and not match.certain
    assert match.describe() == "same normalised title, but another arXiv id"


def rejection(ident: str, title: str) -> Rejection:
    return Rejection(id=ident, title=title, reason="off topic", date=TODAY)


def test_rejected_candidates_never_come_back_by_id_version_or_title() -> None:
    refused = RejectedIndex([rejection("2611.00007", "Crop Yield Forecasting"),
                             rejection("dblp:conf/iclr/X23", "Graph Pooling Revisited")])
    again = [
        Candidate(key="2611.00007", title="Crop Yield Forecasting", arxiv="2611.00007"),
        # a new version, renamed: the same arXiv id
        Candidate(key="2611.00007", title="Crop Yield Forecasting at Scale (v2)",
                  arxiv="2611.00007"),
        # the proceedings record of the first, no arXiv id: the same title
        Candidate(key="dblp:conf/kdd/Y27", title="Crop yield forecasting.", venue="KDD"),
        # the same dblp key, id written another way
        Candidate(key="DBLP:conf/iclr/X23", title="Graph Pooling Revisited"),
    ]
    for candidate in again:
        found = refused.find(candidate)
        assert found is not None, candidate
    screened = screen(again, DuplicateIndex(), refused)
    # the arXiv versions and the proceedings record are one paper: two candidates in all
    assert screened.new == [] and len(screened.rejected) == 2
    other = Candidate(key="2611.00008", title="Crop Yield Forecasting", arxiv="2611.00008")
    assert refused.find(other) is not None  # suspected by title: stays out too


def test_rejections_append_atomically_keep_comments_and_read_back(tmp_path: Path) -> None:
    path = append_rejections(tmp_path, [rejection("2611.00007", "A: B")])
    assert path == tmp_path / REJECTED_FILE
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Candidate papers the maintainers refused")
    assert 'id: "2611.00007"' in text  # quoted: an arXiv id is not a number
    path.write_text(text + "  # checked with the first author\n", encoding="utf-8")
    append_rejections(tmp_path, [rejection("10.1109/CVPR.2023.1", "C # not a comment")])
    text = path.read_text(encoding="utf-8")
    assert "# checked with the first author" in text
    assert [r.id for r in load_rejections(tmp_path)] == ["2611.00007", "10.1109/CVPR.2023.1"]
    assert load_rejections(tmp_path)[1].title == "C # not a comment"


@pytest.mark.parametrize("text, problem", [
    ("rejected:\n  - id: x\n    title: t\n    reason: r\n    date: 2026-11-30\n    by: me\n",
     "rejected.0.by"),
    ("rejected:\n  - id: x\n    title: t\n    date: 2026-11-30\n", "rejected.0.reason"),
    ("rejected: &a [*a]\n", "nesting deeper"),  # an alias bomb
    ("rejected: [\n", "rejected.yaml: while parsing"),
])
def test_a_bad_rejection_file_is_refused_with_the_reason(tmp_path: Path, text: str,
                                                         problem: str) -> None:
    (tmp_path / REJECTED_FILE).parent.mkdir()
    (tmp_path / REJECTED_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(RejectedFileError, match=problem):
        load_rejections(tmp_path)


def test_the_repositorys_rejection_file_is_valid() -> None:
    assert (REPO / REJECTED_FILE).exists()
    load_rejections(REPO)


def test_too_few_candidates_to_fit_are_listed_unranked_with_sections() -> None:
    catalog, _ = load_catalog(REPO)
    few = [Candidate(key="2611.00001", title="Post-Training Quantization of Diffusion Models")]
    ranked, notes = rank_new(catalog, Screened(pool=few, new=few), None)
    assert [r.candidate for r in ranked] == few and ranked[0].rank == 1
    assert ranked[0].sections[0][0] == "algorithm/compression/quantization"
    assert notes and "at least 10" in notes[0]
