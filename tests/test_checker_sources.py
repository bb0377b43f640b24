"""Parsing the real recorded API responses (tests/fixtures/api/, see its SOURCES.md), and
each source's requests against the loopback stub: batching, paging, polite parameters."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from checker_world import iclr2023_volume
from stub_api import StubData, StubServer

from effdiff_catalog.checker.config import default_config
from effdiff_catalog.checker.http import PoliteClient
from effdiff_catalog.checker.session import run_sync
from effdiff_catalog.checker.sources import BatchResult, MalformedResponse
from effdiff_catalog.checker.sources.arxiv import (
    ArxivApiError,
    parse_feed,
    request_params,
    results_for,
)
from effdiff_catalog.checker.sources.crossref import CrossrefSource
from effdiff_catalog.checker.sources.crossref import parse_item as parse_crossref_item
from effdiff_catalog.checker.sources.dblp import (
    DblpHit,
    fetch_volume,
    parse_search,
    query_text,
    volume_key,
)
from effdiff_catalog.checker.sources.dblp import decode as decode_hits
from effdiff_catalog.checker.sources.openalex import OpenAlexDoiSource
from effdiff_catalog.checker.sources.openalex import parse_works as parse_openalex
from effdiff_catalog.checker.sources.semanticscholar import (
    MAX_BATCH,
    batch_request,
    parse_batch,
    parse_search_match,
)
from effdiff_catalog.checker.volumes import VolumeIndex, fetch_volumes
from effdiff_catalog.records.venues import VenueRegistry

HERE = Path(__file__).parent
API = HERE / "fixtures" / "api"


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


def test_s2_batch_request_uses_the_id_prefix_and_limit() -> None:
    params, body = batch_request(["2312.00858", "1706.03762"])
    assert body == {"ids": ["ARXIV:2312.00858", "ARXIV:1706.03762"]}
    assert batch_request(["10.1/x"], "DOI")[1] == {"ids": ["DOI:10.1/x"]}
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


# --- OpenAlex ------------------------------------------------------------------------------


def test_openalex_recorded_preprint_and_separate_journal_work() -> None:
    works, count = parse_openalex(
        read("openalex/works_title_search_chemcrow_preprint_and_journal.json").decode())
    assert count == 2
    journal, preprint = works
    assert (journal.id, journal.year, journal.type) == ("W4396723768", 2024, "article")
    assert journal.doi == "10.1038/s42256-024-00832-8" and not journal.has_arxiv_location
    assert [loc.source for loc in journal.locations if loc.published] == [
        "Nature Machine Intelligence"]
    assert preprint.doi == "10.48550/arxiv.2304.05376" and preprint.has_arxiv_location
    assert not [loc for loc in preprint.locations if loc.published]
    assert preprint.title.startswith("ChemCrow:") and journal.title.startswith("Augmenting")
    assert preprint.abstract and preprint.abstract.startswith("Over the last decades, excellent")


def test_openalex_malformed_answers_raise() -> None:
    for body in ("<html>", '{"meta": {}}', '{"results": [1]}'):
        with pytest.raises(MalformedResponse):
            parse_openalex(body)


def stub_client(stub: StubServer, source: str, **kw: Any) -> PoliteClient:
    name = {"s2": "semanticscholar"}.get(source, source)
    config = replace(default_config(stub.urls).source(name), min_interval=0.0, retries=0, **kw)
    return PoliteClient(config, "effdiff-catalog/test")


def test_openalex_looks_up_arxiv_dois_fifty_to_a_request() -> None:
    ids = [f"2401.{n:05d}" for n in range(50)]
    data = StubData(openalex=[{"id": "https://openalex.org/W7", "display_name": "T",
                               "doi": "https://doi.org/10.48550/arxiv.2401.00007"}])
    with StubServer(data) as stub:
        async def main() -> BatchResult:
            async with stub_client(stub, "openalex", api_key="oa-key") as client:
                return await OpenAlexDoiSource(client, "me@example.org").lookup_batch(ids)

        result = run_sync(main())
        (request,) = stub.requests("openalex")
    assert request.query["filter"][0].count("|") == 49
    assert request.query["filter"][0].startswith("doi:10.48550/arxiv.2401.00000|")
    assert (request.query["mailto"], request.query["api_key"]) == (["me@example.org"],
                                                                   ["oa-key"])
    assert result.found["2401.00007"].id == "W7"
    assert result.found["2401.00008"] is None and not result.errors


# --- Crossref ------------------------------------------------------------------------------


def test_crossref_recorded_deposit_gives_container_year_and_authors() -> None:
    item = json.loads(read("crossref/works_query_title_chemcrow_journal.json"))[
        "message"]["items"][0]
    work = parse_crossref_item(item)
    assert (work.doi, work.type, work.container) == (
        "10.1038/s42256-024-00832-8", "journal-article", "Nature Machine Intelligence")
    assert work.year == 2024 and len(work.authors) == 6 and work.authors[0] == "Andres M. Bran"
    assert work.abstract and "<jats" not in work.abstract and work.abstract.startswith(
        "Abstract Large language models")


def test_crossref_event_year_is_the_meeting_year() -> None:
    work = parse_crossref_item({"DOI": "10.1/x", "title": ["T"], "event": {
        "name": "CVPR", "start": {"date-parts": [[2023, 6, 18]]}},
        "issued": {"date-parts": [[2024, 1, 2]]}})
    assert work.year == 2023


def test_crossref_batch_ors_repeated_doi_filters() -> None:
    item = json.loads(read("crossref/works_query_title_chemcrow_journal.json"))[
        "message"]["items"][0]
    data = StubData(crossref={"10.1038/s42256-024-00832-8": item})
    with StubServer(data) as stub:
        async def main() -> BatchResult:
            async with stub_client(stub, "crossref") as client:
                return await CrossrefSource(client, None).lookup_batch(
                    ["10.1038/S42256-024-00832-8", "10.1109/unknown"])

        result = run_sync(main())
        (request,) = stub.requests("crossref")
    assert request.query["filter"] == ["doi:10.1038/S42256-024-00832-8,doi:10.1109/unknown"]
    assert result.found["10.1038/S42256-024-00832-8"].year == 2024
    assert result.found["10.1109/unknown"] is None


# --- dblp volumes --------------------------------------------------------------------------


REGISTRY = VenueRegistry.load(HERE / "fixtures" / "checker-catalog" / "venues.yaml")


@pytest.mark.parametrize("venue,year,key", [
    ("iclr", 2023, "db/conf/iclr/iclr2023.bht"), ("neurips", 2019, "db/conf/nips/nips2019.bht"),
    ("neurips", 2023, "db/conf/nips/neurips2023.bht"),
    ("cvpr-workshops", 2024, "db/conf/cvpr/cvprw2024.bht"),
    ("iccv-workshops", 2023, "db/conf/iccvw/iccvw2023.bht"),
    ("eccv", 2024, None), ("tmlr", 2023, None), ("arxiv", 2023, None),
])
def test_volume_keys_follow_dblps_names(venue: str, year: int, key: str | None) -> None:
    assert volume_key(REGISTRY[venue], year, REGISTRY) == key


def volume_stub() -> StubServer:
    return StubServer(StubData(dblp_volumes={"db/conf/iclr/iclr2023.bht": iclr2023_volume()}))


def test_a_volume_is_fetched_whole_a_thousand_records_a_page() -> None:
    with volume_stub() as stub:
        async def main() -> tuple[list[DblpHit], list[DblpHit]]:
            async with stub_client(stub, "dblp") as client:
                return (await fetch_volume(client, "db/conf/iclr/iclr2023.bht"),
                        await fetch_volume(client, "db/conf/iclr/iclr2099.bht"))

        volume, empty = run_sync(main())
        pages = [r.query["f"][0] for r in stub.requests("dblp")]
    assert len(volume) == 1574 and empty == []
    assert pages == ["0", "1000", "0"]
    assert volume[0].key == "conf/iclr/000100LDC23" and volume[0].year == 2023


def test_volume_index_finds_titles_however_punctuated() -> None:
    index = VolumeIndex(decode_hits(iclr2023_volume()))
    found = index.candidates(["Multimodal analogical reasoning over knowledge-graphs"])
    assert [h.key for h in found] == ["conf/iclr/000100LDC23"]
    assert index.candidates(["A Title No Paper Of ICLR 2023 Has At All"]) == []


def test_fetch_volumes_serves_other_tools_from_the_cache(tmp_path: Path) -> None:
    with volume_stub() as stub:
        config = replace(default_config({**stub.urls, "EFFDIFF_DBLP_INTERVAL": "0"}),
                         contact="me@example.org")
        wanted = [(REGISTRY["iclr"], 2023), (REGISTRY["tmlr"], 2023)]
        first = fetch_volumes(wanted, REGISTRY, config, cache_dir=tmp_path)
        again = fetch_volumes(wanted, REGISTRY, config, cache_dir=tmp_path)
        assert len(stub.requests("dblp")) == 2  # two pages, once
    assert [(v.toc, len(v.hits or [])) for v in first] == [("db/conf/iclr/iclr2023.bht", 1574),
                                                          (None, 0)]
    assert [len(v.hits or []) for v in again] == [1574, 0]
