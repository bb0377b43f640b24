"""Matching and agreement rules, on parsed real responses and small made-up ones (no network)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from effdiff_catalog.checker.decide import decide
from effdiff_catalog.checker.evidence import CheckResult, Looked, PaperContext
from effdiff_catalog.checker.match import (
    TITLE_SIMILARITY_MIN,
    check_title_match,
    map_venue,
    surname_overlap,
)
from effdiff_catalog.checker.sources.arxiv import ArxivEntry, parse_feed
from effdiff_catalog.checker.sources.crossref import parse_item
from effdiff_catalog.checker.sources.dblp import DblpHit, parse_search
from effdiff_catalog.checker.sources.openalex import parse_work
from effdiff_catalog.checker.sources.semanticscholar import S2Paper, parse_paper
from effdiff_catalog.identity import title_key, title_similarity
from effdiff_catalog.records.models import Paper, VenueCheckPin
from effdiff_catalog.records.venues import VenueRegistry

HERE = Path(__file__).parent
API = HERE / "fixtures" / "api"
REGISTRY = VenueRegistry.load(HERE / "fixtures" / "checker-catalog" / "venues.yaml")
ATTENTION_AUTHORS = ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit",
                     "Llion Jones", "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"]
ENDPOINT_OF = {"arxiv": "arxiv", "s2": "semanticscholar", "openalex": "openalex",
               "openalex_title": "openalex-title", "crossref": "crossref",
               "volume": "dblp-volume", "dblp": "dblp-title"}


def paper(**kw: Any) -> Paper:
    data: dict[str, Any] = {
        "id": "attention-2017", "title": "Attention Is All You Need",
        "authors": ATTENTION_AUTHORS, "venue": "arxiv", "year": 2017, "arxiv": "1706.03762",
        "categories": ["system/caching-technique"], "added": dt.date(2024, 6, 9),
    }
    data.update(kw)
    return Paper.model_validate(data)


def verdict(record: Paper, **answers: Any) -> CheckResult:
    """decide() on answers given by short names; a value that is not a Looked was found."""
    return decide(record, REGISTRY, {
        ENDPOINT_OF[k]: v if isinstance(v, Looked) else Looked(v, answered=True)
        for k, v in answers.items()})


def recorded(path: str) -> Any:
    return json.loads((API / path).read_text(encoding="utf-8"))


def s2_fixture(name: str) -> S2Paper:
    return parse_paper(recorded(f"semanticscholar/{name}")["data"][0])


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


def entry(arxiv: str = "1706.03762", published: str = "2017-06-12", **kw: Any) -> ArxivEntry:
    return ArxivEntry(arxiv, "Attention Is All You Need", ATTENTION_AUTHORS,
                      published=f"{published}T00:00:00Z", **kw)


def test_real_s2_neurips_record_alone_is_for_review_not_an_update() -> None:
    result = verdict(paper(), s2=s2_fixture("search_match_attention_neurips.json"))
    assert (result.status, result.venue, result.year) == ("review", "neurips", 2017)
    assert result.matched == ["S2:204e3073870fae3d05bcbc2f6a8e263d9b72e776"]
    assert any("NeurIPS in venues.yaml" in r for r in result.reasons)
    assert any("only semanticscholar shows it" in r for r in result.reasons)
    assert any("comes only from semanticscholar's year" in r for r in result.reasons)


def test_real_s2_record_and_the_dblp_volume_agreeing_make_an_update() -> None:
    result = verdict(paper(), s2=s2_fixture("search_match_attention_neurips.json"),
                     volume=[hit()])
    assert (result.status, result.venue, result.year) == ("update", "neurips", 2017)
    assert result.source == "dblp, semanticscholar"
    assert result.proceedings_url == "https://proceedings.neurips.cc/paper/2017/hash/3f5ee243"


def test_real_s2_arxiv_only_record_is_not_a_publication() -> None:
    record = paper(id="paperqa-2023", title="PaperQA: Retrieval-Augmented Generative Agent "
                   "for Scientific Research", authors=["Jakub Lála", "Andrew D. White"],
                   year=2023, arxiv="2312.07559")
    result = verdict(record, s2=s2_fixture("search_match_paperqa_arxiv_only.json"))
    assert (result.status, result.unknown_reason) == ("unknown", "not-published")
    assert result.venue is None and result.doi is None  # not the 10.48550 DataCite DOI
    assert any("arXiv.org" in r and "preprint" in r for r in result.reasons)


def test_real_openalex_preprint_work_without_published_location_shows_nothing() -> None:
    work = parse_work(recorded("openalex/works_title_search_paperqa_arxiv_only.json")[
        "results"][0])
    record = paper(title=work.title, authors=work.authors, year=2023, arxiv="2312.07559")
    result = verdict(record, openalex=work)
    assert (result.status, result.unknown_reason) == ("unknown", "not-published")
    assert any("has no published location" in r for r in result.reasons)


def test_real_dblp_wrong_top_hit_is_rejected() -> None:
    hits = parse_search((API / "dblp/search_publ_attention_is_all_you_need_h1.json").read_text())
    result = verdict(paper(arxiv=None), dblp=hits)
    assert result.status == "unknown"
    assert any("rejected" in r for r in result.reasons)


def test_real_arxiv_journal_ref_outside_registry_is_reported_not_applied() -> None:
    feed = parse_feed((API / "arxiv/id_list_1111.2011v2_journal_ref_doi.atom.xml").read_bytes())
    found = feed.entries[0]
    record = paper(id="bethe-2011", title=found.title, authors=found.authors, year=2011,
                   arxiv="1111.2011")
    result = verdict(record, arxiv=found)
    assert (result.status, result.unknown_reason) == ("unknown", "not-in-registry")
    assert any("Phys. Rev. B" in r and "not in venues.yaml" in r for r in result.reasons)


def test_real_openalex_and_crossref_find_the_separate_journal_version() -> None:
    works = [parse_work(w) for w in recorded(
        "openalex/works_title_search_chemcrow_preprint_and_journal.json")["results"]]
    deposit = parse_item(recorded("crossref/works_query_title_chemcrow_journal.json")[
        "message"]["items"][0])
    preprint = works[1]
    record = paper(title=preprint.title, authors=preprint.authors, year=2023,
                   arxiv="2304.05376")
    result = verdict(record, s2=s2(title=preprint.title, authors=preprint.authors,
                                   venue="Nature Machine Intelligence", year=2023),
                     openalex=preprint, openalex_title=works, crossref=[deposit])
    assert (result.status, result.venue, result.year) == ("update", "natmi", 2024)
    assert result.doi == "10.1038/s42256-024-00832-8"
    assert result.matched == ["S2:x", "doi:10.1038/s42256-024-00832-8", "OpenAlex:W4396723768"]
    assert any("semanticscholar's 2023 is the preprint's year" in r for r in result.reasons)


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
    assert verdict(paper(arxiv=None), dblp=[stranger]).status == "unknown"


def test_title_match_needs_plausible_year() -> None:
    result = verdict(paper(arxiv=None), dblp=[hit(year=2023)])
    assert result.status == "unknown"
    assert any("implausible" in r for r in result.reasons)


def test_authorless_record_is_matched_with_arxivs_authors_and_never_without() -> None:
    record = paper(authors=[])
    with_arxiv = verdict(record, arxiv=entry(), volume=[hit()])
    assert (with_arxiv.status, with_arxiv.venue) == ("review", "neurips")  # one source
    alone = verdict(record, volume=[hit()])
    assert alone.status == "unknown"
    assert any("cannot be trusted" in r for r in alone.reasons)


def test_dblp_corr_record_is_skipped_and_conference_record_used() -> None:
    corr = hit(key="journals/corr/VaswaniSPUJGKP17", venue="CoRR",
               type="Informal and Other Publications", ee=["https://arxiv.org/abs/1706.03762"])
    result = verdict(paper(arxiv=None), dblp=[corr, hit()])
    assert (result.status, result.venue) == ("review", "neurips")
    assert result.matched == ["dblp:conf/nips/VaswaniSPUJGKP17"]


def test_the_same_dblp_record_in_its_volume_and_by_title_counts_once() -> None:
    result = verdict(paper(arxiv=None), volume=[hit()], dblp=[hit()])
    assert result.matched == ["dblp:conf/nips/VaswaniSPUJGKP17"]
    assert result.status == "review"  # still one source


def test_workshop_is_never_taken_for_the_main_conference() -> None:
    record = paper(year=2023, arxiv="2305.00001")
    icml_ws = s2(venue="ICML 2023 Workshop on Structured Probabilistic Inference", year=2023)
    result = verdict(record, s2=icml_ws)
    assert (result.status, result.unknown_reason) == ("unknown", "not-in-registry")
    assert result.venue is None
    ws_ref = entry("2305.00001", "2023-05-01",
                   journal_ref="ICML 2023 Workshop on Structured Probabilistic Inference")
    result = verdict(record, arxiv=ws_ref)
    assert result.status == "unknown"
    assert any("is a workshop" in r for r in result.reasons)


def test_registered_workshop_is_proposed_as_the_workshop_for_review() -> None:
    ws = s2(venue="IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops",
            year=2024)
    result = verdict(paper(year=2024, arxiv="2404.00001"), s2=ws,
                     volume=[hit(key="conf/cvpr/X24w", venue="CVPR Workshops", year=2024)])
    assert (result.status, result.venue) == ("review", "cvpr-workshops")
    assert any("a workshop paper" in r for r in result.reasons)


def test_workshop_hint_against_main_conference_is_a_conflict() -> None:
    main = s2(venue="Computer Vision and Pattern Recognition", year=2024)
    ws_ref = entry("2404.00001", "2024-04-01",
                   journal_ref="CVPR 2024 Workshop on Efficient Deep Learning")
    result = verdict(paper(year=2024, arxiv="2404.00001"), arxiv=ws_ref, s2=main)
    assert result.status == "conflict"


def test_sources_that_disagree_on_venue_make_a_conflict() -> None:
    result = verdict(paper(), arxiv=entry(journal_ref="ICML 2017"), s2=s2(venue="NeurIPS"))
    assert result.status == "conflict"
    assert "disagree" in result.reasons[0]


def test_year_from_venue_record_wins_over_s2_preprint_year() -> None:
    record = paper(year=2023, arxiv="2310.00001")
    result = verdict(record, arxiv=entry("2310.00001", "2023-10-01", journal_ref="ICLR 2024"),
                     s2=s2(venue="ICLR", year=2023))
    assert (result.status, result.venue, result.year) == ("update", "iclr", 2024)
    assert result.confidence > 0.85  # two sources agree
    assert any("preprint's year" in r for r in result.reasons)


def test_years_that_disagree_otherwise_make_a_conflict() -> None:
    record = paper(year=2022, arxiv="2210.00002")
    result = verdict(record, arxiv=entry("2210.00002", "2022-10-01", journal_ref="ICLR 2024"),
                     s2=s2(venue="ICLR", year=2023))
    assert result.status == "conflict"


def test_years_only_preprint_prone_sources_give_stay_for_review() -> None:
    work = parse_work({"id": "W1", "doi": "10.48550/arxiv.2310.00001",
                       "display_name": "Attention Is All You Need", "publication_year": 2023,
                       "authorships": [{"author": {"display_name": a}}
                                       for a in ATTENTION_AUTHORS],
                       "locations": [{"source": {"display_name": "ICLR", "type": "conference"},
                                      "version": "publishedVersion"}]})
    result = verdict(paper(year=2023, arxiv="2310.00001"), s2=s2(venue="ICLR", year=2023),
                     openalex=work)
    assert (result.status, result.year) == ("review", 2023)
    assert any("comes only from openalex and semanticscholar's year" in r
               for r in result.reasons)


def test_venue_without_an_edition_that_year_is_refused() -> None:
    result = verdict(paper(year=2024, arxiv="2403.00001"), s2=s2(venue="ICCV", year=2024))
    assert result.status == "unknown"  # ICCV meets in odd years
    assert any("no edition in 2024" in r for r in result.reasons)


def test_unreachable_source_is_unchecked_not_unpublished() -> None:
    failing = Looked(error="semanticscholar: HTTP 429 (no Retry-After); gave up after 5 attempts")
    alone = verdict(paper(), s2=failing)
    assert (alone.status, alone.unknown_reason, alone.unchecked) == (
        "unknown", "no-answer", ["semanticscholar"])
    assert any("HTTP 429" in r for r in alone.reasons)
    partly = verdict(paper(), s2=failing, arxiv=entry())
    assert (partly.unknown_reason, partly.asked) == ("source-failed", ["arxiv"])
    assert partly.reasons[0].startswith("not fully checked: semanticscholar could not answer")


def test_pinned_record_is_never_proposed() -> None:
    record = paper(venue_check=VenueCheckPin(ignore=True, reason="known false match"))
    result = verdict(record, s2=s2_fixture("search_match_attention_neurips.json"))
    assert result.status == "pinned" and result.venue is None


def test_s2_record_with_another_title_and_other_authors_is_ignored() -> None:
    other = s2(title="A Completely Different Paper About Graphs", venue="NeurIPS",
               authors=["Someone Else"])
    result = verdict(paper(), s2=other)
    assert result.status == "unknown"
    assert any("another title" in r and "ignored" in r for r in result.reasons)


def test_s2_record_renamed_under_the_same_authors_goes_to_review_with_both_titles() -> None:
    renamed = s2(title="Transformers: Sequence Transduction with Attention Only",
                 venue="NeurIPS")
    result = verdict(paper(), s2=renamed, volume=[hit(title=renamed.title + ".")])
    assert (result.status, result.venue) == ("review", "neurips")
    held = [r for r in result.reasons if "renamed" in r]
    assert len(held) == 2  # Semantic Scholar's record, and dblp's matched by that title
    assert all("Transformers: Sequence" in r and "Attention Is All You Need" in r for r in held)


def test_accepted_comment_counts_as_a_source_and_under_review_does_not() -> None:
    accepted = entry(comment="Accepted at NeurIPS 2017")
    assert verdict(paper(), arxiv=accepted).status == "review"  # alone, and weak
    both = verdict(paper(), arxiv=accepted, s2=s2(venue="NeurIPS"))
    assert (both.status, both.year) == ("update", 2017)
    assert verdict(paper(), arxiv=entry(comment="Under review at ICLR 2018")).status == "unknown"


def test_doi_refuted_by_crossref_is_never_proposed() -> None:
    deposit = parse_item({"DOI": "10.1109/X.1", "title": ["Another Paper on Stereo"],
                          "container-title": ["CVPR"], "issued": {"date-parts": [[2017]]}})
    result = verdict(paper(), s2=s2(venue="NeurIPS", external_ids={"DOI": "10.1109/X.1"}),
                     volume=[hit()], crossref=[deposit])
    assert (result.status, result.doi) == ("update", None)
    assert any("registered for another paper" in r for r in result.reasons)


def test_doi_that_differs_from_the_records_is_a_conflict() -> None:
    result = verdict(paper(doi="10.5555/old"), s2=s2(venue="NeurIPS",
                                                     external_ids={"DOI": "10.1109/new"}),
                     volume=[hit()])
    assert result.status == "conflict"
    assert "differs" in result.reasons[0]


def test_unsafe_links_and_bad_dois_from_sources_are_dropped() -> None:
    evil = hit(ee=["javascript:alert(1)", "https://example.org/a b"], doi="not-a-doi")
    result = verdict(paper(arxiv=None), dblp=[evil])
    assert result.status == "review"
    assert result.proceedings_url is None and result.doi is None


@pytest.mark.parametrize(
    ("name", "title", "authors"),
    [
        ("works_query_title_attention_wrong_top_hit.json", "Attention Is All You Need",
         ATTENTION_AUTHORS),
        ("works_query_title_paperqa_arxiv_only_unrelated_hit.json",
         "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research",
         ["Jakub Lála", "Odhran O'Donoghue", "Aleksandar Shtedritski"]),
    ],
    ids=["attention", "paperqa"],
)
def test_a_title_searchs_confident_top_hit_for_another_paper_is_no_match(
    name: str, title: str, authors: list[str]
) -> None:
    """Crossref's title search returns a top hit for any query (a NAACL paper for
    'Attention Is All You Need', a JAMIA article for PaperQA): why Crossref is asked by
    DOI only, and why a title hit needs the title and the authors."""
    [raw] = json.loads((HERE / "fixtures" / "api" / "crossref" / name).read_text())[
        "message"]["items"]
    hit = parse_item(raw)
    context = PaperContext(paper(title=title, authors=authors), REGISTRY, 2017,
                           tuple(authors), (title,))
    assert check_title_match(context, hit.title, hit.authors) is None
    assert title_similarity(title, hit.title) < TITLE_SIMILARITY_MIN
