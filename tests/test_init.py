"""`effdiff init --from-list`: a catalog from another survey's list, its taxonomy made from
the list's own headings (heading lines and `- ##### Heading` bullets at any depth)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.ingest.awesome_list import build_records, parse_awesome_list
from effdiff_catalog.ingest.init import InitError, heading_tree, init_catalog, sections_of
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.taxonomy import Taxonomy
from effdiff_catalog.records.validate import validate_catalog
from effdiff_catalog.records.venues import VenueRegistry

REPO = Path(__file__).resolve().parent.parent
OTHER = Path(__file__).parent / "fixtures" / "other-survey" / "README.md"
UPSTREAM = Path(__file__).parent / "fixtures" / "upstream"
SURVEY = UPSTREAM / "Efficient-Diffusion-Model-Survey.README.md"
TODAY = dt.date(2026, 12, 1)

EXPECTED = {
    "Big Bird: Transformers for Longer Sequences": "attention-approximation/sparse-attention",
    "Reformer: The Efficient Transformer": "attention-approximation/sparse-attention",
    "Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention":
        "attention-approximation/low-rank-and-kernel-methods/linear-attention",
    "Rethinking Attention with Performers":
        "attention-approximation/low-rank-and-kernel-methods/linear-attention/random-features",
    "Linformer: Self-Attention with Linear Complexity":
        "attention-approximation/low-rank-and-kernel-methods/low-rank-projection",
    "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness":
        "systems/kernels",
    "Efficiently Scaling Transformer Inference": "systems/others",
}


def test_every_entry_lands_in_its_new_section(tmp_path: Path) -> None:
    report = init_catalog(tmp_path / "new", OTHER, venues=REPO / "venues.yaml", today=TODAY)
    assert report.imported.unparsed == [] and report.orphans == []
    catalog, problems = load_catalog(tmp_path / "new")
    assert problems == []
    assert {p.title: p.categories for p in catalog.papers()} == {
        title: [path] for title, path in EXPECTED.items()}
    assert [d for d in validate_catalog(tmp_path / "new") if d.severity == "error"] == []


def test_headings_without_entries_and_the_lists_title_are_not_sections() -> None:
    roots, _ = heading_tree(OTHER.read_text(encoding="utf-8"))
    kept, left_out = sections_of(roots)
    assert [h.title for h in kept] == ["Attention Approximation", "Systems"]
    assert [h.emoji for h in kept] == ["🧠", "⚙️"]
    assert {h.title for h in left_out} == {
        "Awesome Efficient Transformers: A Reading List", "News", "Citation"}


def test_the_surveys_own_list_gives_back_its_taxonomy_and_placement(tmp_path: Path) -> None:
    report = init_catalog(tmp_path / "again", SURVEY, venues=REPO / "venues.yaml", today=TODAY)
    made = Taxonomy.load(tmp_path / "again" / "taxonomy.yaml")
    ours = Taxonomy.load(REPO / "taxonomy.yaml")
    assert [(n.title, n.depth) for n in made.walk()] == [(n.title, n.depth) for n in ours.walk()]
    assert made.frameworks_path == "frameworks"
    assert report.imported.unparsed == []
    # every record in the same sections, by title, as `effdiff import` with the survey's
    # hand-written taxonomy puts it
    listed = build_records(parse_awesome_list(SURVEY.read_text(encoding="utf-8"), ours),
                           VenueRegistry.load(REPO / "venues.yaml"), today=TODAY)
    title_of = {n.path: n.title for n in made.walk()} | {n.path: n.title for n in ours.walk()}
    by_init = {r.id: sorted(title_of[c] for c in r.categories)
               for r in load_catalog(tmp_path / "again")[0].records}
    by_import = {r.id: sorted(title_of[c] for c in r.categories) for r in listed.records}
    assert len(by_init) == 122 and by_init == by_import


def test_an_existing_catalog_is_never_overwritten(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(REPO / "tests" / "fixtures" / "catalog-mini", root)
    before = {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(InitError, match="already holds a catalog"):
        init_catalog(root, OTHER, venues=REPO / "venues.yaml")
    assert {p.name: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_init_command_reports_what_it_left_out(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "init", "--from-list", str(OTHER), "--root", str(tmp_path / "n"),
        "--venues", str(REPO / "venues.yaml"), "--added", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "heading 'News' holds no entries; not a section" in result.output
    assert "9 sections, 7 records; 0 line(s) not understood" in result.output
    missing = CliRunner().invoke(app, ["init", "--from-list", str(OTHER), "--root",
                                       str(tmp_path / "m"), "--venues", str(tmp_path / "no")])
    assert missing.exit_code == 2 and "no venue registry" in missing.output
