"""effdiff discover's model, measured: recall on held-out volumes and section placement.

    .venv/bin/python benchmarks/bench_discover.py [--top 20]

Data: the catalog in papers/ and two whole proceedings volumes as dblp BibTeX,
tests/fixtures/dblp/{iclr2023,cvpr2023}.bib (provenance in SOURCES.md there).

Protocol (issue 14):

* Recall on a held-out volume. The held-out papers are the catalog's papers whose
  normalised title (case, accents, punctuation ignored) is a title of the volume. The model
  is fitted on the catalog minus those papers, with the whole volume as its unlabelled pool,
  and ranks the whole volume; we report recall@20/50/100 of the held-out papers. They are in
  the pool unlabelled, exactly as papers the catalog lacks will be in production: they
  widen the vocabulary like every other title of the volume and the cross-fitted classifier
  never sees them labelled. Nothing of theirs is ever a positive, and the vocabulary fitted
  on the catalog side never contains them.
* Injection (a larger sample than the 6-7 held-out papers): the remaining catalog is split
  into 5 folds; each fold is left out of training, added to the pool unlabelled, and each of
  its papers gets the rank it would have among the volume's papers (1 + the number of
  volume papers scoring higher). These papers come from other venues and years, so this is
  a check for robustness rather than the target.
* Section placement: leave-one-out over the catalog's papers, titles only (`fit_sections`
  on the other papers; the held-out title is not in the vocabulary). The prediction is a
  section that holds papers (today all are leaves); a hit is a prediction equal to one of
  the paper's categories, or under one if a category is not a leaf: no credit for a parent.
  Abstracts would be scored separately, but the catalog has none yet (counted below).

Baselines, in the same run: recall, title-only word TF-IDF (scikit-learn's default
tokenisation, fitted on the training titles and the volume), a candidate's score its highest
cosine to a catalog title; sections, the same features and the 5 nearest catalog titles
voting with their cosines.

Times are wall clock (the model is single-threaded Python and liblinear) and CPU seconds
of this process; the machines share their two cores with other work.

The final pipeline, last: `effdiff discover --venue V --year 2023 --no-... ` as it runs, on
the whole catalog, each volume served by the loopback stub (tests/stub_api.py) as dblp's
table-of-contents answer: gathered, merged, screened against the catalog (its papers of the
volume are dropped as known) and ranked; its top 20 new candidates, with their sections and
reasons. Its cost (requests, rate limits, a warm rerun) is benchmarks/bench_discover_cost.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from discover_world import dblp_volume
from stub_api import StubData, StubServer

from effdiff_catalog.checker.config import default_config
from effdiff_catalog.discover import Candidate, Settings, fit
from effdiff_catalog.discover.dblp import parse_dblp_bibtex
from effdiff_catalog.discover.plan import Options, make_plan
from effdiff_catalog.discover.project import Paper, Taxonomy, load_catalog
from effdiff_catalog.discover.run import discover
from effdiff_catalog.discover.sections import fit_sections
from effdiff_catalog.identity import title_key as normalise_title
from effdiff_catalog.records.catalog import Catalog

ROOT = Path(__file__).resolve().parent.parent
VOLUMES = ROOT / "tests" / "fixtures" / "dblp"
CUTOFFS = (20, 50, 100)
# Fixture name -> the catalog's venue key and year for that volume (a cross-check only).
VOLUME_LABELS = {"iclr2023": ("iclr", 2023), "cvpr2023": ("cvpr", 2023)}
# Scores each pool candidate, given the training papers: one of these per method.
T = TypeVar("T")
Scorer = Callable[[Sequence[Paper], Sequence[Candidate]], np.ndarray]


def baseline_scores(train: Sequence[Paper], pool: Sequence[Candidate]) -> np.ndarray:
    """Title-only word TF-IDF: the highest cosine to any training title."""
    titles = [p.title for p in train]
    vectorizer = TfidfVectorizer().fit(titles + [c.title for c in pool])
    similarity = vectorizer.transform([c.title for c in pool]) @ vectorizer.transform(titles).T
    return np.asarray(similarity.max(axis=1).todense()).ravel()


def model_scorer(taxonomy: Taxonomy, settings: Settings) -> Scorer:
    def scores(train: Sequence[Paper], pool: Sequence[Candidate]) -> np.ndarray:
        ranked = fit(train, taxonomy, pool, settings).rank(pool)
        by_key = {r.candidate.key: r.score for r in ranked}
        return np.array([by_key[c.key] for c in pool])

    return scores


def ranks_of(scores: np.ndarray, wanted: Sequence[int], tiebreak: Sequence[str]) -> list[int]:
    """1-based ranks of the `wanted` positions, equal scores in key order."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], tiebreak[i]))
    place = {index: rank for rank, index in enumerate(order, start=1)}
    return [place[i] for i in wanted]


def recall_line(ranks: Sequence[int]) -> str:
    if not ranks:
        return "no papers"
    cells = [f"@{k} {sum(r <= k for r in ranks) / len(ranks):4.0%}" for k in CUTOFFS]
    return "  ".join(cells) + f"  (n={len(ranks)})"


