"""Shared fixtures: small real catalogs built in temporary folders (see helpers.py)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import IN_CI, CatalogBuilder


@pytest.fixture
def catalog_builder(tmp_path: Path) -> CatalogBuilder:
    return CatalogBuilder(tmp_path / "catalog")


@pytest.fixture
def require_tool() -> Callable[[str, str], str]:
    """Skip when a system tool is missing, except under CI, where that is a failure."""

    def require(executable: str, package: str) -> str:
        found = shutil.which(executable) or (executable if os.path.exists(executable) else None)
        if found:
            return found
        message = f"{executable} not found (install Debian package {package})"
        if IN_CI:
            pytest.fail(f"{message}; .ci/run must install it")
        pytest.skip(message)

    return require
