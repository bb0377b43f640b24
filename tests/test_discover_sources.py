"""discover's sources: arXiv search pages, Semantic Scholar citation pages, and the paging
walk over them, on recorded answers (tests/fixtures/api/, SOURCES.md) served by the
loopback stub."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from checker_world import stub_env
from stub_api import StubData, StubServer

from effdiff_catalog.checker.config import default_config
from effdiff_catalog.checker.session import Session, run_sync
from effdiff_catalog.checker.sources import arxiv, semanticscholar
from effdiff_catalog.checker.sources.dblp import DblpHit
from effdiff_catalog.discover.candidates import Candidate, id_key
from effdiff_catalog.discover.found import from_dblp_hit, from_s2_paper
from effdiff_catalog.discover.gather import Walked, read_citations, read_feed, walk

API = Path(__file__).resolve().parent / "fixtures" / "api"
PAGE_0 = API / "arxiv" / "search_query_testing_start0_max10.atom.xml"
PAGE_10 = API / "arxiv" / "search_query_testing_start10_max10.atom.xml"
CITATIONS = API / "semanticscholar" / "citations_offset1700_limit100.json"
LAST_CITATIONS = API / "semanticscholar" / "citations_offset1800_limit100_last.json"
FULL_ITEM = API / "semanticscholar" / "citation_item_full_fields.json"


def test_search_query_names_the_categories_and_a_window_ending_before_its_last_day() -> None:
    query = arxiv.search_query(["cs.CV", "cs.LG"], dt.date(2026, 11, 1), dt.date(2026, 11, 8))
    assert query == "(cat:cs.CV OR cat:cs.LG) AND submittedDate:[202611010000 TO 202611072359]"


def test_search_pages_are_sorted_oldest_first_and_at_most_2000() -> None:
    key = arxiv.search_page_key("cat:cs.CV", 2000, 2000)
    assert "sortBy=submittedDate" in key and "sortOrder=ascending" in key
    assert "start=2000" in key and "max_results=2000" in key
    with pytest.raises(ValueError):
        arxiv.search_page_key("cat:cs.CV", 0, 2001)


def test_a_recorded_search_page_parses_with_its_total() -> None:
    feed = arxiv.parse_feed(PAGE_0.read_bytes())
    assert feed.total_results == 214881 and len(feed.entries) == 10
    assert feed.entries[0].arxiv_id == "2202.12139" and feed.entries[0].doi
    items, after, total = read_feed(feed, 0)
    assert (len(items), after, total) == (10, 10, 214881)


def test_citation_pages_stay_within_what_semantic_scholar_serves() -> None:
    assert "offset=8000" in semanticscholar.citations_page_key("ARXIV:2502.06805", 8000, 1000)
    for offset, limit in ((0, 1001), (9500, 500)):
        with pytest.raises(ValueError):
            semanticscholar.citations_page_key("ARXIV:2502.06805", offset, limit)


def test_recorded_citation_pages_give_the_next_offset_and_end_without_one() -> None:
    page = semanticscholar.parse_citations_page(CITATIONS.read_text(encoding="utf-8"))
    assert len(page.papers) == 100 and page.next == 1800
    last = semanticscholar.parse_citations_page(LAST_CITATIONS.read_text(encoding="utf-8"))
    raw = json.loads(LAST_CITATIONS.read_text(encoding="utf-8"))["data"]
    assert last.next is None and len(last.papers) == len(raw) == 81
    assert sum(not p.paper_id for p in last.papers) == 4  # null paperId: kept, by title
    assert read_citations(last, 1800) == (last.papers, None, None)


def test_a_full_citation_item_becomes_a_candidate_named_by_its_doi_and_dblp_key() -> None:
    item = json.loads(FULL_ITEM.read_text(encoding="utf-8"))
    page = semanticscholar.parse_citations_page(json.dumps({"data": [item]}))
    candidate = from_s2_paper(page.papers[0], "cites the survey")
    assert candidate.key == "dblp:journals/ral/MonastirskyAS23"
    assert candidate.ident == candidate.doi == "10.1109/LRA.2022.3229266"
    assert candidate.abstract and candidate.year == 2023 and len(candidate.authors) == 3


def test_a_dblp_record_with_an_arxiv_link_carries_the_id_and_the_volume_record_is_dropped() -> None:
    hit = DblpHit(key="conf/iclr/X23", title="A Title.", authors=["A B"], venue="ICLR",
                  year=2023, ee=["https://openreview.net/forum?id=x",
                                 "https://arxiv.org/abs/2301.00001v2"])
    candidate = from_dblp_hit(hit, "dblp ICLR 2023")
    assert candidate is not None
    assert (candidate.title, candidate.arxiv, candidate.ident) == ("A Title", "2301.00001",
                                                                   "2301.00001")
    volume = DblpHit(key="conf/iclr/2023", title="ICLR 2023", type="Editorship")
    assert from_dblp_hit(volume, "dblp ICLR 2023") is None


def test_ids_compare_without_version_resolver_or_case() -> None:
    assert id_key("arXiv:2401.00001v3") == id_key("https://arxiv.org/abs/2401.00001") == (
        "2401.00001")
    assert id_key("https://doi.org/10.1109/CVPR.2023.1") == "10.1109/cvpr.2023.1"
    assert id_key("DBLP:conf/iclr/X23") == id_key("dblp:conf/iclr/X23")
    both = Candidate(key="dblp:conf/cvpr/Y23", title="t", doi="10.1/AB", arxiv="2301.00002")
    assert both.idents() == {"dblp:conf/cvpr/y23", "10.1/ab", "2301.00002"}


def _walk_recorded(tmp_path: Path, cap: int, page: int = 10) -> tuple[Walked, StubServer]:
    data = StubData(arxiv_search_pages={0: PAGE_0.read_text(encoding="utf-8"),
                                        10: PAGE_10.read_text(encoding="utf-8")})
    with StubServer(data) as stub:
        config = default_config(stub_env(stub, tmp_path / "cache"))

        async def run() -> Walked:
            async with Session(config, tmp_path / "cache", {"arxiv-search": arxiv.SEARCH}) as s:
                return await walk(s.lookups["arxiv-search"],
                                  lambda start, size: arxiv.search_page_key("all:testing",
                                                                            start, size),
                                  page, cap, read_feed)

        return run_sync(run()), stub


def test_a_walk_over_recorded_pages_stops_at_its_cap_and_says_so(tmp_path: Path) -> None:
    walked, stub = _walk_recorded(tmp_path, cap=20)
    assert len(walked.items) == 20 and walked.cut and walked.total == 214881
    starts = [r.query["start"][0] for r in stub.requests("arxiv")]
    assert starts == ["0", "10"]
    assert {r.query["max_results"][0] for r in stub.requests("arxiv")} == {"10"}
    again, stub = _walk_recorded(tmp_path, cap=20)
    assert [e.arxiv_id for e in again.items] == [e.arxiv_id for e in walked.items]
    assert stub.requests("arxiv") == []  # every page from the cache


def test_a_walk_keeps_the_pages_before_a_failure(tmp_path: Path) -> None:
    data = StubData(arxiv_search_pages={0: PAGE_0.read_text(encoding="utf-8")})
    with StubServer(data) as stub:
        config = default_config(stub_env(stub, tmp_path / "cache"))

        async def run() -> Walked:
            async with Session(config, None, {"arxiv-search": arxiv.SEARCH}) as s:
                stub.add_fault("arxiv", "pass", *["503"] * 3)
                return await walk(s.lookups["arxiv-search"],
                                  lambda start, size: arxiv.search_page_key("all:t", start, size),
                                  10, 30, read_feed)

        walked = run_sync(run())
    assert len(walked.items) == 10 and walked.error and "HTTP 503" in walked.error
    assert not walked.cut
