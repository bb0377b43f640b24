"""dblp search API (dblp.org/search/publ/api): whole proceedings volumes, and title search.

A volume comes from a table-of-contents query, `q=toc:db/conf/iclr/iclr2023.bht:`, up to
1,000 hits a page (`h`), paged with `f`; the answer has the shape of any search answer
(`result.hits.hit[].info`). dblp allows about one request a second, so the checker fetches
each candidate venue-year once and matches every preprint against it locally; a title
search remains the fallback for what the volumes do not hold.

dblp's JSON writes every number as a string, gives `authors.author` as a list (or a
single object for one author), adds homonym suffixes to names ("Xiaopeng Zhang 0009") and
ends titles with a period. Its top hit is often another paper: the matcher decides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.evidence import Evidence, Finding, PaperContext
from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.match import (
    YEAR_WINDOW_TITLE,
    check_title_match,
    clean_doi,
    clean_url,
    judge_venue,
)
from effdiff_catalog.checker.sources import BatchResult, EndpointSpec, MalformedResponse
from effdiff_catalog.identity import ascii_fold
from effdiff_catalog.records.venues import Venue, VenueRegistry

ENDPOINT_PATH = "/search/publ/api"
TITLE_HITS = 5
PAGE_SIZE = 1000  # dblp's cap on `h`
MAX_PAGES = 20  # a volume of 20,000 papers is beyond any venue; stops a runaway loop
INFORMAL_TYPES = ("informal",)
PREPRINT_KEY_PREFIX = "journals/corr/"
# dblp's volume names, where they are not "<stream's last part><year>".
VOLUME_NAMES = {"conf/nips": lambda year: "neurips" if year >= 2020 else "nips"}
# Streams whose yearly proceedings are split into many volumes (ECCV: one LNCS volume
# per part); their papers are found by title search.
SPLIT_VOLUMES = frozenset({"conf/eccv"})
_HOMONYM = re.compile(r"\s+\d{4}$")


@dataclass
class DblpHit:
    key: str
    title: str
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    year: int | None = None
    type: str = ""
    doi: str | None = None
    ee: list[str] = field(default_factory=list)
    url: str | None = None


def query_text(title: str) -> str:
    """Plain words only: dblp treats some punctuation as query operators."""
    return " ".join(re.findall(r"[a-z0-9]+", ascii_fold(title).lower()))


def volume_key(venue: Venue, year: int, registry: VenueRegistry) -> str | None:
    """The toc key of a venue's proceedings in a year ('db/conf/iclr/iclr2023.bht'), or
    None when dblp has no single volume for it (journals, split or unknown streams).

    A conference's joint workshop proceedings that share its stream are `<name>w<year>`
    (db/conf/cvpr/cvprw2023.bht); one edition of one workshop has no volume of its own.
    """
    stream = venue.dblp
    if (stream is None or venue.kind not in ("conference", "workshop")
            or venue.single_edition or stream in SPLIT_VOLUMES):
        return None
    name = VOLUME_NAMES[stream](year) if stream in VOLUME_NAMES else stream.rsplit("/", 1)[-1]
    main = registry.venues.get(venue.workshop_of or "")
    if venue.kind == "workshop":
        if main is None:
            return None
        if main.dblp == stream:
            name += "w"
    return f"db/{stream}/{name}{year}.bht"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _venue_text(value: Any) -> str:
    return ", ".join(str(v) for v in _as_list(value))


def parse_hit(info: Any) -> DblpHit:
    if not isinstance(info, dict):
        raise MalformedResponse("dblp hit without an 'info' object")
    raw_authors = info.get("authors")
    authors_obj: dict[str, Any] = raw_authors if isinstance(raw_authors, dict) else {}
    authors = []
    for author in _as_list(authors_obj.get("author")):
        name = author.get("text") if isinstance(author, dict) else author
        if isinstance(name, str) and name.strip():
            authors.append(_HOMONYM.sub("", name.strip()))
    year = str(info.get("year", ""))
    return DblpHit(
        key=str(info.get("key", "")),
        title=" ".join(str(info.get("title", "")).split()),
        authors=authors,
        venue=_venue_text(info.get("venue")),
        year=int(year) if year.isdigit() else None,
        type=str(info.get("type", "")),
        doi=str(info["doi"]) if info.get("doi") else None,
        ee=[str(e) for e in _as_list(info.get("ee"))],
        url=str(info["url"]) if info.get("url") else None,
    )


def parse_search_page(text: str) -> tuple[list[DblpHit], int]:
    """Hits of one answer page, best first, and the total the query has."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MalformedResponse(f"dblp answer is not JSON ({exc})") from exc
    try:
        hits = data["result"].get("hits", {})
    except (KeyError, TypeError, AttributeError) as exc:
        raise MalformedResponse("dblp answer has no 'result' object") from exc
    if not isinstance(hits, dict):
        raise MalformedResponse("dblp 'hits' is not an object")
    total = str(hits.get("@total", "0"))
    page = [parse_hit(h.get("info") if isinstance(h, dict) else None)
            for h in _as_list(hits.get("hit"))]
    return page, int(total) if total.isdigit() else len(page)


def parse_search(text: str) -> list[DblpHit]:
    """Hits of a search answer, best first. No hits is an empty list."""
    return parse_search_page(text)[0]


