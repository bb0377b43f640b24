"""What several test modules share: the repository's path and a throwaway catalog."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

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
