"""Files shipped inside the package: templates and data.

They are found through `importlib.resources`, never through the repository layout, so that
an installed wheel (`pip install .`, `pipx`) works the same as a checkout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2


def package_path(*parts: str) -> Path:
    """A file or folder of the installed package, as a filesystem path.

    pip installs packages unpacked, so the resource is a real path that Jinja's loaders and
    MkDocs can read.
    """
    return Path(str(files("effdiff_catalog").joinpath(*parts)))


TEMPLATES_DIR = package_path("templates")


def template_environment(templates_dir: Path, *, autoescape: bool,
                         filters: Mapping[str, Callable[..., Any]]) -> jinja2.Environment:
    """The one Jinja set-up of every generated file: strict about undefined names, block
    tags that leave no blank lines, and the caller's escaping filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(filters)
    return env
