"""`effdiff enrich`: complete records from the checker's sources, by the same rules.

Fields: missing authors, arXiv id, DOI and abstract, and the citation key where there is
none (by the convention, records/citekeys.py: no source needed). A DOI is filled only in
published records: a preprint's venue DOI comes with its venue, from `check-venues`.

Each field's candidates come from the records that are the paper: found by its arXiv id
or DOI (and, by id, under its title or its authors), or by dblp title search (title and
authors). Then:

* two sources that agree fill a missing field (**fill**);
* a single source is **review**, written only with --accept review;
* sources that disagree are a **conflict**, never written;
* a present value is not even looked at without --update; with it, a value that two
  agreeing sources contradict is replaced (**update**; `--update --dry-run` shows them).

Writes go through `rewrite_record`: atomic, comments and layout kept, only the filled
keys touched, a file changed since it was read left alone.
"""

from __future__ import annotations

import difflib
import json
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from effdiff_catalog.checker import exitcodes
from effdiff_catalog.checker.config import DEFAULT_CACHE_DIR, CheckerConfig
from effdiff_catalog.checker.decide import build_context
from effdiff_catalog.checker.evidence import Looked, PaperContext
from effdiff_catalog.checker.match import (
    check_id_match,
    check_title_match,
    clean_doi,
    name_words,
    surname,
)
from effdiff_catalog.checker.rewrite import rewrite_record, text_sha256
from effdiff_catalog.checker.run import Progress
from effdiff_catalog.checker.session import Session, run_sync
from effdiff_catalog.checker.sources import EndpointSpec, semanticscholar
from effdiff_catalog.checker.sources.registry import ENDPOINTS as CHECKER_ENDPOINTS
from effdiff_catalog.identity import doi_key, is_arxiv_doi, normalise_arxiv, title_key
from effdiff_catalog.records.catalog import Catalog, LoadedRecord
from effdiff_catalog.records.citekeys import missing_keys
from effdiff_catalog.records.models import Paper

FieldName = Literal["authors", "arxiv", "doi", "abstract", "citation_key"]
FieldStatus = Literal["fill", "update", "review", "conflict"]
LOOKED_UP: tuple[FieldName, ...] = ("authors", "arxiv", "doi", "abstract")
ABSTRACT_SIMILARITY_MIN = 0.9
# Whose value is written when sources agree: the authors' own (arXiv), the publisher's.
PREFERRED = ("arxiv", "crossref", "dblp", "semanticscholar", "openalex")

ENDPOINTS: dict[str, EndpointSpec] = {
    **{name: CHECKER_ENDPOINTS[name] for name in (
        "arxiv", "semanticscholar", "openalex", "crossref", "dblp-title")},
    semanticscholar.BY_DOI.name: semanticscholar.BY_DOI,
}


@dataclass(frozen=True)
class Candidate:
    source: str
    value: Any


@dataclass
class FieldProposal:
    name: FieldName
    status: FieldStatus
    value: Any
    sources: list[str]
    reasons: list[str] = field(default_factory=list)


@dataclass
class EnrichResult:
    record_id: str
    path: str
    sha256: str | None
    proposals: list[FieldProposal] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    message: str = ""


@dataclass
class EnrichRun:
    results: list[EnrichResult]
    requests: dict[str, int] = field(default_factory=dict)

    @property
    def exit_status(self) -> int:
        """As check-venues: 3 some record could not be fully looked up, 1 fields to fill
        (written unless --dry-run), 0 nothing."""
        if any(r.unchecked for r in self.results):
            return exitcodes.INCOMPLETE
        found = any(p.status in ("fill", "update") for r in self.results for p in r.proposals)
        return exitcodes.FOUND if found else exitcodes.NOTHING


# --- agreement ------------------------------------------------------------------------


def same_authors(a: Sequence[str], b: Sequence[str]) -> bool:
    """The same people in the same order: each name's surname is a word of the other
    name ('Wei Zhang' and 'Zhang Wei' agree; so do 'Andrew D. White' and 'Andrew Dickson
    White', 'Jakub Lála' and Semantic Scholar's 'Jakub L'ala')."""
    return len(a) == len(b) and all(
        bool(surname(x)) and (surname(x) in name_words(y) or surname(y) in name_words(x))
        for x, y in zip(a, b, strict=True))


def same_text(a: str, b: str) -> bool:
    ka, kb = title_key(a), title_key(b)
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= ABSTRACT_SIMILARITY_MIN


AGREE: dict[FieldName, Callable[[Any, Any], bool]] = {
    "authors": same_authors, "abstract": same_text,
    "doi": lambda a, b: doi_key(a) == doi_key(b), "arxiv": lambda a, b: a == b,
}


