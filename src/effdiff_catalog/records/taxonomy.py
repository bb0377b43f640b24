"""The taxonomy tree, read from taxonomy.yaml: data, not code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from effdiff_catalog.records.models import SLUG_PATTERN
from effdiff_catalog.records.yamlio import load_data_file


class Node(BaseModel):
    """One section. Its path is the slugs from the root, joined by '/'."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(..., pattern=SLUG_PATTERN)
    title: str
    emoji: str | None = None
    description: str | None = None
    holds: Literal["papers", "frameworks"] = Field(
        "papers", description="What the section lists: papers, or the framework records.")
    children: list[Node] = Field(default_factory=list)
    path: str = ""
    depth: int = 0


class TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sections: list[Node]


class Taxonomy:
    """Lookup by path, walk in the survey's order, and match headings by title."""

    def __init__(self, sections: list[Node]) -> None:
        self.sections = sections
        self.by_path: dict[str, Node] = {}
        for node in sections:
            self._index(node, "", 0)

    def _index(self, node: Node, parent: str, depth: int) -> None:
        node.path = f"{parent}/{node.slug}" if parent else node.slug
        node.depth = depth
        if node.path in self.by_path:
            raise ValueError(f"taxonomy: duplicate path {node.path!r}")
        self.by_path[node.path] = node
        for child in node.children:
            self._index(child, node.path, depth + 1)

    @classmethod
    def load(cls, path: Path) -> Taxonomy:
        return cls(TaxonomyFile.model_validate(load_data_file(path)).sections)

    def walk(self) -> Iterator[Node]:
        """Every node, depth first, in the survey's order."""

        def visit(node: Node) -> Iterator[Node]:
            yield node
            for child in node.children:
                yield from visit(child)

        for node in self.sections:
            yield from visit(node)

    def order(self) -> dict[str, int]:
        """Position of each path in the survey's order, for sorting."""
        return {node.path: index for index, node in enumerate(self.walk())}

    def __contains__(self, path: object) -> bool:
        return path in self.by_path

    def is_under(self, path: str, ancestor: str) -> bool:
        return path == ancestor or path.startswith(ancestor + "/")

    @property
    def frameworks_path(self) -> str | None:
        """The section that holds the framework records: the one marked `holds: frameworks`,
        else (taxonomies written before the mark) a top-level section slugged `frameworks`."""
        marked = next((n.path for n in self.walk() if n.holds == "frameworks"), None)
        return marked or ("frameworks" if "frameworks" in self.by_path else None)

    def is_frameworks_node(self, node: Node) -> bool:
        return node.path == self.frameworks_path

    def holds_frameworks(self, path: str) -> bool:
        """Whether `path` is the frameworks section or lies under it."""
        home = self.frameworks_path
        return home is not None and self.is_under(path, home)

    def find_by_title(self, title: str, after: str | None = None) -> Node | None:
        """The node whose display title (or slug) matches a heading, ignoring emoji and case.

        When several do (two "Others" sections), the first one at or after the node `after`
        in the survey's order wins: a list's headings come in that order.
        """
        wanted = _normalise_heading(title)
        found = [node for node in self.walk()
                 if wanted in (_normalise_heading(node.title), node.slug.replace("-", " "))]
        if after is not None and len(found) > 1:
            order = self.order()
            later = [n for n in found if order[n.path] >= order.get(after, 0)]
            if later:
                return later[0]
        return found[0] if found else None


def _normalise_heading(text: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in text.lower())
    return " ".join(kept.replace("-", " ").split())
