"""Citation keys: readable, unique, and frozen once assigned.

The convention (the survey's own key is `shen2025efficient`):

    <surname><year><word>[suffix]

- `surname`: the first author's last name (the BibTeX "last" part, without von
  particles: "Ludwig van Beethoven" -> `beethoven`), ASCII-folded ("Müller" -> `muller`),
  lower-cased, letters and digits only.
- `year`: the record's year when the key is first assigned.
- `word`: the first meaningful word of the title: whitespace-separated words, ASCII-folded,
  lower-cased, letters and digits only ("DPM-Solver:" -> `dpmsolver`), skipping the stop
  words of `ids.STOPWORDS` (a, an, the, of, on, for, towards, ...).
- A record without authors uses its first meaningful title word in place of the surname
  and the next meaningful word as `word` (`deepcache2024accelerating`); export warns.
- A name or title with no ASCII letters at all falls back to `anon` / nothing.
- Collisions: the first record keeps the plain key; the next ones get `a`, `b`, ... `z`,
  then `aa`, `ab`, ... in the order keys are assigned (catalog order, i.e. by record id).
  Keys are compared case-insensitively, as BibTeX does.

A key is stored in the record (`citation_key`) by `effdiff keys` and never recomputed:
when a preprint later gets its venue and a new year, its key stays, because papers
already cite it.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count, product
from pathlib import Path
from string import ascii_lowercase

from effdiff_catalog.identity import STOPWORDS, ascii_fold
from effdiff_catalog.records.catalog import LoadedRecord
from effdiff_catalog.records.diagnostics import Diagnostic
from effdiff_catalog.records.models import Paper

FALLBACK_SURNAME = "anon"


def _token(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text).lower())


def title_words(title: str) -> list[str]:
    """Meaningful title words in key form (stop words skipped unless nothing else is left)."""
    words = [_token(w) for w in title.split()]
    words = [w for w in words if w]
    meaningful = [w for w in words if w not in STOPWORDS]
    return meaningful or words


def surname(name: str) -> str:
    """The last-name part of one author name, in key form ('' if it has no ASCII letters)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(name, strict=False)
        last = " ".join(parts.last) or name
    except Exception:  # odd names must never stop key assignment
        last = name.split()[-1] if name.split() else name
    return _token(last.replace("{", "").replace("}", ""))


def base_key(record: Paper) -> str:
    """The key before any collision suffix."""
    words = title_words(record.title)
    if record.authors:
        who = surname(record.authors[0]) or FALLBACK_SURNAME
        word = words[0] if words else ""
    else:
        # No author: the title's first two words that start with a letter stand in
        # ('A 28.6 mJ/iter Stable Diffusion Processor' -> mjiter2024stable).
        lettered = [w for w in words if w[0].isalpha()] or words
        who = lettered[0] if lettered else FALLBACK_SURNAME
        word = lettered[1] if len(lettered) > 1 else ""
    if not who[0].isalpha():
        who = f"{FALLBACK_SURNAME}{who}"
    return f"{who}{record.year}{word}"


def suffixes() -> Iterable[str]:
    """'', then 'a'..'z', then 'aa', 'ab', ...: the documented collision suffixes."""
    yield ""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def taken_keys(keys: Iterable[str | None]) -> set[str]:
    """The set `make_key` expects: keys in use, lower-cased (BibTeX ignores key case)."""
    return {k.lower() for k in keys if k}


def make_key(record: Paper, taken: Container[str]) -> str:
    """A new key for `record` that is not in `taken` (lower-cased keys, see `taken_keys`).

    Generated keys are lower-case, so comparing them with lower-cased keys is the
    case-insensitive comparison BibTeX makes.
    """
    base = base_key(record)
    for suffix in suffixes():
        candidate = f"{base}{suffix}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable: the suffix sequence is infinite")


