"""The discover report: a terminal table, an issue body in Markdown, or JSON.

Every title, name, id and reason comes from a source or a file someone else wrote: in
Markdown each is escaped, ids and commands go into code spans only when they cannot break
out of them, and only http(s) links are linked.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from typing import Any

from effdiff_catalog.formats.readme import escape_markdown, safe_url
from effdiff_catalog.identity import arxiv_url, is_arxiv_id

from .candidates import Candidate
from .gather import SourceReport
from .model import Ranked
from .run import DiscoverRun

TITLE = "Candidate papers"


def shown(run: DiscoverRun, top: int) -> list[Ranked]:
    """The best `top` new candidates (all for 0)."""
    return run.ranked[:top] if top > 0 else list(run.ranked)


def link(candidate: Candidate) -> str | None:
    """Where to read the candidate: its arXiv page, its DOI, else a link a source gave."""
    if candidate.arxiv:
        return arxiv_url(candidate.arxiv)
    if candidate.doi:
        return f"https://doi.org/{candidate.doi}"
    return next((u for u in candidate.paper_urls if safe_url(u)), None)


def commands(run: DiscoverRun, ranked: Ranked) -> tuple[str, str]:
    """The accept command (top section filled in, for the maintainer to confirm or change)
    and the reject command. An id that is not an arXiv id is found again by gathering the
    same sources, so its commands repeat the run's options."""
    ident = ranked.candidate.ident
    options = [] if is_arxiv_id(ident) else run.plan.options()
    base = ["effdiff", "discover", *options]
    section = ranked.sections[0][0] if ranked.sections else "PATH"
    accept = [*base, "--accept", ident, "--category", section]
    reject = [*base, "--reject", ident, "--reason", "REASON"]
    return shlex.join(accept), shlex.join(reject)


def counts(run: DiscoverRun) -> dict[str, int]:
    screened = run.screened
    return {"found": len(screened.pool), "new": len(screened.new),
            "in_catalog": len(screened.known), "possible_duplicates": len(screened.suspected),
            "rejected": len(screened.rejected)}


def summary_line(run: DiscoverRun) -> str:
    n = counts(run)
    return (f"{n['new']} new candidate(s) among {n['found']} papers found: {n['in_catalog']} "
            f"already in the catalog, {n['possible_duplicates']} possible duplicate(s) left "
            f"out, {n['rejected']} rejected before.")


def source_line(report: SourceReport, requests: dict[str, int]) -> str:
    made = requests.get(report.source, 0)
    return f"{report.read}: {report.found} found, {made} request(s)"


# --- JSON ---------------------------------------------------------------------------------


def candidate_dict(run: DiscoverRun, ranked: Ranked) -> dict[str, Any]:
    c = ranked.candidate
    accept, reject = commands(run, ranked)
    return {
        "rank": ranked.rank, "id": c.ident, "score": ranked.score, "title": c.title,
        "authors": list(c.authors), "venue": c.venue, "year": c.year, "arxiv": c.arxiv,
        "doi": c.doi, "url": link(c), "found_in": list(c.found_in),
        "sections": [{"path": p, "score": s} for p, s in ranked.sections],
        "terms": list(ranked.terms),
        "neighbours": [{"id": n.id, "title": n.title, "similarity": n.similarity}
                       for n in ranked.neighbours],
        "why": ranked.why(), "accept": accept, "reject": reject,
    }


