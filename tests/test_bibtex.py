"""BibTeX export: entry types, escaping, title protection, and round trips through two
independent parsers (bibtexparser v2 and pybtex), on the mini catalog and random text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.formats import bibtex
from effdiff_catalog.records.catalog import Catalog, load_catalog
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.query import citable, select
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.tex import tex_to_unicode as latex_to_text

MINI = Path(__file__).parent / "fixtures" / "catalog-mini"

# The exact inverse of the writer's escaping, as the round-trip tests' oracle. (Readers of
# BibTeX use `tex.tex_to_unicode`, which also gives TeX's meaning to `` and --.)
_UNESCAPES = {value: char for char, value in bibtex.TEX_SPECIALS.items()}
_UNESCAPES.update({tex: char for char, tex in bibtex._MATH_TEX.items()})
_UNESCAPES["{@}"] = "@"
_UNESCAPE_RE = re.compile(
    "|".join(re.escape(v) for v in sorted(_UNESCAPES, key=len, reverse=True)) + r"|[{}]"
)


def unescape_tex(value: str) -> str:
    """Undo `escape_tex` and title protection: the plain text a UTF-8 field stands for."""
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPES.get(m.group(0), ""), value)

SPECIALS = "&%$#_{}~^\\"


@pytest.fixture(scope="module")
def mini() -> Catalog:
    catalog, diagnostics = load_catalog(MINI)
    assert not [d for d in diagnostics if d.severity == "error"]
    return catalog


def papers_of(catalog: Catalog) -> list[Paper]:
    return citable(select(catalog), catalog)


def by_id(catalog: Catalog, record_id: str) -> Paper:
    record = catalog.by_id()[record_id]
    assert isinstance(record, Paper)
    return record


def braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def parse_both(text: str) -> tuple[dict[str, dict[str, str]], dict[str, object]]:
    """Entries by key from bibtexparser v2 (raw field values) and from pybtex."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    first = {e.key: {f.key: str(f.value) for f in e.fields} for e in library.entries}
    second = dict(pybtex_parse(text, "bibtex").entries)
    return first, second


# --- entry types follow the venue registry --------------------------------------------------


def test_conference_paper_is_inproceedings_with_the_registrys_full_booktitle(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "dpm-solver-2022"), mini.venues)
    assert text.startswith("@inproceedings{lu2022dpmsolver,")
    assert "booktitle     = {Advances in Neural Information Processing Systems}," in text
    assert "publisher     = {Curran Associates, Inc.}," in text


def test_workshop_paper_is_inproceedings_with_the_workshop_name(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "simda-workshop-2024"), mini.venues)
    assert text.startswith("@inproceedings{")
    assert "{IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops}" in text


def test_journal_paper_is_article_with_journal(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "efficient-diffusion-models-2025"), mini.venues)
    assert text.startswith("@article{shen2025efficient,")
    assert "journal       = {Transactions on Machine Learning Research}," in text
    assert "eprint        = {2502.06805}," in text


def test_arxiv_preprint_follows_the_documented_convention(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "specials-and-names-2024"), mini.venues)
    assert text.startswith("@article{muller2024qdiffusion,")
    assert "journal       = {arXiv preprint arXiv:2405.99999}," in text
    assert "eprint        = {2405.99999}," in text
    assert "archivePrefix = {arXiv}," in text
    assert "month         = may," in text
    assert "url           = {https://arxiv.org/abs/2405.99999}," in text


def test_url_is_always_written_and_doi_where_known(mini: Catalog) -> None:
    for paper in papers_of(mini):
        assert "  url " in bibtex.entry(paper, mini.venues), paper.id
    text = bibtex.entry(by_id(mini, "controlnet-2023"), mini.venues)
    assert "doi       = {10.1109/ICCV51070.2023.00355}," in text


