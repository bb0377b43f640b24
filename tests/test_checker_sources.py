"""Parsing the real recorded API responses (tests/fixtures/api/, see its SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from effdiff_catalog.checker.sources import MalformedResponse
from effdiff_catalog.checker.sources.arxiv import (
    ArxivApiError,
    parse_feed,
    request_params,
    results_for,
)
from effdiff_catalog.checker.sources.dblp import parse_search, query_text
from effdiff_catalog.checker.sources.semanticscholar import (
    MAX_BATCH,
    batch_request,
    parse_batch,
    parse_search_match,
)

API = Path(__file__).parent / "fixtures" / "api"


def read(path: str) -> bytes:
    return (API / path).read_bytes()


def test_arxiv_new_feed_drops_unknown_id_silently() -> None:
    feed = parse_feed(read("arxiv/id_list_two_ids_one_unknown.atom.xml"))
    assert [e.arxiv_id for e in feed.entries] == ["1707.08567"]
    entry = feed.entries[0]
    assert entry.version == 1
    assert "Dirk Wübben" in entry.authors and len(entry.authors) == 34
    assert entry.year == 2017 and entry.month == 7
    assert entry.journal_ref is None and entry.doi is None
    assert entry.comment and entry.comment.startswith("44 pages")
    assert entry.primary_category == "cs.IT"
    result = results_for(["0808.05394", "1707.08567"], feed)
    assert result.found["0808.05394"] is None  # arXiv answered: no such id
    assert result.found["1707.08567"] is entry
    assert not result.errors


def test_arxiv_legacy_feed_has_journal_ref_doi_and_version() -> None:
    feed = parse_feed(read("arxiv/id_list_1111.2011v2_journal_ref_doi.atom.xml"))
    entry = feed.entries[0]
    assert (entry.arxiv_id, entry.version) == ("1111.2011", 2)
    assert entry.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert entry.doi == "10.1103/PhysRevB.85.115117"
    assert entry.title == ("Quantum Criticality for Extended Nodes on a Bethe Lattice in the "
                           "Large Connectivity Limit")
    assert entry.published.startswith("2011-11-08") and entry.year == 2011


def test_arxiv_error_feed_raises_with_the_api_message() -> None:
    with pytest.raises(ArxivApiError, match="incorrect id format for abc"):
        parse_feed(read("arxiv/error_400_incorrect_id_format.atom.xml"))


def test_arxiv_truncated_feed_leaves_missing_ids_unknown_not_absent() -> None:
    feed = parse_feed(read("arxiv/id_list_two_ids_one_unknown.atom.xml"))
    feed.total_results = 2  # as if max_results had cut the list
    result = results_for(["0808.05394", "1707.08567"], feed)
    assert "0808.05394" in result.errors and "0808.05394" not in result.found


@pytest.mark.parametrize("body", [b"", b"<html>502</html>", b"<feed", b'{"a": 1}'])
def test_arxiv_malformed_bodies_raise(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse_feed(body)


def test_arxiv_request_sets_max_results_to_the_batch_size() -> None:
    ids = [f"2401.{n:05d}" for n in range(150)]
    params = request_params(ids)
    assert params["max_results"] == "150"
    assert params["id_list"].count(",") == 149


def test_s2_batch_keeps_order_and_nulls() -> None:
    papers = parse_batch(read("semanticscholar/paper_batch_with_null.json").decode(), 4)
    assert papers[0] is None
    second = papers[1]
    assert second is not None
    assert second.title == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert second.venue == "" and second.publication_venue is None
    assert second.journal_name == "Experimental & Empirical Studies eJournal"
    assert second.external_ids["CorpusId"] == "470667"  # numbers become strings
    assert second.doi == "10.2139/ssrn.288970"


def test_s2_batch_with_wrong_length_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="4 entries for 5 ids"):
        parse_batch(read("semanticscholar/paper_batch_with_null.json").decode(), 5)


def test_s2_search_match_records() -> None:
    attention = parse_search_match(
        read("semanticscholar/search_match_attention_neurips.json").decode())[0]
    assert attention.venue == "Neural Information Processing Systems"
    assert attention.year == 2017 and attention.external_ids["ArXiv"] == "1706.03762"
    assert attention.journal_name is None  # journal has pages only
    paperqa = parse_search_match(
        read("semanticscholar/search_match_paperqa_arxiv_only.json").decode())[0]
    assert paperqa.venue == "arXiv.org" and paperqa.journal_name == "ArXiv"
    assert paperqa.doi == "10.48550/arXiv.2312.07559"


def test_s2_batch_request_uses_arxiv_prefix_and_limit() -> None:
    params, body = batch_request(["2312.00858", "1706.03762"])
    assert body == {"ids": ["ARXIV:2312.00858", "ARXIV:1706.03762"]}
    assert "publicationVenue" in params["fields"] and "externalIds" in params["fields"]
    with pytest.raises(ValueError):
        batch_request(["1"] * (MAX_BATCH + 1))


def test_dblp_search_parses_strings_and_strips_homonym_suffixes() -> None:
    hits = parse_search(read("dblp/search_publ_attention_is_all_you_need_h1.json").decode())
    assert len(hits) == 1
    hit = hits[0]
    assert hit.key == "conf/dac/ZhangYY21" and hit.year == 2021
    assert hit.authors == ["Xiaopeng Zhang", "Haoyu Yang", "Evangeline F. Y. Young"]
    assert hit.type == "Conference and Workshop Papers"
    assert hit.ee == ["https://doi.org/10.1109/DAC18074.2021.9586227"]


def test_dblp_search_without_hits_and_malformed() -> None:
    empty = '{"result": {"hits": {"@total": "0", "@sent": "0"}}}'
    assert parse_search(empty) == []
    with pytest.raises(MalformedResponse):
        parse_search("<html>")
    with pytest.raises(MalformedResponse):
        parse_search('{"nothing": 1}')


def test_dblp_query_text_drops_operators() -> None:
    text = query_text("PaperQA: Retrieval-Augmented | Agent$")
    assert text == "paperqa retrieval augmented agent"