def held_out(papers: Sequence[Paper], pool: Sequence[Candidate]) -> list[Paper]:
    titles = {normalise_title(c.title) for c in pool}
    return [p for p in papers if normalise_title(p.title) in titles]


def heldout_ranks(
    scorer: Scorer, papers: Sequence[Paper], pool: Sequence[Candidate]
) -> dict[str, int]:
    """Rank of each held-out paper's title in the volume, keyed by the paper's id."""
    held = held_out(papers, pool)
    train = [p for p in papers if p not in held]
    position = {normalise_title(c.title): i for i, c in enumerate(pool)}
    wanted = [position[normalise_title(p.title)] for p in held]
    ranks = ranks_of(scorer(train, pool), wanted, [c.key for c in pool])
    return dict(zip([p.id for p in held], ranks, strict=True))


def injection_ranks(
    scorer: Scorer, papers: Sequence[Paper], pool: Sequence[Candidate], folds: int = 5
) -> list[int]:
    """Each left-out fold's papers ranked among the volume's papers (see the docstring)."""
    held = held_out(papers, pool)
    rest = sorted((p for p in papers if p not in held), key=lambda p: p.id)
    ranks: list[int] = []
    for fold in range(folds):
        train = [p for i, p in enumerate(rest) if i % folds != fold]
        left = [as_candidate(p) for i, p in enumerate(rest) if i % folds == fold]
        scores = scorer(train, list(pool) + left)
        volume, extra = scores[: len(pool)], scores[len(pool) :]
        ranks.extend(1 + int(np.sum(volume > s)) for s in extra)
    return ranks


def as_candidate(paper: Paper, title_only: bool = True) -> Candidate:
    abstract = None if title_only else paper.abstract
    return Candidate(key=f"catalog:{paper.id}", title=paper.title, abstract=abstract)


def section_loo(papers: Sequence[Paper], taxonomy: Taxonomy) -> dict[str, tuple[float, float]]:
    """Top-1 and top-3 accuracy of the baseline and the model, leave-one-out on titles."""
    titles_only = [p.model_copy(update={"abstract": None}) for p in papers]
    hits = {"baseline": [0, 0], "model": [0, 0]}
    for i, paper in enumerate(titles_only):
        train = titles_only[:i] + titles_only[i + 1 :]
        guesses = {
            "baseline": knn_sections(train, paper.title),
            "model": model_sections(train, taxonomy, paper.title),
        }
        for name, top in guesses.items():
            ok = [is_hit(taxonomy, path, paper.categories) for path in top]
            hits[name][0] += ok[0]
            hits[name][1] += any(ok)
    n = len(papers)
    return {name: (one / n, three / n) for name, (one, three) in hits.items()}


def model_sections(train: Sequence[Paper], taxonomy: Taxonomy, title: str) -> list[str]:
    sections = fit_sections(train, taxonomy)
    return [path for path, _ in sections.top(sections.scores([title])[0], 3)]


def knn_sections(train: Sequence[Paper], title: str, k: int = 5) -> list[str]:
    """Baseline: the k nearest training titles vote for their sections with their cosines."""
    vectorizer = TfidfVectorizer().fit([p.title for p in train])
    similarity = (vectorizer.transform([p.title for p in train]) @ vectorizer.transform([title]).T)
    cosines = np.asarray(similarity.todense()).ravel()
    votes: dict[str, float] = {}
    for i in sorted(range(len(train)), key=lambda i: (-cosines[i], train[i].id))[:k]:
        for path in train[i].categories:
            votes[path] = votes.get(path, 0.0) + float(cosines[i])
    return sorted(votes, key=lambda path: (-votes[path], path))[:3]


