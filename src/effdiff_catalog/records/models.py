"""The record schema: the one source of truth for what a paper or framework file may hold.

The JSON Schema (`effdiff schema`), the editor completion and the validator all come from
these models. They check structure and types on creation; rules that need the taxonomy,
the venue registry or other records live in `validate.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
)
from pydantic_core import PydanticCustomError

from effdiff_catalog.identity import ARXIV_PATTERN, DOI_PATTERN, parse_arxiv

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CATEGORY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$"
CITATION_KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_:.-]*$"

_WHITESPACE = re.compile(r"\s")


def _check_http_url(value: str) -> str:
    """Only http(s) links: anything else (javascript:, data:, file:) is unsafe to render."""
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ("http", "https") or not value.lower().startswith(f"{scheme}://"):
        raise PydanticCustomError(
            "url_scheme",
            "only http(s) links are allowed, got '{value}'",
            {"value": value[:80]},
        )
    if _WHITESPACE.search(value):
        raise PydanticCustomError(
            "url_hygiene", "a link must not contain whitespace: '{value}'", {"value": value[:80]}
        )
    return value


HttpLink = Annotated[
    str,
    AfterValidator(_check_http_url),
    Field(json_schema_extra={"format": "uri", "pattern": r"^https?://\S+$"}),
]


def _check_arxiv(value: str) -> str:
    """A record stores the canonical id: bare, without version (`identity.parse_arxiv`)."""
    parsed = parse_arxiv(value)
    if parsed is None or parsed.id != value:
        hint = f"; write it as {parsed.id!r}" if parsed else ""
        raise PydanticCustomError(
            "arxiv_format",
            "malformed arXiv id '{value}': expected 'YYMM.NNNNN' or 'archive/YYMMNNN'{hint}",
            {"value": value, "hint": hint},
        )
    return value


ArxivId = Annotated[
    str, AfterValidator(_check_arxiv), Field(json_schema_extra={"pattern": ARXIV_PATTERN})
]


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo in a key must never pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, frozen=False)


class Links(StrictModel):
    """Where to read, run and see the work. Only http(s) URLs."""

    paper: HttpLink | None = Field(None, description="The paper itself (PDF or landing page).")
    code: HttpLink | None = Field(None, description="The authors' own source code.")
    code_unofficial: HttpLink | None = Field(
        None, title="Code (unofficial)",
        description="A third-party implementation, not by the authors; every output labels "
        "it 'Code (unofficial)'.",
    )
    project: HttpLink | None = Field(None, description="Project page.")
    video: HttpLink | None = None
    slides: HttpLink | None = None
    poster: HttpLink | None = None
    blog: HttpLink | None = None
    proceedings: HttpLink | None = Field(
        None, description="The venue's own page for the published version."
    )

    def items(self) -> list[tuple[str, str]]:
        """The links that are set, in field order."""
        values = self.__dict__
        return [(k, values[k]) for k in _LINK_FIELDS if values[k]]

    @staticmethod
    def label(kind: str) -> str:
        """What every output calls a link kind: 'Code', 'Code (unofficial)', ..."""
        field = Links.model_fields.get(kind)
        return (field.title if field and field.title else None) or kind.capitalize()


_LINK_FIELDS = tuple(Links.model_fields)


class VenueCheckPin(StrictModel):
    """Stops the venue-update checker from proposing a change for this record."""

    ignore: bool = Field(True, description="Never propose a venue update for this record.")
    reason: str = Field(..., min_length=3, description="Why: for example a known false match.")


class RecordBase(StrictModel):
    id: str = Field(
        ...,
        pattern=SLUG_PATTERN,
        description="Stable slug, the same as the file name without .yaml (deepcache-2024).",
    )
    title: str = Field(..., min_length=1, description="Title as published, in title case.")
    categories: list[Annotated[str, Field(pattern=CATEGORY_PATTERN)]] = Field(
        ...,
        min_length=1,
        description="Taxonomy paths from taxonomy.yaml, such as 'system/caching-technique'.",
    )
    links: Links = Field(default_factory=Links)
    tags: list[str] = Field(default_factory=list, description="Free keywords.")
    note: str | None = Field(None, description="A curator's remark, shown with the entry.")
    added: dt.date = Field(..., description="The date the entry joined the list (YYYY-MM-DD).")


class Paper(RecordBase):
    """A paper of the survey's list."""

    kind: Literal["paper"] = "paper"
    authors: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="Full names, in the paper's order."
    )
    aliases: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Other names the paper goes by, such as its acronym (DDIM) or its "
        "model's name; the website's search finds the paper by them.",
    )
    venue: str = Field(
        ...,
        pattern=SLUG_PATTERN,
        description="A key of venues.yaml; preprints use 'arxiv'.",
    )
    year: int = Field(..., ge=1900, le=2100, description="Year of the venue (or of the preprint).")
    month: int | None = Field(None, ge=1, le=12, description="Month of the preprint or venue.")
    arxiv: ArxivId | None = Field(None, description="arXiv id without version (2405.20320).")
    doi: str | None = Field(None, pattern=DOI_PATTERN, description="DOI, without https://doi.org/.")
    abstract: str | None = None
    citation_key: str | None = Field(
        None,
        pattern=CITATION_KEY_PATTERN,
        description="BibTeX key. Assigned once and never changed, since papers cite it.",
    )
    venue_check: VenueCheckPin | None = Field(
        None, description="Pin the venue: the update checker will not propose changes."
    )


class FrameworkInfo(StrictModel):
    training: bool = Field(..., description="Speeds up training.")
    inference: bool = Field(..., description="Speeds up inference.")
    features: str = Field(..., min_length=1, description="Key features, one sentence.")


class Framework(RecordBase):
    """A software framework of the survey's Frameworks table."""

    kind: Literal["framework"]
    framework: FrameworkInfo
    authors: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    paper_id: str | None = Field(
        None, pattern=SLUG_PATTERN, description="Id of the paper record describing it, if any."
    )


def _record_kind(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("kind", "paper"))
    return str(getattr(value, "kind", "paper"))


Record = Annotated[
    Annotated[Paper, Tag("paper")] | Annotated[Framework, Tag("framework")],
    Discriminator(
        _record_kind,
        custom_error_type="record_kind",
        custom_error_message="'kind' must be 'paper' (the default) or 'framework'",
    ),
]

RECORD_ADAPTER: TypeAdapter[Paper | Framework] = TypeAdapter(Record)

# Keys in the order a record file lists them; writers and the schema use it.
KEY_ORDER: tuple[str, ...] = (
    "id", "kind", "title", "authors", "aliases", "venue", "year", "month", "arxiv", "doi",
    "citation_key", "links", "categories", "tags", "framework", "paper_id", "abstract",
    "note", "venue_check", "added",
)


def known_keys() -> set[str]:
    return set(Paper.model_fields) | set(Framework.model_fields)


def json_schema() -> dict[str, Any]:
    """The JSON Schema for one record file, for editors and external tools."""
    schema = RECORD_ADAPTER.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "effdiff-catalog record"
    schema["description"] = (
        "One paper (or framework) of the Efficient Diffusion Models survey catalog. "
        "Generated by `effdiff schema` from the pydantic models; do not edit by hand."
    )
    return schema


def schema_text() -> str:
    """The JSON Schema as the file `schema/record.schema.json` holds it."""
    import json

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path) -> None:
    """Write the JSON Schema file (atomically)."""
    from effdiff_catalog.records.writer import atomic_write

    atomic_write(path, schema_text())
