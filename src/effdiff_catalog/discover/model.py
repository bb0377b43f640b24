"""Relevance of candidates to the catalog, with suggested sections and the reasons.

Positive-unlabelled learning: the catalog's papers are the positives and the candidate
pool (a whole proceedings volume) is the unlabelled background, since most of a volume is
off topic but the papers the catalog lacks are in it too. Two signals are summed, each as
a z-score over the pool:

* a logistic regression, catalog against pool, on word TF-IDF. It is cross-fitted: each
  pool paper is scored by models that never saw it labelled background (the labels of the
  very papers we look for would otherwise push them down). Folds are repeated with fixed
  seeds and averaged, so the score does not hang on one split.
* how close the candidate is to the nearest section profile (the mean of that section's
  papers): a paper of a coherent topic of the catalog ("latent diffusion") gains even when
  its words are common in the volume.

Everything is refitted at each run, in about a second; nothing is cached or downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from effdiff_catalog.identity import DuplicateIndex

from .candidates import Candidate
from .features import Features, paper_text
from .project import Paper, Taxonomy
from .sections import SectionModel, centroids, section_texts, used_sections
from .text import surface_forms

Vector = NDArray[np.float64]
Indices = NDArray[np.int32]


@dataclass(frozen=True)
class Settings:
    """The few knobs; the defaults are what benchmarks/bench_discover.py measures."""

    c: float = 10.0  # inverse L2 penalty of the classifier
    folds: int = 5  # cross-fitting folds over the pool
    repeats: int = 5  # cross-fitting repeated with seeds seed, seed+1, ...
    section_weight: float = 1.0  # weight of the section-profile signal against the classifier
    title_weight: float = 1.0  # weight of a section's own title in its suggestion profile
    terms: int = 4  # terms given as reasons
    neighbours: int = 2  # nearest catalog papers given as reasons
    seed: int = 0


@dataclass(frozen=True)
class Neighbour:
    """A catalog paper close to the candidate (cosine of word TF-IDF)."""

    id: str
    title: str
    similarity: float


@dataclass(frozen=True)
class Ranked:
    """One candidate's place in the ranking, its likely sections and why it ranks there."""

    candidate: Candidate
    rank: int  # 1 is best
    score: float  # relevance; above 0 is better than the pool's average
    sections: tuple[tuple[str, float], ...]  # best first, with cosine scores
    terms: tuple[str, ...]  # words of the candidate that raised its score most
    neighbours: tuple[Neighbour, ...]
    catalog_id: str | None = None  # the candidate is already this catalog record

    def why(self) -> str:
        """One line for a human: the terms, then the closest catalog papers."""
        parts = []
        if self.terms:
            parts.append("terms: " + ", ".join(self.terms))
        if self.neighbours:
            near = ", ".join(f"{n.id} ({n.similarity:.2f})" for n in self.neighbours)
            parts.append("like: " + near)
        return "; ".join(parts) or "no shared terms"


@dataclass(frozen=True)
class _Classifiers:
    """The cross-fitted models as one matrix, and which models left out each pool paper."""

    coef: NDArray[np.float64]  # one row per model
    intercept: Vector
    left_out: dict[str, list[int]]  # candidate key -> models that never saw it

    def scores(self, keys: Sequence[str], vectors: sparse.csr_matrix) -> Vector:
        """Out-of-fold score for pool papers, the mean of all models for anything else."""
        values = np.asarray(vectors @ self.coef.T) + self.intercept
        every = list(range(len(self.intercept)))
        return np.array([values[i, self.left_out.get(k, every)].mean() for i, k in enumerate(keys)])

    def mean_coef(self) -> Vector:
        return np.asarray(self.coef.mean(axis=0))


