"""Applying updates: only the venue keys change, and a killed run leaves no partial file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from checker_world import SOURCE_PREFIXES, synthetic
from stub_api import StubServer

from effdiff_catalog.checker.apply import apply_one
from effdiff_catalog.checker.evidence import CheckResult
from effdiff_catalog.checker.rewrite import text_sha256
from effdiff_catalog.records.venues import VenueRegistry

N_RECORDS = 400


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_sigkill_during_apply_leaves_every_record_old_or_new(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    data = synthetic(root, N_RECORDS)
    cache = tmp_path / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EFFDIFF_")}
    with StubServer(data) as stub:
        env.update(stub.urls)
        env["EFFDIFF_CACHE_DIR"] = str(cache)
        env.update({f"EFFDIFF_{prefix}_INTERVAL": "0" for prefix in SOURCE_PREFIXES})
        warm = run_cli(["check-venues", "--root", str(root), "--format", "json"], env)
        assert warm.returncode == 1, warm.stderr
    old = {p.name: p.read_bytes() for p in (root / "papers").iterdir()}
    # The reference: the same apply, uninterrupted, on a copy (from the cache, offline).
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    done = run_cli(["check-venues", "--root", str(reference), "--format", "json", "--apply",
                    "--offline"], env)
    assert done.returncode == 1, done.stderr
    new = {p.name: p.read_bytes() for p in (reference / "papers").iterdir()}
    assert all(new[name] != old[name] for name in old)

    proc = subprocess.Popen(
        [sys.executable, "-m", "effdiff_catalog.cli", "check-venues", "--root", str(root),
         "--format", "json", "--apply", "--offline"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    papers = sorted((root / "papers").glob("*.yaml"))
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if any(p.read_bytes() != old[p.name] for p in papers[:5]):
                break
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"

    changed = 0
    for name, before in old.items():
        now = (root / "papers" / name).read_bytes()
        assert now in (before, new[name]), f"{name} is neither old nor new"
        changed += now == new[name]
    assert 0 < changed < N_RECORDS, changed  # killed mid-way, not before or after
    leftovers = [p.name for p in (root / "papers").iterdir() if p.name not in old]
    assert all(n.startswith(".") and n.endswith(".tmp") for n in leftovers), leftovers


def test_apply_refuses_a_record_changed_since_the_check(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    synthetic(root, 1)
    path = next((root / "papers").glob("*.yaml"))
    registry = VenueRegistry.load(root / "venues.yaml")
    result = CheckResult("synthetic-0000-2023", "t", "2301.10000", "update", venue="iclr",
                         year=2024, path=str(path))
    text = path.read_text().replace("venue: arxiv", "venue: neurips")
    path.write_text(text)
    outcome = apply_one(path, result, registry)
    assert not outcome.applied and "already 'neurips'" in outcome.message
    assert path.read_text() == text
    stale = CheckResult("synthetic-0000-2023", "t", "2301.99999", "update", venue="iclr",
                        year=2024, path=str(path))
    path.write_text(text.replace("venue: neurips", "venue: arxiv"))
    assert "arXiv id changed" in apply_one(path, stale, registry).message


def test_apply_refuses_a_file_edited_since_it_was_checked(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    synthetic(root, 1)
    path = next((root / "papers").glob("*.yaml"))
    checked = path.read_text()
    result = CheckResult("synthetic-0000-2023", "t", "2301.10000", "update", venue="iclr",
                         year=2024, path=str(path), file_sha256=text_sha256(checked))
    edited = checked.replace("month: 6", "month: 7")  # still a preprint, same arXiv id
    path.write_text(edited)
    registry = VenueRegistry.load(root / "venues.yaml")
    outcome = apply_one(path, result, registry)
    assert not outcome.applied and "changed since it was checked" in outcome.message
    assert path.read_text() == edited
    path.write_text(checked)
    assert apply_one(path, result, registry).applied
