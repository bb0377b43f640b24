"""Load + validate and README render, against the floor of parsing the same files with
libyaml alone (`yaml.CSafeLoader`), at 1,000, 10,000 and 50,000 records.

    .venv/bin/python benchmarks/bench_core.py [--sizes 1000,10000,50000] [--repeat 3]

Times are CPU seconds of this process (best of --repeat, floor and load interleaved), so
that other work on the machine does not skew the ratios. Targets (issue 2): load + validate
within 1.5x the floor at 10,000 records; README render under 10% of the load time; growth
linear in the number of records.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_catalog

from effdiff_catalog.records.catalog import load_catalog, record_files
from effdiff_catalog.records.validate import run_rules


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Best CPU time of this process over `repeat` runs.

    CPU time rather than wall time: these machines share two cores with other work, and
    the floor and the measurement must see the same conditions to make a fair ratio.
    """
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def floor(root: Path) -> None:
    """Read every record file and parse it with libyaml: the least any loader must do."""
    for path in record_files(root / "papers"):
        yaml.load(path.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)


def load_and_validate(root: Path) -> None:
    catalog, diagnostics = load_catalog(root)
    problems = diagnostics + run_rules(catalog)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise SystemExit(f"synthetic catalog is invalid: {errors[0].text()}")


def readme_render(root: Path) -> Callable[[], object] | None:
    try:
        from effdiff_catalog.formats import readme
    except ImportError:
        return None
    catalog, _ = load_catalog(root)
    render = getattr(readme, "render_regions", None) or getattr(readme, "render", None)
    if render is None:
        return None
    return lambda: render(catalog)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'records':>8} {'floor s':>9} {'load+val s':>11} {'ratio':>6} "
          f"{'µs/record':>10} {'readme s':>9} {'readme/load':>12}")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            measure(make_catalog(Path(tmp), n), n, args.repeat if n <= 10_000 else 1)


def measure(root: Path, n: int, repeat: int) -> None:
    floor(root)  # warm the page cache for both measurements
    t_floor, t_load = float("inf"), float("inf")
    for _ in range(repeat):  # interleaved, so both see the same machine
        t_floor = min(t_floor, best_of(1, lambda: floor(root)))
        t_load = min(t_load, best_of(1, lambda: load_and_validate(root)))
    render = readme_render(root)
    t_readme = best_of(repeat, render) if render else float("nan")
    print(f"{n:>8} {t_floor:>9.3f} {t_load:>11.3f} {t_load / t_floor:>6.2f} "
          f"{t_load / n * 1e6:>10.1f} {t_readme:>9.3f} {t_readme / t_load:>12.1%}", flush=True)


if __name__ == "__main__":
    main()
