"""Every endpoint the checker asks, by name, in the order answers are read.

The order matters only for `identify`: arXiv's authors and date come first, so that the
other answers are matched against them. What `evaluate` receives for a paper depends on
the endpoint's key kind: the item for an arXiv id or a title, the list of items found
for the paper's DOIs, and the records of the candidate volumes that may be the paper.
"""

from __future__ import annotations

from effdiff_catalog.checker.sources import (
    EndpointSpec,
    KeyKind,
    arxiv,
    crossref,
    dblp,
    openalex,
    semanticscholar,
)

ENDPOINTS: dict[str, EndpointSpec] = {spec.name: spec for spec in (
    arxiv.ENDPOINT,
    semanticscholar.ENDPOINT,
    openalex.BY_ARXIV_DOI,
    crossref.ENDPOINT,
    dblp.VOLUMES,
    dblp.BY_TITLE,
    openalex.BY_TITLE,
)}


def of_kind(kind: KeyKind) -> list[EndpointSpec]:
    return [spec for spec in ENDPOINTS.values() if spec.key_kind == kind]


def source_names() -> list[str]:
    """The source APIs, each once, in endpoint order."""
    return list(dict.fromkeys(spec.source for spec in ENDPOINTS.values()))
