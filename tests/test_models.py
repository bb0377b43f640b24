"""The models are the schema: the committed JSON Schema matches them and checks records."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import GOOD_RECORD, REPO
from typer.testing import CliRunner

from effdiff_catalog.cli import app
from effdiff_catalog.records.models import RECORD_ADAPTER, Framework, Paper, json_schema
from effdiff_catalog.records.writer import SCHEMA_COMMENT, dump_record


def test_committed_schema_is_current() -> None:
    committed = json.loads((REPO / "schema" / "record.schema.json").read_text("utf-8"))
    assert committed == json_schema(), "run `effdiff schema -o schema/record.schema.json`"


def test_schema_command_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = CliRunner().invoke(app, ["schema", "--output", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text("utf-8"))["title"] == "effdiff-catalog record"


def test_json_schema_agrees_with_the_models_on_good_and_bad_records() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    good = yaml.safe_load(GOOD_RECORD)
    good["added"] = good["added"].isoformat()
    assert list(validator.iter_errors(good)) == []
    for bad in ({**good, "titel": "x"}, {**good, "links": {"paper": "javascript:alert(1)"}},
                {**good, "arxiv": "2312.00858v2"}, {k: v for k, v in good.items() if k != "id"}):
        assert list(validator.iter_errors(bad)), bad
        with pytest.raises(ValueError):
            RECORD_ADAPTER.validate_python(bad)


def test_framework_records_need_their_flags() -> None:
    framework = RECORD_ADAPTER.validate_python({
        "id": "xdit", "kind": "framework", "title": "xDiT", "categories": ["frameworks"],
        "added": "2025-04-08", "links": {"code": "https://github.com/xdit-project/xDiT"},
        "framework": {"training": False, "inference": True, "features": "Parallel inference"},
    })
    assert isinstance(framework, Framework) and framework.framework.inference
    with pytest.raises(ValueError):
        RECORD_ADAPTER.validate_python({"id": "x", "kind": "framework", "title": "x",
                                        "categories": ["frameworks"], "added": "2025-01-01"})


def test_dump_record_round_trips_and_starts_with_the_schema_line() -> None:
    paper = RECORD_ADAPTER.validate_python(yaml.safe_load(GOOD_RECORD))
    assert isinstance(paper, Paper)
    text = dump_record(paper)
    assert text.startswith(SCHEMA_COMMENT + "\nid: deepcache-2024\n")
    assert RECORD_ADAPTER.validate_python(yaml.safe_load(text)) == paper
    assert "arxiv: '2312.00858'" in text  # a number-like id stays a string


def test_every_committed_record_starts_with_the_schema_line() -> None:
    for path in sorted((REPO / "papers").glob("*.yaml")):
        first = path.read_text("utf-8").splitlines()[0]
        assert first == SCHEMA_COMMENT, path.name
