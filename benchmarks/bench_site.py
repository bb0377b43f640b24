"""Website at scale: a synthetic catalog of N papers (10,000 by default).

    .venv/bin/python benchmarks/bench_site.py [--papers 10000] [--repeat 2] [--no-browser]

Measures, side by side in one run:
- the whole build (`mkdocs build` through the effdiff plugin) with a page per paper, against
  the section-only build of the site before the paper pages (commit SECTION_ONLY: its code,
  docs and mkdocs.yml from git, over the same records), in alternating order, the ratio per
  round (target, issue 12: within 2x); and the size of both built sites;
- the time of `build_site` alone (the pure generation) and of loading the records;
- the size of the search indexes (bytes, and per paper), ours and stock Material's;
- in Debian's chromium, side by side in one browser run: the stock Material search (the
  section-only site built with `paper_search: false`, as measured before the paper pages;
  Material indexing a page per paper would only be slower) against the paper search,
  from page load to search ready, from a keystroke to the first results, and from a
  refining keystroke to the new results (target: at least 3x faster); the Explore table
  from a filter change to the table updated (target < 100 ms).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_catalog

from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.site import build_site

REPO = Path(__file__).resolve().parent.parent
# The last commit of the section-only site (one page per section, no page per paper).
SECTION_ONLY = "8ff0b85"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def warm(*folders: Path) -> None:
    """Read every file once, so that the build finds its inputs in the page cache.

    This machine drops cached files within a minute (a cold read of 10,000 records costs
    0.3 to 1.5 s), which would count disk latency as generation time in one build and not
    in the other. After a checkout, as in CI, the files are cached.
    """
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                path.read_bytes()


def mkdocs_build(config: Path, out: Path, catalog: Path, *, project: Path = REPO,
                 ) -> tuple[float, float | None]:
    """Wall time of one `mkdocs build` of `project` (its code in project/src, run from its
    folder), and how long MkDocs waited for the background generation (the plugin logs it)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "src")}
    warm(project / "docs", catalog)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config),
                             "-d", str(out)], env=env, check=True, cwd=project,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    waited = re.search(r"MkDocs waited ([0-9.]+) s", result.stderr)
    return wall, float(waited.group(1)) if waited else None


def site_config(project: Path, catalog: Path, path: Path, **plugin: Any) -> Path:
    """A mkdocs.yml that is `project`'s (INHERIT) over another catalog. JSON is YAML."""
    config = {"INHERIT": str(project / "mkdocs.yml"), "docs_dir": str(project / "docs"),
              "plugins": {"effdiff": {"catalog": str(catalog), **plugin}}}
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def section_only_project(catalog: Path, work: Path) -> tuple[Path, Path]:
    """The site as it was before the paper pages (commit SECTION_ONLY): its code, docs and
    mkdocs.yml from git, and the same records under that commit's taxonomy and venues.
    Returns (project folder, catalog folder)."""
    project = work / "section-only"
    project.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", SECTION_ONLY, "src", "docs", "mkdocs.yml",
         "CONTRIBUTING.md", "taxonomy.yaml", "venues.yaml"],
        check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
    old_catalog = work / "section-only-catalog"
    old_catalog.mkdir()
    for name in ("taxonomy.yaml", "venues.yaml"):
        shutil.copy(project / name, old_catalog / name)
    (old_catalog / "papers").symlink_to(catalog / "papers", target_is_directory=True)
    return project, old_catalog


