"""Safe, limited YAML loading of record files, with positions for diagnostics.

The fast path parses with libyaml (`yaml.CSafeLoader`) only. Positions of keys are worked
out on demand, by composing the node tree once, and only for files that have a problem.
Anchors and aliases are refused outright: records never need them, and they are the
vehicle of "billion laughs" bombs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from effdiff_catalog.records.diagnostics import Diagnostic

MAX_RECORD_BYTES = 64 * 1024
MAX_NESTING = 32

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecordLoadError(Exception):
    """A file that cannot become a mapping; carries the located diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.text())
        self.diagnostic = diagnostic


class _StrictLoader(_Loader):  # type: ignore[misc,valid-type]
    """libyaml parser; Python constructor that refuses duplicate keys and deep nesting."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The tag of a node, as yaml's Resolver finds it, minus path resolvers (unused)."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def get_single_data(self) -> Any:
        """The document as Python data, built by `_build` rather than PyYAML's generic
        construct_object (its bookkeeping for aliases, which records never have, was about
        a third of the parse at 10,000 files)."""
        node = self.get_single_node()
        return None if node is None else self._build(node)

    def _build(self, node: yaml.Node, depth: int = 0) -> Any:
        kind = node.__class__
        if depth > MAX_NESTING:
            raise yaml.constructor.ConstructorError(
                None, None, f"nesting deeper than {MAX_NESTING} levels", node.start_mark
            )
        if kind is yaml.ScalarNode:
            if node.tag == _STR_TAG:
                return node.value
            constructor = self.yaml_constructors.get(node.tag)
            if constructor is None:  # unknown tags: PyYAML's own error
                return self.construct_object(node, deep=True)
            return constructor(self, node)
        if kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
            return [self._build(item, depth + 1) for item in node.value]
        if kind is yaml.MappingNode and node.tag == _MAP_TAG:
            return self._build_mapping(node, depth)  # type: ignore[arg-type]
        return self.construct_object(node, deep=True)  # explicit tags (!!set, !!omap, ...)

    def _build_mapping(self, node: yaml.MappingNode, depth: int = 0) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        first: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR_TAG else self._key(key_node)
            if key in mapping:
                raise _DuplicateKey(str(key), key_node.start_mark, first[key].start_mark)
            first[key] = key_node
            mapping[key] = self._build(value_node, depth + 1)
        return mapping

    def _key(self, key_node: yaml.Node) -> Any:
        if key_node.tag == _MERGE_TAG:
            raise yaml.constructor.ConstructorError(
                None, None, "merge keys (<<) are not allowed in records", key_node.start_mark
            )
        key = self._build(key_node)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain scalar", key_node.start_mark
            )
        return key

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """PyYAML's entry point for mappings under explicit tags (!!set): the same checks."""
        return self._build_mapping(node)


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, mark: yaml.Mark, first: yaml.Mark) -> None:
        super().__init__(key)
        self.key = key
        self.problem_mark = mark
        self.first = first


@dataclass
class LoadedFile:
    """A parsed record file: its data, raw text, and a locator for its keys."""

    path: str
    text: str
    data: dict[str, Any]
    _positions: dict[tuple[Any, ...], tuple[int, int]] | None = field(default=None, repr=False)

    def locate(self, loc: Sequence[Any], *, value: bool = False) -> tuple[int, int]:
        """1-based (line, col) of a key path such as ('links', 'code'), or its value.

        Falls back to the nearest enclosing key that exists, then to line 1.
        """
        if self._positions is None:
            self._positions = _positions(self.text)
        path = tuple(loc)
        suffix = ("value",) if value else ()
        while path:
            hit = self._positions.get(path + suffix) or self._positions.get(path)
            if hit:
                return hit
            path = path[:-1]
        return self._positions.get((), (1, 1))