def is_hit(taxonomy: Taxonomy, guess: str, categories: Sequence[str]) -> bool:
    return any(taxonomy.is_under(guess, category) for category in categories)


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """The result, wall seconds and CPU seconds of this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def report_volume(name: str, papers: Sequence[Paper], taxonomy: Taxonomy, top: int) -> None:
    pool = parse_dblp_bibtex((VOLUMES / f"{name}.bib").read_text(encoding="utf-8"))
    held = held_out(papers, pool)
    print(f"\n## {name}: {len(pool)} papers, {len(held)} of them in the catalog (held out)")
    venue, year = VOLUME_LABELS[name]
    labelled = [p for p in papers if p.venue == venue and p.year == year]
    print(f"catalog records labelled {venue} {year}: {len(labelled)}, "
          f"{sum(p in held for p in labelled)} of them matched by title")
    model = model_scorer(taxonomy, Settings())
    base_ranks = heldout_ranks(baseline_scores, papers, pool)
    model_ranks = heldout_ranks(model, papers, pool)
    print(f"recall   baseline  {recall_line(list(base_ranks.values()))}")
    print(f"recall   model     {recall_line(list(model_ranks.values()))}")
    for paper in sorted(held, key=lambda p: model_ranks[p.id]):
        print(f"  rank {model_ranks[paper.id]:4d} (baseline {base_ranks[paper.id]:4d})  "
              f"{paper.title[:80]}")
    report_variants(taxonomy, papers, pool)
    print(f"injection baseline  {recall_line(injection_ranks(baseline_scores, papers, pool))}")
    print(f"injection model     {recall_line(injection_ranks(model, papers, pool))}")
    report_top(taxonomy, papers, pool, held, top)


def report_variants(taxonomy: Taxonomy, papers: Sequence[Paper], pool: Sequence[Candidate]) -> None:
    """How much each part and knob matters (same protocol, held-out recall only)."""
    variants = {
        "classifier only (section_weight 0)": Settings(section_weight=0.0),
        "section_weight 0.5": Settings(section_weight=0.5),
        "section_weight 2": Settings(section_weight=2.0),
        "one cross-fitting split (repeats 1)": Settings(repeats=1),
        "C 1": Settings(c=1.0),
    }
    for label, settings in variants.items():
        ranks = heldout_ranks(model_scorer(taxonomy, settings), papers, pool)
        print(f"  variant {label:38s} {recall_line(list(ranks.values()))}")


def report_top(
    taxonomy: Taxonomy, papers: Sequence[Paper], pool: Sequence[Candidate],
    held: Sequence[Paper], top: int,
) -> None:
    train = [p for p in papers if p not in held]
    model, fit_wall, fit_cpu = timed(lambda: fit(train, taxonomy, pool))
    ranked, rank_wall, rank_cpu = timed(lambda: model.rank(pool))
    print(f"time     fit {fit_wall:.2f}s wall / {fit_cpu:.2f}s CPU, "
          f"rank {len(pool)} {rank_wall:.2f}s wall / {rank_cpu:.2f}s CPU")
    held_titles = {normalise_title(p.title) for p in held}
    print(f"top {top} (* = a held-out catalog paper)")
    for r in ranked[:top]:
        mark = "*" if normalise_title(r.candidate.title) in held_titles else " "
        section, cosine = r.sections[0]
        print(f" {r.rank:3d}{mark} {r.score:6.2f}  {r.candidate.title}")
        print(f"             section {section} ({cosine:.2f}); {r.why()}")


def report_sections(papers: Sequence[Paper], taxonomy: Taxonomy) -> None:
    with_abstract = sum(1 for p in papers if p.abstract)
    non_leaf = sum(1 for p in papers for c in p.categories if taxonomy.by_path[c].children)
    print(f"\n## section placement: leave-one-out over {len(papers)} papers, titles only")
    print(f"categories that are not leaves: {non_leaf}")
    (wall_start, cpu_start) = (time.perf_counter(), time.process_time())
    accuracy = section_loo(papers, taxonomy)
    for name, (one, three) in accuracy.items():
        print(f"sections {name:9s} top-1 {one:4.0%}  top-3 {three:4.0%}")
    print(f"time     {time.perf_counter() - wall_start:.1f}s wall / "
          f"{time.process_time() - cpu_start:.1f}s CPU for {2 * len(papers)} fits")
    if with_abstract:
        print(f"{with_abstract} papers have abstracts: 'with abstracts' is not measured yet")
    else:
        print("no catalog paper has an abstract yet: 'with abstracts' not measured")


def report_pipeline(catalog: Catalog, name: str, top: int) -> None:
    """`effdiff discover` on one volume, as it runs (see the module docstring)."""
    venue, year = VOLUME_LABELS[name]
    short = catalog.venues[venue].short
    data = StubData(dblp_volumes={f"db/conf/{venue}/{name}.bht": dblp_volume(name, short)})
    with tempfile.TemporaryDirectory() as tmp, StubServer(data) as stub:
        config = default_config({**stub.urls, "EFFDIFF_DBLP_INTERVAL": "0",
                                 "EFFDIFF_CACHE_DIR": tmp})
        plan = make_plan(catalog, config, Options(venues=[venue], years=[year]),
                         dt.date(year + 1, 1, 1))
        run, wall, cpu = timed(lambda: discover(catalog, plan, config,
                                                settings=Settings()))
        requests = run.gathered.requests()["dblp"]
    screened = run.screened
    print(f"\n## the pipeline on {name}: {len(screened.pool)} papers, {len(screened.known)} "
          f"in the catalog, {len(screened.suspected)} suspected duplicates, "
          f"{len(run.ranked)} new; {requests} requests, {wall:.1f}s wall / {cpu:.1f}s CPU")
    for r in run.ranked[:top]:
        section, cosine = r.sections[0]
        print(f" {r.rank:3d}  {r.score:6.2f}  {r.candidate.title}")
        print(f"             section {section} ({cosine:.2f}); {r.why()}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=20, help="candidates to print per volume")
    args = parser.parse_args(argv)
    catalog, diagnostics = load_catalog(ROOT)
    if diagnostics:
        print(f"warning: {len(diagnostics)} catalog problems", file=sys.stderr)
    papers = catalog.papers()
    print(f"catalog: {len(papers)} papers; settings {Settings()}")
    for name in ("iclr2023", "cvpr2023"):
        report_volume(name, papers, catalog.taxonomy, args.top)
    report_sections(papers, catalog.taxonomy)
    for name in ("iclr2023", "cvpr2023"):
        report_pipeline(catalog, name, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