def site_size(site: Path) -> tuple[int, int, int]:
    """Bytes of the files of a built site, how many files, and how many HTML pages."""
    files = [p for p in site.rglob("*") if p.is_file()]
    return (sum(p.stat().st_size for p in files), len(files),
            sum(p.suffix == ".html" for p in files))


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# Installed before any page script: timestamps (ms since navigation start) of search ready
# (Material's own signal: its result meta turns to the placeholder), of the last keydown,
# and of the first result item added to the list after it.
OBSERVE = """
window.__ready = null; window.__key = null; window.__shown = null;
document.addEventListener('keydown', () => {
  window.__key = performance.now(); window.__shown = null;
}, true);
new MutationObserver(records => {
  const now = performance.now();
  if (window.__ready === null) {
    const meta = document.querySelector('.md-search-result__meta');
    if (meta && meta.textContent === 'Type to start searching') window.__ready = now;
  }
  if (window.__key !== null && window.__shown === null)
    for (const record of records)
      for (const node of record.addedNodes)
        if (node.nodeType === 1 && node.classList.contains('md-search-result__item')) {
          window.__shown = now; return;
        }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""
FIRST_QUERY = "diffusion"      # a common title word: thousands of results at 10,000 papers
REFINE_KEY = "l"               # "diffusion l": one more keystroke, still many results
SEARCH_FIGURES = ("ready_s", "first_query_s", "refine_s")


def _keystroke(page: Any, box: Any, before: str, key: str, timeout_ms: int) -> float:
    """Put `before` in the box without events, then press `key`: ms until a result shows."""
    box.evaluate("(el, value) => { el.value = value; }", before)
    box.press(key)
    page.wait_for_function("window.__shown !== null", timeout=timeout_ms)
    return float(page.evaluate("window.__shown - window.__key")) / 1000


def search_figures(context: Any, url: str, timeout_ms: int = 180_000) -> dict[str, float]:
    """One measurement of one site: load -> ready, first query, refining keystroke."""
    page = context.new_page()
    try:
        page.goto(url + "papers/")
        page.wait_for_function("window.__ready !== null", timeout=timeout_ms)
        ready = float(page.evaluate("window.__ready")) / 1000
        box = page.locator("input.md-search__input")
        box.click()
        page.wait_for_timeout(200)  # focus sends an empty query; let it settle
        first = _keystroke(page, box, FIRST_QUERY[:-1], FIRST_QUERY[-1], timeout_ms)
        page.wait_for_timeout(500)  # let the first results finish rendering
        refine = _keystroke(page, box, FIRST_QUERY + " ", REFINE_KEY, timeout_ms)
        return {"ready_s": ready, "first_query_s": first, "refine_s": refine}
    finally:
        page.close()


def explore_figures(context: Any, url: str) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"explore_update_ms": [],
                                       "explore_update_to_paint_ms": []}
    page = context.new_page()
    page.goto(url + "explore/")
    page.locator("#effdiff-explore[data-ready]").wait_for(state="attached", timeout=60_000)
    for venue in ("cvpr", "arxiv", ""):
        painted = page.evaluate("""async (venue) => {
          const root = document.getElementById('effdiff-explore');
          const select = root.querySelector('select[name=venue]');
          const started = performance.now();
          select.value = venue;
          select.dispatchEvent(new Event('change', {bubbles: true}));
          await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
          return [performance.now() - started, Number(root.dataset.updateMs)];
        }""", venue)
        figures["explore_update_to_paint_ms"].append(painted[0])
        figures["explore_update_ms"].append(painted[1])
    page.close()
    return figures


def browser_figures(sites: dict[str, Path], repeat: int) -> dict[str, dict[str, list[float]]]:
    """Every site in the same chromium, measurements interleaved so load hits both alike."""
    from playwright.sync_api import sync_playwright

    servers = {name: serve(root) for name, root in sites.items()}
    figures: dict[str, dict[str, list[float]]] = {
        name: {key: [] for key in SEARCH_FIGURES} for name in sites}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                "http://127.0.0.1:") else r.abort())
            context.add_init_script(OBSERVE)
            for _, url in servers.values():  # warm up: the first page load pays startup
                search_figures(context, url)
            for _ in range(repeat):
                for name, (_, url) in servers.items():
                    for key, value in search_figures(context, url).items():
                        figures[name][key].append(value)
            figures["explore"] = explore_figures(context, servers["paper search"][1])
            browser.close()
    finally:
        for server, _ in servers.values():
            server.shutdown()
    return figures


def build_rounds(catalog: Path, work: Path, repeat: int) -> dict[str, Any]:
    """The section-only and the paper-page builds, alternating, and the stock-search build
    once: wall times, background waits and the built sites."""
    old_project, old_catalog = section_only_project(catalog, work)
    configs = {
        "pages": site_config(REPO, catalog, work / "pages.yml"),
        "section-only": site_config(old_project, old_catalog, work / "section-only.yml"),
    }
    projects = {"pages": REPO, "section-only": old_project}
    catalogs = {"pages": catalog, "section-only": old_catalog}
    times: dict[str, list[float]] = {"pages": [], "section-only": []}
    waits: dict[str, list[float]] = {"pages": [], "section-only": []}
    for round_ in range(repeat):
        # Side by side in alternating order, so that drift in the machine's speed falls on
        # both alike; the ratio is taken per round.
        order = ("section-only", "pages") if round_ % 2 == 0 else ("pages", "section-only")
        for name in order:
            wall, waited = mkdocs_build(configs[name], work / f"site-{name}", catalogs[name],
                                        project=projects[name])
            times[name].append(wall)
            if waited is not None:
                waits[name].append(waited)
    # Stock Material search over the section-only site, as measured before the paper pages:
    # with a page per paper, Material's own index and build would only grow.
    stock = site_config(old_project, old_catalog, work / "stock.yml", paper_search=False)
    stock_time, _ = mkdocs_build(stock, work / "site-stock", old_catalog, project=old_project)
    return {"times": times, "waits": waits, "stock": stock_time}


def report_builds(n: int, work: Path, builds: dict[str, Any]) -> None:
    times = builds["times"]
    pages, old = times["pages"], times["section-only"]
    ratios = sorted(p / o for p, o in zip(pages, old, strict=True))
    print(f"mkdocs build, section-only site   {min(old):8.2f} s   (commit {SECTION_ONLY}, "
          f"best of {len(old)})")
    print(f"mkdocs build, with paper pages    {min(pages):8.2f} s   (this tree)")
    print(f"  ratio: best against best {min(pages) / min(old):.2f}x; per round median "
          f"{statistics.median(ratios):.2f}x, range {ratios[0]:.2f}x to {ratios[-1]:.2f}x"
          "   (target: within 2x)")
    print("  all rounds (section-only / paper pages, s): " + "; ".join(
        f"{o:.2f} / {p:.2f}" for o, p in zip(old, pages, strict=True)))
    for name, waited in builds["waits"].items():
        if waited:
            print(f"  {name}: MkDocs waited for the background generation "
                  f"{statistics.median(waited):.2f} s (median)")
    print(f"mkdocs build, stock search        {builds['stock']:8.2f} s   (section-only site, "
          "paper_search: false)")
    for name, label in (("section-only", "section-only"), ("pages", "with paper pages")):
        size, files, html = site_size(work / f"site-{name}")
        print(f"site size, {label:22} {size / 1e6:8.1f} MB   ({files} files, {html} HTML "
              f"pages; {size / n / 1e3:.1f} KB/paper)")


def report_search_sizes(n: int, work: Path) -> None:
    ours_index = [work / "site-pages" / "search" / "search_index.json",
                  work / "site-pages" / "assets" / "effdiff" / "search-papers.json",
                  work / "site-pages" / "assets" / "effdiff" / "search-pages.json"]
    ours_size = sum(path.stat().st_size for path in ours_index if path.exists())
    stock_size = (work / "site-stock" / "search" / "search_index.json").stat().st_size
    print(f"search index, paper search        {ours_size / 1e6:8.2f} MB   "
          f"({ours_size / n / 1e3:.2f} KB/paper; search_index.json + search-papers.json + "
          "search-pages.json; target < 10 MB)")
    print(f"search index, stock Material      {stock_size / 1e6:8.2f} MB")


def report_browser(work: Path, repeat: int) -> None:
    if not Path(CHROMIUM).exists():
        print("browser figures skipped: /usr/bin/chromium is missing")
        return
    figures = browser_figures({"stock Material": work / "site-stock",
                               "paper search": work / "site-pages"}, repeat)
    print(f"search in chromium, best of {repeat} "
          f"(first query '{FIRST_QUERY}', refining keystroke '{REFINE_KEY}'):")
    print(f"  {'':32}{'stock':>10}{'paper search':>14}{'ratio':>9}")
    labels = {"ready_s": "page load -> search ready", "first_query_s":
              "focus+keystroke -> first results", "refine_s": "refining keystroke -> results"}
    for key in SEARCH_FIGURES:
        before = min(figures["stock Material"][key])
        after = min(figures["paper search"][key])
        print(f"  {labels[key]:32}{before:9.3f}s{after:13.3f}s{before / after:8.1f}x")
    # The paper search loads its index on first focus (0.2 s before the keystroke here),
    # stock Material on every page view: from navigation to the first results, both paid.
    total = {name: min(figures[name]["ready_s"]) + min(figures[name]["first_query_s"])
             for name in ("stock Material", "paper search")}
    print(f"  {'load -> ready, + first results':32}{total['stock Material']:9.3f}s"
          f"{total['paper search']:13.3f}s"
          f"{total['stock Material'] / total['paper search']:8.1f}x")
    for name in ("stock Material", "paper search"):
        runs = "; ".join(f"{key} " + " ".join(f"{v:.3f}" for v in values)
                         for key, values in figures[name].items())
        print(f"  all runs, {name}: {runs}")
    explore = figures["explore"]
    print(f"explore: filter change, table rebuilt {min(explore['explore_update_ms']):6.1f} ms"
          f"   (to next paint {min(explore['explore_update_to_paint_ms']):.1f} ms;"
          " target < 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        catalog = make_catalog(work / "catalog", args.papers)
        load = min(_timed(lambda: load_catalog(catalog)) for _ in range(args.repeat))
        loaded, diagnostics = load_catalog(catalog)
        assert not diagnostics, diagnostics[:3]
        gen = min(_timed(lambda: build_site(loaded)) for _ in range(args.repeat))
        print(f"papers                            {args.papers}   (best of {args.repeat})")
        print(f"load_catalog (YAML -> records)    {load:8.2f} s")
        print(f"build_site (pure generation)      {gen:8.2f} s   (with paper pages)")
        builds = build_rounds(catalog, work, args.repeat)
        report_builds(args.papers, work, builds)
        report_search_sizes(args.papers, work)
        if not args.no_browser:
            report_browser(work, args.repeat)


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
