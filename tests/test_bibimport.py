"""Import from BibTeX: real entries (89 from the survey's sources) into a small catalog;
venues through the registry, unmapped ones reported, duplicates never added, files never
overwritten without --update, and our own export read back to the same records."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.formats import bibtex
from effdiff_catalog.ingest.bibtex_input import (
    BibImportError,
    import_bib,
    import_bib_file,
    map_venue,
)
from effdiff_catalog.ingest.bibtex_reader import read_bib, split_persons
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.query import citable, select
from effdiff_catalog.records.venues import VenueRegistry
from effdiff_catalog.tex import tex_to_unicode

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "catalog-mini"
SURVEY_BIB = FIXTURES / "upstream" / "papers.bib"  # provenance: upstream/SOURCES.md
TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "cat"
    shutil.copytree(MINI, target)
    return target


def snapshot(root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (root / "papers").iterdir()}


VENUES = VenueRegistry.load(MINI / "venues.yaml")


def venue_of(bib: str) -> str | None:
    entries, errors = read_bib(bib)
    assert not errors and len(entries) == 1
    venue, _ = map_venue(entries[0], VENUES)
    return venue.key if venue else None


@pytest.mark.parametrize(
    ("bib", "venue"),
    [
        ("@inproceedings{a, title={T}, year={2024}, booktitle={The Twelfth International "
         "Conference on Learning Representations, {ICLR} 2024, Vienna, Austria}}", "iclr"),
        ("@inproceedings{a, title={T}, year={2023}, booktitle={Advances in Neural Information "
         "Processing Systems 36: Annual Conference on Neural Information Processing Systems "
         "2023, NeurIPS 2023}}", "neurips"),
        ("@inproceedings{a, title={T}, year={2019}, booktitle={NIPS}}", "neurips"),
        ("@inproceedings{a, title={T}, year={2024}, booktitle={Proceedings of the IEEE/CVF "
         "Conference on Computer Vision and Pattern Recognition}}", "cvpr"),
        ("@inproceedings{a, title={T}, year={2024}, booktitle={Proceedings of the IEEE/CVF "
         "Conference on Computer Vision and Pattern Recognition (CVPR) Workshops}}",
         "cvpr-workshops"),
        ("@article{a, title={T}, year={2022}, journal={CoRR}, volume={abs/2206.00927}}",
         "arxiv"),
        ("@article{a, title={T}, year={2022}, journal={arXiv preprint arXiv:2206.00927}}",
         "arxiv"),
        ("@misc{a, title={T}, year={2022}, eprint={2206.00927}, archivePrefix={arXiv}}",
         "arxiv"),
        ("@article{a, title={T}, year={2025}, journal={Trans. Mach. Learn. Res.}}", "tmlr"),
        ("@inproceedings{a, title={T}, year={2024}, booktitle={European Conference on "
         "Computer Vision (ECCV)}}", None),
    ],
)
def test_venues_are_mapped_through_names_aliases_and_acronyms(bib: str, venue: str | None) -> None:
    assert venue_of(bib) == venue


def test_names_in_last_first_form_are_turned_around() -> None:
    assert split_persons("M{\\\"u}ller, J{\\\"u}rgen and Pawe{\\l} {\\L}ukasz and "
                         "van Beethoven, Ludwig") == (
        ["Jürgen Müller", "Paweł Łukasz", "Ludwig van Beethoven"], False)


def test_names_are_split_before_tex_is_decoded_so_braces_protect_one_name() -> None:
    names, truncated = split_persons("{Stability AI and Friends} and Rombach, Robin and others")
    assert names == ["Stability AI and Friends", "Robin Rombach"]
    assert truncated


def test_latex_is_decoded_to_unicode_including_our_own_escapes() -> None:
    assert tex_to_unicode(r"M{\"u}ller \& {\L}ukasz \textbraceleft{}x\textbraceright{} "
                         r"\textasciicircum{} \textasciitilde{} \textbackslash{} {$\Delta$}") \
        == "Müller & Łukasz {x} ^ ~ \\ Δ"


def test_survey_entries_import_with_unmapped_venues_and_duplicates_reported(root: Path) -> None:
    before = snapshot(root)
    report = import_bib_file(SURVEY_BIB, root, "algorithm", today=TODAY)
    assert not report.parse_errors
    assert report.count("added") == 76
    unmapped = [o for o in report.outcomes if o.action == "unmapped-venue"]
    assert {o.source_key for o in unmapped} >= {"DBLP:conf/iccv/ZhangRA23", "mou2024t2i"}
    eccv = next(o for o in unmapped if o.source_key == "controlnet_plus_plus")
    assert "European Conference on Computer Vision (ECCV)" in eccv.message
    assert "add it or an alias to venues.yaml" in eccv.message
    duplicates = {o.source_key: o.record_id for o in report.outcomes if o.action == "duplicate"}
    # papers already in the mini catalog, and the survey's two papers listed twice
    assert duplicates["DBLP:conf/iclr/HuSWALWWC22"] == "lora-2022"
    assert duplicates["DBLP:conf/cvpr/MaFW24"] == "deepcache-2024"
    assert duplicates["DBLP:conf/iclr/SongME21#870"] == "denoising-diffusion-implicit-models-2021"
    assert report.failed
    # existing records untouched, new ones valid and carrying a key
    after = snapshot(root)
    assert {k: after[k] for k in before} == before
    catalog, diagnostics = load_catalog(root)
    assert not [d for d in diagnostics if d.severity == "error"]
    ddim = catalog.by_id()["denoising-diffusion-implicit-models-2021"]
    assert isinstance(ddim, Paper)
    assert (ddim.venue, ddim.year, ddim.citation_key) == ("iclr", 2021, "song2021denoising")
    assert ddim.authors == ["Jiaming Song", "Chenlin Meng", "Stefano Ermon"]
    assert ddim.categories == ["algorithm"] and ddim.added == TODAY


def test_preprint_year_comes_from_the_arxiv_id(root: Path) -> None:
    bib = ("@article{he2022latent, title={Latent Video Diffusion Models}, author={He, "
           "Yingqing}, journal={arXiv preprint arXiv:2211.13221}, year={2023}}")
    report = import_bib(root, bib, "algorithm", today=TODAY)
    assert [o.action for o in report.outcomes] == ["added"]
    record = load_catalog(root)[0].by_id()[report.outcomes[0].record_id or ""]
    assert isinstance(record, Paper)
    assert (record.venue, record.year, record.month, record.arxiv) == (
        "arxiv", 2022, 11, "2211.13221"
    )


def test_update_changes_the_existing_record_in_place_and_keeps_its_comments(root: Path) -> None:
    bib = ("@inproceedings{x, title={DeepCache: Accelerating Diffusion Models for Free}, "
           "author={Ma, Xinyin and Fang, Gongfan and Wang, Xinchao}, year={2024}, "
           "booktitle={CVPR}, doi={10.1109/CVPR52733.2024.01492}}")
    path = root / "papers" / "deepcache-2024.yaml"
    before = path.read_text()
    report = import_bib(root, bib, "algorithm", today=TODAY)
    assert [o.action for o in report.outcomes] == ["duplicate"]
    assert path.read_text() == before

    report = import_bib(root, bib, "algorithm", update=True, today=TODAY)
    assert [(o.action, o.message) for o in report.outcomes] == [
        ("updated", "changed authors, doi")
    ]
    after = path.read_text()
    assert after.startswith("# yaml-language-server")
    assert "doi: 10.1109/CVPR52733.2024.01492" in after and "  - Xinyin Ma" in after
    assert "citation_key" not in after  # the key is never the importer's business
    again = import_bib(root, bib, "algorithm", update=True, today=TODAY)
    assert [o.action for o in again.outcomes] == ["unchanged"]


def test_update_respects_a_venue_check_pin(root: Path) -> None:
    path = root / "papers" / "lora-2022.yaml"
    path.write_text(path.read_text().replace(
        "added: 2024-10-01", "venue_check:\n  ignore: true\n  reason: known mismatch\n"
        "added: 2024-10-01"))
    bib = ("@article{x, title={LoRA: Low-Rank Adaptation of Large Language Models}, "
           "author={Hu, Edward J.}, journal={arXiv preprint arXiv:2106.09685}, year={2021}}")
    report = import_bib(root, bib, "algorithm", update=True, today=TODAY)
    assert report.outcomes[0].action == "updated"
    assert "pinned" in report.outcomes[0].message
    text = path.read_text()
    assert "venue: iclr\nyear: 2022" in text


def test_dry_run_writes_nothing(root: Path) -> None:
    before = snapshot(root)
    report = import_bib_file(SURVEY_BIB, root, "algorithm", dry_run=True, today=TODAY)
    assert report.count("added") == 76
    assert snapshot(root) == before


def test_unknown_category_is_refused_with_a_suggestion(root: Path) -> None:
    with pytest.raises(BibImportError, match="did you mean 'system/caching-technique'"):
        import_bib(root, "", "system/caching-techniqe")


def test_our_own_export_imports_back_to_the_same_records(root: Path, tmp_path: Path) -> None:
    catalog, _ = load_catalog(root)
    papers = citable(select(catalog), catalog)
    text = bibtex.render(papers, catalog.venues, with_abstract=True)
    empty = tmp_path / "empty"
    (empty / "papers").mkdir(parents=True)
    shutil.copy(root / "taxonomy.yaml", empty)
    shutil.copy(root / "venues.yaml", empty)
    report = import_bib(empty, text, "algorithm", today=TODAY)
    assert report.count("added") == len(papers), [o.message for o in report.outcomes]
    imported = {p.title: p for p in load_catalog(empty)[0].papers()}
    for paper in papers:
        again = imported[paper.title]
        assert again.authors == paper.authors
        assert (again.venue, again.year, again.doi, again.arxiv) == (
            paper.venue, paper.year, paper.doi, paper.arxiv
        )
        assert again.abstract == (" ".join(paper.abstract.split()) if paper.abstract else None)


def test_import_bib_command_reports_and_exits_1_when_entries_are_left_out(root: Path) -> None:
    result = CliRunner().invoke(
        app, ["import-bib", str(SURVEY_BIB), "--root", str(root), "--category", "algorithm"]
    )
    assert result.exit_code == 1
    assert "unmapped-venue: DBLP:conf/iccv/ZhangRA23" in result.output
    assert "duplicate: DBLP:conf/iclr/HuSWALWWC22" in result.output
    assert "76 added, 6 duplicate, 7 unmapped-venue" in result.output


def test_proceedings_year_after_an_even_year_meeting_is_moved_to_the_meeting(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cat"
    (root / "papers").mkdir(parents=True)
    shutil.copy(MINI / "taxonomy.yaml", root)
    (root / "venues.yaml").write_text(
        "venues:\n  eccv:\n    short: ECCV\n    name: European Conference on Computer Vision\n"
        "    kind: conference\n    meets: even-years\n", encoding="utf-8",
    )
    bib = ("@inproceedings{zhu2025slimflow, title={SlimFlow: Training Smaller One-Step "
           "Diffusion Models with Rectified Flow}, author={Zhu, Yuanzhi}, year={2025}, "
           "booktitle={European Conference on Computer Vision}}")
    report = import_bib(root, bib, "algorithm", today=TODAY)
    assert report.outcomes[0].action == "added"
    assert "year 2025 -> 2024: ECCV did not meet in 2025" in report.outcomes[0].message
    record = load_catalog(root)[0].by_id()["slimflow-2024"]
    assert isinstance(record, Paper) and record.year == 2024


@pytest.mark.parametrize(
    ("name", "key", "authors", "doi", "url"),
    [
        ("rec_conf_spire_BastMW06_standard.bib", "DBLP:conf/spire/BastMW06",
         ("H. Bast", "Christian Worm Mortensen", "Ingmar Weber"), "10.1007/11880561_13",
         "https://doi.org/10.1007/11880561_13"),
        ("rec_series_sci_2023-1062.bib", "DBLP:series/sci/2023-1062",
         ("George A. Anastassiou",), "10.1007/978-3-031-16400-2",
         "https://doi.org/10.1007/978-3-031-16400-2"),
    ],
    ids=["dblp-standard-layout", "dblp-padded-layout"],
)
def test_real_dblp_records_read_with_their_escaped_dois_and_urls_undone(
    name: str, key: str, authors: tuple[str, ...], doi: str, url: str
) -> None:
    """dblp writes 11880561\\_13 in doi and url; a record must get the plain form."""
    entries, errors = read_bib((FIXTURES / "api" / "dblp" / name).read_text(encoding="utf-8"))
    assert errors == []
    [entry] = entries
    assert (entry.key, entry.authors, entry.doi, entry.links.paper) == (key, authors, doi, url)
