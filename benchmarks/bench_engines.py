"""MkDocs against Zensical, side by side, on the same generated files at N papers.

    .venv/bin/python benchmarks/bench_engines.py [--papers 10000] [--repeat 2]

Writes the site source folder (`effdiff site-source`, benchmarks/synth.py's catalog), then
builds it with `mkdocs build --strict` and with `zensical build --strict --clean`, in
alternating order per round (so that drift in the machine's speed falls on both alike),
the inputs read into the page cache first (each engine cleans its own output folder).
Prints each engine's times and the site sizes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from siteserver import ZENSICAL, write_source  # noqa: E402
from synth import make_catalog  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def warm(folder: Path) -> None:
    """Read every file once (this machine drops cached files within a minute)."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.read_bytes()


def timed(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stdout + result.stderr)
    return time.perf_counter() - started


def builds(source: Path) -> dict[str, list[str]]:
    return {
        "mkdocs": [sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                   str(source / "mkdocs.yml"), "-d", str(source / "site-mkdocs")],
        "zensical": [str(ZENSICAL), "build", "--strict", "--clean", "-f",
                     str(source / "mkdocs.yml")],
    }


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"mkdocs": [], "zensical": []}
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        work = Path(tmp)
        catalog = make_catalog(work / "catalog", args.papers)
        source = work / "source"
        started = time.perf_counter()
        result = write_source(catalog, source)
        if result.returncode:
            sys.exit(result.stderr)
        written = time.perf_counter() - started
        commands = builds(source)
        for round_ in range(args.repeat):
            order = ["mkdocs", "zensical"] if round_ % 2 == 0 else ["zensical", "mkdocs"]
            for engine in order:
                warm(source / "docs")
                times[engine].append(timed(commands[engine], source))
        sites = {"mkdocs": size(source / "site-mkdocs"), "zensical": size(source / "site")}
    print(f"papers {args.papers:,}; effdiff site-source {written:.2f} s (once)")
    for engine, runs in times.items():
        files, total = sites[engine]
        print(f"{engine:9} best {min(runs):7.2f} s  (all: {', '.join(f'{t:.2f}' for t in runs)});"
              f" site {files:,} files, {total / 1e6:.1f} MB")
    print(f"zensical / mkdocs: {min(times['zensical']) / min(times['mkdocs']):.2f}")


if __name__ == "__main__":
    main()
