"""The catalog's project file, `catalog.yaml`: whose list this is and where it lives.

Everything that names the survey reads it: the README's citation block, the website (title,
description, site and repository URLs, the "edit this record" links), the BibTeX header and
the checker's User-Agent. Another survey's catalog changes this file, not the code. The
labels of the awesome-list format that `effdiff import` and `effdiff init` read are here too.

A catalog without the file (a test fixture, a scratch folder) gets a neutral default.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from effdiff_catalog.records.models import CITATION_KEY_PATTERN, HttpLink, StrictModel
from effdiff_catalog.records.yamlio import load_data_file

PROJECT_FILE = "catalog.yaml"


class Survey(StrictModel):
    """The survey the list belongs to, as it is cited."""

    title: str = Field("A paper catalog", min_length=1)
    short_title: str | None = Field(None, description="The name the site and file headers "
                                    "use ('Efficient Diffusion Models').")
    authors: list[str] = Field(default_factory=list, description="In the paper's order.")
    journal: str | None = Field(None, description="Where it is published (BibTeX journal).")
    year: int | None = Field(None, ge=1900, le=2100)
    arxiv: str | None = None
    url: HttpLink | None = None
    citation_key: str | None = Field(None, pattern=CITATION_KEY_PATTERN)

    def bibtex(self) -> str:
        """The survey's own BibTeX entry, for the README and the site's Cite page."""
        from effdiff_catalog.formats.bibtex import escape_tex

        fields = [("title", escape_tex(self.title))]
        if self.authors:
            fields.append(("author", " and ".join(_last_first(a) for a in self.authors)))
        fields += [(n, escape_tex(v)) for n, v in (("journal", self.journal),) if v]
        if self.year:
            fields.append(("year", str(self.year)))
        if self.url:
            fields.append(("url", self.url))
        width = max(len(name) for name, _ in fields)
        lines = [_wrap(f"  {name.ljust(width)} = {{{value}}}", width + 6) for name, value in fields]
        return f"@article{{{self.citation_key or 'survey'},\n" + ",\n".join(lines) + "\n}\n"

    @property
    def catalog_name(self) -> str:
        """'the Efficient Diffusion Models survey catalog', for file headers."""
        return f"{self.short_title} survey catalog" if self.short_title else "paper catalog"


def _wrap(line: str, indent: int, width: int = 92) -> str:
    """A long field on several lines, broken after ' and ' or a space, aligned under its
    first word."""
    out: list[str] = []
    while len(line) > width:
        cut = line.rfind(" and ", indent, width)
        if cut <= indent:
            cut = line.rfind(" ", indent, width)
        if cut <= indent:
            break
        out.append(line[:cut])
        line = " " * indent + line[cut + 1:]
    return "\n".join([*out, line])


def _last_first(name: str) -> str:
    words = name.split()
    return f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else name


class ListFormat(StrictModel):
    """How the awesome list writes entries: `- **[VENUE YEAR]** Title. [[Label]](url)`."""

    preprint_label: str = Field("Arxiv", description="The venue label of a preprint entry.")
    link_labels: dict[str, str] = Field(
        default_factory=dict,
        description="Extra link labels and the record link they fill ('GitHub': code).",
    )


class Project(StrictModel):
    """The whole project file."""

    survey: Survey = Field(default_factory=Survey)
    repository: HttpLink | None = Field(None, description="Where the records live (GitHub).")
    branch: str = Field("main", description="The branch that 'edit this record' links open.")
    site_url: HttpLink | None = Field(None, description="Where the website is published.")
    contact: str | None = Field(None, description="Maintainers' e-mail, for API operators.")
    list_format: ListFormat = Field(default_factory=ListFormat)

    def edit_url(self, record_path: str) -> str | None:
        """The repository's editor for a record file ('papers/deepcache-2024.yaml')."""
        if not self.repository:
            return None
        return f"{self.repository.rstrip('/')}/edit/{self.branch}/{record_path.lstrip('/')}"


def load_project(root: Path) -> Project:
    """`root/catalog.yaml`, or the neutral default when the folder has none."""
    path = Path(root) / PROJECT_FILE
    if not path.exists():
        return Project()
    try:
        return Project.model_validate(load_data_file(path))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in exc.errors())
        raise ValueError(f"{path}: {problems}") from None
