"""Rewriting one record file in place, for `check-venues --apply` and `enrich`.

Only the keys asked for change, and the file keeps its comments and layout (ruamel round
trip). The write is atomic, so a killed run leaves the record old or new. A file that
changed since it was read (by hash), holds another record now, is refused by the caller's
own rule, or whose edit would not validate or would touch other keys, is left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from effdiff_catalog.records.models import RECORD_ADAPTER, Paper
from effdiff_catalog.records.writer import atomic_write, edit_record_text
from effdiff_catalog.records.yamlio import RecordLoadError, parse_record_bytes, read_record_file


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rewrite_record(
    path: Path,
    record_id: str,
    sha256: str | None,
    changes: Callable[[Paper], Mapping[str, Any]],
    keys: Collection[str],
    refuse: Callable[[Paper], str | None] = lambda current: None,
) -> str | None:
    """Write `changes(current)` into the record; None when written, else why not.

    `keys` are the top-level keys the edit may change; `refuse` says why the record as it
    is now must not be changed (None: it may).
    """
    try:
        loaded = read_record_file(path, str(path))
        current = RECORD_ADAPTER.validate_python(loaded.data)
    except (OSError, RecordLoadError, ValidationError) as exc:
        return f"the file no longer loads ({exc})"
    if sha256 and text_sha256(loaded.text) != sha256:
        return "the file changed since it was checked"
    if not isinstance(current, Paper) or current.id != record_id:
        return "the file holds another record now"
    refusal = refuse(current)
    if refusal:
        return refusal
    new_text = edit_record_text(loaded.text, changes(current))
    if new_text == loaded.text:
        return "nothing to change"
    try:
        updated = RECORD_ADAPTER.validate_python(
            parse_record_bytes(new_text.encode("utf-8"), str(path)).data)
    except (RecordLoadError, ValidationError) as exc:
        return f"the edit would not validate ({exc})"
    others = set(Paper.model_fields) - set(keys)
    if updated.model_dump(include=others) != current.model_dump(include=others):
        return "the edit would change other keys"
    atomic_write(path, new_text)
    return None
