"""Files shipped inside the package: templates and data.

They are found through `importlib.resources`, never through the repository layout, so that
an installed wheel (`pip install .`, `pipx`) works the same as a checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder of the installed package, as a filesystem path.

    pip installs packages unpacked, so the resource is a real path that Jinja's loaders and
    MkDocs can read.
    """
    return Path(str(files("effdiff_catalog").joinpath(*parts)))


TEMPLATES_DIR = package_path("templates")
