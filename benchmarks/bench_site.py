"""Website at scale: a synthetic catalog of N papers (10,000 by default).

    .venv/bin/python benchmarks/bench_site.py [--papers 10000] [--repeat 2] [--no-browser]

Measures, each against a floor from the same run:
- `mkdocs build` of the catalog through the hook, against the same mkdocs-material build
  of the same pages written as plain Markdown (no hook): the generation overhead ratio;
- the time of `build_site` alone (the pure generation);
- the size of the search index (bytes, and per paper);
- in Debian's chromium: Material search from page load to the first result, and from a
  refining keystroke to the new results; the Explore table from a filter change to the
  table updated (the target is under 100 ms).

Targets (issue 4) at 10,000 papers: overhead under 10% of the build; index under 10 MB;
Explore under 100 ms.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
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

from effdiff_catalog.catalog import load_catalog  # noqa: E402
from effdiff_catalog.site import build_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def mkdocs_build(config: Path, out: Path, catalog: Path | None) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if catalog is not None:
        env["EFFDIFF_CATALOG_ROOT"] = str(catalog)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                    "-d", str(out)], env=env, check=True, cwd=config.parent)
    return time.perf_counter() - started


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
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
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


OBSERVE = """
window.__firstResult = null;
new MutationObserver(() => {
  if (window.__firstResult === null && document.querySelector('.md-search-result__item'))
    window.__firstResult = performance.now();
}).observe(document, {childList: true, subtree: true});
"""


def browser_figures(site: Path, repeat: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    figures: dict[str, list[float]] = {"search_load_to_result_s": [],
                                       "search_refine_s": [], "explore_update_ms": [],
                                       "explore_update_to_paint_ms": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                "http://127.0.0.1:") else r.abort())
            context.add_init_script(OBSERVE)
            for _ in range(repeat):
                page = context.new_page()
                page.goto(url + "papers/")
                box = page.locator("input.md-search__input")
                box.click()
                box.press_sequentially("diffusion")
                page.wait_for_function("window.__firstResult !== null", timeout=60_000)
                figures["search_load_to_result_s"].append(
                    page.evaluate("window.__firstResult") / 1000)
                # Refine: one more word, time until the result list is replaced.
                page.evaluate("""() => {
                  window.__refined = null;
                  const list = document.querySelector('.md-search-result__list');
                  new MutationObserver(() => { if (window.__refined === null)
                    window.__refined = performance.now(); }).observe(list, {childList: true});
                  window.__typed = performance.now();
                }""")
                box.press_sequentially(" synth123")
                page.wait_for_function("window.__refined !== null", timeout=60_000)
                figures["search_refine_s"].append(
                    page.evaluate("window.__refined - window.__typed") / 1000)
                page.close()
                page = context.new_page()
                page.goto(url + "explore/")
                page.locator("#effdiff-explore[data-ready]").wait_for(state="attached",
                                                                      timeout=60_000)
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
            browser.close()
    finally:
        server.shutdown()
    return {key: min(values) for key, values in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        catalog = make_catalog(work / "catalog", args.papers)
        loaded, diagnostics = load_catalog(catalog)
        assert not diagnostics, diagnostics[:3]
        gen = min(_timed(lambda: build_site(loaded)) for _ in range(args.repeat))
        plain = plain_project(catalog, work)
        hooked: list[float] = []
        floor: list[float] = []
        for _ in range(args.repeat):
            floor.append(mkdocs_build(plain, work / "plain-site", None))
            hooked.append(mkdocs_build(REPO / "mkdocs.yml", work / "site", catalog))
        index = work / "site" / "search" / "search_index.json"
        size = index.stat().st_size
        hook_t, floor_t = min(hooked), min(floor)
        print(f"papers                         {args.papers}")
        print(f"build_site (pure generation)   {gen:8.2f} s")
        print(f"mkdocs build, plain Markdown   {floor_t:8.2f} s   (floor)")
        print(f"mkdocs build, through the hook {hook_t:8.2f} s")
        print(f"generation overhead            {(hook_t - floor_t) / floor_t:8.1%} of the build"
              f"   (target < 10%)")
        print(f"search index                   {size / 1e6:8.2f} MB   "
              f"({size / args.papers / 1e3:.2f} KB/paper, target < 10 MB)")
        if not args.no_browser:
            if not Path(CHROMIUM).exists():
                print("browser figures skipped: /usr/bin/chromium is missing")
                return
            figures = browser_figures(work / "site", args.repeat)
            print(f"search: page load -> first result {figures['search_load_to_result_s']:6.2f} s")
            print(f"search: refining keystroke -> results {figures['search_refine_s']:6.2f} s")
            print(f"explore: filter change, table rebuilt {figures['explore_update_ms']:6.1f} ms"
                  f"   (to next paint {figures['explore_update_to_paint_ms']:.1f} ms;"
                  " target < 100 ms)")


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
