"""Crossref REST API (api.crossref.org/works): the metadata a DOI was registered with.

The publisher's own deposit says where and when a DOI's paper appeared, so Crossref
confirms (or refutes) a DOI that another source proposed. DOIs are asked 50 at a time,
`filter=doi:A,doi:B,...` (a filter repeated is OR-ed); a DOI Crossref does not know (arXiv
DOIs are DataCite's) is simply missing from the answer. Requests carry `mailto`, which
puts them in the polite pool.

The year is the meeting's (`event.start`) for proceedings that name their event, else
the print or issue date.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from effdiff_catalog.checker.evidence import Evidence, Finding, PaperContext
from effdiff_catalog.checker.http import FetchError, PoliteClient
from effdiff_catalog.checker.match import YEAR_WINDOW_ID, check_title_match, judge_venue
from effdiff_catalog.checker.sources import BatchResult, EndpointSpec, MalformedResponse
from effdiff_catalog.identity import doi_key

ENDPOINT_PATH = "/works"
MAX_DOIS = 50
TRUST = 0.9
# Only fields Crossref documents for `select` (an unknown one fails the whole request).
SELECT = ("DOI,title,container-title,event,type,issued,published-print,published-online,"
          "author,abstract")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class CrossrefWork:
    doi: str
    title: str
    type: str = ""
    container: str = ""
    event: str = ""
    year: int | None = None
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None


def _first(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    return next((" ".join(str(i).split()) for i in items if isinstance(i, str) and i.strip()), "")


def _year(part: Any) -> int | None:
    """The year of a Crossref date object {'date-parts': [[2024, 5, 8]]}."""
    try:
        year = part["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None
    return year if isinstance(year, int) else None


def _name(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    return " ".join(str(author.get(k, "")).strip() for k in ("given", "family")).strip() or str(
        author.get("name", "")).strip()


def parse_item(raw: Any) -> CrossrefWork:
    if not isinstance(raw, dict) or not isinstance(raw.get("DOI"), str):
        raise MalformedResponse("Crossref item without a DOI")
    event: dict[str, Any] = raw["event"] if isinstance(raw.get("event"), dict) else {}
    abstract = raw.get("abstract")
    return CrossrefWork(
        doi=raw["DOI"], title=_first(raw.get("title")), type=str(raw.get("type", "")),
        container=_first(raw.get("container-title")), event=_first(event.get("name")),
        year=(_year(event.get("start")) or _year(raw.get("published-print"))
              or _year(raw.get("issued")) or _year(raw.get("published-online"))),
        authors=[n for n in map(_name, raw.get("author") or []) if n],
        abstract=" ".join(html.unescape(_TAG.sub(" ", abstract)).split())
        if isinstance(abstract, str) else None,
    )


def parse_works(text: str) -> list[CrossrefWork]:
    try:
        data = json.loads(text)
        items = data["message"]["items"]
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedResponse("Crossref answer has no message.items list") from exc
    if not isinstance(items, list):
        raise MalformedResponse("Crossref message.items is not a list")
    return [parse_item(item) for item in items]


class CrossrefSource:
    """Keys are DOIs (never arXiv's); 50 to a request."""

    def __init__(self, client: PoliteClient, contact: str | None) -> None:
        self.client = client
        self.url = client.config.url(ENDPOINT_PATH)
        self.extra = {"mailto": contact} if contact else {}
        self.batch_size = max(1, min(MAX_DOIS, client.config.batch_size))

    async def lookup_batch(self, keys: Sequence[str]) -> BatchResult:
        params = {"filter": ",".join(f"doi:{k}" for k in keys), "rows": str(len(keys)),
                  "select": SELECT, **self.extra}
        try:
            reply = await self.client.request("GET", self.url, params=params)
            works = parse_works(reply.text)
        except FetchError as exc:
            return BatchResult.failed(keys, f"crossref: {exc.reason}")
        except MalformedResponse as exc:
            return BatchResult.failed(keys, f"crossref: {exc}")
        by_doi = {doi_key(w.doi): w for w in works}
        return BatchResult(found={k: by_doi.get(doi_key(k)) for k in keys})


def encode(work: CrossrefWork | None) -> Any:
    return None if work is None else asdict(work)


def decode(value: Any) -> CrossrefWork | None:
    return None if value is None else CrossrefWork(**value)


def evaluate(context: PaperContext, works: Sequence[CrossrefWork]) -> Finding:
    """Each DOI's deposit: the paper's own (same title and authors), at a venue."""
    finding = Finding()
    for work in works:
        label = f"crossref {work.doi}"
        match = check_title_match(context, work.title, work.authors, require_authors=False)
        if match is None:
            finding.notes.append(f"{label}: the DOI is registered for another paper "
                                 f"({work.title!r}); not proposed")
            finding.refuted_dois.add(doi_key(work.doi))
            continue
        judged = None
        for text in (t for t in (work.container, work.event) if t):
            judged = judge_venue(context, label, text, work.year, YEAR_WINDOW_ID)
            if judged.venue is not None:
                break
        if judged is None:
            finding.notes.append(f"{label}: no venue in the deposit")
            continue
        if judged.venue is None:
            finding.refuse(judged)
            continue
        finding.evidence.append(Evidence(
            source="crossref", matched=f"doi:{work.doi}", by="doi",
            venue_text=work.container or work.event, venue=judged.venue.key,
            year=work.year,  # type: ignore[arg-type]
            year_is_publication=True, trust=TRUST, doi=work.doi,
            url=f"https://doi.org/{work.doi}",
            reasons=[f"Crossref deposit of {work.doi}: {work.type} in "
                     f"{work.container or work.event!r}, {work.year}"],
            published_title=match.renamed,
        ))
    return finding


ENDPOINT = EndpointSpec(
    name="crossref", source="crossref", key_kind="doi",
    answers=frozenset({"venue", "year", "authors", "abstract", "title"}), trust=TRUST,
    make=lambda client, config: CrossrefSource(client, config.contact),
    encode=encode, decode=decode, evaluate=evaluate,
    missing="crossref: no deposit for the DOI",
)