def test_url_falls_back_to_arxiv_then_doi_when_the_record_has_no_paper_link(mini: Catalog) -> None:
    paper = by_id(mini, "dpm-solver-2022").model_copy(deep=True)
    paper.links.paper = None
    assert bibtex.best_url(paper) == "https://arxiv.org/abs/2206.00927"
    paper.arxiv = None
    paper.doi = "10.5555/x_y"
    assert bibtex.best_url(paper) == "https://doi.org/10.5555/x_y"


def test_record_without_authors_exports_as_misc_with_key_and_a_warning(mini: Catalog) -> None:
    result = bibtex.export([by_id(mini, "deepcache-2024")], mini.venues)
    assert "@misc{deepcache2024accelerating," in result.text
    assert "key          = {DeepCache}," in result.text
    assert not re.search(r"^\s*author\s*=", result.text, flags=re.M)
    assert any("no authors" in w and "deepcache2024accelerating" in w for w in result.warnings)
    # a comment must never hold '@': BibTeX would read it as the start of an entry
    comments = [line for line in result.text.splitlines() if line.startswith("%")]
    assert comments and not any("@" in line for line in comments)


def test_unknown_venue_exports_as_misc_and_warns(mini: Catalog) -> None:
    paper = by_id(mini, "lora-2022").model_copy(update={"venue": "nowhere"})
    result = bibtex.export([paper], mini.venues)
    assert "@misc{hu2022lora," in result.text
    assert "howpublished  = {nowhere}," in result.text
    assert any("not in the registry" in w for w in result.warnings)


def test_frameworks_are_cited_through_their_paper_and_others_left_out(mini: Catalog) -> None:
    chosen = citable(select(mini, category="frameworks"), mini)
    assert [p.id for p in chosen] == ["deepcache-2024"]


# --- keys -----------------------------------------------------------------------------------


def test_stored_key_is_used_and_missing_key_is_computed_with_a_warning(mini: Catalog) -> None:
    result = bibtex.export(
        [by_id(mini, "controlnet-2023"), by_id(mini, "lora-2022")], mini.venues
    )
    assert result.keys == {"controlnet-2023": "zhang2023adding", "lora-2022": "hu2022lora"}
    assert [w for w in result.warnings if "no citation_key" in w] == [
        "lora-2022: no citation_key stored; using computed 'hu2022lora' "
        "(run 'effdiff keys' to store it)"
    ]


def test_duplicate_keys_in_one_export_are_reported(mini: Catalog) -> None:
    one = by_id(mini, "lora-2022").model_copy(update={"citation_key": "same2022"})
    two = by_id(mini, "dpm-solver-2022").model_copy(update={"citation_key": "Same2022"})
    result = bibtex.export([one, two], mini.venues)
    assert any("also used by lora-2022" in w for w in result.warnings)


# --- escaping and protection ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "escaped"),
    [("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"), ("_", r"\_"),
     ("{", r"\textbraceleft{}"), ("}", r"\textbraceright{}"), ("~", r"\textasciitilde{}"),
     ("^", r"\textasciicircum{}"), ("\\", r"\textbackslash{}")],
)
def test_every_tex_special_is_escaped(char: str, escaped: str) -> None:
    assert bibtex.escape_tex(f"a{char}b") == f"a{escaped}b"


def test_specials_in_title_and_abstract_are_escaped_and_braces_balance(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "specials-and-names-2024"), mini.venues, with_abstract=True)
    assert r"{Q-Diffusion} \& Friends: 4\_bit x\textasciicircum{}2 Caching \#1 at 50\%" in text
    assert r"Braces \textbraceleft{}x\textbraceright{}, a backslash \textbackslash{}" in text
    assert r"math \$x\textasciicircum{}2\$" in text
    assert braces_balance(text)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("DPM-Solver: A Fast ODE Solver", "{DPM-Solver}: A Fast {ODE} Solver"),
        ("Adding Conditional Control (ControlNet)", "Adding Conditional Control ({ControlNet})"),
        ("LoRA: Low-Rank Adaptation", "{LoRA}: Low-Rank Adaptation"),
        ("Latent 3D Graph Diffusion", "Latent {3D} Graph Diffusion"),
        ("U-Net Pruning for Text-to-Image Models", "{U-Net} Pruning for Text-to-Image Models"),
        ("Simda: Simple Diffusion Adapter", "{Simda}: Simple Diffusion Adapter"),
        ("Efficient Diffusion Models: A Survey", "Efficient Diffusion Models: A Survey"),
    ],
)
def test_title_capitals_and_acronyms_are_protected(title: str, expected: str) -> None:
    assert bibtex.format_title(title) == expected


