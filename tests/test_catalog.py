"""Loading a catalog in worker processes gives exactly what loading it serially gives."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from helpers import GOOD_RECORD, CatalogBuilder

from effdiff_catalog.records import catalog as catalog_module
from effdiff_catalog.records.catalog import load_catalog, record_files

# Run in a fresh interpreter: forking is refused while threads run, and other tests in the
# same worker (the browser tests' Playwright) leave threads behind.
PARALLEL_CHECK = """
import sys
from pathlib import Path
from effdiff_catalog.records import catalog as catalog_module
from effdiff_catalog.records.catalog import load_catalog, record_files

root = Path(sys.argv[1])
catalog_module.PARALLEL_MIN_FILES = 10
files = record_files(root / "papers")
parsed = catalog_module._parse_in_parallel(files, root, 2)
assert parsed is not None, "the parallel path was not taken"
assert parsed == catalog_module.parse_files(files, root)
serial, serial_problems = load_catalog(root)
parallel, parallel_problems = load_catalog(root, workers=2)
assert [e.record for e in parallel.entries] == [e.record for e in serial.entries]
assert [e.path for e in parallel.entries] == [e.path for e in serial.entries]
assert parallel_problems == serial_problems
assert {d.rule for d in serial_problems} == {"yaml-syntax", "not-mapping", "unknown-key",
                                             "schema"}, serial_problems
"""


def _forty_records_and_three_bad_files(catalog_builder: CatalogBuilder) -> None:
    for index in range(40):
        text = GOOD_RECORD.replace("deepcache-2024", f"deepcache-{index}")
        catalog_builder.write(f"deepcache-{index}.yaml", text)
    catalog_builder.write("broken.yaml", b"id: [\n")
    catalog_builder.write("list.yaml", b"- a\n")
    catalog_builder.write("typo.yaml", GOOD_RECORD.replace("title:", "titel:"))


def test_parallel_load_matches_serial_load(catalog_builder: CatalogBuilder) -> None:
    _forty_records_and_three_bad_files(catalog_builder)
    run = subprocess.run([sys.executable, "-c", PARALLEL_CHECK, str(catalog_builder.root)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_a_process_with_threads_parses_serially(
    catalog_builder: CatalogBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking a process that runs threads can deadlock its child: never done."""
    _forty_records_and_three_bad_files(catalog_builder)
    monkeypatch.setattr(catalog_module, "PARALLEL_MIN_FILES", 10)
    files = record_files(catalog_builder.root / "papers")
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        assert catalog_module._parse_in_parallel(files, catalog_builder.root, 2) is None
    finally:
        stop.set()
        waiting.join()
    serial, _ = load_catalog(catalog_builder.root, workers=2)
    assert len(serial.entries) == 40


def test_small_catalogs_are_parsed_serially(catalog_builder: CatalogBuilder) -> None:
    catalog_builder.write("deepcache-2024.yaml", GOOD_RECORD)
    files = record_files(catalog_builder.root / "papers")
    assert catalog_module._parse_in_parallel(files, catalog_builder.root, 2) is None
