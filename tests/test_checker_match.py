"""Matching rules, on parsed real responses and small made-up ones (no network)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from effdiff_catalog.checker.match import (
    Looked,
    decide,
    map_venue,
    surname_overlap,
)
from effdiff_catalog.checker.sources.arxiv import ArxivEntry, parse_feed
from effdiff_catalog.checker.sources.dblp import DblpHit, parse_search
from effdiff_catalog.checker.sources.semanticscholar import S2Paper, parse_paper
from effdiff_catalog.identity import title_key, title_similarity
from effdiff_catalog.records.models import Paper, VenueCheckPin
from effdiff_catalog.records.venues import VenueRegistry

HERE = Path(__file__).parent
API = HERE / "fixtures" / "api"
REGISTRY = VenueRegistry.load(HERE / "fixtures" / "checker-catalog" / "venues.yaml")
ATTENTION_AUTHORS = ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit",
                     "Llion Jones", "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"]


def paper(**kw: Any) -> Paper:
    data: dict[str, Any] = {
        "id": "attention-2017", "title": "Attention Is All You Need",
        "authors": ATTENTION_AUTHORS, "venue": "arxiv", "year": 2017, "arxiv": "1706.03762",
        "categories": ["system/caching-technique"], "added": dt.date(2024, 6, 9),
    }
    data.update(kw)
    return Paper.model_validate(data)


def s2_fixture(name: str) -> S2Paper:
    import json

    raw = json.loads((API / "semanticscholar" / name).read_text())["data"][0]
    return parse_paper(raw)


def s2(**kw: Any) -> S2Paper:
    base: dict[str, Any] = {"paper_id": "x", "title": "Attention Is All You Need",
                            "authors": ATTENTION_AUTHORS, "year": 2017}
    base.update(kw)
    return S2Paper(**base)


def hit(**kw: Any) -> DblpHit:
    base: dict[str, Any] = {"key": "conf/nips/VaswaniSPUJGKP17",
                            "title": "Attention is All you Need.", "authors": ATTENTION_AUTHORS,
                            "venue": "NIPS", "year": 2017,
                            "type": "Conference and Workshop Papers",
                            "ee": ["https://proceedings.neurips.cc/paper/2017/hash/3f5ee243"]}
    base.update(kw)
    return DblpHit(**base)


def found(value: Any) -> Looked:
    return Looked(value, answered=True)


def test_real_s2_neurips_record_maps_through_registry_alias() -> None:
    result = decide(paper(), REGISTRY, semanticscholar=found(s2_fixture(
        "search_match_attention_neurips.json")))
    assert result.status == "update"
    assert (result.venue, result.year) == ("neurips", 2017)
    assert result.source == "semanticscholar"
    assert result.matched == ["S2:204e3073870fae3d05bcbc2f6a8e263d9b72e776"]
    assert any("NeurIPS in venues.yaml" in r for r in result.reasons)


def test_real_s2_arxiv_only_record_is_not_a_publication() -> None:
    record = paper(id="paperqa-2023", title="PaperQA: Retrieval-Augmented Generative Agent "
                   "for Scientific Research", authors=["Jakub Lála", "Andrew D. White"],
                   year=2023, arxiv="2312.07559")
    result = decide(record, REGISTRY, semanticscholar=found(s2_fixture(
        "search_match_paperqa_arxiv_only.json")))
    assert result.status == "unknown"
    assert result.venue is None and result.doi is None  # not the 10.48550 DataCite DOI
    assert any("arXiv.org" in r and "preprint" in r for r in result.reasons)


def test_real_dblp_wrong_top_hit_is_rejected() -> None:
    hits = parse_search((API / "dblp/search_publ_attention_is_all_you_need_h1.json").read_text())
    result = decide(paper(arxiv=None), REGISTRY, dblp=found(hits))
    assert result.status == "unknown"
    assert any("rejected" in r for r in result.reasons)


def test_real_arxiv_journal_ref_outside_registry_is_reported_not_applied() -> None:
    entry = parse_feed((API / "arxiv/id_list_1111.2011v2_journal_ref_doi.atom.xml")
                       .read_bytes()).entries[0]
    record = paper(id="bethe-2011", title=entry.title, authors=entry.authors, year=2011,
                   arxiv="1111.2011")
    result = decide(record, REGISTRY, arxiv=found(entry))
    assert result.status == "unknown"
    assert any("Phys. Rev. B" in r and "not in venues.yaml" in r for r in result.reasons)


@pytest.mark.parametrize("text,key", [
    ("NIPS", "neurips"), ("Neural Information Processing Systems", "neurips"),
    ("NeurIPS 2023", "neurips"), ("Advances in Neural Information Processing Systems 36",
                                  "neurips"),
    ("2024 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", "cvpr"),
    ("CVPR Workshops", "cvpr-workshops"), ("ICLR", "iclr"), ("CoRR", "arxiv"),
])
def test_venue_names_map_through_aliases(text: str, key: str) -> None:
    venue = map_venue(text, REGISTRY)
    assert venue is not None and venue.key == key


def test_title_and_author_helpers() -> None:
    assert title_key("Attention is All you Need.") == "attention is all you need"
    assert title_similarity("Attention Is All You Need", "Attention is All you Need.") == 1.0
    assert title_similarity("Attention Is All You Need",
                            "Attentional Transfer is All You Need: Technology-aware Layout "
                            "Pattern Generation.") < 0.9
    assert surname_overlap(["Wei Zhang", "Li Na"], ["Zhang Wei", "Na Li"]) == 1.0
    assert surname_overlap(["Jakub Lála"], ["Jakub Lala"]) == 1.0
    assert surname_overlap(["A B"], []) == 0.0


def test_title_match_needs_author_overlap_even_with_identical_title() -> None:
    stranger = hit(authors=["Someone Else", "Another Person"])
    result = decide(paper(arxiv=None), REGISTRY, dblp=found([stranger]))
    assert result.status == "unknown"


def test_title_match_needs_plausible_year() -> None:
    result = decide(paper(arxiv=None), REGISTRY, dblp=found([hit(year=2023)]))
    assert result.status == "unknown"
    assert any("implausible" in r for r in result.reasons)


def test_dblp_corr_record_is_skipped_and_conference_record_used() -> None:
    corr = hit(key="journals/corr/VaswaniSPUJGKP17", venue="CoRR",
               type="Informal and Other Publications", ee=["https://arxiv.org/abs/1706.03762"])
    result = decide(paper(arxiv=None), REGISTRY, dblp=found([corr, hit()]))
    assert result.status == "update" and result.venue == "neurips"
    assert result.proceedings_url == "https://proceedings.neurips.cc/paper/2017/hash/3f5ee243"
    assert result.matched == ["dblp:conf/nips/VaswaniSPUJGKP17"]


def test_workshop_is_never_taken_for_the_main_conference() -> None:
    icml_ws = s2(venue="ICML 2023 Workshop on Structured Probabilistic Inference", year=2023)
    record = paper(year=2023, arxiv="2305.00001")
    result = decide(record, REGISTRY, semanticscholar=found(icml_ws))
    assert result.status == "unknown" and result.venue is None
    entry = ArxivEntry("2305.00001", "Attention Is All You Need", ATTENTION_AUTHORS,
                       published="2023-05-01T00:00:00Z",
                       journal_ref="ICML 2023 Workshop on Structured Probabilistic Inference")
    result = decide(record, REGISTRY, arxiv=found(entry))
    assert result.status == "unknown"
    assert any("is a workshop" in r for r in result.reasons)


def test_workshop_maps_to_workshop_venue_when_registry_knows_it() -> None:
    ws = s2(venue="IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops",
            year=2024)
    result = decide(paper(year=2024, arxiv="2404.00001"), REGISTRY, semanticscholar=found(ws))
    assert result.status == "update" and result.venue == "cvpr-workshops"


def test_workshop_hint_against_main_conference_is_a_conflict() -> None:
    main = s2(venue="Computer Vision and Pattern Recognition", year=2024)
    entry = ArxivEntry("2404.00001", "Attention Is All You Need", ATTENTION_AUTHORS,
                       published="2024-04-01T00:00:00Z",
                       journal_ref="CVPR 2024 Workshop on Efficient Deep Learning")
    result = decide(paper(year=2024, arxiv="2404.00001"), REGISTRY, arxiv=found(entry),
                    semanticscholar=found(main))
    # The registry maps "CVPR 2024 Workshop ..." to CVPR (main) by name: the guard refuses
    # it, and the remaining S2 claim is contradicted by the workshop hint.
    assert result.status == "conflict"


def test_sources_that_disagree_on_venue_make_a_conflict() -> None:
    entry = ArxivEntry("1706.03762", "Attention Is All You Need", ATTENTION_AUTHORS,
                       published="2017-06-12T00:00:00Z", journal_ref="ICML 2017")
    result = decide(paper(), REGISTRY, arxiv=found(entry),
                    semanticscholar=found(s2(venue="NeurIPS")))
    assert result.status == "conflict"
    assert "disagree" in result.reasons[0]


def test_year_from_venue_record_wins_over_s2_preprint_year() -> None:
    record = paper(year=2023, arxiv="2310.00001")
    entry = ArxivEntry("2310.00001", "Attention Is All You Need", ATTENTION_AUTHORS,
                       published="2023-10-01T00:00:00Z", journal_ref="ICLR 2024")
    result = decide(record, REGISTRY, arxiv=found(entry),
                    semanticscholar=found(s2(venue="ICLR", year=2023)))
    assert result.status == "update" and (result.venue, result.year) == ("iclr", 2024)
    assert result.confidence > 0.85  # two sources agree
    assert any("preprint's year" in r for r in result.reasons)


def test_years_that_disagree_otherwise_make_a_conflict() -> None:
    record = paper(year=2022, arxiv="2210.00002")
    entry = ArxivEntry("2210.00002", "Attention Is All You Need", ATTENTION_AUTHORS,
                       published="2022-10-01T00:00:00Z", journal_ref="ICLR 2024")
    result = decide(record, REGISTRY, arxiv=found(entry),
                    semanticscholar=found(s2(venue="ICLR", year=2023)))
    assert result.status == "conflict"


def test_venue_without_an_edition_that_year_is_refused() -> None:
    result = decide(paper(year=2024, arxiv="2403.00001"), REGISTRY,
                    semanticscholar=found(s2(venue="ICCV", year=2024)))  # ICCV: odd years
    assert result.status == "unknown"
    assert any("no edition in 2024" in r for r in result.reasons)


def test_unreachable_source_means_unknown_with_reason() -> None:
    result = decide(paper(), REGISTRY, semanticscholar=Looked(
        error="semanticscholar: HTTP 429 (no Retry-After); gave up after 5 attempts"))
    assert result.status == "unknown"
    assert any("HTTP 429" in r for r in result.reasons)


def test_pinned_record_is_never_proposed() -> None:
    record = paper(venue_check=VenueCheckPin(ignore=True, reason="known false match"))
    result = decide(record, REGISTRY, semanticscholar=found(s2_fixture(
        "search_match_attention_neurips.json")))
    assert result.status == "pinned" and result.venue is None


def test_s2_record_with_another_title_is_ignored() -> None:
    other = s2(title="A Completely Different Paper About Graphs", venue="NeurIPS")
    assert decide(paper(), REGISTRY, semanticscholar=found(other)).status == "unknown"


def test_accepted_comment_alone_is_below_threshold() -> None:
    entry = ArxivEntry("1706.03762", "Attention Is All You Need", ATTENTION_AUTHORS,
                       published="2017-06-12T00:00:00Z", comment="Accepted at NeurIPS 2017")
    result = decide(paper(), REGISTRY, arxiv=found(entry))
    assert result.status == "review" and result.venue == "neurips"
    under_review = ArxivEntry("1706.03762", "Attention Is All You Need", ATTENTION_AUTHORS,
                              published="2017-06-12T00:00:00Z",
                              comment="Under review at ICLR 2018")
    assert decide(paper(), REGISTRY, arxiv=found(under_review)).status == "unknown"


def test_unsafe_links_and_bad_dois_from_sources_are_dropped() -> None:
    evil = hit(ee=["javascript:alert(1)", "https://example.org/a b"], doi="not-a-doi")
    result = decide(paper(arxiv=None), REGISTRY, dblp=found([evil]))
    assert result.status == "update"
    assert result.proceedings_url is None and result.doi is None
