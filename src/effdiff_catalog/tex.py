"""TeX to Unicode, the one decoder every reader of BibTeX and LaTeX-laden text uses.

BibTeX input (`ingest.bibtex_input`), the title key of `identity` and the round trip of our
own export all decode through `tex_to_unicode`, so that `{\\"u}`, `\\"{u}` and `ü`, or
`$\\Delta$` and `Δ`, are the same text everywhere.
"""

from __future__ import annotations

import functools
import re

# Macros our own export writes, which pylatexenc would drop or turn into other characters.
_KEEP = {
    r"\textbraceleft{}": "{", r"\textbraceright{}": "}", r"\textasciicircum{}": "^",
    r"\textasciitilde{}": "~", r"\textbackslash{}": "\\",
}
_NEEDS_DECODING = re.compile(r"[\\{}$~]")
# pylatexenc drops \mbox inside math: "Re\({}^{\mbox{2}}\)TAL" would lose its 2.
_MBOX = re.compile(r"\\mbox\{([^{}]*)\}")


@functools.lru_cache(maxsize=1)
def _decoder() -> object:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")


def tex_to_unicode(value: str) -> str:
    """Plain Unicode for TeX text: accents and symbols decoded, protecting braces dropped,
    whitespace runs folded. Text without TeX markup comes back with only its spaces folded."""
    if not _NEEDS_DECODING.search(value):
        return " ".join(value.split())
    marks: dict[str, str] = {}
    for index, (macro, char) in enumerate(_KEEP.items()):
        if macro in value:
            mark = chr(0xE000 + index)
            marks[mark] = char
            value = value.replace(macro, mark)
    text = _decoder().latex_to_text(_MBOX.sub(r"\1", value))  # type: ignore[attr-defined]
    for mark, char in marks.items():
        text = text.replace(mark, char)
    return " ".join(str(text).split())
