"""Venue checker benchmark: 1,000 synthetic preprints against the local stub APIs.

Every request gets 100 ms of added latency, and each source runs at its real rate limit
(arXiv one request every 3 s on one connection, Semantic Scholar 1/s with a key, dblp
1/s). The floor is what those limits allow at best: for each source, (requests - 1) x
interval + latency (dblp title searches also wait for the first Semantic Scholar answer);
sources run in parallel, so the floor is the largest of them. Prints wall time, floor,
their ratio (target: within 1.2x) and the request budget per paper (target: at most 0.05
Semantic Scholar and 0.1 arXiv requests per paper).

Run: .venv/bin/python benchmarks/bench_checker.py [--papers 1000] [--published 0.97]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from checker_world import synthetic  # noqa: E402
from stub_api import StubServer  # noqa: E402

from effdiff_catalog.checker.config import default_config  # noqa: E402
from effdiff_catalog.checker.run import check_papers, select_papers  # noqa: E402
from effdiff_catalog.records.catalog import load_catalog  # noqa: E402

LATENCY = 0.1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--published", type=float, default=0.97,
                        help="share that Semantic Scholar knows as published; the rest fall "
                             "back to one dblp title search each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        data = synthetic(root, args.papers, published_share=args.published)
        catalog, _ = load_catalog(root)
        papers = select_papers(catalog)
        with StubServer(data, latency=LATENCY) as stub:
            env = {**stub.urls, "EFFDIFF_S2_API_KEY": "benchmark-key",
                   "EFFDIFF_CONTACT": "bench@example.org"}
            config = default_config(env)  # the real limits, stub URLs
            start = time.perf_counter()
            run = check_papers(papers, catalog.venues, config, cache_dir=Path(tmp) / "cache")
            wall = time.perf_counter() - start
            # A rerun of the unchanged catalog must be served by the cache.
            start2 = time.perf_counter()
            rerun = check_papers(papers, catalog.venues, config, cache_dir=Path(tmp) / "cache")
            wall2 = time.perf_counter() - start2
    n = len(papers)
    counts = run.requests()
    floors = {}
    for source in config.sources():
        made = counts.get(source.name, 0)
        if made:
            wait = LATENCY if source.name == "dblp" else 0.0  # waits for S2's first answer
            floors[source.name] = wait + (made - 1) * source.min_interval + LATENCY
    floor = max(floors.values())
    ideal_arxiv = math.ceil(n / config.arxiv.batch_size)
    ideal_s2 = math.ceil(n / config.semanticscholar.batch_size)
    statuses: dict[str, int] = {}
    for result in run.results:
        statuses[result.status] = statuses.get(result.status, 0) + 1
    print(f"papers: {n}   latency: {LATENCY * 1000:.0f} ms/request   results: {statuses}")
    print(f"requests: {counts} (ideal arxiv {ideal_arxiv}, semanticscholar {ideal_s2})")
    for name, value in floors.items():
        print(f"  floor {name:16s} {value:7.2f} s")
    ratio = wall / floor
    print(f"wall time: {wall:.2f} s   floor: {floor:.2f} s   ratio: {ratio:.3f} "
          f"({'OK' if ratio <= 1.2 else 'OVER'} target 1.2)")
    s2_per = counts.get("semanticscholar", 0) / n
    ax_per = counts.get("arxiv", 0) / n
    print(f"per paper: semanticscholar {s2_per:.4f} (<= 0.05 "
          f"{'OK' if s2_per <= 0.05 else 'OVER'}), arxiv {ax_per:.4f} (<= 0.1 "
          f"{'OK' if ax_per <= 0.1 else 'OVER'})")
    print(f"rerun from cache: {wall2:.2f} s, requests {rerun.requests()}")
    ok = ratio <= 1.2 and s2_per <= 0.05 and ax_per <= 0.1 and not any(rerun.requests().values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
