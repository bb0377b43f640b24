"""One identity layer: every entry point reads arXiv ids, DOIs and titles the same way, and
agrees on what counts as the same paper.

The tables below are run through each place that reads an identifier or decides "same
paper": the model, `effdiff new` (scaffold), the list importer, the BibTeX reader,
`effdiff add`, the arXiv feed parser, validate, import-bib and the duplicate index.
Before the identity layer they disagreed (issue 10): `arXiv:2312.00858` gave nothing in
the importer, an `/html/` URL came back unchanged from `new`, `?context=cs` stayed in the
id, and `math.GT/0309136` was refused by import-bib while the model accepted it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from effdiff_catalog.checker.add import find_duplicate, parse_arxiv_ref
from effdiff_catalog.checker.sources.arxiv import parse_feed
from effdiff_catalog.identity import (
    DuplicateIndex,
    arxiv_in_text,
    arxiv_year_month,
    normalise_arxiv,
    parse_arxiv,
    parse_doi,
    title_key,
    url_key,
)
from effdiff_catalog.ingest.awesome_list import group_duplicates, parse_awesome_list
from effdiff_catalog.ingest.bibtex_input import import_bib
from effdiff_catalog.ingest.bibtex_reader import read_bib
from effdiff_catalog.ingest.scaffold import NewPaper, ScaffoldError, build_paper, scaffold_paper
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Links, Paper
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.validate import validate_catalog
from effdiff_catalog.records.writer import write_new_record

REPO = Path(__file__).resolve().parent.parent
TAXONOMY = Taxonomy.load(REPO / "taxonomy.yaml")

# (what a person pastes, the id every entry point must read from it)
ARXIV_FORMS = [
    ("2312.00858", "2312.00858"),
    ("2312.00858v2", "2312.00858"),
    ("arXiv:2312.00858", "2312.00858"),
    (" ARXIV: 2312.00858V3 ", "2312.00858"),
    ("https://arxiv.org/abs/2312.00858", "2312.00858"),
    ("https://arxiv.org/abs/2312.00858?context=cs", "2312.00858"),
    ("https://arxiv.org/abs/2312.00858v1#section", "2312.00858"),
    ("https://arxiv.org/pdf/2312.00858v2.pdf", "2312.00858"),
    ("https://arxiv.org/html/2312.00858v1", "2312.00858"),
    ("http://export.arxiv.org/abs/2312.00858", "2312.00858"),
    ("https://www.arxiv.org/pdf/2312.00858/", "2312.00858"),
    ("1411.4038", "1411.4038"),
    ("math.GT/0309136", "math.GT/0309136"),
    ("https://arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136"),
    ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
]
NOT_ARXIV = ["", "abc", "2312.0085", "9999.99999", "1501.0001", "2313.00001",
             "https://example.org/abs/2312.00858", "javascript:alert(1)"]
URL_FORMS = [(form, want) for form, want in ARXIV_FORMS if "arxiv.org" in form]


@pytest.mark.parametrize(("text", "expected"), ARXIV_FORMS)
def test_every_pasted_form_gives_the_bare_id(text: str, expected: str) -> None:
    assert normalise_arxiv(text) == expected


@pytest.mark.parametrize("text", NOT_ARXIV)
def test_what_is_not_an_arxiv_id_gives_nothing(text: str) -> None:
    assert normalise_arxiv(text) is None


def test_the_version_and_the_ids_date_are_kept() -> None:
    assert parse_arxiv("https://arxiv.org/abs/2312.00858v4") is not None
    assert parse_arxiv("https://arxiv.org/abs/2312.00858v4").version == 4  # type: ignore[union-attr]
    assert arxiv_year_month("2312.00858") == (2023, 12)
    assert arxiv_year_month("math.GT/0309136") == (2003, 9)
    assert arxiv_year_month("hep-th/9901001") == (1999, 1)


@pytest.mark.parametrize(("text", "expected"), ARXIV_FORMS)
def test_new_add_the_model_and_bibtex_read_every_form_alike(text: str, expected: str) -> None:
    catalog, _ = load_catalog(REPO)
    paper = build_paper(NewPaper(title="T", venue="arxiv", year=2023, categories=["algorithm"],
                                 arxiv=text), catalog)
    assert paper.arxiv == expected  # effdiff new
    assert parse_arxiv_ref(text) == expected  # effdiff add
    entries, _ = read_bib(f"@misc{{k, title={{T}}, year={{2023}}, eprint={{{text.strip()}}}, "
                          "archivePrefix={arXiv}}")
    assert entries[0].arxiv == expected  # import-bib and import --bib
    if text != expected:  # the model stores only the canonical form, and says which it is
        with pytest.raises(ValidationError, match=f"write it as '{expected}'"):
            Paper(id="t", title="T", venue="arxiv", year=2023, arxiv=text,
                  categories=["algorithm"], added=dt.date(2025, 1, 1))


@pytest.mark.parametrize(("url", "expected"), URL_FORMS)
def test_the_importer_bibtex_urls_and_the_arxiv_feed_read_every_link_alike(
    url: str, expected: str
) -> None:
    listed = parse_awesome_list(f"#### Solver\n- **[Arxiv 2023.12]** T. [[Paper]]({url})\n",
                                TAXONOMY)
    assert listed.entries[0].arxiv == expected  # effdiff import
    entries, _ = read_bib(f"@misc{{k, title={{T}}, year={{2023}}, url={{{url}}}}}")
    assert entries[0].arxiv == expected
    feed = parse_feed(
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>'
        f"http://arxiv.org/abs/{expected}v1</id><title>T</title></entry></feed>"
    )
    assert feed.entries[0].arxiv_id == expected


@pytest.mark.parametrize("text", NOT_ARXIV[1:])
def test_new_add_and_bibtex_refuse_what_is_not_an_id(text: str) -> None:
    catalog, _ = load_catalog(REPO)
    with pytest.raises(ScaffoldError, match="malformed arXiv id"):
        build_paper(NewPaper(title="T", venue="arxiv", year=2023, categories=["algorithm"],
                             arxiv=text), catalog)
    with pytest.raises(ValueError, match="not an arXiv id"):
        parse_arxiv_ref(text)
    entries, _ = read_bib(f"@misc{{k, title={{T}}, year={{2023}}, eprint={{{text}}}}}")
    assert entries[0].arxiv is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arXiv preprint arXiv:2206.00927", "2206.00927"),
        ("CoRR abs/2206.00927", "2206.00927"),
        ("see https://arxiv.org/abs/2206.00927v2 for details", "2206.00927"),
        ("arXiv:math.GT/0309136", "math.GT/0309136"),
        ("Proceedings of ICML 2023", None),
    ],
)
def test_ids_are_found_in_free_text(text: str, expected: str | None) -> None:
    assert arxiv_in_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1109/CVPR52733.2024.01492", "10.1109/CVPR52733.2024.01492"),
        ("doi:10.1109/CVPR52733.2024.01492", "10.1109/CVPR52733.2024.01492"),
        ("DOI: 10.1109/CVPR52733.2024.01492", "10.1109/CVPR52733.2024.01492"),
        ("https://doi.org/10.1109/CVPR52733.2024.01492", "10.1109/CVPR52733.2024.01492"),
        ("http://dx.doi.org/10.1007/978-3-031-72980-5_1", "10.1007/978-3-031-72980-5_1"),
        ("https://doi.org/10.1000/a%2Fb", "10.1000/a/b"),
        ("not a doi", None),
    ],
)
def test_dois_in_every_form(text: str, expected: str | None) -> None:
    assert parse_doi(text) == expected
    entries, _ = read_bib(f"@article{{k, title={{T}}, year={{2024}}, doi={{{text}}}}}")
    assert entries[0].doi == expected


def test_an_arxiv_doi_is_the_preprint_not_a_publication() -> None:
    entries, _ = read_bib("@misc{k, title={T}, year={2023}, doi={10.48550/arXiv.2312.00858}}")
    assert entries[0].doi is None
    assert entries[0].arxiv == "2312.00858"


# --- titles: one normalisation -----------------------------------------------------------

DELTA = "Δ-DiT: A Training-Free Acceleration Method Tailored for Diffusion Transformers"
DELTA_FORMS = [
    DELTA,
    r"$\Delta$-DiT: A Training-Free Acceleration Method Tailored for Diffusion Transformers",
    r"{$\Delta$}-DiT: a training-free acceleration method tailored for diffusion transformers",
    "Delta-DiT: A Training Free Acceleration Method Tailored for Diffusion Transformers.",
    "Δ-DiT:  A Training–Free Acceleration Method Tailored For Diffusion Transformers",
]
OTHER_DELTA = ("Δ-DiT: Accelerating Diffusion Transformers without training via Denoising "
               "Property Alignment")


def test_one_title_key_for_unicode_tex_and_spelled_out_greek() -> None:
    keys = {title_key(form) for form in DELTA_FORMS}
    assert keys == {"delta dit a training free acceleration method tailored for diffusion "
                    "transformers"}
    assert title_key(OTHER_DELTA) not in keys


def _paper(record_id: str, title: str, **extra: object) -> Paper:
    return Paper(id=record_id, title=title, venue="arxiv", year=2024, month=6,
                 categories=["system/caching-technique"], added=dt.date(2025, 1, 1),
                 authors=["Pengtao Chen"], **extra)


@pytest.fixture
def delta_root(tmp_path: Path) -> Path:
    """A catalog holding the Δ-DiT preprint, with no arXiv id or link to match on."""
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        shutil.copy(REPO / name, root / name)
    write_new_record(root / "papers", _paper("delta-dit-2024", DELTA))
    return root


@pytest.mark.parametrize("form", DELTA_FORMS[1:])
def test_validate_import_import_bib_new_and_add_agree_on_the_same_title(
    delta_root: Path, form: str
) -> None:
    papers_dir = delta_root / "papers"
    # validate: a second file with the title in another form is the same paper
    write_new_record(papers_dir, _paper("delta-dit-2024-2", form))
    found = [d for d in validate_catalog(delta_root) if d.rule == "duplicate-paper"]
    assert {d.path for d in found} == {"papers/delta-dit-2024.yaml", "papers/delta-dit-2024-2.yaml"}
    (papers_dir / "delta-dit-2024-2.yaml").unlink()
    catalog, _ = load_catalog(delta_root)
    # import: two listings, one in each form, are one paper
    listed = parse_awesome_list(
        "#### Caching Technique\n"
        f"- **[Arxiv 2024.06]** {DELTA}. [[Paper]](https://a.org/1)\n"
        f"- **[Arxiv 2024.06]** {form.replace('$', '')}. [[Paper]](https://b.org/2)\n",
        TAXONOMY)
    if "\\" not in form:  # a list entry is Markdown, not TeX
        assert len(group_duplicates(listed.entries)) == 1
    # import-bib: the entry is reported as the record, not added
    bib = f"@article{{k, title={{{form}}}, author={{Chen, Pengtao}}, year={{2024}}, " \
          "journal={arXiv preprint arXiv:2406.01125}}"
    report = import_bib(delta_root, bib, "system/caching-technique", dry_run=True)
    assert [(o.action, o.record_id) for o in report.outcomes] == [("duplicate", "delta-dit-2024")]
    # new: refused as a duplicate
    with pytest.raises(ScaffoldError, match="duplicate-paper"):
        scaffold_paper(delta_root, NewPaper(title=form, venue="arxiv", year=2024,
                                            categories=["system/caching-technique"]), write=False)
    # add: the duplicate index finds it
    index = DuplicateIndex.of(catalog.papers())
    assert find_duplicate(index, _paper("draft", form, arxiv="2406.01125")) == "delta-dit-2024"


def test_a_different_title_is_a_different_paper_everywhere(delta_root: Path) -> None:
    catalog, _ = load_catalog(delta_root)
    index = DuplicateIndex.of(catalog.papers())
    assert find_duplicate(index, _paper("draft", OTHER_DELTA)) is None
    made = scaffold_paper(delta_root, NewPaper(title=OTHER_DELTA, venue="arxiv", year=2024,
                                               categories=["system/caching-technique"]),
                          write=False)
    assert made.path.name == "delta-dit-2024-2.yaml"


def test_a_shared_title_with_another_arxiv_id_is_only_a_suspected_duplicate() -> None:
    index = DuplicateIndex.of([_paper("a", DELTA, arxiv="2406.01125")])
    match = index.find(_paper("b", DELTA, arxiv="2405.00001"))
    assert match is not None and not match.certain
    assert match.describe() == "same normalised title, but another arXiv id"
    same = index.find(_paper("c", "Another Title", arxiv="2406.01125"))
    assert same is not None and same.certain and same.how == "same arXiv id"


def test_an_arxiv_link_doi_or_field_identify_the_same_preprint() -> None:
    by_field = _paper("a", "One", arxiv="2406.01125")
    by_link = _paper("b", "Two", links=Links(paper="https://arxiv.org/pdf/2406.01125v2"))
    by_doi = _paper("c", "Three", doi="10.48550/arXiv.2406.01125")
    index = DuplicateIndex.of([by_field])
    assert index.find(by_link) is not None and index.find(by_doi) is not None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://openreview.net/forum?id=abc", "https://openreview.net/pdf?id=abc"),
        ("https://www.github.com/Horseee/DeepCache/", "https://github.com/horseee/deepcache.git"),
        ("http://proceedings.mlr.press/v202/x23a.html", "https://proceedings.mlr.press/v202/x23a.html"),
        ("https://arxiv.org/abs/2312.00858", "https://arxiv.org/html/2312.00858v2"),
    ],
)
def test_one_url_key_for_the_forms_of_one_link(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_different_links_stay_different() -> None:
    assert url_key("https://openreview.net/forum?id=abc") != url_key(
        "https://openreview.net/forum?id=abd")
    assert url_key("https://example.org/Paper.pdf") != url_key("https://example.org/paper.pdf")
