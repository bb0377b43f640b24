"""The CLI is documented: every command has help text and a line in the README's table."""

from __future__ import annotations

import re

import typer.main
from helpers import REPO
from typer.testing import CliRunner

from effdiff_catalog import __version__
from effdiff_catalog.cli import app


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_is_in_the_readme_table() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `effdiff ([a-z-]+)", readme, flags=re.M))
    assert set(command_names()) == documented


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name in command_names():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        summary = result.stdout.split("Options:")[0]
        assert len(summary.split()) > 8, f"{name} has no real help text"


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout.strip() == f"effdiff {__version__}"
