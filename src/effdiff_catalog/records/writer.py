"""Writing record files: new records in a canonical layout, and in-place edits that keep
the contributor's comments and formatting. Every write is atomic (temp file + rename).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from effdiff_catalog.records.models import KEY_ORDER, Framework, Paper

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/record.schema.json"

# A key whose value is this sentinel is removed by update_record_file.
DELETE = object()


def record_to_data(record: Paper | Framework) -> dict[str, Any]:
    """The record as plain data in file order, without empty or default fields."""
    data = record.model_dump(mode="json", exclude_defaults=True)
    data["id"] = record.id
    if isinstance(record, Framework):
        data["kind"] = "framework"
    if "links" in data:
        data["links"] = {k: v for k, v in data["links"].items() if v}
        if not data["links"]:
            del data["links"]
    ordered = {key: data[key] for key in KEY_ORDER if key in data and data[key] not in (None, [])}
    ordered.update({k: v for k, v in data.items() if k not in ordered and v not in (None, [])})
    if "added" in ordered:
        ordered["added"] = record.added  # a real YAML date, not a quoted string
    return ordered


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, long strings left on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_record(record: Paper | Framework) -> str:
    """Canonical text of a new record file, starting with the schema line."""
    body = yaml.dump(
        record_to_data(record), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
        width=1_000, default_flow_style=False,
    )
    return f"{SCHEMA_COMMENT}\n{body}"


def atomic_write(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a partial one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_new_record(papers_dir: Path, record: Paper | Framework) -> Path:
    """Create `<id>.yaml`; refuses to replace an existing file."""
    path = Path(papers_dir) / f"{record.id}.yaml"
    if path.exists():
        raise FileExistsError(f"{path} already exists")
    atomic_write(path, dump_record(record))
    return path


def _round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def edit_record_text(text: str, changes: Mapping[str, Any]) -> str:
    """Apply top-level key changes to a record's text, keeping comments and layout.

    A nested mapping value (such as {'links': {'proceedings': url}}) is merged key by key.
    Unchanged text comes back byte for byte.
    """
    rt = _round_trip_yaml()
    doc = rt.load(text)
    changed = False
    for key, value in changes.items():
        changed |= _apply(doc, key, value)
    if not changed:
        return text
    out = io.StringIO()
    rt.dump(doc, out)
    new = out.getvalue()
    if text.endswith("\n") and not new.endswith("\n"):
        new += "\n"
    return new


def _apply(node: Any, key: str, value: Any) -> bool:
    if value is DELETE:
        if key in node:
            del node[key]
            return True
        return False
    if isinstance(value, Mapping) and isinstance(node.get(key), Mapping):
        return any([_apply(node[key], k, v) for k, v in value.items()])
    if isinstance(value, Mapping) and key not in node:
        from ruamel.yaml.comments import CommentedMap

        node[key] = CommentedMap()
        for k, v in value.items():
            if v is not DELETE:
                node[key][k] = v
        return True
    if key in node and node[key] == value and type(node[key]) is type(value):
        return False
    if key not in node:
        _insert_in_order(node, key, value)
    else:
        node[key] = value
    return True


def _insert_in_order(node: Any, key: str, value: Any) -> None:
    """Insert a new key after the nearest key that precedes it in KEY_ORDER."""
    order = {k: i for i, k in enumerate(KEY_ORDER)}
    rank = order.get(key, len(order))
    keys = list(node.keys())
    position = len(keys)
    for index, existing in enumerate(keys):
        if order.get(existing, len(order)) > rank:
            position = index
            break
    node.insert(position, key, value)


def update_record_file(path: Path, changes: Mapping[str, Any]) -> bool:
    """Edit a record file in place, atomically. Returns whether anything changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = edit_record_text(text, changes)
    if new == text:
        return False
    atomic_write(path, new)
    return True