def assign_keys(papers: Sequence[Paper]) -> tuple[dict[str, str], list[str]]:
    """Keys for all papers: stored keys as they are, missing ones computed.

    Returns (id -> key, ids whose key was computed). Stored keys are claimed first, so
    a computed key never takes a stored one; computed keys go in the order given.
    """
    taken = taken_keys(p.citation_key for p in papers)
    keys: dict[str, str] = {}
    computed: list[str] = []
    for paper in papers:
        if paper.citation_key:
            keys[paper.id] = paper.citation_key
        else:
            key = make_key(paper, taken)
            taken.add(key.lower())
            keys[paper.id] = key
            computed.append(paper.id)
    return keys, computed


def export_keys(
    records: Sequence[Paper], keys: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """The key each exported record is cited by, and a warning per unstored key.

    `keys` (id -> key, from `assign_keys` over the whole catalog) fixes the keys of
    records that have none stored; without it they are computed among `records`.
    """
    if keys is None:
        keys, _ = assign_keys(records)
    resolved: dict[str, str] = {}
    warnings: list[str] = []
    for record in records:
        key = keys.get(record.id) or assign_keys([record])[0][record.id]
        resolved[record.id] = key
        if not record.citation_key:
            warnings.append(
                f"{record.id}: no citation_key stored; using computed {key!r} "
                "(run 'effdiff keys' to store it)"
            )
    return resolved, warnings


def key_diagnostics(entries: Sequence[LoadedRecord]) -> list[Diagnostic]:
    """Duplicate keys (error, at each duplicate's key) and missing keys (warning)."""
    out: list[Diagnostic] = []
    by_key: dict[str, list[LoadedRecord]] = {}
    for entry in entries:
        record = entry.record
        if not isinstance(record, Paper):
            continue
        if record.citation_key:
            by_key.setdefault(record.citation_key.lower(), []).append(entry)
        else:
            out.append(entry.at(
                "warning", "citation-key-missing",
                f"no citation_key: run 'effdiff keys' to assign one "
                f"(it would be {make_key(record, set()) !r} if no other record has it)",
                "id", value=False,
            ))
    for group in by_key.values():
        if len(group) < 2:
            continue
        for entry in group:
            others = ", ".join(e.path for e in group if e is not entry)
            key = entry.record.citation_key  # type: ignore[union-attr]
            out.append(entry.at(
                "error", "duplicate-citation-key",
                f"citation_key {key!r} is also used by {others}; keys must be unique "
                "(keep the older record's key, give the other a suffix a, b, ...)",
                "citation_key",
            ))
    return out


def missing_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """Keys to store for papers that have none (id -> key), never touching stored ones."""
    keys, computed = assign_keys(papers)
    return {paper_id: keys[paper_id] for paper_id in computed}


@dataclass
class KeysRun:
    """What `effdiff keys` found and did: keys stored (file -> key), or with `check` the
    keys that would be; duplicate stored keys; record files that failed to load."""

    keys: dict[Path, str] = field(default_factory=dict)
    duplicates: list[Diagnostic] = field(default_factory=list)
    load_errors: list[Diagnostic] = field(default_factory=list)
    written: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.load_errors or any(d.severity == "error" for d in self.duplicates))


def store_missing_keys(root: Path, *, check: bool = False) -> KeysRun:
    """Give every paper without a citation key its key, in its file (comments kept).

    Nothing is written with `check`, nor when a record file fails to load: its stored key
    must be known before new keys are given out. A stored key is never changed.
    """
    from effdiff_catalog.records.catalog import load_catalog
    from effdiff_catalog.records.writer import update_record_file

    catalog, diagnostics = load_catalog(root)
    run = KeysRun(
        duplicates=[d for d in key_diagnostics(catalog.entries)
                    if d.rule != "citation-key-missing"],
        load_errors=[d for d in diagnostics if d.severity == "error"],
    )
    paths = {entry.record.id: Path(catalog.root) / entry.path for entry in catalog.entries}
    run.keys = {paths[pid]: key for pid, key in sorted(missing_keys(catalog.papers()).items())}
    if check or run.load_errors:
        return run
    for path, key in run.keys.items():
        update_record_file(path, {"citation_key": key})
    run.written = True
    return run
