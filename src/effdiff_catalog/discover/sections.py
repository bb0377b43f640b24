"""Suggesting a taxonomy section: nearest section profile.

A section's profile is the mean of its catalog papers' vectors plus the vector of the
section's own title (and description, if taxonomy.yaml gives one). The title carries the
domain term ("Caching Technique", "Quantization") that a small section's few papers may
not share; measured in benchmarks/bench_discover.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from .features import Features, paper_text
from .project import Paper, Taxonomy

Matrix = NDArray[np.float64]


def section_texts(taxonomy: Taxonomy, paths: Sequence[str]) -> list[str]:
    """Each section's own words: its title and description."""
    texts = []
    for path in paths:
        node = taxonomy.by_path[path]
        texts.append(f"{node.title} {node.description or ''}".strip())
    return texts


def used_sections(papers: Sequence[Paper], taxonomy: Taxonomy) -> list[str]:
    """Sections that hold catalog papers, in the survey's order (only those can be learnt)."""
    used = {path for paper in papers for path in paper.categories if path in taxonomy}
    order = taxonomy.order()
    return sorted(used, key=lambda path: order[path])


def centroids(vectors: sparse.csr_matrix, papers: Sequence[Paper], paths: Sequence[str]) -> Matrix:
    """Unit-length mean vector of each section's papers, one row per path."""
    rows = []
    for path in paths:
        members = [i for i, paper in enumerate(papers) if path in paper.categories]
        rows.append(np.asarray(vectors[members].mean(axis=0)).ravel())
    return _unit_rows(np.vstack(rows))


def _unit_rows(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


class SectionModel:
    """Section profiles over `Features.both`; scores are cosines in [0, 1]."""

    def __init__(
        self, features: Features, papers: Sequence[Paper], taxonomy: Taxonomy,
        title_weight: float,
    ) -> None:
        self.features = features
        self.paths = used_sections(papers, taxonomy)
        if not self.paths:
            raise ValueError("no catalog paper has a section of this taxonomy")
        vectors = features.both([paper_text(paper) for paper in papers])
        titles = features.both(section_texts(taxonomy, self.paths)).toarray()
        mean = centroids(vectors, papers, self.paths)
        self.profiles = _unit_rows(mean + title_weight * titles)

    def scores(self, texts: Sequence[str]) -> Matrix:
        """Cosine of each text (rows) to each section profile (columns, `self.paths`)."""
        return np.asarray(self.features.both(texts) @ self.profiles.T)

    def top(self, row: Matrix, k: int) -> list[tuple[str, float]]:
        """The k best sections of one row of `scores`; ties go to the survey's order."""
        best = sorted(range(len(self.paths)), key=lambda j: (-row[j], j))[:k]
        return [(self.paths[j], round(float(row[j]), 4)) for j in best]


def fit_sections(
    papers: Sequence[Paper], taxonomy: Taxonomy, *, title_weight: float = 1.0,
    unlabelled: Sequence[str] = (),
) -> SectionModel:
    """Section suggestions alone (no background needed): what leave-one-out measures.

    `unlabelled` texts only widen the vocabulary, as the candidate pool does in `fit`.
    """
    paths = used_sections(papers, taxonomy)
    corpus = [paper_text(p) for p in papers] + list(unlabelled) + section_texts(taxonomy, paths)
    return SectionModel(Features(corpus), papers, taxonomy, title_weight)


def suggest(
    papers: Sequence[Paper], taxonomy: Taxonomy, texts: Sequence[str], k: int = 3
) -> list[list[tuple[str, float]]]:
    """The k likeliest sections of each text, from the catalog alone (no pool needed):
    what `effdiff add` offers when no --category is given."""
    model = fit_sections(papers, taxonomy, unlabelled=texts)
    return [model.top(row, k) for row in model.scores(texts)]