def _groups(field_name: FieldName, candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Candidates that agree with each other, the best supported group first."""
    groups: list[list[Candidate]] = []
    for candidate in candidates:
        home = next((g for g in groups if AGREE[field_name](g[0].value, candidate.value)), None)
        if home is None:
            groups.append([candidate])
        else:
            home.append(candidate)
    return sorted(groups, key=lambda g: -len({c.source for c in g}))


def _preferred(group: Sequence[Candidate]) -> Candidate:
    return min(group, key=lambda c: PREFERRED.index(c.source) if c.source in PREFERRED
               else len(PREFERRED))


def _shown(value: Any) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return textwrap.shorten(text, 90, placeholder=" ...")


def propose(field_name: FieldName, current: Any, candidates: Sequence[Candidate],
            update: bool) -> FieldProposal | None:
    """The verdict on one field, or None when there is nothing to say."""
    groups = _groups(field_name, candidates)
    if not groups:
        return None
    if len(groups) > 1:
        return FieldProposal(field_name, "conflict", None, sorted({c.source for c in candidates}),
                             [f"{', '.join(sorted({c.source for c in g}))}: {_shown(g[0].value)}"
                              for g in groups])
    group = groups[0]
    sources = sorted({c.source for c in group})
    value = _preferred(group).value
    why = [f"{', '.join(sources)}: {_shown(value)}"]
    if current:
        if not update or AGREE[field_name](current, value) or len(sources) < 2:
            return None
        return FieldProposal(field_name, "update", value, sources,
                             [*why, f"the record has {_shown(current)}"])
    if len(sources) < 2:
        return FieldProposal(field_name, "review", value, sources,
                             [*why, "only one source: review (--accept review writes it)"])
    return FieldProposal(field_name, "fill", value, sources, why)


# --- candidates from the answers --------------------------------------------------------


def _value(answers: Mapping[str, Looked], name: str) -> Any:
    looked = answers.get(name)
    return looked.value if looked is not None and looked.answered else None


def candidates(context: PaperContext, answers: Mapping[str, Looked]
               ) -> dict[FieldName, list[Candidate]]:
    """What each source that is the paper says of each field."""
    out: dict[FieldName, list[Candidate]] = {f: [] for f in LOOKED_UP}

    def add(source: str, **values: Any) -> None:
        for name, value in values.items():
            if value:
                out[name].append(Candidate(source, value))  # type: ignore[index]

    entry = _value(answers, "arxiv")
    if entry is not None and check_id_match(context, "arxiv", entry.title, entry.authors).same:
        add("arxiv", authors=entry.authors, abstract=entry.summary, doi=clean_doi(entry.doi))
    for name in ("semanticscholar", "semanticscholar-doi"):
        s2 = _value(answers, name)
        if s2 is not None and check_id_match(context, "semanticscholar", s2.title,
                                             s2.authors).same:
            add("semanticscholar", authors=s2.authors, abstract=s2.abstract,
                doi=clean_doi(s2.doi), arxiv=normalise_arxiv(s2.external_ids.get("ArXiv")))
    work = _value(answers, "openalex")
    if work is not None and check_id_match(context, "openalex", work.title, work.authors).same:
        add("openalex", authors=work.authors, abstract=work.abstract, doi=clean_doi(work.doi))
    deposit = _value(answers, "crossref")
    if deposit is not None and check_title_match(context, deposit.title, deposit.authors,
                                                 require_authors=False):
        add("crossref", authors=deposit.authors, abstract=deposit.abstract, doi=deposit.doi)
    for hit in _value(answers, "dblp-title") or []:
        if check_title_match(context, hit.title, hit.authors) is None:
            continue
        arxiv = next((a for a in map(normalise_arxiv, hit.ee) if a), None)
        if hit.key.startswith("journals/corr/"):
            add("dblp", authors=hit.authors, arxiv=arxiv)
        else:
            add("dblp", authors=hit.authors, doi=clean_doi(hit.doi), arxiv=arxiv)
    return out


def confirming_keys(paper: Paper, proposed: Mapping[FieldName, list[Candidate]]
                    ) -> dict[str, tuple[str, str]]:
    """The second round: arXiv's entry for each proposed arXiv id, Crossref's deposit for
    each proposed DOI (label -> endpoint, key)."""
    keys = {}
    if not paper.arxiv:
        keys.update({f"arxiv:{c.value}": ("arxiv", c.value) for c in proposed["arxiv"]})
    if not paper.doi:
        keys.update({f"crossref:{doi_key(c.value)}": ("crossref", c.value)
                     for c in proposed["doi"]})
    return keys


def confirm(context: PaperContext, answers: Mapping[str, Looked],
            proposed: Mapping[FieldName, list[Candidate]]) -> None:
    """arXiv's own entry confirms a proposed arXiv id, and a Crossref deposit a proposed
    DOI, when they are this paper's (by title, and authors where both list them); the
    entry then speaks for the paper's other fields too."""
    for arxiv in {c.value for c in proposed["arxiv"]}:
        entry = _value(answers, f"arxiv:{arxiv}")
        if entry is not None and check_title_match(context, entry.title, entry.authors,
                                                   require_authors=False):
            proposed["arxiv"].append(Candidate("arxiv", arxiv))
            for name, value in (("authors", entry.authors), ("abstract", entry.summary)):
                if value:
                    proposed[name].append(Candidate("arxiv", value))  # type: ignore[index]
    for doi in {doi_key(c.value) for c in proposed["doi"]}:
        deposit = _value(answers, f"crossref:{doi}")
        if deposit is not None and check_title_match(context, deposit.title, deposit.authors,
                                                     require_authors=False):
            proposed["doi"].append(Candidate("crossref", deposit.doi))


# --- the run ------------------------------------------------------------------------------


def _wanted(paper: Paper, catalog: Catalog, update: bool) -> list[FieldName]:
    """The fields worth looking up for a record."""
    venue = catalog.venues.venues.get(paper.venue)
    published = venue is not None and not venue.is_preprint
    fields: list[FieldName] = []
    for name in LOOKED_UP:
        if name == "doi" and not published:
            continue
        if update or not getattr(paper, name):
            fields.append(name)
    return fields


def enrich_catalog(
    catalog: Catalog,
    config: CheckerConfig,
    *,
    ids: Sequence[str] | None = None,
    update: bool = False,
    write: bool = True,
    accept_review: bool = False,
    progress: Progress | None = None,
) -> EnrichRun:
    """Propose (and unless `write` is off, write) the fields each record lacks. Unknown
    ids raise KeyError."""
    chosen = _chosen(catalog, ids)
    fields = {paper.id: _wanted(paper, catalog, update) for _, paper in chosen}
    cache_dir = config.cache_dir or (catalog.root / DEFAULT_CACHE_DIR)
    answers, requests = run_sync(_look_up([p for _, p in chosen if fields[p.id]], catalog,
                                             config, cache_dir))
    statuses = _written_statuses(accept_review)
    results = []
    for n, (entry, paper) in enumerate(chosen, 1):
        results.append(_result(paper, entry.path, text_sha256(entry.file.text),
                               fields[paper.id], catalog, answers.get(paper.id, {}), update))
        if progress is not None:
            progress(n, len(chosen))
    _propose_keys(catalog, results, statuses)
    results = [r for r in results if r.proposals or r.unchecked]
    if write:
        for result in results:
            _write(catalog.root / result.path, result, statuses)
    return EnrichRun(results, requests)


def _chosen(catalog: Catalog, ids: Sequence[str] | None) -> list[tuple[LoadedRecord, Paper]]:
    papers = [(e, e.record) for e in catalog.entries if isinstance(e.record, Paper)]
    wanted = set(ids or [])
    missing = sorted(wanted - {paper.id for _, paper in papers})
    if missing:
        raise KeyError(", ".join(missing))
    return [(e, paper) for e, paper in papers if not wanted or paper.id in wanted]


def _written_statuses(accept_review: bool) -> set[FieldStatus]:
    return {"fill", "update", "review"} if accept_review else {"fill", "update"}


def _propose_keys(catalog: Catalog, results: Sequence[EnrichResult],
                  statuses: set[FieldStatus]) -> None:
    """A citation key for each record that has none, by the convention, from the record
    as it will be (authors just filled make the key's surname), unique among all keys. A
    record still without authors would get the title-based key for good: review only."""
    by_id = {r.record_id: r for r in results}
    papers = []
    for paper in catalog.papers():
        result = by_id.get(paper.id)
        fills: dict[str, Any] = {p.name: p.value for p in result.proposals
                                 if p.status in statuses} if result else {}
        papers.append(paper.model_copy(update=fills))
    authorless = {p.id for p in papers if not p.authors}
    for record_id, key in missing_keys(papers).items():
        if record_id not in by_id:
            continue
        why = [f"{key}: the citation-key convention (CONTRIBUTING.md)"]
        if record_id in authorless:
            why.append("the record has no authors yet, so the key would be the title-based "
                       "one, kept for good: review (--accept review writes it)")
        by_id[record_id].proposals.append(FieldProposal(
            "citation_key", "review" if record_id in authorless else "fill", key,
            ["convention"], why))


def _result(paper: Paper, path: str, sha: str, fields: Sequence[FieldName], catalog: Catalog,
            answers: Mapping[str, Looked], update: bool) -> EnrichResult:
    result = EnrichResult(paper.id, path, sha)
    result.unchecked = sorted({ENDPOINTS[name.split(":")[0]].source
                               for name, looked in answers.items() if looked.error})
    context = build_context(paper, catalog.venues, answers)
    found = candidates(context, answers)
    confirm(context, answers, found)
    for name in fields:
        proposal = propose(name, getattr(paper, name), found[name], update)
        if proposal is not None:
            result.proposals.append(proposal)
    return result


def first_keys(paper: Paper) -> dict[str, tuple[str, str]]:
    """The first round: by arXiv id, by DOI, and (with neither id to find it by) by title."""
    keys: dict[str, tuple[str, str]] = {}
    if paper.arxiv:
        keys.update({name: (name, paper.arxiv) for name in
                     ("arxiv", "semanticscholar", "openalex")})
    if paper.doi and not is_arxiv_doi(paper.doi):
        keys.update({name: (name, paper.doi) for name in ("crossref", "semanticscholar-doi")})
    if not paper.arxiv or not paper.doi:
        keys["dblp-title"] = ("dblp-title", paper.title)
    return keys


async def _look_up(papers: Sequence[Paper], catalog: Catalog, config: CheckerConfig,
                   cache_dir: Path) -> tuple[dict[str, dict[str, Looked]], dict[str, int]]:
    """Each record's answers (by label), in two rounds: what finds the record, then what
    confirms the ids those answers propose."""
    async with Session(config, cache_dir, ENDPOINTS) as session:
        answers = await _ask(session, {p.id: first_keys(p) for p in papers})
        second = {}
        for paper in papers:
            context = build_context(paper, catalog.venues, answers[paper.id])
            second[paper.id] = confirming_keys(paper, candidates(context, answers[paper.id]))
        confirmations = await _ask(session, second)
    merged = {pid: {**answers[pid], **confirmations[pid]} for pid in answers}
    return merged, {name: stats.requests for name, stats in session.stats().items()}


async def _ask(session: Session, wanted: Mapping[str, Mapping[str, tuple[str, str]]]
               ) -> dict[str, dict[str, Looked]]:
    """Every (endpoint, key) of every record, batched per endpoint; answers by label."""
    for keys in wanted.values():
        for endpoint, key in keys.values():
            session.lookups[endpoint].submit([key])
    for lookup in session.lookups.values():
        lookup.flush()
    return {pid: {label: await session.lookups[endpoint].get(key)
                  for label, (endpoint, key) in keys.items()}
            for pid, keys in wanted.items()}


def _write(path: Path, result: EnrichResult, statuses: set[FieldStatus]) -> None:
    """Write the fields that are filled (or updated, or accepted for review)."""
    changes: dict[str, Any] = {p.name: p.value for p in result.proposals
                               if p.status in statuses}
    if not changes:
        return
    why_not = rewrite_record(path, result.record_id, result.sha256, lambda current: changes,
                             set(changes))
    result.written = [] if why_not else sorted(changes)
    result.message = f"not written: {why_not}" if why_not else "written: " + ", ".join(
        sorted(changes))


# --- reports ------------------------------------------------------------------------------


def enrich_json(run: EnrichRun) -> str:
    return json.dumps({"exit_status": run.exit_status, "requests": run.requests,
                       "results": [asdict(r) for r in run.results]}, indent=2,
                      ensure_ascii=False)


def enrich_table(run: EnrichRun, width: int) -> str:
    """Each record, then one line per field (status, sources), its evidence under it."""
    width = max(40, width)
    wrap = textwrap.TextWrapper(width=width, initial_indent="      - ",
                                subsequent_indent="        ")
    lines = ["Enrich", ""]
    for result in run.results:
        lines.append(result.record_id + (f"  ({result.message})" if result.message else ""))
        if result.unchecked:
            lines.append(wrap.fill(f"could not ask: {', '.join(result.unchecked)}"))
        for p in result.proposals:
            lines.append(f"    {p.name:<13} {p.status:<9} {', '.join(p.sources)}"[:width])
            lines += [wrap.fill(reason) for reason in p.reasons]
    counts: dict[str, int] = {}
    for p in (p for r in run.results for p in r.proposals):
        counts[p.status] = counts.get(p.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"
    written = sum(bool(r.written) for r in run.results)
    lines += ["", textwrap.fill(f"{len(run.results)} record(s): {summary}; {written} written",
                                width=width)]
    return "\n".join(lines) + "\n"