async def fetch_volume(client: PoliteClient, toc: str) -> list[DblpHit]:
    """Every record of one volume ('db/conf/iclr/iclr2023.bht'), all pages; [] when dblp
    has no such volume. Raises FetchError or MalformedResponse."""
    url = client.config.url(ENDPOINT_PATH)
    hits: list[DblpHit] = []
    for _ in range(MAX_PAGES):
        reply = await client.request("GET", url, params={
            "q": f"toc:{toc}:", "h": str(PAGE_SIZE), "f": str(len(hits)), "format": "json"})
        page, total = parse_search_page(reply.text)
        hits += page
        if not page or len(hits) >= total:
            return hits
    raise MalformedResponse(f"dblp volume {toc} has more than {MAX_PAGES} pages")


class DblpVolumeSource:
    """Keys are toc keys; each volume is fetched whole."""

    batch_size = 1

    def __init__(self, client: PoliteClient) -> None:
        self.client = client

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        result = BatchResult()
        for key in keys:
            try:
                result.found[key] = await fetch_volume(self.client, key)
            except FetchError as exc:
                result.errors[key] = f"dblp: volume {key}: {exc.reason}"
            except MalformedResponse as exc:
                result.errors[key] = f"dblp: volume {key}: {exc}"
        return result


class DblpTitleSource:
    """Keys are titles; each is one request (dblp has no batch search)."""

    batch_size = 1

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.url = client.config.url(ENDPOINT_PATH)

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        result = BatchResult()
        for key in keys:
            try:
                reply = await self.client.request("GET", self.url, params={
                    "q": query_text(key), "format": "json", "h": str(TITLE_HITS)})
                result.found[key] = parse_search(reply.text)
            except FetchError as exc:
                result.errors[key] = f"dblp: {exc.reason}"
            except MalformedResponse as exc:
                result.errors[key] = f"dblp: {exc}"
        return result


def encode(hits: list[DblpHit]) -> Any:
    return [asdict(hit) for hit in hits]


def decode(value: Any) -> list[DblpHit]:
    return [DblpHit(**hit) for hit in value]


def _is_preprint_record(hit: DblpHit) -> bool:
    return hit.type.lower().startswith(INFORMAL_TYPES) or hit.key.startswith(
        PREPRINT_KEY_PREFIX)


def _trust(similarity: float, overlap: float, by: str) -> float:
    """A title hit's weight: closer titles and authors count more, and a record of the
    very volume more than a search hit; never as much as a DOI deposit."""
    base = 0.6 + 0.2 * (similarity >= 0.97) + 0.1 * (overlap >= 0.75) + 0.05 * (similarity == 1)
    return round(min(0.9, base + (0.05 if by == "volume" else 0.0)), 2)


def evaluate_hits(context: PaperContext, hits: Sequence[DblpHit], by: str) -> Finding:
    """Every hit is checked on title, authors, venue and year; a rank counts for nothing."""
    finding = Finding()
    if not context.authors:
        finding.notes.append("dblp: neither the record nor arXiv lists authors, so a title "
                             "match cannot be trusted")
        return finding
    matches = [(hit, check_title_match(context, hit.title, hit.authors)) for hit in hits]
    rejected = sum(match is None for _, match in matches)
    # A record with the very title makes its near-namesakes (a "Part II") other papers.
    exact = any(match is not None and match.similarity == 1.0 for _, match in matches)
    for hit, match in matches:
        if match is None or (exact and match.similarity < 1.0):
            continue
        if _is_preprint_record(hit):
            finding.notes.append(
                f"dblp: {hit.key} is the preprint record ({hit.venue or hit.type})")
            continue
        judged = judge_venue(context, f"dblp {hit.key}", hit.venue, hit.year, YEAR_WINDOW_TITLE)
        if judged.venue is None:
            finding.refuse(judged)
            continue
        where = "in its proceedings volume" if by == "volume" else "by title search"
        finding.evidence.append(Evidence(
            source="dblp", matched=f"dblp:{hit.key}", by=by, venue_text=hit.venue,
            venue=judged.venue.key, year=hit.year,  # type: ignore[arg-type]
            year_is_publication=True, trust=_trust(match.similarity, match.overlap, by),
            doi=clean_doi(hit.doi), url=next((u for u in hit.ee if clean_url(u)), None),
            reasons=[f"dblp {where}: title match {match.similarity:.2f}, author surnames "
                     f"{match.overlap:.0%}, venue {hit.venue!r} {hit.year}"],
            published_title=match.renamed,
        ))
    if by == "title" and rejected:
        finding.notes.append(f"dblp: {rejected} hit(s) rejected (title or authors do not match)")
    return finding


def _volume_ttl(hits: list[DblpHit], config: CheckerConfig) -> float | None:
    """A published volume is kept long; an empty answer (not indexed yet) is not."""
    return config.volume_ttl if hits else None


VOLUMES = EndpointSpec(
    name="dblp-volume", source="dblp", key_kind="volume",
    answers=frozenset({"venue", "year", "doi", "authors"}), trust=0.9,
    make=lambda client, config: DblpVolumeSource(client),
    encode=encode, decode=decode,
    evaluate=lambda context, hits: evaluate_hits(context, hits, "volume"),
    missing="dblp: not in the proceedings volumes searched", ttl=_volume_ttl,
)

BY_TITLE = EndpointSpec(
    name="dblp-title", source="dblp", key_kind="title",
    answers=frozenset({"venue", "year", "doi", "authors", "arxiv"}), trust=0.85,
    make=lambda client, config: DblpTitleSource(client),
    encode=encode, decode=decode,
    evaluate=lambda context, hits: evaluate_hits(context, hits, "title"),
    missing="dblp: no hit for the title",
)
