"""Helpers for the browser tests: build the site of a catalog, serve it on 127.0.0.1."""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[2]
FIXTURE_CATALOG = REPO / "tests" / "fixtures" / "site-catalog"


def site_config(catalog: Path, path: Path, **plugin: Any) -> Path:
    """A mkdocs.yml at `path` that is the project's (INHERIT) over another catalog, with
    more options of the effdiff plugin. JSON is YAML, and quotes any path."""
    config = {"INHERIT": str(REPO / "mkdocs.yml"), "docs_dir": str(REPO / "docs"),
              "plugins": {"effdiff": {"catalog": str(catalog), **plugin}}}
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def mkdocs_build(
    catalog: Path, out: Path, *args: str, **plugin: Any
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of the project's site over another catalog, into `out`."""
    config = site_config(catalog, out.parent / f"{out.name}.mkdocs.yml", **plugin)
    return run_mkdocs(config, out, *args)


def run_mkdocs(config: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build -f config -d out`, from the repository root."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(out), *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO, timeout=300)


def build_site(
    catalog: Path, out: Path, *, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    """The strict build of the project's site over another catalog (or a lenient one)."""
    return mkdocs_build(catalog, out, *([] if strict else ["--no-strict"]))


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site under a path prefix, as GitHub Pages serves a project site
    (/<repository>/), and answers a missing file with the site's 404.html, as it does."""

    prefix = "/"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        if not self.path.startswith(self.prefix):
            self.send_error(404)
            return None
        self.path = "/" + self.path[len(self.prefix):]
        if not Path(self.translate_path(self.path)).exists():
            return self._not_found_page()
        return super().send_head()

    def _not_found_page(self) -> Any:
        page = Path(self.directory) / "404.html"
        if not page.is_file():
            self.send_error(404)
            return None
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser closing a connection early is normal; anything else is reported."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Served:
    root: Path
    url: str

    def page(self, path: str = "") -> str:
        return self.url + path


def serve(directory: Path, prefix: str = "/") -> tuple[ThreadingHTTPServer, str]:
    """A threaded static server on a random port of 127.0.0.1, the site under `prefix`."""
    handler_class = type("Handler", (_SiteHandler,), {"prefix": prefix})
    handler = functools.partial(handler_class, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def served(site: Path, catalog: Path) -> Iterator[Served]:
    """Serve a built site under the path of the catalog's site URL, until the test is done."""
    server, url = serve(site, site_prefix(catalog))
    yield Served(site, url)
    server.shutdown()


def site_prefix(catalog: Path) -> str:
    """The path the catalog's site is published under (site_url in catalog.yaml), or /."""
    from effdiff_catalog.records.project import load_project

    site_url = load_project(catalog).site_url
    return urlparse(site_url).path if site_url else "/"


@dataclass
class WatchedPage:
    """A page that records console errors and uncaught exceptions."""

    page: Any
    errors: list[str]


def write_source(catalog: Path, out: Path, **plugin: Any) -> subprocess.CompletedProcess[str]:
    """`effdiff site-source` of the project's site over another catalog, into `out`."""
    config = site_config(catalog, out.parent / f"{out.name}.mkdocs.yml", **plugin)
    cmd = [sys.executable, "-m", "effdiff_catalog.cli", "site-source", "-f", str(config),
           "--out", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=300)


ZENSICAL = Path(sys.executable).parent / "zensical"


def zensical_build(source: Path) -> subprocess.CompletedProcess[str]:
    """`zensical build --strict --clean` of a site source folder (into source/site)."""
    cmd = [str(ZENSICAL), "build", "--strict", "--clean", "-f", str(source / "mkdocs.yml")]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=source, timeout=600)


def site_contents(site: Path) -> dict[str, bytes]:
    """Every file of a built site; gzip files by what they hold (their header has a time)."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[str(path.relative_to(site))] = (gzip.decompress(data)
                                                if path.suffix == ".gz" else data)
    return out


def open_explore(page: Any, site: Served, query: str = "") -> Any:
    """Open Explore (with an address query such as '?venue=cvpr') and wait for its table."""
    page.goto(site.page("explore/" + query))
    page.locator("#effdiff-explore[data-ready]").wait_for(state="attached", timeout=10_000)
    return page.locator("#effdiff-explore")


def shown_ids(page: Any) -> list[str]:
    """The ids of the papers Explore shows, in order."""
    return page.locator("#effdiff-explore [data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")
