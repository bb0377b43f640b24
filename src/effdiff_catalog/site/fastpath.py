"""What only MkDocs needs to build a page per paper at 10,000 papers within its budget, and
its search to load on demand. Used by the plugin; an engine without plugins builds the same
pages the slow way (the tests compare both ways, byte for byte).

- A paper page's source is one block of HTML from our own templates (`effdiff: paper` in its
  front matter), which Python-Markdown would pass through unchanged: `render_html` skips the
  conversion, which with its per-page setup of the Markdown extensions was half the page's
  cost.
- The theme renders its navigation and footer for every page; for the paper pages, which sit
  at the same depth and out of the navigation, they come out the same, so `SharedBlocks`
  renders them once (main.html asks for it through `effdiff_shared`).
- A section page's entries are HTML blocks too, but its headings, tables and text are
  Markdown: `EntryStash` sets the entries aside before the conversion and puts them back
  after it, so that Python-Markdown parses one short tag per entry instead of the entry.
- `move_search_docs` moves Material's index of the hand-written pages out of the file its
  search fetches on every page view (search/search_index.json) into one the paper search
  worker fetches when the search box is first used.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

# The front matter key that says what a generated page is: paper | section.
KIND = "effdiff"
HTML_KINDS = frozenset({"paper"})
STASH_KINDS = frozenset({"section"})
SEARCH_PAGES = "assets/effdiff/search-pages.json"
_ID = re.compile(r'\bid="([^"]+)"')
# An entry of entry.html.j2: from its opening div to the first line that closes a div.
_ENTRY = re.compile(r'^<div class="effdiff-entry" .*?^</div>$', re.M | re.S)
_SLOT = re.compile(r'<div class="effdiff-slot" data-slot="(\d+)"></div>')


def kind(page: Page | None) -> str | None:
    """The kind of generated page (`effdiff:` in its front matter), or None."""
    value = page.meta.get(KIND) if page is not None and page.meta else None
    return value if isinstance(value, str) else None


def render_html(page: Page, config: MkDocsConfig, files: Files) -> None:
    """`Page.render` for a page whose Markdown is one block of our own HTML: the content is
    the source as Python-Markdown would output it (stripped), with no table of contents."""
    assert page.markdown is not None
    page.content = page.markdown.strip()
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set(_ID.findall(page.content))
    page.links_to_anchors = {}


def skip_markdown(page: Page) -> None:
    """Have MkDocs render this page with `render_html` instead of Python-Markdown."""
    page.render = types.MethodType(render_html, page)  # type: ignore[method-assign]


class SharedBlocks:
    """Template blocks rendered once for every page of a kind and depth (main.html).

    A block that shows one value of its page (`vary`: the header shows the page's title) is
    kept with that value cut out, and gets each page's own; only if the value occurs exactly
    once in it, else the block is rendered for the page as usual.
    """

    HOLE = "\x00effdiff-hole\x00"

    def __init__(self) -> None:
        self._made: dict[tuple[str, str, int], str] = {}

    def __call__(self, name: str, page: Page, vary: object = None, *,
                 caller: Callable[[], str]) -> Markup:
        key = (name, kind(page) or "", page.url.count("/"))
        value = "" if vary is None else str(vary)
        made = self._made.get(key)
        if made is not None:
            return Markup(made.replace(self.HOLE, value) if value else made)
        html = caller()
        if not value:
            self._made[key] = html
        elif html.count(value) == 1 and self.HOLE not in html:
            self._made[key] = html.replace(value, self.HOLE)
        return Markup(html)


class EntryStash:
    """Entries set aside during a page's Markdown conversion, by page."""

    def __init__(self) -> None:
        self._blocks: dict[str, list[str]] = {}

    def put(self, page: Page, markdown: str) -> str:
        """The page's Markdown with each entry replaced by a one-tag slot."""
        blocks: list[str] = []

        def slot(match: re.Match[str]) -> str:
            blocks.append(match.group(0))
            return f'<div class="effdiff-slot" data-slot="{len(blocks) - 1}"></div>'

        self._blocks[page.file.src_uri] = blocks
        return _ENTRY.sub(slot, markdown)

    def take(self, page: Page, html: str) -> str:
        """The page's HTML with its entries back in their slots."""
        blocks = self._blocks.pop(page.file.src_uri, None)
        if not blocks:
            return html
        return _SLOT.sub(lambda match: blocks[int(match.group(1))], html)


def move_search_docs(site_dir: Path) -> None:
    """Material's search fetches search/search_index.json on every page view: keep its
    config there, and move its documents where the paper search fetches them on demand."""
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.is_file():
        return
    index: dict[str, Any] = json.loads(index_file.read_text(encoding="utf-8"))
    target = site_dir / SEARCH_PAGES
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"docs": index.get("docs", [])}, ensure_ascii=False,
                                 separators=(",", ":")), encoding="utf-8")
    index["docs"] = []
    index_file.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
