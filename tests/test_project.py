"""The project file, catalog.yaml: the survey's identity is data that the README, the
exports and the site read, not code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from effdiff_catalog.formats.base import exporter
from effdiff_catalog.formats.export import export_catalog
from effdiff_catalog.formats.readme import plan_readme
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.project import Project, load_project

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "catalog-mini"


def test_the_repositorys_project_names_the_survey_and_its_homes() -> None:
    project = load_project(REPO)
    assert project.survey.title == "Efficient Diffusion Models: A Survey"
    assert project.survey.citation_key == "shen2025efficient"
    assert len(project.survey.authors) == 14
    assert project.edit_url("papers/deepcache-2024.yaml") == (
        "https://github.com/AIoT-MLSys-Lab/Efficient-Diffusion-Model-Survey/edit/main/"
        "papers/deepcache-2024.yaml")


def test_a_catalog_without_the_file_gets_a_neutral_default(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project == Project()
    assert project.edit_url("papers/x.yaml") is None
    assert project.survey.catalog_name == "paper catalog"


def test_a_bad_project_file_is_refused_with_its_path_and_field(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("survey: {title: X}\nsite_url: ftp://x\n")
    with pytest.raises(ValueError, match=r"catalog\.yaml: site_url: .*only http\(s\) links"):
        load_project(tmp_path)


def test_another_survey_changes_the_readme_citation_and_the_bibtex_header(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cat"
    shutil.copytree(MINI, root)
    (root / "catalog.yaml").write_text(
        "survey:\n  title: 'Fast Transformers: A Survey'\n  short_title: Fast Transformers\n"
        "  authors: [Ada Lovelace, Alan Turing]\n  journal: ACM Computing Surveys\n"
        "  year: 2026\n  citation_key: lovelace2026fast\n", encoding="utf-8")
    (root / "README.md").write_text(
        "# A list\n\n" + "".join(f"<!-- BEGIN GENERATED: {n} -->\n<!-- END GENERATED: {n} -->\n"
                                  for n in ("citation", "toc", "papers")), encoding="utf-8")
    catalog, _ = load_catalog(root)
    text = plan_readme(catalog).new
    assert ("@article{lovelace2026fast,\n  title   = {Fast Transformers: A Survey},\n"
            "  author  = {Lovelace, Ada and Turing, Alan},\n"
            "  journal = {ACM Computing Surveys},\n  year    = {2026}\n}\n") in text
    run = export_catalog(root, exporter("bibtex"))
    assert run.outputs[0].exported.text.startswith(
        "% BibTeX of 7 paper(s) from the Fast Transformers survey catalog.\n")
