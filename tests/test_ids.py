"""Record ids are readable slugs, stable and unique."""

from __future__ import annotations

import pytest

from effdiff_catalog.identity import ascii_fold, make_record_id


@pytest.mark.parametrize(
    ("title", "year", "expected"),
    [
        ("DeepCache: Accelerating Diffusion Models for Free", 2024, "deepcache-2024"),
        ("Δ-DiT: Accelerating Diffusion Transformers", 2025, "delta-dit-2025"),
        ("Denoising Diffusion Implicit Models", 2021, "denoising-diffusion-implicit-models-2021"),
        ("On Distillation of Guided Diffusion Models", 2023,
         "distillation-guided-diffusion-models-2023"),
    ],
)
def test_ids_come_from_the_name_or_first_meaningful_words(
    title: str, year: int, expected: str
) -> None:
    assert make_record_id(title, year) == expected


def test_taken_ids_get_a_numbered_suffix() -> None:
    taken = {"deepcache-2024", "deepcache-2024-2"}
    assert make_record_id("DeepCache: Again", 2024, taken) == "deepcache-2024-3"


def test_ascii_fold_keeps_names_readable() -> None:
    assert ascii_fold("Dirk Wübben, Nguyễn") == "Dirk Wubben, Nguyen"
