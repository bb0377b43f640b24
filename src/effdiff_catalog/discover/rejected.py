"""The candidates the maintainers refused: `discovery/rejected.yaml`.

Each entry names a candidate by its stable id (`Candidate.ident`), its title, the reason
and the day. A rejected paper never comes back: a candidate matches an entry by any of its
ids, and by identity (`identity.DuplicateIndex`: the arXiv id of any version, the DOI, the
normalised title), so a new version, or the proceedings record of the same paper, stays
refused. The file is read with the project's safe YAML loader and validated; new entries
are appended atomically, keeping the file's comments.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from effdiff_catalog.identity import DuplicateIndex, normalise_arxiv, parse_doi
from effdiff_catalog.records.models import StrictModel
from effdiff_catalog.records.writer import _round_trip_yaml, atomic_write
from effdiff_catalog.records.yamlio import load_data_file

from .candidates import Candidate, id_key

REJECTED_FILE = Path("discovery") / "rejected.yaml"
HEADER = """\
# Candidate papers the maintainers refused: `effdiff discover` never proposes them again.
# Written by `effdiff discover --reject ID --reason TEXT`; an entry may also be added or
# removed by hand. Fields: id (the candidate's id in the report: arXiv id, DOI or dblp key),
# title, reason, date. A candidate matches by any of its ids and by identity (another
# arXiv version, the same DOI, the same normalised title). Model:
# effdiff_catalog.discover.rejected.Rejection.
"""


class Rejection(StrictModel):
    """One refused candidate."""

    id: str = Field(min_length=1, description="The candidate's id in the report.")
    title: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    date: dt.date

    @property
    def arxiv(self) -> str | None:
        return normalise_arxiv(self.id)

    @property
    def doi(self) -> str | None:
        return parse_doi(self.id)


class RejectedFile(StrictModel):
    rejected: list[Rejection] = Field(default_factory=list)


class RejectedFileError(ValueError):
    """The file is not valid YAML or not in the documented shape."""


def load_rejections(root: Path) -> list[Rejection]:
    """The entries of ROOT/discovery/rejected.yaml; none when there is no such file."""
    path = Path(root) / REJECTED_FILE
    if not path.exists():
        return []
    try:
        data = load_data_file(path)
        return RejectedFile.model_validate(data or {}).rejected
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise RejectedFileError(f"{path}: {problems}") from None
    except Exception as exc:  # the YAML loader's errors: syntax, aliases, size
        raise RejectedFileError(f"{path}: {exc}") from None


class RejectedIndex:
    """Answers "was this candidate refused?", by id and by identity."""

    def __init__(self, rejections: Sequence[Rejection]) -> None:
        self._by_id = {id_key(r.id): r for r in rejections}
        self._identity = DuplicateIndex((str(n), r) for n, r in enumerate(rejections))
        self._entries = list(rejections)

    def find(self, candidate: Candidate) -> Rejection | None:
        for ident in candidate.idents():
            if ident in self._by_id:
                return self._by_id[ident]
        match = self._identity.find(candidate)
        return self._entries[int(match.record_id)] if match else None


def append_rejections(root: Path, new: Sequence[Rejection]) -> Path:
    """Add entries at the end of the file (created with its header if missing), atomically,
    keeping every comment and entry already there."""
    path = Path(root) / REJECTED_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER + "rejected: []\n"
    rt = _round_trip_yaml()
    doc = rt.load(text)
    entries = _entries_node(doc, path)
    for rejection in new:
        entries.append(_entry(rejection))
    out = io.StringIO()
    rt.dump(doc, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, out.getvalue())
    load_rejections(root)  # what was written reads back (a guard against a bad hand edit)
    return path


def _entries_node(doc: Any, path: Path) -> Any:
    """The `rejected` list of the loaded document, a block list even when it was `[]`."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if doc is None:
        raise RejectedFileError(f"{path}: the file holds no `rejected:` list")
    if not isinstance(doc, CommentedMap):
        raise RejectedFileError(f"{path}: the file is not a mapping with a `rejected:` list")
    entries = doc.get("rejected")
    if entries is None or (isinstance(entries, CommentedSeq) and not entries):
        entries = CommentedSeq()
        doc["rejected"] = entries
    if not isinstance(entries, CommentedSeq):
        raise RejectedFileError(f"{path}: `rejected` is not a list")
    return entries


def _entry(rejection: Rejection) -> Any:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    data = rejection.model_dump()
    # Quoted, so that an arXiv id such as 2401.10000 stays a string, not a number.
    return CommentedMap({
        "id": DoubleQuotedScalarString(data["id"]), "title": data["title"],
        "reason": data["reason"], "date": data["date"],
    })
