"""A real `mkdocs build --strict` of the fixture catalog, and checks on the built files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import bibtexparser
import pytest

from effdiff_catalog.records.catalog import load_catalog
from tests.browser.siteserver import FIXTURE_CATALOG as FIXTURE
from tests.browser.siteserver import REPO, mkdocs_build, site_contents, site_prefix


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(FIXTURE, out, "--strict")
    assert result.returncode == 0, result.stderr
    return out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        if found.get("name") and tag == "a":
            self.ids.add(found["name"] or "")
        for attr in ("href", "src"):
            value = found.get(attr)
            if value and tag in ("a", "link", "script", "img"):
                self.links.append(value)


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_strict_build_generates_one_page_per_taxonomy_section(site: Path) -> None:
    catalog, _ = load_catalog(FIXTURE)
    for node in catalog.taxonomy.walk():
        if node.depth == 0:
            assert (site / "papers" / node.slug / "index.html").is_file()
        elif node.depth == 1:
            top = node.path.split("/")[0]
            assert (site / "papers" / top / node.slug / "index.html").is_file()
    for name in ("explore", "stats", "recent", "downloads", "about", "cite", "contributing"):
        assert (site / name / "index.html").is_file(), name


def test_every_paper_has_a_page_and_its_entry_in_three_formats(site: Path) -> None:
    catalog, _ = load_catalog(FIXTURE)
    for paper in catalog.papers():
        assert (site / "paper" / paper.id / "index.html").is_file(), paper.id
        for extension in ("bib", "ris", "json"):
            download = site / "download" / f"{paper.id}.{extension}"
            assert download.stat().st_size > 50, download
    assert not (site / "paper" / "deepcache-framework").exists()  # frameworks get none


def test_generated_pages_are_not_written_to_docs(site: Path) -> None:
    assert not (REPO / "docs" / "papers").exists()
    assert not (REPO / "docs" / "explore.md").exists()


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    """Links as a browser follows them, with the site at its site URL's path (404.html links
    root-absolute to it, the other pages relatively)."""
    pages = {p: parse(p) for p in site.rglob("*.html")}
    prefix = site_prefix(FIXTURE)
    checked = 0
    broken: list[str] = []
    for path, parsed in pages.items():
        base = f"http://site{prefix}" + str(path.relative_to(site))
        for link in parsed.links:
            url = urlparse(urljoin(base, link))
            if url.scheme != "http" or url.netloc != "site":
                continue
            if not url.path.startswith(prefix):
                broken.append(f"{path.relative_to(site)}: {link} (outside the site)")
                continue
            target = site / unquote(url.path[len(prefix):])
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {link} (no file)")
                continue
            if url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {link} (no anchor)")
    assert checked > 200
    assert broken == []


def test_every_paper_is_an_entry_with_a_permalink_anchor(site: Path) -> None:
    catalog, _ = load_catalog(FIXTURE)
    ids: set[str] = set()
    for page in (site / "papers").rglob("index.html"):
        ids |= parse(page).ids
    assert {p.id for p in catalog.papers()} <= ids


def test_the_paper_search_index_holds_each_paper_with_its_searchable_facts(
    site: Path,
) -> None:
    raw = (site / "assets" / "effdiff" / "search-papers.json").read_text(encoding="utf-8")
    index = json.loads(raw)
    rows = {row[0]: row for row in index["papers"]}
    deepcache = rows["deepcache-2024"]
    assert deepcache[1] == "DeepCache: Accelerating Diffusion Models for Free"
    assert "Xinyin Ma" in deepcache[2] and deepcache[5] == "2312.00858"
    assert index["venues"][deepcache[3]][0] == "CVPR"
    assert "@inproceedings" not in raw  # BibTeX is kept out of the index


def test_materials_index_is_loaded_on_demand_with_the_hand_written_pages_only(
    site: Path,
) -> None:
    """Material fetches search/search_index.json on every page view: it holds no documents;
    the paper search worker fetches them from search-pages.json when the search is used."""
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and stub["config"]
    moved = json.loads(
        (site / "assets" / "effdiff" / "search-pages.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in moved["docs"]}
    assert "contributing/" in docs and "about/" in docs and "cite/" in docs
    # The papers, sections and the developer page are found otherwise or not at all.
    assert not [loc for loc in docs if loc.startswith(("paper/", "papers/", "site/"))]
    assert "Q-Diffusion: Quantizing" not in json.dumps(moved)  # no entry of the list


def test_the_atom_feed_is_well_formed_and_newest_first(site: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    catalog, _ = load_catalog(FIXTURE)
    assert len(entries) == len(catalog.papers())
    dates = [e.findtext("a:updated", default="", namespaces=ns) for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert entries[0].findtext("a:title", namespaces=ns) == (
        "LoRA: Low-Rank Adaptation of Large Language Models")


def test_bib_downloads_parse_and_cover_their_sections(site: Path) -> None:
    catalog, _ = load_catalog(FIXTURE)
    full = bibtexparser.parse_string((site / "bib" / "all.bib").read_text(encoding="utf-8"))
    assert full.failed_blocks == []
    assert len(full.entries) == len(catalog.papers())
    system = bibtexparser.parse_string((site / "bib" / "system.bib").read_text(encoding="utf-8"))
    assert len(system.entries) == 4


def test_theme_fonts_are_off_and_nothing_is_loaded_from_a_cdn(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text, page
        for link in parse(page).links:
            if link.startswith(("http://", "https://", "//")):
                # External links are fine; external scripts and styles are not.
                assert not link.endswith((".js", ".css")), (page, link)


def test_generating_in_a_background_process_builds_the_same_site(
    site: Path, tmp_path: Path
) -> None:
    """The fixture is small, so the default build generated in process; force the other way."""
    result = mkdocs_build(FIXTURE, tmp_path / "out", "--strict", "--verbose",
                          background="always")
    assert result.returncode == 0, result.stderr
    assert "in a background process" in result.stderr
    built, expected = site_contents(tmp_path / "out"), site_contents(site)
    assert built.keys() == expected.keys()
    different = [name for name in expected if built[name] != expected[name]]
    assert different == []


def test_an_unknown_background_setting_is_refused(tmp_path: Path) -> None:
    result = mkdocs_build(FIXTURE, tmp_path / "out", background="sometimes")
    assert result.returncode != 0
    assert "option 'background'" in result.stderr
    assert "Expected one of: ('auto', 'always', 'never')" in result.stderr


@pytest.mark.parametrize("background", ["never", "always"])
def test_a_record_that_fails_to_load_fails_the_strict_build(
    tmp_path: Path, background: str
) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "papers").mkdir(parents=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        (catalog / name).write_text((FIXTURE / name).read_text(encoding="utf-8"))
    (catalog / "papers" / "bad-2024.yaml").write_text(
        "id: bad-2024\ntitle: Bad\nvenue: arxiv\nyear: 2024\n"
        "links: {paper: 'javascript:alert(1)'}\ncategories: [system]\nadded: 2024-01-01\n",
        encoding="utf-8",
    )
    result = mkdocs_build(catalog, tmp_path / "out", "--strict", background=background)
    assert result.returncode != 0
    assert "record left out of the site" in result.stderr
    assert "url-scheme" in result.stderr


def test_the_contributing_page_is_contributing_md_itself(site: Path) -> None:
    """docs/contributing.md includes CONTRIBUTING.md, so the two cannot drift apart."""
    html = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    headings = [line[3:].strip() for line in
                (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("## ")]
    assert len(headings) >= 5
    ids = parse(site / "contributing" / "index.html").ids
    for heading in headings:
        slug = "-".join(heading.lower().replace(",", "").split())
        assert slug in ids, heading
    assert "--8&lt;--" not in html and "--8<--" not in html