def test_non_ascii_names_stay_utf8_by_default(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "specials-and-names-2024"), mini.venues)
    assert "Jürgen Müller and Paweł Łukasz and Zoë Ångström-Ødegård and José Ñúñez" in text


def test_ascii_option_writes_tex_escapes(mini: Catalog) -> None:
    text = bibtex.entry(by_id(mini, "specials-and-names-2024"), mini.venues, ascii=True)
    assert text.isascii()
    assert (
        r"J{\"u}rgen M{\"u}ller and Pawe{\l} {\L}ukasz and "
        r"Zo{\"e} {\AA}ngstr{\"o}m-{\O}deg{\aa}rd and Jos{\'e} {\~N}{\'u}{\~n}ez" in text
    )


def test_ascii_option_reports_characters_without_a_tex_form(mini: Catalog) -> None:
    paper = by_id(mini, "lora-2022").model_copy(update={"authors": ["王 小明", "Ana Ruiz"]})
    result = bibtex.export([paper], mini.venues, ascii=True)
    assert "王 小明" in result.text
    assert any("no TeX escape for" in w and "王" in w for w in result.warnings)


def test_verbatim_fields_are_percent_encoded_not_backslash_escaped() -> None:
    assert bibtex.verbatim("https://x.org/a_b%20{c}\\d#e") == "https://x.org/a_b%20%7Bc%7D%5Cd#e"


# --- round trips through two parsers --------------------------------------------------------


def expected_fields(paper: Paper, mini: Catalog, with_abstract: bool) -> dict[str, str]:
    venue = mini.venues.venues[paper.venue]
    fields = {"title": paper.title, "year": str(paper.year)}
    if paper.authors:
        fields["author"] = " and ".join(paper.authors)
    container = (
        "booktitle" if venue.kind in ("conference", "workshop") else "journal"
    ) if paper.authors else "howpublished"
    fields[container] = (
        f"arXiv preprint arXiv:{paper.arxiv}" if venue.kind == "preprint" else venue.name
    )
    if paper.doi:
        fields["doi"] = paper.doi
    if paper.arxiv:
        fields["eprint"] = paper.arxiv
    if with_abstract and paper.abstract:
        fields["abstract"] = " ".join(paper.abstract.split())
    return fields


@pytest.mark.parametrize("with_abstract", [False, True])
def test_round_trip_bibtexparser_gives_back_every_field(mini: Catalog, with_abstract: bool) -> None:
    papers = papers_of(mini)
    result = bibtex.export(papers, mini.venues, with_abstract=with_abstract)
    first, _ = parse_both(result.text)
    assert set(first) == set(result.keys.values())
    for paper in papers:
        got = first[result.keys[paper.id]]
        for name, value in expected_fields(paper, mini, with_abstract).items():
            assert unescape_tex(got[name]) == value, (paper.id, name)
        assert got["url"] == bibtex.best_url(paper)


