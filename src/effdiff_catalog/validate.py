"""Validation and lint rules over a loaded catalog (expanded below)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .catalog import load_catalog
from .diagnostics import Diagnostic


def validate_catalog(root: Path, files: Sequence[Path] | None = None) -> list[Diagnostic]:
    catalog, diagnostics = load_catalog(root)
    return diagnostics
