"""Shared fixtures: small real catalogs built in temporary folders."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

GOOD_RECORD = """\
# yaml-language-server: $schema=../schema/record.schema.json
id: deepcache-2024
title: "DeepCache: Accelerating Diffusion Models for Free"
authors:
  - Xinyin Ma
  - Gongfan Fang
  - Xinchao Wang
venue: cvpr
year: 2024
arxiv: "2312.00858"
citation_key: ma2024deepcache
links:
  paper: https://openaccess.thecvf.com/content/CVPR2024/papers/Ma_DeepCache_Accelerating_Diffusion_Models_for_Free_CVPR_2024_paper.pdf
  code: https://github.com/horseee/DeepCache
categories:
  - system/caching-technique
added: 2024-06-09
"""


class CatalogBuilder:
    """A throwaway catalog: the project's own taxonomy and venues, and given records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "papers").mkdir(parents=True)
        shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
        shutil.copy(REPO / "venues.yaml", root / "venues.yaml")

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.root / "papers" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


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