@pytest.mark.parametrize("ascii", [False, True])
def test_round_trip_pybtex_reads_the_same_entries_and_names(mini: Catalog, ascii: bool) -> None:
    papers = papers_of(mini)
    result = bibtex.export(papers, mini.venues, ascii=ascii, with_abstract=True)
    first, second = parse_both(result.text)
    assert set(second) == set(first)
    for paper in papers:
        entry = second[result.keys[paper.id]]
        persons = entry.persons.get("author", [])  # type: ignore[attr-defined]
        assert len(persons) == len(paper.authors)
        for person, name in zip(persons, paper.authors, strict=True):
            parts = (person.first_names + person.middle_names + person.prelast_names
                     + person.last_names)
            assert latex_to_text(" ".join(parts)) == name
        title = entry.fields["title"]  # type: ignore[attr-defined]
        assert latex_to_text(title) == paper.title


def test_stored_bib_matches_what_bibtexparser_writes_back_field_for_field(mini: Catalog) -> None:
    """bibtexparser's writer reproduces our fields exactly: nothing is lost or merged."""
    text = bibtex.render(papers_of(mini), mini.venues, with_abstract=True)
    library = bibtexparser.parse_string(text)
    again = bibtexparser.parse_string(bibtexparser.write_string(library))
    assert [(e.key, e.entry_type, {f.key: f.value for f in e.fields}) for e in library.entries] \
        == [(e.key, e.entry_type, {f.key: f.value for f in e.fields}) for e in again.entries]


# --- property-based: random titles, names and abstracts -------------------------------------

TEXT_CHARS = st.sampled_from(
    list("abcXYZ019 -:.,;!?()[]'\"/@=+*<>|`") + list(SPECIALS)
    + list("éüßøłÅÑçñÆœıđþŋ中文αβ€—“”…«»°")
)


def _text(min_size: int = 1) -> st.SearchStrategy[str]:
    return st.text(TEXT_CHARS, min_size=min_size, max_size=40).map(
        lambda s: " ".join(s.split())
    ).filter(lambda s: bool(s))


NAME = _text().filter(lambda s: "," not in s and s.lower() not in ("others", "et al."))
NAMES = st.lists(NAME, min_size=0, max_size=4)


def _paper(title: str, names: list[str], abstract: str) -> Paper:
    return Paper(
        id="random-2024", title=title, authors=names, venue="iclr", year=2024,
        abstract=abstract, categories=["algorithm"], added=dt.date(2024, 1, 1),
        links={"paper": "https://example.org/p?a=1&b=%7B_#x"},
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_text(), names=NAMES, abstract=_text())
def test_random_text_round_trips_through_both_parsers(
    title: str, names: list[str], abstract: str
) -> None:
    venues = VenueRegistry.load(MINI / "venues.yaml")
    paper = _paper(title, names, abstract)
    text = bibtex.entry(paper, venues, key="rand2024", with_abstract=True)
    assert braces_balance(text)
    first, second = parse_both(text)
    fields = first["rand2024"]
    assert unescape_tex(fields["title"]) == title
    assert unescape_tex(fields["abstract"]) == abstract
    assert fields["url"] == "https://example.org/p?a=1&b=%7B_#x"
    entry = second["rand2024"]
    if names:
        raw_names = fields["author"].split(" and ")
        assert [unescape_tex(n) for n in raw_names] == names
        persons = entry.persons["author"]  # type: ignore[attr-defined]
        assert len(persons) == len(names)
    assert unescape_tex(entry.fields["title"]) == title  # type: ignore[attr-defined]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_text(), names=NAMES)
