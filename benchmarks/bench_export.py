"""BibTeX (and CSL-JSON) export of a whole synthetic catalog, against load + validate of the
same catalog measured in the same run.

    .venv/bin/python benchmarks/bench_export.py [--size 10000] [--repeat 3]

Target (issue 3): at 10,000 records, BibTeX export of the whole catalog takes under 25% of
the load + validate time. Export here is what `effdiff bib` does after loading: select
every record, fix keys over the catalog, write the entries (text in memory).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_catalog

from effdiff_catalog.formats import (
    bibtex,
    csl,
)
from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.citekeys import assign_keys
from effdiff_catalog.records.query import citable, select
from effdiff_catalog.records.validate import validate_catalog

TARGET = 0.25


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def load_and_validate(root: Path) -> None:
    errors = [d for d in validate_catalog(root) if d.severity == "error"]
    if errors:
        raise SystemExit(f"synthetic catalog is invalid: {errors[0].text()}")


def bib_export(catalog: Catalog, ascii: bool = False) -> str:
    papers = citable(select(catalog), catalog)
    keys, _ = assign_keys(catalog.papers())
    return bibtex.export(papers, catalog.venues, keys=keys, ascii=ascii).text


def csl_export(catalog: Catalog) -> str:
    papers = citable(select(catalog), catalog)
    keys, _ = assign_keys(catalog.papers())
    return csl.export(papers, catalog.venues, keys=keys).json()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_catalog(Path(tmp) / "catalog", args.size)
        base, _ = best_of(args.repeat, lambda: load_and_validate(root))
        catalog, _ = load_catalog(root)
        bib_time, text = best_of(args.repeat, lambda: bib_export(catalog))
        ascii_time, _ = best_of(args.repeat, lambda: bib_export(catalog, ascii=True))
        csl_time, _ = best_of(args.repeat, lambda: csl_export(catalog))
    entries = str(text).count("\n@")
    print(f"records: {args.size}, BibTeX entries: {entries}")
    print(f"load + validate (floor):   {base:8.3f} s")
    for name, seconds in (("BibTeX export", bib_time), ("BibTeX --ascii", ascii_time),
                          ("CSL-JSON export", csl_time)):
        print(f"{name + ':':26} {seconds:8.3f} s  = {seconds / base:6.1%} of load + validate")
    ratio = bib_time / base
    verdict = "OK" if ratio < TARGET else "TOO SLOW"
    print(f"target: BibTeX export < {TARGET:.0%} of load + validate -> {ratio:.1%} {verdict}")
    return 0 if ratio < TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