def _positions(text: str) -> dict[tuple[Any, ...], tuple[int, int]]:
    """Map key paths to positions: (k,) is the key, (k, 'value') its value."""
    out: dict[tuple[Any, ...], tuple[int, int]] = {}
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return out
    if root is None:
        return out
    out[()] = (root.start_mark.line + 1, root.start_mark.column + 1)

    def walk(node: yaml.Node, prefix: tuple[Any, ...], depth: int) -> None:
        if depth > MAX_NESTING:
            return
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                here = prefix + (key,)
                out.setdefault(here, (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                out.setdefault(
                    here + ("value",),
                    (value_node.start_mark.line + 1, value_node.start_mark.column + 1),
                )
                walk(value_node, here, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                here = prefix + (index,)
                out.setdefault(here, (item.start_mark.line + 1, item.start_mark.column + 1))
                walk(item, here, depth + 1)

    walk(root, (), 0)
    return out


_TAB_INDENT = re.compile(rb"^[ ]*\t", re.MULTILINE)
_CONTENT_LINE = re.compile(r"^[ \t]*[^#\s]", re.MULTILINE)


def _error(path: str, line: int, col: int, rule: str, message: str) -> RecordLoadError:
    return RecordLoadError(Diagnostic(path, line, col, "error", rule, message))


def _line_col_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _has_alias(text: str) -> tuple[int, int] | None:
    """Position of the first anchor or alias, or None. Only scanned when '&'/'*' occur."""
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            start = event.start_mark
            return (start.line + 1, start.column + 1) if start else (1, 1)
    return None


def parse_record_bytes(raw: bytes, path: str, *, max_bytes: int = MAX_RECORD_BYTES) -> LoadedFile:
    """Parse one record file's bytes, or raise RecordLoadError with a located diagnostic."""
    text = _checked_text(raw, path, max_bytes)
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except _DuplicateKey as exc:
        mark = exc.problem_mark
        raise _error(
            path, mark.line + 1, mark.column + 1, "duplicate-key",
            f"key {exc.key!r} appears twice (first on line {exc.first.line + 1})",
        ) from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line, col = (where.line + 1, where.column + 1) if where else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _error(path, line, col, "yaml-syntax", f"invalid YAML: {problem}") from None
    except RecursionError:
        raise _error(path, 1, 1, "yaml-syntax", "invalid YAML: nesting too deep") from None
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise _error(
            path, 1, 1, "not-mapping",
            f"a record must be a mapping of keys to values, but this file is {kind}",
        )
    return LoadedFile(path=path, text=text, data=data)


def _checked_text(raw: bytes, path: str, max_bytes: int) -> str:
    """The file as text, once it passes the checks that need no YAML parser: size, BOM,
    UTF-8, content, tab indentation, anchors and aliases."""
    if len(raw) > max_bytes:
        raise _error(
            path, 1, 1, "file-too-large",
            f"file is {len(raw)} bytes, over the limit of {max_bytes} bytes for one record",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _error(
            path, 1, 1, "encoding",
            "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_offset(raw, exc.start)
        raise _error(
            path, line, col, "encoding",
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
        ) from None
    if not _CONTENT_LINE.search(text):
        raise _error(path, 1, 1, "empty-file", "file holds no record (it is empty)")
    tab = _TAB_INDENT.search(raw) if b"\t" in raw else None
    if tab:
        line, col = _line_col_of_offset(raw, tab.end() - 1)
        raise _error(path, line, col, "yaml-tab", "tab used for indentation; YAML needs spaces")
    if ("&" in text or "*" in text) and (where := _safe_alias_scan(text)):
        raise _error(
            path, where[0], where[1], "yaml-alias",
            "YAML anchors and aliases are not allowed in records",
        )
    return text


def _safe_alias_scan(text: str) -> tuple[int, int] | None:
    try:
        return _has_alias(text)
    except yaml.YAMLError:
        return None  # the full parse reports the syntax error with its position


def read_record_file(path: Path, display: str | None = None) -> LoadedFile:
    """Read and parse a record file; refuses to read more than the size limit."""
    name = display or str(path)
    # Unbuffered, and sized by fstat: a read(64 KiB + 1) per file allocates 64 KiB each time,
    # which costs more than the read itself at 10,000 files.
    with open(path, "rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        raw = handle.read(min(size, MAX_RECORD_BYTES) + 1)
        if len(raw) > MAX_RECORD_BYTES:
            size = max(size, len(raw))
            raise _error(
                name, 1, 1, "file-too-large",
                f"file is {size} bytes, over the limit of {MAX_RECORD_BYTES} bytes for one record",
            )
    return parse_record_bytes(raw, name)


def load_data_file(path: Path, *, max_bytes: int = 4 * 1024 * 1024) -> Any:
    """Load a trusted-but-checked data file (taxonomy, venues) safely, with a size limit."""
    raw = path.read_bytes()
    if len(raw) > max_bytes:
        raise ValueError(f"{path}: over the {max_bytes}-byte limit")
    return yaml.load(raw.decode("utf-8"), Loader=_StrictLoader)  # a SafeLoader subclass
