"""effdiff discover's model on the real catalog and a real volume slice (ICLR 2023, dblp).

The slice is every third paper of tests/fixtures/dblp/iclr2023.bib plus the catalog's own
ICLR 2023 papers, which are held out of training: they play the papers the catalog lacks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from effdiff_catalog.discover import Candidate, Model, Ranked, Settings, fit
from effdiff_catalog.discover.dblp import DblpParseError, parse_dblp_bibtex
from effdiff_catalog.discover.project import Paper, Taxonomy, load_catalog
from effdiff_catalog.discover.sections import fit_sections
from effdiff_catalog.discover.text import tokens, words
from effdiff_catalog.identity import title_key as normalise_title

REPO = Path(__file__).resolve().parent.parent
DBLP = REPO / "tests" / "fixtures" / "dblp"
UNRELATED = Candidate(
    key="test:unrelated",
    title="Crop Yield Forecasting for Smallholder Farms from Satellite Imagery",
)
Catalog = tuple[list[Paper], Taxonomy]
Split = tuple[list[Paper], list[Paper], list[Candidate]]  # training, held out, pool


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded, _ = load_catalog(REPO)
    return loaded.papers(), loaded.taxonomy


@pytest.fixture(scope="module")
def volume() -> list[Candidate]:
    return parse_dblp_bibtex((DBLP / "iclr2023.bib").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def split(catalog: Catalog, volume: list[Candidate]) -> Split:
    """The pool is the slice plus UNRELATED."""
    papers, _ = catalog
    titles = {normalise_title(c.title) for c in volume}
    held = [p for p in papers if normalise_title(p.title) in titles]
    held_titles = {normalise_title(p.title) for p in held}
    pool = [
        c for i, c in enumerate(volume) if i % 3 == 0 or normalise_title(c.title) in held_titles
    ]
    train = [p for p in papers if p not in held]
    return train, held, pool + [UNRELATED]


@pytest.fixture(scope="module")
def model(catalog: Catalog, split: Split) -> Model:
    train, _, pool = split
    return fit(train, catalog[1], pool)


@pytest.fixture(scope="module")
def ranked(model: Model, split: Split) -> list[Ranked]:
    return model.rank(split[2])


def rank_of(ranked: list[Ranked], title: str) -> Ranked:
    wanted = normalise_title(title)
    return next(r for r in ranked if normalise_title(r.candidate.title) == wanted)


def test_held_out_catalog_papers_come_back_in_the_top_twenty(
    split: Split, ranked: list[Ranked]
) -> None:
    _, held, pool = split
    assert len(held) == 7 and len(pool) > 500
    places = sorted(rank_of(ranked, paper.title).rank for paper in held)
    assert places[-1] <= 20, places  # 7 papers among 529


def test_an_unrelated_title_ranks_below_the_pool_average_and_every_held_out_paper(
    split: Split, ranked: list[Ranked]
) -> None:
    unrelated = next(r for r in ranked if r.candidate.key == UNRELATED.key)
    worst_held = max(rank_of(ranked, paper.title).rank for paper in split[1])
    assert unrelated.score < 0  # scores are z-scores over the pool: 0 is its average
    assert unrelated.rank > max(len(ranked) // 4, worst_held)


def test_suggested_sections_of_held_out_papers_include_their_own(
    model: Model, split: Split
) -> None:
    held = split[1]
    found = [
        paper.id for paper in held
        if set(paper.categories) & {path for path, _ in model.suggest_sections(as_candidate(paper))}
    ]
    assert len(found) >= len(held) - 1, found  # DreamFusion ("score distillation") may miss
    assert "fast-sampling-diffusion-models-2023" in found


def test_leave_one_out_section_model_places_a_quantization_paper(
    catalog: Catalog,
) -> None:
    papers, taxonomy = catalog
    paper = next(p for p in papers if p.id == "post-training-quantization-diffusion-2023")
    sections = fit_sections([p for p in papers if p is not paper], taxonomy)
    best = sections.top(sections.scores([paper.title])[0], 1)
    assert best[0][0] == "algorithm/compression/quantization"


def test_two_fits_give_identical_rankings_whatever_the_input_order(
    catalog: Catalog, split: Split, ranked: list[Ranked]
) -> None:
    train, _, pool = split
    again = fit(list(reversed(train)), catalog[1], list(reversed(pool))).rank(pool)
    assert again == ranked


def test_reasons_name_words_of_the_candidate_and_real_catalog_papers(
    split: Split, ranked: list[Ranked]
) -> None:
    train = {p.id: p for p in split[0]}
    for r in ranked[:20]:
        assert r.terms and r.neighbours, r
        title_words = words(r.candidate.title)
        parts = {part for word in title_words for part in word.split("-")}
        assert set(r.terms) <= set(title_words) | parts, (r.terms, r.candidate.title)
        for neighbour in r.neighbours:
            assert train[neighbour.id].title == neighbour.title
            assert neighbour.similarity > 0
        assert all(term in r.why() for term in r.terms)


def test_pool_papers_the_catalog_has_are_flagged_and_kept_out_of_the_background(
    catalog: Catalog, split: Split
) -> None:
    papers, taxonomy = catalog
    held, pool = split[1], split[2]
    model = fit(papers, taxonomy, pool, Settings(repeats=1))
    assert len(model.pool) == len(pool) - len(held)
    flagged = {r.catalog_id for r in model.rank(pool) if r.catalog_id}
    assert flagged == {p.id for p in held}


def test_fit_refuses_a_pool_too_small_to_cross_fit(
    catalog: Catalog, volume: list[Candidate]
) -> None:
    with pytest.raises(ValueError, match="at least 10"):
        fit(catalog[0], catalog[1], volume[:9])


def test_title_tokens_keep_compounds_and_join_word_forms() -> None:
    features = tokens("Post-Training Quantization of Text-to-Image Models, quantized")
    assert "post-training" in features and "text-to-image" in features
    assert features.count("quantiz") == 2
    assert "of" not in features and "to" not in features


def test_dblp_parser_reads_an_at_sign_and_latex_in_titles_and_skips_the_volume_record() -> None:
    text = (DBLP / "cvpr2023.bib").read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    wanted = [b for b in blocks if "{@ {CREPE:}" in b or "{Re\\({}^{\\mbox{2}}\\)TAL" in b]
    volume = [b for b in blocks if b.startswith("@proceedings")]
    candidates = parse_dblp_bibtex("\n\n".join(wanted + volume))
    assert [c.title[:12] for c in candidates] == ["Re^2TAL: Rew", "@ CREPE: Can"]
    assert all(c.year == 2023 and c.doi and c.authors for c in candidates)


def test_dblp_parser_refuses_an_export_it_cannot_read_whole() -> None:
    with pytest.raises(DblpParseError):
        parse_dblp_bibtex("@inproceedings{broken,\n  title = {never closed,\n")


def as_candidate(paper: Paper) -> Candidate:
    return Candidate(key=f"catalog:{paper.id}", title=paper.title)
