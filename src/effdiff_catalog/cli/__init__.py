"""The `effdiff` command line. Importing the command modules registers their commands, in
the order `effdiff --help` lists them."""
# isort: skip_file

from effdiff_catalog.cli import records  # noqa: F401  (registration)
from effdiff_catalog.cli import ingest  # noqa: F401
from effdiff_catalog.cli import exports  # noqa: F401
from effdiff_catalog.cli import checker  # noqa: F401
from effdiff_catalog.cli import discover  # noqa: F401
from effdiff_catalog.cli import site  # noqa: F401
from effdiff_catalog.cli.app import app, main

__all__ = ["app", "main"]
