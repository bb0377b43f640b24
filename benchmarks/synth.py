"""Synthetic catalogs for benchmarks: realistic records, deterministic for a given size."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WORDS = (
    "diffusion latent fast sampling efficient training distillation quantization pruning "
    "cache transformer video image audio score flow consistency solver adapter control "
    "parallel serving token merge sparse attention step schedule guidance model generation"
).split()
VENUES = [("neurips", False), ("iclr", False), ("icml", False), ("cvpr", False),
          ("iccv", True), ("eccv", True), ("arxiv", False), ("aaai", False)]
SURNAMES = "Wang Li Zhang Chen Liu Song Ho Kim Müller Nguyễn García Ma Fang Shen Park".split()
GIVEN = "Wei Xin Yang Jiaming Jonathan Tim Ana Lukas Minh Yu Hui Rui Sung".split()


def synth_record(index: int, rng: random.Random, categories: list[str]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 10))]
    title = f"Synth{index}: " + " ".join(w.capitalize() for w in words)
    venue, odd_only = rng.choice(VENUES)
    year = rng.randint(2019, 2025)
    if venue == "iccv" and year % 2 == 0:
        year -= 1
    if venue == "eccv" and year % 2 == 1:
        year -= 1
    month = rng.randint(1, 12)
    arxiv = f"{year % 100:02d}{month:02d}.{index % 100000:05d}"
    authors = "\n".join(
        f"  - {rng.choice(GIVEN)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 8))
    )
    cats = "\n".join(f"  - {c}" for c in rng.sample(categories, rng.randint(1, 2)))
    month_line = f"month: {month}\n" if venue == "arxiv" else ""
    return (
        "# yaml-language-server: $schema=../schema/record.schema.json\n"
        f"id: synth-{index}\n"
        f'title: "{title}"\n'
        f"authors:\n{authors}\n"
        f"venue: {venue}\n"
        f"year: {year}\n{month_line}"
        f'arxiv: "{arxiv}"\n'
        f"citation_key: synth{index}{year}\n"
        "links:\n"
        f"  paper: https://arxiv.org/abs/{arxiv}\n"
        f"  code: https://github.com/synth/repo-{index}\n"
        f"categories:\n{cats}\n"
        "tags:\n  - synthetic\n"
        f"added: {year}-{month:02d}-{rng.randint(1, 28):02d}\n"
    )


def make_catalog(root: Path, n: int, seed: int = 1) -> Path:
    """Write a catalog of n synthetic papers under root (taxonomy and venues copied)."""
    from effdiff_catalog.records.taxonomy import Taxonomy

    root = Path(root)
    papers = root / "papers"
    papers.mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        shutil.copy(REPO / name, root / name)
    taxonomy = Taxonomy.load(root / "taxonomy.yaml")
    leaves = [n.path for n in taxonomy.walk() if not n.children and n.path != "frameworks"]
    rng = random.Random(seed)
    for index in range(n):
        (papers / f"synth-{index}.yaml").write_text(
            synth_record(index, rng, leaves), encoding="utf-8"
        )
    return root
