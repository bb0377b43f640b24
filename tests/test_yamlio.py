"""Bad input never crashes the loader: each case is one located error, and the rest load."""

from __future__ import annotations

from pathlib import Path

import pytest

from effdiff_catalog.records.catalog import load_records
from effdiff_catalog.records.yamlio import MAX_RECORD_BYTES, RecordLoadError, parse_record_bytes

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

BAD_INPUTS = {
    "malformed": (b"id: x\ntitle: [unclosed\nyear: 2024\n", "yaml-syntax", 3, 5),
    "bad-utf8": (b"id: x\ntitle: caf\xe9\n", "encoding", 2, 11),
    "bom": (b"\xef\xbb\xbfid: x\n", "encoding", 1, 1),
    "tab-indent": (b"id: x\nlinks:\n\tpaper: https://a.b\n", "yaml-tab", 3, 1),
    "empty": (b"", "empty-file", 1, 1),
    "only-comments": (b"# yaml-language-server: $schema=x\n\n", "empty-file", 1, 1),
    "list": (b"- id: x\n- id: y\n", "not-mapping", 1, 1),
    "scalar": (b"just a string\n", "not-mapping", 1, 1),
    "alias-bomb": (BILLION_LAUGHS, "yaml-alias", 1, 4),
    "duplicate-key": (b"id: x\ntitle: a\ntitle: b\n", "duplicate-key", 3, 1),
    "too-large": (b"id: x\nnote: " + b"a" * MAX_RECORD_BYTES + b"\n", "file-too-large", 1, 1),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_located_error(name: str) -> None:
    raw, rule, line, col = BAD_INPUTS[name]
    with pytest.raises(RecordLoadError) as caught:
        parse_record_bytes(raw, f"papers/{name}.yaml")
    diagnostic = caught.value.diagnostic
    assert (diagnostic.rule, diagnostic.line, diagnostic.col) == (rule, line, col)
    assert diagnostic.severity == "error"
    assert diagnostic.text().startswith(f"papers/{name}.yaml:{line}:{col}: error [{rule}] ")


def test_every_bad_file_is_reported_and_good_files_still_load(tmp_path: Path) -> None:
    from helpers import GOOD_RECORD

    paths = []
    for name, (raw, _, _, _) in sorted(BAD_INPUTS.items()):
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(raw)
        paths.append(path)
    good = tmp_path / "deepcache-2024.yaml"
    good.write_text(GOOD_RECORD, encoding="utf-8")
    paths.append(good)

    entries, diagnostics = load_records(paths, display_root=tmp_path)

    assert [e.record.id for e in entries] == ["deepcache-2024"]
    assert sorted(d.path for d in diagnostics) == sorted(f"{n}.yaml" for n in BAD_INPUTS)


def test_oversized_file_is_not_read_whole(tmp_path: Path) -> None:
    from effdiff_catalog.records.yamlio import read_record_file

    path = tmp_path / "huge.yaml"
    path.write_bytes(b"note: " + b"x" * (MAX_RECORD_BYTES * 20))
    with pytest.raises(RecordLoadError) as caught:
        read_record_file(path)
    assert caught.value.diagnostic.rule == "file-too-large"
    assert str(MAX_RECORD_BYTES * 20 + 6) in caught.value.diagnostic.message


def test_ampersand_in_a_title_is_not_an_alias() -> None:
    loaded = parse_record_bytes(b'id: x\ntitle: "Fast & Free: *really*"\n', "x.yaml")
    assert loaded.data["title"] == "Fast & Free: *really*"


def test_locate_finds_nested_keys_and_values() -> None:
    loaded = parse_record_bytes(
        b"id: x\nlinks:\n  paper: https://a.example\n  code: https://b.example\n"
        b"categories:\n  - a/b\n  - c/d\n",
        "x.yaml",
    )
    assert loaded.locate(("links", "code")) == (4, 3)
    assert loaded.locate(("links", "code"), value=True) == (4, 9)
    assert loaded.locate(("categories", 1)) == (7, 5)
    assert loaded.locate(("links", "missing")) == (2, 1)


def test_nesting_deeper_than_the_limit_is_refused_where_it_starts() -> None:
    from effdiff_catalog.records.yamlio import MAX_NESTING

    ok = ("id: x\nt: " + "[" * MAX_NESTING + "]" * MAX_NESTING + "\n").encode()
    assert parse_record_bytes(ok, "p.yaml").data["id"] == "x"
    deep = ("id: x\nt: " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n").encode()
    with pytest.raises(RecordLoadError) as caught:
        parse_record_bytes(deep, "p.yaml")
    diagnostic = caught.value.diagnostic
    assert (diagnostic.line, diagnostic.rule) == (2, "yaml-syntax")
    assert f"nesting deeper than {MAX_NESTING} levels" in diagnostic.message
