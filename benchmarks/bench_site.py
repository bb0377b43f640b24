"""Website at scale: a synthetic catalog of N papers (10,000 by default).

    .venv/bin/python benchmarks/bench_site.py [--papers 10000] [--repeat 2] [--stock-repeat 1]
        [--no-browser]

Measures, each against a floor from the same run:
- `mkdocs build` of the catalog through the hook, against the same mkdocs-material build
  of the same pages written as plain Markdown (no hook): the generation overhead ratio;
- the time of `build_site` alone (the pure generation);
- the size of the search indexes (bytes, and per paper), ours and stock Material's;
- in Debian's chromium, side by side in one browser run: the stock Material search (the
  same site built with `paper_search: false`) against the paper search, from page load to
  search ready, from a keystroke to the first results, and from a refining keystroke to
  the new results; the Explore table from a filter change to the table updated.

Targets (issue 4) at 10,000 papers: overhead under 10% of the build; index under 10 MB;
search at least 2x faster than stock Material, on load and on a query; Explore under 100 ms.
"""

from __future__ import annotations

import argparse
import functools
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

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_catalog  # noqa: E402

from effdiff_catalog.records.catalog import load_catalog  # noqa: E402
from effdiff_catalog.site import build_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
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


def mkdocs_build(config: Path, out: Path, catalog: Path | None) -> tuple[float, float | None]:
    """Wall time of one `mkdocs build`, and how long MkDocs waited for the background
    generation (the hook logs it), if there was one."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    warm(config.parent / "docs" if (config.parent / "docs").is_dir() else REPO / "docs")
    if catalog is not None:
        env["EFFDIFF_CATALOG_ROOT"] = str(catalog)
        warm(catalog)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config),
                             "-d", str(out)], env=env, check=True, cwd=config.parent,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    waited = re.search(r"MkDocs waited ([0-9.]+) s", result.stderr)
    return wall, float(waited.group(1)) if waited else None


def plain_project(catalog: Path, work: Path) -> Path:
    """The same site as plain Markdown files, built without the hook: the floor."""
    project = work / "plain"
    shutil.copytree(REPO / "docs", project / "docs")
    shutil.copytree(REPO / "templates", project / "templates")
    loaded, _ = load_catalog(catalog)
    output = build_site(loaded)
    for page in output.pages:
        target = project / "docs" / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
    for asset in output.assets:
        target = project / "docs" / asset.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(asset.content, encoding="utf-8")
    config = _portable_config()
    config.pop("hooks", None)
    nav = []
    for item in config["nav"]:
        if isinstance(item, dict) and list(item.values()) == ["papers/index.md"]:
            nav.append({"Papers": output.nav})
        else:
            nav.append(item)
    config["nav"] = nav
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                        encoding="utf-8")
    return project / "mkdocs.yml"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
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


def stock_config(work: Path) -> Path:
    """mkdocs.yml with `paper_search: false`: the same site, Material's search over it all."""
    config = _portable_config()
    config["docs_dir"] = str(REPO / "docs")
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    config["hooks"] = [str(REPO / hook) for hook in config["hooks"]]
    config.setdefault("extra", {})["paper_search"] = False
    path = work / "stock.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _portable_config() -> dict[str, Any]:
    """The project's mkdocs.yml, with the snippets base path made absolute."""
    config: dict[str, Any] = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(REPO)]
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--stock-repeat", type=int, default=1,
                        help="how many of the rounds also build the stock-search site")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        catalog = make_catalog(work / "catalog", args.papers)
        load = min(_timed(lambda: load_catalog(catalog)) for _ in range(args.repeat))
        loaded, diagnostics = load_catalog(catalog)
        assert not diagnostics, diagnostics[:3]
        gen = min(_timed(lambda: build_site(loaded)) for _ in range(args.repeat))
        plain = plain_project(catalog, work)
        stock = stock_config(work)
        hooked: list[float] = []
        waits: list[float] = []
        floor: list[float] = []
        stocked: list[float] = []

        def hook_build() -> None:
            wall, waited = mkdocs_build(REPO / "mkdocs.yml", work / "site", catalog)
            hooked.append(wall)
            if waited is not None:
                waits.append(waited)

        for round_ in range(args.repeat):
            # Floor and hook build side by side, in alternating order, so that drift in the
            # machine's speed falls on both alike; the ratio is taken per round.
            if round_ % 2 == 0:
                floor.append(mkdocs_build(plain, work / "plain-site", None)[0])
                hook_build()
            else:
                hook_build()
                floor.append(mkdocs_build(plain, work / "plain-site", None)[0])
            if round_ < args.stock_repeat:
                stocked.append(mkdocs_build(stock, work / "stock-site", catalog)[0])
        ours_index = [work / "site" / "search" / "search_index.json",
                      work / "site" / "assets" / "effdiff" / "search-papers.json"]
        ours_size = sum(path.stat().st_size for path in ours_index)
        stock_size = (work / "stock-site" / "search" / "search_index.json").stat().st_size
        hook_t, floor_t, stock_t = min(hooked), min(floor), min(stocked)
        n = args.papers
        print(f"papers                            {n}   (best of {args.repeat})")
        print(f"load_catalog (YAML -> records)    {load:8.2f} s")
        print(f"build_site (pure generation)      {gen:8.2f} s")
        print(f"mkdocs build, plain Markdown      {floor_t:8.2f} s   (floor)")
        print(f"mkdocs build, through the hook    {hook_t:8.2f} s")
        ratios = sorted((h - f) / f for h, f in zip(hooked, floor, strict=True))
        median = statistics.median(ratios)
        print(f"overhead of the hook              {(hook_t - floor_t) / floor_t:8.1%} of the "
              f"floor, best against best; per round median {median:.1%}, "
              f"range {ratios[0]:.1%} to {ratios[-1]:.1%}   (target < 10%)")
        print(f"  serial load {load / floor_t:.1%} + generation {gen / floor_t:.1%} of the floor;"
              " the hook generates large catalogs in a background process")
        if waits:
            print(f"  MkDocs waited for the background generation {statistics.median(waits):.2f} s"
                  f" (median; {min(waits):.2f} to {max(waits):.2f}) = "
                  f"{statistics.median(waits) / statistics.median(floor):.1%} of the median floor")
        print("  all rounds (floor / hook, s): " + "; ".join(
            f"{f:.2f} / {h:.2f}" for f, h in zip(floor, hooked, strict=True)))
        print(f"mkdocs build, stock search        {stock_t:8.2f} s   (paper_search: false; best of "
              f"{len(stocked)})")
        print(f"search index, paper search        {ours_size / 1e6:8.2f} MB   "
              f"({ours_size / n / 1e3:.2f} KB/paper; search_index.json + search-papers.json;"
              " target < 10 MB)")
        print(f"search index, stock Material      {stock_size / 1e6:8.2f} MB")
        if args.no_browser:
            return
        if not Path(CHROMIUM).exists():
            print("browser figures skipped: /usr/bin/chromium is missing")
            return
        figures = browser_figures({"stock Material": work / "stock-site",
                                   "paper search": work / "site"}, args.repeat)
        print(f"search in chromium, best of {args.repeat} "
              f"(first query '{FIRST_QUERY}', refining keystroke '{REFINE_KEY}'):")
        print(f"  {'':28}{'stock':>10}{'paper search':>14}{'ratio':>9}")
        labels = {"ready_s": "page load -> search ready", "first_query_s":
                  "keystroke -> first results", "refine_s": "refining keystroke -> results"}
        for key in SEARCH_FIGURES:
            before = min(figures["stock Material"][key])
            after = min(figures["paper search"][key])
            print(f"  {labels[key]:28}{before:9.3f}s{after:13.3f}s{before / after:8.1f}x")
        for name in ("stock Material", "paper search"):
            runs = "; ".join(f"{key} " + " ".join(f"{v:.3f}" for v in values)
                             for key, values in figures[name].items())
            print(f"  all runs, {name}: {runs}")
        explore = figures["explore"]
        print(f"explore: filter change, table rebuilt {min(explore['explore_update_ms']):6.1f} ms"
              f"   (to next paint {min(explore['explore_update_to_paint_ms']):.1f} ms;"
              " target < 100 ms)")


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
