"""The pure page generation (effdiff_catalog.site): layout, escaping, links, data files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.models import Links
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.site import SiteOutput, build_site, section_pages
from effdiff_catalog.site.generate import (
    SEARCH_JSON,
    is_http_url,
    markdown_text,
    page_url,
    relative_url,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site-catalog"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    loaded, diagnostics = load_catalog(FIXTURE)
    assert diagnostics == []
    return loaded


@pytest.fixture(scope="module")
def output(catalog: Catalog) -> SiteOutput:
    return build_site(catalog)


def test_one_page_per_top_and_second_level_section_in_survey_order(catalog: Catalog) -> None:
    paths = [sp.path for sp in section_pages(catalog.taxonomy)]
    assert paths[:2] == ["papers/algorithm/index.md", "papers/algorithm/efficient-training.md"]
    assert "papers/system/caching-technique.md" in paths
    assert "papers/frameworks/index.md" in paths
    assert len(paths) == len([n for n in catalog.taxonomy.walk() if n.depth <= 1])


def test_every_paper_appears_on_the_page_of_each_of_its_sections(
    catalog: Catalog, output: SiteOutput
) -> None:
    for paper in catalog.papers():
        for category in paper.categories:
            top, *rest = category.split("/")
            path = f"papers/{top}/{rest[0]}.md" if rest else f"papers/{top}/index.md"
            assert re.search(f'<h[23] id="{paper.id}"', output.page(path).content), path


def test_deeper_sections_become_headings_of_their_page(output: SiteOutput) -> None:
    content = output.page("papers/algorithm/efficient-training.md").content
    assert "## Latent Diffusion { #latent-diffusion }" in content
    assert content.index("latent-diffusion }") < content.index('id="audioldm-2023"')


def test_nav_lists_the_taxonomy_pages(output: SiteOutput) -> None:
    assert output.nav[0] == "papers/index.md"
    system = next(item for item in output.nav[1:] if "System-Level Optimization" in item)
    assert {"Caching Technique": "papers/system/caching-technique.md"} in (
        system["System-Level Optimization"])


def test_record_text_is_escaped_for_html_and_markdown(catalog: Catalog) -> None:
    paper = catalog.by_id()["ddim-2021"].model_copy(update={
        "title": "<script>alert(1)</script> & [x](javascript:y)",
        "authors": ['<img src=x onerror="z">'],
        "note": "**bold** <b>",
        "tags": ["<svg onload=q>"],
    })
    others = [r for r in catalog.entries if r.record.id != "ddim-2021"]
    catalog2 = type(catalog)(catalog.root, catalog.taxonomy, catalog.venues, others)
    catalog2.entries.append(type(catalog.entries[0])(paper, catalog.entries[0].file))
    out = build_site(catalog2, bib_entry=lambda p: "@misc{k,}")
    for path in ("papers/algorithm/efficient-training.md", "paper/ddim-2021/index.md"):
        page = out.page(path).content
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:y)" in page, path
        assert "<script>" not in page and "<img" not in page and "<svg" not in page, path
    paper_page = out.page("paper/ddim-2021/index.md").content
    assert "**bold** &lt;b&gt;" in paper_page and "&lt;svg onload=q&gt;" in paper_page
    # The front matter holds the title as a JSON string: no YAML or HTML break-out.
    assert 'title: "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026' in paper_page
    explore_data = out.asset("assets/effdiff/catalog.json").content
    assert "<" not in explore_data  # safe even if inlined into HTML
    assert json.loads(explore_data)["papers"]


def test_links_that_are_not_http_are_never_emitted(catalog: Catalog) -> None:
    # model_construct skips validation, as a future bug in the models might.
    bad = Links.model_construct(paper="javascript:alert(1)", code="data:text/html,x",
                                project="https://ok.example/")
    paper = catalog.by_id()["ddim-2021"].model_copy(update={"links": bad})
    entries = [e for e in catalog.entries if e.record.id != "ddim-2021"]
    entries.append(type(catalog.entries[0])(paper, catalog.entries[0].file))
    catalog2 = type(catalog)(catalog.root, catalog.taxonomy, catalog.venues, entries)
    out = build_site(catalog2, bib_entry=lambda p: "")
    everything = "\n".join([p.content for p in out.pages] + [a.content for a in out.assets])
    assert "javascript:" not in everything and "data:text" not in everything
    assert 'href="https://ok.example/"' in out.page(
        "papers/algorithm/efficient-training.md").content


def test_markdown_text_backslashes_markdown_and_escapes_html() -> None:
    assert markdown_text("a *b* [c](d)") == r"a \*b\* \[c\]\(d\)"
    assert markdown_text("<b>&") == "&lt;b&gt;&amp;"


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://x.org/a", True), ("http://x.org", True), ("javascript:alert(1)", False),
     ("JAVASCRIPT:alert(1)", False), ("data:text/html,x", False), ("//x.org", False),
     ("https://x.org/a b", False), (None, False), ("", False)],
)
def test_is_http_url(url: str | None, ok: bool) -> None:
    assert is_http_url(url) is ok


def test_urls_follow_mkdocs_directory_urls() -> None:
    assert page_url("explore.md") == "explore/"
    assert page_url("papers/index.md") == "papers/"
    assert page_url("index.md") == ""
    assert relative_url("explore.md", "assets/effdiff/catalog.json") == (
        "../assets/effdiff/catalog.json")
    assert relative_url("recent.md", "papers/system/caching-technique/#deepcache-2024") == (
        "../papers/system/caching-technique/#deepcache-2024")
    assert relative_url("downloads.md", "") == "../"


def test_stats_count_years_venues_and_preprints(catalog: Catalog, output: SiteOutput) -> None:
    stats = output.page("stats.md").content
    papers = catalog.papers()
    preprints = sum(p.venue == "arxiv" for p in papers)
    assert f"<tr><td>Preprint (arXiv only)</td><td>{preprints}</td></tr>" in stats
    assert f"<tr><td>Published</td><td>{len(papers) - preprints}</td></tr>" in stats
    assert '<tr><td><a href="../explore/?year=2024">2024</a></td><td>4</td></tr>' in stats
    assert '<a href="../explore/?venue=cvpr"><g class="effdiff-chart__row"' in stats
    assert '<a href="../explore/?section=frameworks">' in stats
    assert stats.count("<svg") == 4


def test_recent_page_is_newest_first_and_the_feed_has_every_paper(output: SiteOutput) -> None:
    recent = output.page("recent.md").content
    assert recent.index("2024-10-15") < recent.index("2024-08-01") < recent.index("2024-06-09")
    assert output.asset("feed.xml").content.count("<entry>") == 8


def test_the_frameworks_section_holds_the_table_and_the_paper_it_cites(
    output: SiteOutput,
) -> None:
    page = output.page("papers/frameworks/index.md").content
    assert "FlashAttention" in page and "<strong>DeepCache</strong>" in page
    assert '<a href="../../paper/deepcache-2024/">Paper</a>' in page
    assert '<h2 id="deepcache-2024"' in page  # listed there through the framework
    assert "\u2705" not in page and ">Yes<" in page and ">No<" in page


def test_bibtex_files_per_top_level_section(output: SiteOutput) -> None:
    assert output.asset("bib/all.bib").content.count("@") == 8
    assert output.asset("bib/system.bib").content.count("@") == 4
    assert output.asset("bib/algorithm.bib").content.count("@") == 4


def test_the_search_index_holds_every_paper_with_what_it_is_found_by(
    catalog: Catalog, output: SiteOutput
) -> None:
    index = json.loads(output.asset(SEARCH_JSON).content)
    assert index["version"] == 2
    rows = {row[0]: row for row in index["papers"]}
    assert set(rows) == {p.id for p in catalog.papers()}
    pid, title, authors, venue, when, arxiv, doi, aliases, sections, tags = rows["deepcache-2024"]
    assert title == "DeepCache: Accelerating Diffusion Models for Free"
    assert authors == ["Xinyin Ma", "Gongfan Fang", "Xinchao Wang"]
    assert index["venues"][venue][0] == "CVPR" and "cvpr" in index["venues"][venue][1]
    assert (when, arxiv, doi) == ("2024", "2312.00858", "10.1109/CVPR52733.2024.01492")
    # Listed under its own section and, through the DeepCache framework, under Frameworks.
    titles = [index["sections"][i][0] for i in sections]
    assert titles == ["Caching Technique", "Frameworks"]
    assert index["sections"][sections[0]][2] == "papers/system/caching-technique/"
    assert tags == ["caching", "u-net"] and aliases == []
    # A preprint shows its month, as on the entry.
    fora = rows["fora-2024"]
    assert index["venues"][fora[3]][0] == "arXiv" and fora[4].startswith("2024.")


def test_the_search_index_carries_venue_aliases_and_escapes_for_html(catalog: Catalog) -> None:
    copied = {key: venue.model_copy(deep=True) for key, venue in catalog.venues.venues.items()}
    copied["cvpr"].aliases.append("Computer Vision and Pattern Recognition")
    venues = VenueRegistry(copied)
    hostile = catalog.by_id()["ddim-2021"].model_copy(
        update={"title": "</script><b>x</b> & more"})
    entries = [e for e in catalog.entries if e.record.id != "ddim-2021"]
    entries.append(type(catalog.entries[0])(hostile, catalog.entries[0].file))
    catalog2 = type(catalog)(catalog.root, catalog.taxonomy, venues, entries)
    content = build_site(catalog2, bib_entry=lambda p: "").asset(SEARCH_JSON).content
    assert "<" not in content and ">" not in content and "&" not in content
    index = json.loads(content)
    assert "</script><b>x</b> & more" in [row[1] for row in index["papers"]]
    cvpr = [v for v in index["venues"] if v[0] == "CVPR"][0]
    assert "Computer Vision and Pattern Recognition" in cvpr[1]


def test_entries_stay_out_of_materials_index_only_with_the_paper_search(
    catalog: Catalog, output: SiteOutput
) -> None:
    page = output.page("papers/system/caching-technique.md").content
    assert '<h2 id="deepcache-2024" data-search-exclude>' in page
    assert '<div class="effdiff-entry" data-id="deepcache-2024" data-search-exclude>' in page
    stock = build_site(catalog, bib_entry=lambda p: "", paper_search=False)
    assert "data-search-exclude>" not in stock.page(
        "papers/system/caching-technique.md").content.replace(
        "<details class=\"effdiff-bib\" data-search-exclude>", "")
    with pytest.raises(KeyError):
        stock.asset(SEARCH_JSON)


def test_a_paper_listed_twice_on_a_page_is_rendered_once(catalog: Catalog) -> None:
    """The second listing on the same page points at the first (one id per page)."""
    out = build_site(catalog, bib_entry=lambda p: "")
    for page in out.pages:
        for paper in catalog.papers():
            assert len(re.findall(f'<h[23] id="{paper.id}"', page.content)) <= 1, (
                page.path, paper.id)


def test_the_site_settings_come_from_the_project_file(catalog: Catalog) -> None:
    from effdiff_catalog.site.settings import config_settings

    project = catalog.project
    settings = config_settings(project, {"extra": {"social": [{"link": "https://x.org"}]}})
    assert settings["site_name"] == "Fixture Diffusion"
    assert settings["site_description"].startswith(f'The papers of "{project.survey.title}"')
    assert settings["site_url"] == "https://example.org/fixture-site/"
    assert settings["extra"]["social"][0] == {"link": "https://x.org"}  # the config's own
    assert settings["extra"]["social"][1]["link"] == "https://github.com/example/fixture-catalog"
    assert settings["extra"]["social"][1]["icon"] == "fontawesome/brands/github"
    preview = config_settings(project, {"site_url": "https://preview.example/"})
    assert "site_url" not in preview  # a site URL in mkdocs.yml wins
