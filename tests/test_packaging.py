"""The package as users install it (`pip install .`, pipx): a wheel, not the checkout.

The wheel must carry its templates and data, and the commands must work from it against a
catalog folder. (.ci/run also installs the wheel into a fresh virtual environment.)
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built without fetching a build backend and unpacked with pip."""
    out = tmp_path_factory.mktemp("wheel")
    # setuptools builds in the checkout (build/, *.egg-info): one build at a time, also when
    # pytest-xdist runs this module's tests in several workers (their base temp is shared).
    with open(tmp_path_factory.getbasetemp().parent / "wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--no-build-isolation", "-w", str(out / "dist"), str(REPO)],
                       check=True, capture_output=True)
    [wheel] = (out / "dist").glob("effdiff_catalog-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(out / "site"), str(wheel)], check=True, capture_output=True)
    return out


def test_the_wheel_carries_templates_data_and_types(installed: Path) -> None:
    [wheel] = (installed / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "effdiff_catalog/data/rules.yaml" in names
    assert "effdiff_catalog/py.typed" in names
    assert {"effdiff_catalog/templates/readme/papers.md.j2",
            "effdiff_catalog/templates/readme/toc.md.j2",
            "effdiff_catalog/templates/checker/venue-report.md.j2"} <= names
    assert not [n for n in names if n.startswith("tests/")]


def run_installed(installed: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m effdiff_catalog.cli ARGS` from the unpacked wheel, in the repository."""
    env = {**os.environ, "PYTHONPATH": str(installed / "site")}
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)


def test_commands_run_from_the_wheel_not_from_the_checkout(installed: Path) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import effdiff_catalog; print(effdiff_catalog.__file__)"],
        env={**os.environ, "PYTHONPATH": str(installed / "site")}, capture_output=True,
        text=True, check=True)
    assert where.stdout.startswith(str(installed / "site"))
    readme = run_installed(installed, "readme", "--check")
    assert readme.returncode == 0, readme.stderr
    assert run_installed(installed, "validate").returncode == 0
    bib = run_installed(installed, "export", "--format", "ris", "--id", "deepcache-2024")
    assert bib.returncode == 0 and "TY  - CPAPER" in bib.stdout
