"""Edits keep the contributor's comments and layout; writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from effdiff_catalog.records.writer import (
    DELETE,
    atomic_write,
    edit_record_text,
    update_record_file,
)

TEXT = """\
# yaml-language-server: $schema=../schema/record.schema.json
id: x-2024   # keep this comment
title: "X: Why"
venue: arxiv
year: 2024
arxiv: "2405.20320"
links:
  paper: https://arxiv.org/abs/2405.20320  # the preprint
categories:
  - algorithm/efficient-sampling/solver
added: 2024-06-09
"""


def test_unchanged_edit_returns_the_same_bytes() -> None:
    assert edit_record_text(TEXT, {"venue": "arxiv", "year": 2024}) == TEXT


def test_edit_changes_only_what_it_is_told_and_keeps_comments() -> None:
    new = edit_record_text(TEXT, {"venue": "neurips", "doi": "10.5555/1",
                                  "links": {"proceedings": "https://proceedings.example/1"}})
    assert "id: x-2024   # keep this comment\n" in new
    assert "  paper: https://arxiv.org/abs/2405.20320  # the preprint\n" in new
    assert 'arxiv: "2405.20320"\n' in new
    assert "venue: neurips\n" in new
    assert new.index("doi:") > new.index("arxiv:")  # inserted in schema order
    assert "  proceedings: https://proceedings.example/1\n" in new


def test_delete_removes_a_key() -> None:
    assert "year:" not in edit_record_text(TEXT, {"year": DELETE})


def test_update_record_file_is_atomic_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "x-2024.yaml"
    path.write_text(TEXT, encoding="utf-8")
    os.chmod(path, 0o640)
    assert update_record_file(path, {"venue": "iclr"})
    assert "venue: iclr" in path.read_text("utf-8")
    assert (path.stat().st_mode & 0o777) == 0o640
    assert not update_record_file(path, {"venue": "iclr"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-2024.yaml"]


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old\n", encoding="utf-8")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(path, "new\n")
    assert path.read_text("utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]
