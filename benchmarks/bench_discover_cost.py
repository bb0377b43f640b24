"""effdiff discover's cost: requests per source for one volume and one week of arXiv.

    .venv/bin/python benchmarks/bench_discover_cost.py [--week 4000] [--citers 150]

The run `effdiff discover --venue iclr --year 2023 --arxiv-since D --arxiv-until D+7
--citations` on this repository's catalog, against the loopback stub (tests/stub_api.py)
with 100 ms of latency added to every request and each source at its real rate limit
(config.SOURCE_DEFAULTS: arXiv one request every 3 s, dblp and Semantic Scholar one a
second, the latter with an API key):

* dblp: the real ICLR 2023 volume (1,574 records, tests/fixtures/dblp/iclr2023.bib) as a
  table-of-contents answer, 1,000 records a page;
* arXiv: a synthetic week of `--week` submissions in cs.CV, cs.LG and cs.AI (real CVPR 2023
  titles; a week of those three categories is about 3,500 to 4,500 submissions in 2025-26),
  1,000 a page (EFFDIFF_ARXIV_SEARCH_PAGE);
* Semantic Scholar: `--citers` synthetic papers citing the survey, 1,000 a page.

The floor is what the rate limits allow: per source (requests - 1) x (interval + latency)
+ latency, since a request waits an interval after the previous answer; sources in
parallel, so the largest. Targets: requests as the pages require, no two
requests of a source closer than its interval (arrival times at the stub), the gathering
within 1.2x the floor, a warm rerun (same cache) with no request at all.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from discover_world import WEEK, s2_citer, world_data
from stub_api import StubServer

from effdiff_catalog.checker.config import default_config
from effdiff_catalog.discover.gather import gather
from effdiff_catalog.discover.plan import Options, make_plan
from effdiff_catalog.discover.run import discover
from effdiff_catalog.records.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
LATENCY = 0.1
RATIO_TARGET = 1.2
# A request starts an interval after the previous answer, which came after the previous
# request arrived: arrivals are never closer than the interval. Only clock rounding is left.
GAP_TOLERANCE = 0.001
VOLUME_RECORDS = 1574


STUB_NAMES = {"semanticscholar": "s2"}  # the stub's name for a source's requests


def min_gap(stub: StubServer, source: str) -> float | None:
    """The smallest time between the arrivals of two requests to one source."""
    times = sorted(r.time for r in stub.requests(source))
    return min((b - a for a, b in zip(times, times[1:], strict=False)), default=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", type=int, default=4000, help="arXiv submissions in the week")
    parser.add_argument("--citers", type=int, default=150, help="papers citing the survey")
    args = parser.parse_args()
    catalog, _ = load_catalog(ROOT)
    data = world_data(week=args.week)
    data.s2_citations[f"ARXIV:{catalog.project.survey.arxiv}"] = [
        s2_citer(f"c{i}", f"Citing paper {i}", {}) for i in range(args.citers)]
    options = Options(venues=["iclr"], years=[2023], arxiv_since=WEEK[0], arxiv_until=WEEK[1],
                      citations=True)
    with tempfile.TemporaryDirectory() as tmp, StubServer(data, latency=LATENCY) as stub:
        env = {**stub.urls, "EFFDIFF_S2_API_KEY": "benchmark-key",
               "EFFDIFF_CONTACT": "bench@example.org", "EFFDIFF_CACHE_DIR": str(Path(tmp))}
        config = default_config(env)  # the real limits, stub URLs
        plan = make_plan(catalog, config, options, WEEK[1])
        start = time.perf_counter()
        cold = gather(plan, catalog.venues, config, cache_dir=Path(tmp))
        gather_wall = time.perf_counter() - start
        gaps = {name: min_gap(stub, name) for name in ("dblp", "arxiv", "s2")}
        start = time.perf_counter()
        warm = discover(catalog, plan, config, today=WEEK[1])
        warm_wall = time.perf_counter() - start
    expected = {"dblp": math.ceil(VOLUME_RECORDS / 1000),
                "arxiv": max(1, math.ceil((args.week + 2) / config.arxiv_search_page)),
                "semanticscholar": max(1, math.ceil(args.citers / 1000))}
    print(f"one volume (ICLR 2023, {VOLUME_RECORDS} records), one week of arXiv "
          f"({args.week + 2} submissions), {args.citers} citing papers; latency "
          f"{LATENCY * 1000:.0f} ms a request; the real rate limits")
    print(f"{'source':16s} {'cold':>5s} {'expected':>8s} {'warm':>5s} {'found':>6s} "
          f"{'floor s':>8s} {'interval':>8s} {'min gap':>8s}")
    floors = {}
    gaps_ok = True
    for report in cold.sources:
        made = cold.requests()[report.source]
        interval = config.source(report.source).min_interval
        floors[report.source] = (made - 1) * (interval + LATENCY) + LATENCY
        gap = gaps[STUB_NAMES.get(report.source, report.source)]
        gaps_ok &= gap is None or gap >= interval * (1 - GAP_TOLERANCE)
        print(f"{report.source:16s} {made:5d} {expected[report.source]:8d} "
              f"{warm.gathered.requests()[report.source]:5d} {report.found:6d} "
              f"{floors[report.source]:8.2f} {interval:8.2f} "
              f"{'-' if gap is None else f'{gap:.2f}':>8s}")
    floor = max(floors.values())
    ratio = gather_wall / floor
    print(f"gathering (cold): {gather_wall:.2f} s   floor {floor:.2f} s   ratio {ratio:.3f} "
          f"({'OK' if ratio <= RATIO_TARGET else 'OVER'} target {RATIO_TARGET})")
    warm_requests = sum(warm.gathered.requests().values())
    print(f"warm rerun, whole run (gather from the cache, screen, fit, rank "
          f"{len(warm.ranked)} new candidates of {len(warm.screened.pool)}): "
          f"{warm_wall:.2f} s, {warm_requests} requests, {warm.gathered.cache_hits} "
          f"cache hits")
    print(f"rate limits respected (smallest gap between the arrivals of two requests of a "
          f"source >= its interval, less {GAP_TOLERANCE:.1%}): {'OK' if gaps_ok else 'NO'}")
    ok = (cold.requests() == expected and warm_requests == 0 and ratio <= RATIO_TARGET
          and not cold.failed and gaps_ok)
    print("OK" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