def test_random_text_in_ascii_mode_decodes_back_with_an_independent_latex_decoder(
    title: str, names: list[str]
) -> None:
    # TeX ligatures mean something else than their characters: keep them out
    for ligature in ("--", "``", "''", "?`", "!`", ",,", "<<", ">>"):
        assume(ligature not in title and all(ligature not in n for n in names))
    venues = VenueRegistry.load(MINI / "venues.yaml")
    paper = _paper(title, names, "x")
    unconverted: set[str] = set()
    result = bibtex.export([paper], venues, keys={paper.id: "rand2024"}, ascii=True)
    text = result.text
    for char in "中文αβ—“”…€«»°":
        if char in title or any(char in n for n in names):
            unconverted.add(char)
    body = "".join(ch for ch in text if ch not in unconverted)
    assert body.isascii()
    first, _ = parse_both(text)
    fields = first["rand2024"]
    decoded = latex_to_text(fields["title"])
    assert decoded == title or _same_but_ligatures(decoded, title)
    if names:
        got = [latex_to_text(n) for n in fields["author"].split(" and ")]
        assert [_squash(g) for g in got] == [_squash(n) for n in names]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _same_but_ligatures(decoded: str, original: str) -> bool:
    """pylatexenc renders a few typographic characters in their TeX forms."""
    table = str.maketrans({"—": "-", "–": "-", "“": '"', "”": '"', "…": "."})
    return decoded.translate(table).replace("...", ".") == original.translate(table).replace(
        "...", "."
    )


# --- the command --------------------------------------------------------------------------


def test_bib_command_filters_and_writes_a_file(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    out = tmp_path / "sel.bib"
    result = CliRunner().invoke(
        app, ["bib", "--root", str(root), "--category", "algorithm/efficient-fine-tuning",
              "--since", "2023", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    keys = re.findall(r"^@\w+\{([^,]+),", out.read_text(encoding="utf-8"), flags=re.M)
    assert keys == ["zhang2023adding", "xing2024simda"]


def test_bib_command_rejects_an_unknown_category_with_a_suggestion(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bib", "--root", str(MINI), "--category", "sytem"])
    assert result.exit_code == 2
    assert "did you mean 'system'?" in result.output


def test_bib_split_sections_writes_all_and_one_file_per_top_level_section(tmp_path: Path) -> None:
    out = tmp_path / "downloads"
    result = CliRunner().invoke(app, ["bib", "--root", str(MINI), "--split-sections", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "algorithm.bib", "all.bib", "frameworks.bib", "system.bib"
    ]
    def keys(name: str) -> set[str]:
        return set(re.findall(r"^@\w+\{([^,]+),", (out / name).read_text(), flags=re.M))
    assert keys("all.bib") == keys("algorithm.bib") | keys("system.bib") | keys("frameworks.bib")
    assert keys("system.bib") == {"deepcache2024accelerating", "muller2024qdiffusion"}
    assert keys("frameworks.bib") == {"deepcache2024accelerating"}


REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_whole_repository_catalog_round_trips_through_both_parsers(ascii: bool) -> None:
    catalog, _ = load_catalog(REPO)
    if not catalog.papers():
        pytest.skip("papers/ is empty")
    papers = citable(select(catalog), catalog)
    result = bibtex.export(papers, catalog.venues, ascii=ascii, with_abstract=True)
    first, second = parse_both(result.text)
    assert set(first) == set(second) == set(result.keys.values())
    for paper in papers:
        key = result.keys[paper.id]
        fields = first[key]
        assert latex_to_text(fields["title"]) == " ".join(paper.title.split()), paper.id
        assert fields["year"] == str(paper.year)
        assert fields["url"] == bibtex.best_url(paper)
        if paper.doi:
            assert fields["doi"] == paper.doi
        persons = second[key].persons.get("author", [])  # type: ignore[attr-defined]
        assert len(persons) == len(paper.authors), paper.id
        for name, person in zip(paper.authors, persons, strict=True):
            parts = (person.first_names + person.middle_names + person.prelast_names
                     + person.last_names)
            if name.lower() != "others":
                assert latex_to_text(" ".join(parts)) == " ".join(name.split()), paper.id


def test_bib_command_ascii_with_abstracts_and_year(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["bib", "--root", str(MINI), "--year", "2024", "--ascii", "--with-abstracts"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.isascii()
    assert r"J{\"u}rgen M{\"u}ller" in text
    assert "abstract" in text
    assert set(re.findall(r"^@\w+\{([^,]+),", text, flags=re.M)) == {
        "deepcache2024accelerating", "muller2024qdiffusion", "xing2024simda"
    }