def to_json(run: DiscoverRun, top: int) -> str:
    screened = run.screened
    data = {
        "date": str(run.today), "options": run.plan.options(), "offline": run.offline,
        "exit_status": run.exit_status, "counts": counts(run), "notes": run.notes,
        "sources": [vars(s) for s in run.gathered.sources],
        "requests": run.gathered.requests(),
        "cache": {"hits": run.gathered.cache_hits, "misses": run.gathered.cache_misses},
        "candidates": [candidate_dict(run, r) for r in shown(run, top)],
        "left_out": {
            "in_catalog": [{"id": c.ident, "record": m.record_id, "how": m.describe()}
                           for c, m in screened.known],
            "possible_duplicates": [{"id": c.ident, "title": c.title, "record": m.record_id,
                                     "how": m.describe()} for c, m in screened.suspected],
            "rejected": [{"id": c.ident, "rejected_as": r.id, "reason": r.reason}
                         for c, r in screened.rejected],
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- terminal -----------------------------------------------------------------------------


def format_table(run: DiscoverRun, top: int, width: int) -> str:
    """One block per candidate, wrapped to `width`, then the sources and the counts."""
    width = max(40, width)
    wrap = textwrap.TextWrapper(width=width, initial_indent="      ", subsequent_indent="        ")
    lines = [TITLE, ""]
    for r in shown(run, top):
        c = r.candidate
        lines.append(_clip(f"{r.rank:>3}  {r.score:6.2f}  {c.ident}  {' '.join(c.title.split())}",
                           width))
        lines.append(wrap.fill(_where(c)))
        lines.append(wrap.fill("sections: " + ", ".join(f"{p} ({s:.2f})" for p, s in r.sections)))
        lines.append(wrap.fill(f"why: {r.why()}"))
    lines += ["", textwrap.fill(summary_line(run), width=width), ""]
    lines += _source_lines(run, width)
    return "\n".join(lines) + "\n"


def _clip(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _where(c: Candidate) -> str:
    venue = " ".join(str(x) for x in (c.venue, c.year) if x)
    authors = ", ".join(c.authors[:3]) + (" et al." if len(c.authors) > 3 else "")
    return " · ".join(x for x in (venue, authors, "found in " + "; ".join(c.found_in)) if x)


def _source_lines(run: DiscoverRun, width: int) -> list[str]:
    requests = run.gathered.requests()
    out: list[str] = []
    for report in run.gathered.sources:
        out.append(textwrap.fill(source_line(report, requests), width=width))
        out += [textwrap.fill(f"FAILED: {e}", width=width, initial_indent="  ",
                              subsequent_indent="    ") for e in report.errors]
        out += [textwrap.fill(n, width=width, initial_indent="  ", subsequent_indent="    ")
                for n in report.notes]
    return out + run.notes


# --- Markdown -----------------------------------------------------------------------------


def code(text: str) -> str:
    """`text` as a code span, or escaped text when it holds what a span cannot."""
    if "`" in text or "\n" in text or not text.strip():
        return escape_markdown(text)
    return f"`{text}`"


def to_markdown(run: DiscoverRun, top: int) -> str:
    """The weekly issue's body: one checkbox per candidate, best first."""
    picked = shown(run, top)
    lines = [f"## {TITLE}", "", f"Gathered on {run.today} by `effdiff discover`. "
             + escape_markdown(summary_line(run))]
    if run.gathered.failed:
        lines += ["", "**Some sources could not be read**: the list is incomplete; see "
                  "*Sources* below."]
    if picked:
        more = len(run.ranked) - len(picked)
        cut = f" (the top {len(picked)}; {more} more not shown)" if more else ""
        lines += ["", f"Best first{cut}. Tick a box once the paper is handled: accept it with "
                  "the command shown (change `--category` as needed) or reject it with a "
                  "reason, so that it never comes back.", ""]
        lines += [line for r in picked for line in _markdown_item(run, r)]
    lines += ["", "### Sources", ""] + _markdown_sources(run)
    lines += _markdown_left_out(run)
    return "\n".join(lines) + "\n"


def _markdown_item(run: DiscoverRun, r: Ranked) -> list[str]:
    c = r.candidate
    url = safe_url(link(c))
    title = f"[{escape_markdown(c.title)}]({url})" if url else escape_markdown(c.title)
    accept, reject = commands(run, r)
    sections = ", ".join(f"{code(p)} ({s:.2f})" for p, s in r.sections)
    return [
        f"- [ ] **{r.rank}.** {title} ({escape_markdown(_where(c))}) · score {r.score:.2f}"
        f" · id {code(c.ident)}",
        f"  - sections: {sections}",
        f"  - why: {escape_markdown(r.why())}",
        f"  - accept: {code(accept)}",
        f"  - reject: {code(reject)}",
    ]


def _markdown_sources(run: DiscoverRun) -> list[str]:
    requests = run.gathered.requests()
    out: list[str] = []
    for report in run.gathered.sources:
        out.append(f"- {escape_markdown(source_line(report, requests))}")
        out += [f"  - **failed:** {escape_markdown(e)}" for e in report.errors]
        out += [f"  - {escape_markdown(n)}" for n in report.notes]
    out += [f"- {escape_markdown(n)}" for n in run.notes]
    if run.offline:
        out.append("- offline run: answers from the cache only")
    return out


def _markdown_left_out(run: DiscoverRun) -> list[str]:
    suspected = run.screened.suspected
    if not suspected:
        return []
    out = ["", "### Left out as possible duplicates", "",
           "Same title as a record, but another arXiv id or DOI: check by hand.", ""]
    out += [f"- {escape_markdown(c.title)} ({code(c.ident)}): like record {code(m.record_id)}, "
            f"{escape_markdown(m.describe())}" for c, m in suspected]
    return out


def render(run: DiscoverRun, output_format: str, top: int, width: int = 100) -> str:
    """The report in one of the formats the CLI offers: table, markdown, json."""
    if output_format == "json":
        return to_json(run, top) + "\n"
    if output_format == "markdown":
        return to_markdown(run, top)
    return format_table(run, top, width)
