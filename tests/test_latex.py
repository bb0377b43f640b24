"""Real consumers: pdflatex + bibtex (natbib/plainnat) typeset every key of the catalog.

The whole-catalog test uses the catalog in the repository root, and asserts that BibTeX
reports no warning and no error, and that LaTeX finds every citation. Needs Debian's
texlive-latex-base and texlive-latex-recommended (skipped without them, except under CI).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from effdiff_catalog.formats import bibtex
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.citekeys import assign_keys
from effdiff_catalog.records.query import citable, select

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "catalog-mini"

pytestmark = pytest.mark.texlive

DOCUMENT = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage[numbers]{natbib}
\usepackage{url}
\begin{document}
Every paper of the catalog: %(cites)s.
\bibliographystyle{plainnat}
\bibliography{catalog}
\end{document}
"""


def typeset(
    folder: Path, bib_text: str, keys: list[str], tools: dict[str, str]
) -> tuple[str, str]:
    """Run pdflatex, bibtex, pdflatex, pdflatex; return the .blg and the final .log."""
    (folder / "catalog.bib").write_text(bib_text, encoding="utf-8")
    cites = ", ".join(f"\\cite{{{key}}}" for key in keys)
    (folder / "main.tex").write_text(DOCUMENT % {"cites": cites}, encoding="utf-8")

    def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tools[tool], *args], cwd=folder, capture_output=True, text=True,
            encoding="utf-8", errors="replace", timeout=600,
        )

    latex = ("-interaction=nonstopmode", "-halt-on-error", "main.tex")
    first = run("pdflatex", *latex)
    assert first.returncode == 0, first.stdout[-3000:]
    bib = run("bibtex", "main")
    blg = (folder / "main.blg").read_text(encoding="utf-8", errors="replace")
    assert bib.returncode == 0, blg
    for _ in range(2):
        final = run("pdflatex", *latex)
        assert final.returncode == 0, final.stdout[-3000:]
    log = (folder / "main.log").read_text(encoding="utf-8", errors="replace")
    assert (folder / "main.pdf").stat().st_size > 0
    return blg, log


def assert_clean(blg: str, log: str) -> None:
    assert "Warning--" not in blg, re.findall(r"Warning--.*", blg)
    assert "error message" not in blg, blg
    assert "I was expecting" not in blg and "I'm skipping" not in blg, blg
    assert not re.search(r"Citation .* undefined", log), re.findall(r".*undefined.*", log)
    assert "There were undefined references" not in log
    assert "Package natbib Warning" not in log, re.findall(r"Package natbib Warning.*", log)


@pytest.fixture
def tex_tools(require_tool: Callable[[str, str], str]) -> dict[str, str]:
    return {
        "pdflatex": require_tool("pdflatex", "texlive-latex-base"),
        "bibtex": require_tool("bibtex", "texlive-binaries"),
        "plainnat": require_tool(
            "/usr/share/texlive/texmf-dist/bibtex/bst/natbib/plainnat.bst",
            "texlive-latex-recommended",
        ),
    }


def bbl_keys(folder: Path) -> set[str]:
    bbl = (folder / "main.bbl").read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r"\\bibitem\[[^\]]*\]\{([^}]*)\}", bbl, flags=re.S))


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
def test_whole_catalog_typesets_with_no_bibtex_warning(
    tmp_path: Path, tex_tools: dict[str, str], ascii: bool
) -> None:
    catalog, _ = load_catalog(REPO)
    if not catalog.papers():
        pytest.skip("papers/ is empty: no catalog to typeset yet")
    papers = citable(select(catalog), catalog)
    keys, _ = assign_keys(catalog.papers())
    result = bibtex.export(papers, catalog.venues, keys=keys, ascii=ascii)
    chosen = list(result.keys.values())
    blg, log = typeset(tmp_path, result.text, chosen, tex_tools)
    assert_clean(blg, log)
    assert bbl_keys(tmp_path) == set(chosen)


@pytest.mark.parametrize(
    ("ascii", "with_abstract"), [(False, False), (True, True)], ids=["utf8", "ascii+abstracts"]
)
def test_mini_catalog_with_specials_and_non_ascii_names_typesets_cleanly(
    tmp_path: Path, tex_tools: dict[str, str], ascii: bool, with_abstract: bool
) -> None:
    catalog, _ = load_catalog(MINI)
    papers = citable(select(catalog), catalog)
    result = bibtex.export(papers, catalog.venues, ascii=ascii, with_abstract=with_abstract)
    chosen = list(result.keys.values())
    blg, log = typeset(tmp_path, result.text, chosen, tex_tools)
    assert_clean(blg, log)
    assert bbl_keys(tmp_path) == set(chosen)
    bbl = (tmp_path / "main.bbl").read_text(encoding="utf-8")
    # the styles lower-case titles: protected words keep their capitals
    assert "{DPM-Solver}" in bbl and "{ODE}" in bbl and "{LoRA}" in bbl
