"""Loading a catalog in worker processes gives exactly what loading it serially gives."""

from __future__ import annotations

import pytest
from helpers import GOOD_RECORD, CatalogBuilder

from effdiff_catalog.records import catalog as catalog_module
from effdiff_catalog.records.catalog import load_catalog, record_files


def test_parallel_load_matches_serial_load(
    catalog_builder: CatalogBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(40):
        text = GOOD_RECORD.replace("deepcache-2024", f"deepcache-{index}")
        catalog_builder.write(f"deepcache-{index}.yaml", text)
    catalog_builder.write("broken.yaml", b"id: [\n")
    catalog_builder.write("list.yaml", b"- a\n")
    catalog_builder.write("typo.yaml", GOOD_RECORD.replace("title:", "titel:"))
    monkeypatch.setattr(catalog_module, "PARALLEL_MIN_FILES", 10)
    files = record_files(catalog_builder.root / "papers")

    parsed = catalog_module._parse_in_parallel(files, catalog_builder.root, 2)
    assert parsed is not None, "the parallel path was not taken"
    assert parsed == catalog_module.parse_files(files, catalog_builder.root)

    serial, serial_problems = load_catalog(catalog_builder.root)
    parallel, parallel_problems = load_catalog(catalog_builder.root, workers=2)
    assert [e.record for e in parallel.entries] == [e.record for e in serial.entries]
    assert [e.path for e in parallel.entries] == [e.path for e in serial.entries]
    assert parallel_problems == serial_problems
    assert {d.rule for d in serial_problems} == {
        "yaml-syntax", "not-mapping", "unknown-key", "schema"}


def test_small_catalogs_are_parsed_serially(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    files = record_files(catalog_builder.root / "papers")
    assert catalog_module._parse_in_parallel(files, catalog_builder.root, 2) is None