class Model:
    """A fitted model: `rank` candidates, `suggest_sections` for one."""

    def __init__(
        self, papers: Sequence[Paper], taxonomy: Taxonomy, pool: Sequence[Candidate],
        settings: Settings,
    ) -> None:
        self.settings = settings
        # Sorted, so that the order the inputs come in cannot change the result.
        self.papers = sorted(papers, key=lambda p: p.id)
        self._known = _catalog_index(self.papers)
        self.pool = sorted(_background(pool, self._known), key=lambda c: c.key)
        if len(self.pool) < 2 * settings.folds:
            raise ValueError(f"the pool needs at least {2 * settings.folds} unknown papers")
        paths = used_sections(self.papers, taxonomy)
        paper_texts = [paper_text(p) for p in self.papers]
        pool_texts = [c.text() for c in self.pool]
        self.features = Features(paper_texts + pool_texts + section_texts(taxonomy, paths))
        self.sections = SectionModel(self.features, self.papers, taxonomy, settings.title_weight)
        self._paper_words = self.features.words(paper_texts)
        self._profiles = centroids(self._paper_words, self.papers, paths)
        pool_words = self.features.words(pool_texts)
        self._classifiers = _cross_fit(self._paper_words, pool_words, self.pool, settings)
        self._weights = self._classifiers.mean_coef()
        self._norms = _Standardiser(*self._signals(self.pool, pool_words))

    def _signals(
        self, candidates: Sequence[Candidate], vectors: sparse.csr_matrix
    ) -> tuple[Vector, Vector]:
        """Classifier score and nearest-profile cosine of each candidate."""
        learnt = self._classifiers.scores([c.key for c in candidates], vectors)
        profile = np.asarray(vectors @ self._profiles.T).max(axis=1)
        return learnt, profile

    def rank(self, candidates: Sequence[Candidate]) -> list[Ranked]:
        """Candidates best first; equal scores in key order, so runs agree exactly.

        Rank the pool the model was fitted on: a candidate outside it is scored by every
        fold's model, but its words that the fit never saw count for nothing.
        """
        if not candidates:
            return []
        texts = [c.text() for c in candidates]
        vectors = self.features.words(texts)
        score = self._norms(*self._signals(candidates, vectors), self.settings.section_weight)
        sections = self.sections.scores(texts)
        similarity = np.asarray((vectors @ self._paper_words.T).toarray())
        order = sorted(range(len(candidates)), key=lambda i: (-score[i], candidates[i].key))
        return [
            Ranked(
                candidate=candidates[i],
                rank=place,
                score=round(float(score[i]), 4),
                sections=tuple(self.sections.top(sections[i], 3)),
                terms=self._terms(candidates[i], _row(vectors, i)),
                neighbours=self._neighbours(similarity[i]),
                catalog_id=_lookup(self._known, candidates[i]),
            )
            for place, i in enumerate(order, start=1)
        ]

    def suggest_sections(self, candidate: Candidate, k: int = 3) -> list[tuple[str, float]]:
        """The k likeliest taxonomy sections (leaf paths), best first, with cosine scores."""
        return self.sections.top(self.sections.scores([candidate.text()])[0], k)

    def _terms(self, candidate: Candidate, row: tuple[Indices, Vector]) -> tuple[str, ...]:
        """The candidate's words that added most to the classifier's score (weights
        averaged over the fold models), as written in the candidate's title."""
        indices, values = row
        gains = values * self._weights[indices]
        best = sorted(range(len(indices)), key=lambda j: (-gains[j], indices[j]))
        forms = surface_forms(candidate.text())
        out: list[str] = []
        for j in best:
            if gains[j] <= 0 or len(out) == self.settings.terms:
                break
            name = self.features.names[indices[j]]
            word = forms.get(name, name)
            if word not in out:
                out.append(word)
        return tuple(out)

    def _neighbours(self, similarity: Vector) -> tuple[Neighbour, ...]:
        """The closest catalog papers (one row of candidate-to-paper cosines)."""
        best = np.argsort(-similarity, kind="stable")[: self.settings.neighbours]
        return tuple(
            Neighbour(self.papers[i].id, self.papers[i].title, round(float(similarity[i]), 4))
            for i in best
            if similarity[i] > 0
        )


def _row(matrix: sparse.csr_matrix, i: int) -> tuple[Indices, Vector]:
    """Feature indices and values of one row, without building a one-row matrix."""
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    return matrix.indices[start:end], matrix.data[start:end]


def fit(
    papers: Sequence[Paper], taxonomy: Taxonomy, pool: Sequence[Candidate],
    settings: Settings | None = None,
) -> Model:
    """Fit on the catalog's papers against the pool the candidates come from.

    `pool` is the unlabelled background, usually the very candidates to rank; papers in it
    that the catalog already has (same title, arXiv id or DOI) are left out of it.
    """
    return Model(papers, taxonomy, pool, settings or Settings())


def _cross_fit(
    positives: sparse.csr_matrix, background: sparse.csr_matrix, pool: Sequence[Candidate],
    settings: Settings,
) -> _Classifiers:
    """Each repeat splits the pool into folds; a model per fold leaves that fold out."""
    coefs: list[Vector] = []
    intercepts: list[float] = []
    left_out: dict[str, list[int]] = {c.key: [] for c in pool}
    for repeat in range(settings.repeats):
        split = KFold(settings.folds, shuffle=True, random_state=settings.seed + repeat)
        for train, test in split.split(np.arange(len(pool))):
            model = _classifier(positives, background[train], settings)
            for i in test:
                left_out[pool[i].key].append(len(coefs))
            coefs.append(model.coef_[0])
            intercepts.append(float(model.intercept_[0]))
    return _Classifiers(np.vstack(coefs), np.array(intercepts), left_out)


def _classifier(
    positives: sparse.csr_matrix, background: sparse.csr_matrix, settings: Settings
) -> LogisticRegression:
    """Catalog (1) against background (0); classes weighted equally whatever their sizes."""
    features = sparse.vstack([positives, background])
    labels = np.r_[np.ones(positives.shape[0]), np.zeros(background.shape[0])]
    model = LogisticRegression(
        C=settings.c, class_weight="balanced", solver="liblinear", random_state=settings.seed
    )
    return model.fit(features, labels)


class _Standardiser:
    """z-scores of both signals with the pool's mean and spread, then their weighted sum."""

    def __init__(self, learnt: Vector, profile: Vector) -> None:
        self._stats = [(float(x.mean()), float(x.std()) or 1.0) for x in (learnt, profile)]

    def __call__(self, learnt: Vector, profile: Vector, weight: float) -> Vector:
        (m1, s1), (m2, s2) = self._stats
        return np.asarray((learnt - m1) / s1 + weight * (profile - m2) / s2)


def _catalog_index(papers: Sequence[Paper]) -> DuplicateIndex:
    """The catalog's papers by every identity key (arXiv id, DOI, title, links)."""
    return DuplicateIndex.of(papers)


def _lookup(index: DuplicateIndex, candidate: Candidate) -> str | None:
    """The catalog paper a candidate is, by `identity` (a suspected one counts too)."""
    match = index.find(candidate)
    return match.record_id if match else None


def _background(pool: Sequence[Candidate], known: DuplicateIndex) -> list[Candidate]:
    """The pool minus catalog papers (they are known positives) and repeated keys."""
    seen: set[str] = set()
    out = []
    for candidate in pool:
        if candidate.key not in seen and _lookup(known, candidate) is None:
            seen.add(candidate.key)
            out.append(candidate)
    return out
