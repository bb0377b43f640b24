"""Venue checker benchmark: 1,000 synthetic preprints against the local stub APIs.

The catalog is spread over ten venue-years (tests/checker_world.py `synthetic`): each
published paper is named by Semantic Scholar (with the arXiv year, the trap at scale),
merged into its OpenAlex work, and listed in its venue's dblp volume; the rest are
arXiv-only everywhere and fall back to one dblp and one OpenAlex title search each.

Every request gets 100 ms of added latency, and each source runs at its real rate limit
(config.SOURCE_DEFAULTS: arXiv one request every 3 s, Semantic Scholar 1/s with a key,
OpenAlex 5/s, Crossref and dblp 1/s), one connection each. The floor is what those limits
allow at best: for each source, (requests - 1) x (interval + latency) + latency, since a
request waits an interval after the previous answer; the sources that need other answers
first (Crossref, dblp) start one latency late; sources run in parallel, so the floor is
the largest of them.

Targets: at most 0.05 requests per paper for every source, dblp included, on a cold
cache; wall time within 1.2x the floor; a warm rerun makes no request.

Run: .venv/bin/python benchmarks/bench_checker.py [--papers 1000] [--published 0.97]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from checker_world import VENUE_YEARS, synthetic, synthetic_truth
from stub_api import StubServer

from effdiff_catalog.checker.config import CheckerConfig, default_config
from effdiff_catalog.checker.run import CheckRun, check_papers, select_papers
from effdiff_catalog.records.catalog import load_catalog

LATENCY = 0.1
PER_PAPER_TARGET = 0.05
RATIO_TARGET = 1.2
DEPENDENT = {"crossref", "dblp"}  # start once the id lookups have answered


def floors(run: CheckRun, config: CheckerConfig) -> dict[str, float]:
    out = {}
    for name, made in run.requests().items():
        if made:
            start = LATENCY if name in DEPENDENT else 0.0
            out[name] = start + (made - 1) * (config.source(name).min_interval + LATENCY) + LATENCY
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--published", type=float, default=0.97,
                        help="share published at one of the ten venue-years; the rest are "
                             "arXiv-only and fall back to title searches")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        data = synthetic(root, args.papers, published_share=args.published)
        catalog, _ = load_catalog(root)
        targets = select_papers(catalog)
        with StubServer(data, latency=LATENCY) as stub:
            env = {**stub.urls, "EFFDIFF_S2_API_KEY": "benchmark-key",
                   "EFFDIFF_CONTACT": "bench@example.org"}
            config = default_config(env)  # the real limits, stub URLs
            start = time.perf_counter()
            run = check_papers(targets, catalog.venues, config, cache_dir=Path(tmp) / "cache")
            wall = time.perf_counter() - start
            start = time.perf_counter()
            rerun = check_papers(targets, catalog.venues, config, cache_dir=Path(tmp) / "cache")
            wall2 = time.perf_counter() - start
    n = len(targets)
    statuses = Counter(r.status for r in run.results)
    print(f"papers: {n} over {len(VENUE_YEARS)} venue-years   latency: {LATENCY * 1000:.0f} "
          f"ms/request   results: {dict(statuses)}")
    print(f"{'source':16s} {'requests':>8s} {'per paper':>9s} {'floor s':>8s}")
    per_paper_ok = True
    source_floors = floors(run, config)
    for name, made in run.requests().items():
        per = made / n
        per_paper_ok &= per <= PER_PAPER_TARGET
        print(f"{name:16s} {made:8d} {per:9.4f} {source_floors.get(name, 0.0):8.2f}"
              f"{'' if per <= PER_PAPER_TARGET else '  OVER'}")
    floor = max(source_floors.values())
    ratio = wall / floor
    print(f"wall time: {wall:.2f} s   floor: {floor:.2f} s   ratio: {ratio:.3f} "
          f"({'OK' if ratio <= RATIO_TARGET else 'OVER'} target {RATIO_TARGET})")
    print(f"per paper: every source <= {PER_PAPER_TARGET} "
          f"{'OK' if per_paper_ok else 'OVER'}")
    warm = sum(rerun.requests().values())
    print(f"warm rerun: {wall2:.2f} s, {warm} requests, {rerun.cache_hits} cache hits")
    truth = synthetic_truth(n, args.published)
    wrong = [r.record_id for r in run.results
             if r.status == "update" and truth.get(r.record_id) != (r.venue, r.year)]
    print(f"updates: {statuses['update']} of {len(truth)} published, wrong venue or year: "
          f"{len(wrong)}")
    return 0 if ratio <= RATIO_TARGET and per_paper_ok and warm == 0 and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
