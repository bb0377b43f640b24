"""BibTeX export: one entry per paper, readable by classic BibTeX styles and biblatex.

Conventions (documented here because users' documents depend on them):

- Entry type follows the venue registry's kind: `@inproceedings` + `booktitle` (the
  registry's full name) for conferences and workshops; `@article` + `journal` for journals.
- arXiv preprints are `@article` with `journal = {arXiv preprint arXiv:2405.20320}` (what
  plain, plainnat and friends print) plus `eprint`, `archivePrefix = {arXiv}` (what
  biblatex and arXiv-aware styles use). `primaryClass` is written when a record knows it;
  records do not store it yet. Any paper with an arXiv id gets `eprint`/`archivePrefix`.
- `url` is always written when the record has any link (paper, proceedings, arXiv, DOI,
  project, code, in that order of preference); `doi` where known.
- Records without authors are written as `@misc` with `howpublished` and a `key` field
  (so styles can sort and label them without an author and do not warn), preceded by a
  `%` comment; the export result lists them as warnings.
- Frameworks (software without authors or year) are not exported themselves: a selected
  framework contributes the paper that describes it (`paper_id`). See `query.citable`.
- TeX specials `& % $ # _ { } ~ ^ \\` are escaped in every text field (`\\&`, `\\%`, ...,
  `\\textbraceleft{}`, `\\textasciitilde{}`, `\\textbackslash{}`), so braces in the file
  always balance. `url` and `doi` are verbatim fields (LaTeX prints them with `\\url`,
  which would show a backslash): there only `{`, `}` and `\\` are percent-encoded.
- Titles: words with inner capitals or digits next to capitals (DPM-Solver, ControlNet,
  LoRA, 3D, U-Net) and the short name before a title's colon are wrapped in braces, so
  styles that lowercase titles keep them.
- Non-ASCII stays UTF-8 (for `\\usepackage[utf8]{inputenc}`, biber, Zotero) where
  pdflatex with T1 fonts can typeset it (Latin letters up to Latin Extended-A, common
  punctuation); Greek letters and math symbols become `{$\\Delta$}` and other accented
  letters (Vietnamese) TeX accents, so pdflatex never stops on them. `ascii=True` turns
  every non-ASCII letter into TeX escapes (`{\\"u}`, `{\\l}`) for old toolchains.
  Characters without a TeX form are kept and reported.
- Whitespace runs (newlines in abstracts) become single spaces; control characters go.
- `@` is written `{@}`: some .bib parsers take `@{` inside a value for a new entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from effdiff_catalog.formats.base import Exported, ExportOptions, Format, prepare
from effdiff_catalog.records.citekeys import assign_keys
from effdiff_catalog.records.models import Paper
from effdiff_catalog.records.venues import Venue, VenueRegistry

TEX_SPECIALS: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIALS_RE = re.compile(r"[\\{}&%$#_~^]")

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Combining marks and the TeX accent command for each.
_ACCENTS: dict[str, str] = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
    "\u0306": "u", "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H",
    "\u030c": "v", "\u0323": "d", "\u0327": "c", "\u0328": "k", "\u0331": "b",
}
# Letters that do not decompose into a base letter and an accent.
_LETTERS: dict[str, str] = {
    "ß": r"{\ss}", "æ": r"{\ae}", "Æ": r"{\AE}", "œ": r"{\oe}", "Œ": r"{\OE}",
    "ø": r"{\o}", "Ø": r"{\O}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}", "ȷ": r"{\j}",
    "đ": r"{\dj}", "Đ": r"{\DJ}", "ð": r"{\dh}", "Ð": r"{\DH}", "þ": r"{\th}", "Þ": r"{\TH}",
    "ŋ": r"{\ng}", "Ŋ": r"{\NG}", "å": r"{\aa}", "Å": r"{\AA}",
    # braced, so that they never form a ligature with a neighbour ('?' + '`' is '¿')
    "\u2013": "{--}", "\u2014": "{---}", "\u2018": "{`}", "\u2019": "{'}", "\u201c": "{``}",
    "\u201d": "{''}", "\u00a0": "~", "\u2026": r"{\ldots}", "¡": r"{\textexclamdown}",
    "¿": r"{\textquestiondown}", "«": r"{\guillemotleft}", "»": r"{\guillemotright}",
    "§": r"{\S}", "¶": r"{\P}", "©": r"{\textcopyright}", "®": r"{\textregistered}",
    "°": r"{\textdegree}", "·": r"{\textperiodcentered}", "€": r"{\texteuro}",
    "£": r"{\pounds}",
}


ExportResult = Exported  # the .bib text, the keys used (id -> key), the warnings




def escape_tex(text: str) -> str:
    """Escape the ten TeX specials so the text prints as written and braces balance."""
    return _SPECIALS_RE.sub(lambda m: TEX_SPECIALS[m.group(0)], text)


_GREEK = (
    "alpha beta gamma delta varepsilon zeta eta theta iota kappa lambda mu nu xi o pi rho "
    "varsigma sigma tau upsilon varphi chi psi omega"
).split()
_MATH: dict[str, str] = {chr(0x03B1 + i): name for i, name in enumerate(_GREEK)}
_MATH.update({
    "\u0393": "Gamma", "\u0394": "Delta", "\u0398": "Theta", "\u039b": "Lambda",
    "\u039e": "Xi", "\u03a0": "Pi", "\u03a3": "Sigma", "\u03a5": "Upsilon", "\u03a6": "Phi",
    "\u03a8": "Psi", "\u03a9": "Omega", "\u03f5": "epsilon", "\u03d5": "phi",
    "\u03d1": "vartheta", "\u03d6": "varpi", "\u03f1": "varrho",
    "\u00d7": "times", "\u00b1": "pm", "\u2264": "leq", "\u2265": "geq", "\u2260": "neq",
    "\u2248": "approx", "\u223c": "sim", "\u2192": "rightarrow", "\u2190": "leftarrow",
    "\u2194": "leftrightarrow", "\u21d2": "Rightarrow", "\u221e": "infty", "\u221a": "surd",
    "\u2211": "sum", "\u220f": "prod", "\u222b": "int", "\u2202": "partial", "\u2207": "nabla",
    "\u2208": "in", "\u2209": "notin", "\u2282": "subset", "\u222a": "cup", "\u2229": "cap",
    "\u2200": "forall", "\u2203": "exists", "\u2205": "emptyset", "\u2217": "ast",
    "\u2218": "circ", "\u2299": "odot", "\u2295": "oplus", "\u2297": "otimes", "\u2113": "ell",
    "\u2032": "prime", "\u221d": "propto", "\u2261": "equiv", "\u226a": "ll", "\u226b": "gg",
    "\u22c5": "cdot", "\u2191": "uparrow", "\u2193": "downarrow",
})
_MATH_TEX: dict[str, str] = {char: f"{{$\\{name}$}}" for char, name in _MATH.items()}
_MATH_TEX["\u2212"] = "{$-$}"  # minus sign
# Punctuation that pdflatex's utf8 input with T1 fonts typesets as it is.
_PDFLATEX_PUNCTUATION = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2018\u2019\u201a"
                                  "\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030"
                                  "\u2039\u203a\u20ac\u2122")


def pdflatex_safe(char: str) -> bool:
    """Whether pdflatex (utf8 input, T1 fonts) typesets this character as UTF-8."""
    return ord(char) < 0x180 or char in _PDFLATEX_PUNCTUATION


def _accented(base_tex: str, marks: str) -> str:
    """'{\\"u}', '{\\c{c}}', and braces around stacked accents: '{\\~{\\^e}}'."""
    inner = base_tex
    for index, mark in enumerate(marks):
        command = _ACCENTS[mark]
        if command.isalpha() or index > 0:
            inner = f"\\{command}{{{inner}}}"
        else:
            inner = f"\\{command}{inner}"
    return f"{{{inner}}}"


def _char_to_tex(char: str) -> str | None:
    """The TeX form of one non-ASCII character, or None if it has none here."""
    if char in _MATH_TEX:
        return _MATH_TEX[char]
    if char in _LETTERS:
        return _LETTERS[char]
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not all(m in _ACCENTS for m in marks):
        return None
    if base.isascii() and base.isalpha():
        dotless = base in "ij" and marks[0] not in "\u0327\u0328\u0323\u0331"
        return _accented(f"\\{base}" if dotless else base, marks)
    if base in _LETTERS:
        return _accented(_LETTERS[base][1:-1], marks)
    return None


def to_ascii(text: str, unconverted: set[str] | None = None, *, keep_safe: bool = False) -> str:
    """Replace non-ASCII characters by TeX forms ('ü' -> '{\\"u}', 'Δ' -> '{$\\Delta$}').

    Apply after escape_tex. With `keep_safe`, characters pdflatex typesets from UTF-8
    (Latin letters, common punctuation) stay as they are; only the others (Greek, math,
    Vietnamese letters) are converted. Characters without a TeX form are kept and added
    to `unconverted`.
    """
    if text.isascii():
        return text
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii() or (keep_safe and pdflatex_safe(char)):
            out.append(char)
            continue
        tex = _char_to_tex(char)
        if tex is None:
            if unconverted is not None:
                unconverted.add(char)
            out.append(char)
        else:
            out.append(tex)
    return "".join(out)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# Values that need none of the work below pass through as they are (the common case).
_SLOW_UTF8 = re.compile(r"[\\{}&%$#_~^@\x00-\x1f\x7f-\xa0\u0180-\U0010ffff]|\s\s|^\s|\s$")
_SLOW_ASCII = re.compile(r"[\\{}&%$#_~^@\x00-\x1f\x7f-\U0010ffff]|\s\s|^\s|\s$")


def _text(value: str, ascii: bool, unconverted: set[str] | None) -> str:
    if not (_SLOW_ASCII if ascii else _SLOW_UTF8).search(value):
        return value
    value = " ".join(_CONTROL_RE.sub("", value).split())
    # '@' is no TeX special, but '@{' inside a value looks like an entry start to some
    # .bib parsers (bibtexparser v2): a braced '{@}' reads the same in BibTeX.
    escaped = escape_tex(value).replace("@", "{@}")
    return to_ascii(escaped, unconverted, keep_safe=not ascii)


def _needs_protection(word: str) -> bool:
    """Inner capitals (ControlNet, LoRA, DPM-Solver, 3D) or one-letter capital parts (U-Net)."""
    for part in re.split(r"[-/–]", word):
        letters = [c for c in part if c.isalpha()]
        if not letters:
            continue
        first_alnum = next((i for i, c in enumerate(part) if c.isalnum()), 0)
        if any(c.isupper() for c in part[first_alnum + 1:]):
            return True
        if len(letters) == 1 and letters[0].isupper() and "-" in word:
            return True
    return False


def _head_words(title: str) -> set[int]:
    """The index of a one-word name before the title's colon ('DeepCache: ...')."""
    words = title.split()
    if len(words) > 1 and words[0].endswith((":", "：")) and any(c.isalpha() for c in words[0]):
        return {0}
    return set()


def format_title(title: str, *, ascii: bool = False, unconverted: set[str] | None = None) -> str:
    """Escape a title and brace the words a lower-casing style must keep as they are."""
    words = title.split()
    head = _head_words(title)
    protect = [
        index in head or (word[1:] != word[1:].lower() and _needs_protection(word))
        for index, word in enumerate(words)
    ]
    if not any(protect):
        return _text(" ".join(words), ascii, unconverted)
    out: list[str] = []
    for word, braced in zip(words, protect, strict=True):
        if braced:
            match = _WORD_CORE.match(word)
            lead, core, trail = match.groups() if match else ("", word, "")
            if not core:
                lead, core, trail = "", word, ""
            out.append(
                _text(lead, ascii, unconverted) + "{" + _text(core, ascii, unconverted) + "}"
                + _text(trail, ascii, unconverted)
            )
        else:
            out.append(_text(word, ascii, unconverted))
    return " ".join(out)


_WORD_CORE = re.compile(r"^(\W*)(.*?)(\W*)$", flags=re.S)


def format_name(name: str, *, ascii: bool = False, unconverted: set[str] | None = None) -> str:
    """One author for the `author` field; a word 'and' inside a name is braced."""
    text = _text(name, ascii, unconverted)
    if " and " not in f" {text.lower()} ":
        return text
    return " ".join("{" + w + "}" if w.lower() == "and" else w for w in text.split(" "))


def format_authors(
    names: Sequence[str], *, ascii: bool = False, unconverted: set[str] | None = None
) -> str:
    parts = []
    for index, name in enumerate(names):
        if index == len(names) - 1 and index > 0 and name.strip().lower() in ("others", "et al."):
            parts.append("others")
        else:
            parts.append(format_name(name, ascii=ascii, unconverted=unconverted))
    return " and ".join(parts)


def verbatim(value: str) -> str:
    """A url or doi for a verbatim field: percent-encode what would unbalance braces."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def best_url(record: Paper) -> str | None:
    """The link a citation should point to, by the documented preference."""
    links = record.links
    if links.paper:
        return links.paper
    if links.proceedings:
        return links.proceedings
    if record.arxiv:
        return f"https://arxiv.org/abs/{record.arxiv}"
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return links.project or links.code or None


def arxiv_label(record: Paper, venue: Venue | None) -> str:
    """'arXiv preprint arXiv:2405.20320': the human-readable journal of a preprint."""
    name = venue.name if venue else "arXiv preprint"
    if record.arxiv and (venue is None or venue.key == "arxiv"):
        return f"arXiv preprint arXiv:{record.arxiv}"
    return name


def entry_fields(
    record: Paper,
    venues: VenueRegistry,
    *,
    with_abstract: bool = False,
    ascii: bool = False,
    unconverted: set[str] | None = None,
    notes: list[str] | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """The entry type and the (name, TeX value) fields, in output order."""
    venue = venues.venues.get(record.venue)
    kind = venue.kind if venue else None
    fields: list[tuple[str, str]] = []

    def add(name: str, value: str | None, *, text: bool = True) -> None:
        if value:
            fields.append((name, _text(value, ascii, unconverted) if text else value))

    if record.authors:
        fields.append(
            ("author", format_authors(record.authors, ascii=ascii, unconverted=unconverted))
        )
    fields.append(("title", format_title(record.title, ascii=ascii, unconverted=unconverted)))
    entry_type, container = _container(record, venue)
    add(*container)
    fields.append(("year", str(record.year)))
    if record.month:
        fields.append(("month", MONTHS[record.month - 1]))
    if venue and venue.publisher and kind != "preprint":
        add("publisher", venue.publisher)
    fields += _identifier_fields(record, notes)
    if with_abstract and record.abstract:
        add("abstract", record.abstract)
    if not record.authors:
        add("key", _sort_word(record))
    return entry_type, fields


def _identifier_fields(record: Paper, notes: list[str] | None) -> list[tuple[str, str]]:
    """eprint and archivePrefix, doi and url (verbatim fields)."""
    fields = [("eprint", record.arxiv), ("archivePrefix", "arXiv")] if record.arxiv else []
    if record.doi:
        fields.append(("doi", verbatim(record.doi)))
    url = best_url(record)
    if url:
        fields.append(("url", verbatim(url)))
    elif notes is not None:
        notes.append(f"{record.id}: no link to use as url")
    return fields


def _container(record: Paper, venue: Venue | None) -> tuple[str, tuple[str, str]]:
    """The entry type and the field naming where the paper appeared, by the venue's kind:
    @inproceedings + booktitle, @article + journal (also arXiv's), else @misc; a paper
    without authors is always @misc."""
    kind = venue.kind if venue else None
    if kind in ("conference", "workshop"):
        entry_type, container = "inproceedings", ("booktitle", venue.name if venue else "")
    elif kind == "journal":
        entry_type, container = "article", ("journal", venue.name if venue else "")
    elif kind == "preprint":
        entry_type, container = "article", ("journal", arxiv_label(record, venue))
    else:
        entry_type, container = "misc", ("howpublished", record.venue)
    if not record.authors:
        return "misc", ("howpublished", container[1])
    return entry_type, container


def _sort_word(record: Paper) -> str:
    """The `key` field of an entry without authors: the title's first word, for sorting."""
    for word in record.title.split():
        core = re.sub(r"^\W+|\W+$", "", word)
        if core:
            return core
    return record.id


def format_entry(entry_type: str, key: str, fields: Sequence[tuple[str, str]]) -> str:
    width = max((len(name) for name, _ in fields), default=0)
    lines = [f"@{entry_type}{{{key},"]
    for name, value in fields:
        value_text = value if name == "month" else f"{{{value}}}"
        lines.append(f"  {name.ljust(width)} = {value_text},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def entry(
    record: Paper,
    venues: VenueRegistry,
    *,
    key: str | None = None,
    with_abstract: bool = False,
    ascii: bool = False,
) -> str:
    """One BibTeX entry (no comment lines). Uses `key`, else the stored key, else a
    computed one."""
    if key is None:
        key = record.citation_key or assign_keys([record])[0][record.id]
    entry_type, fields = entry_fields(record, venues, with_abstract=with_abstract, ascii=ascii)
    return format_entry(entry_type, key, fields)


def export(
    records: Sequence[Paper],
    venues: VenueRegistry,
    *,
    keys: Mapping[str, str] | None = None,
    with_abstract: bool = False,
    ascii: bool = False,
    header: bool = True,
    origin: str = "paper catalog",
) -> ExportResult:
    """A whole .bib file for `records`, with keys and warnings (`base.prepare`)."""
    keys, warnings = prepare(records, venues, keys)
    result = ExportResult("", {}, warnings)
    chunks: list[str] = []
    if header:
        chunks.append(
            f"% BibTeX of {len(records)} paper(s) from the {origin}.\n"
            "% Generated by effdiff-catalog; edit the records, not this file.\n"
        )
    unconverted: set[str] = set()
    for record in records:
        key = keys[record.id]
        entry_type, fields = entry_fields(
            record, venues, with_abstract=with_abstract, ascii=ascii,
            unconverted=unconverted, notes=result.warnings,
        )
        text = format_entry(entry_type, key, fields)
        if not record.authors:
            text = f"% {record.id}: no authors recorded, so a misc entry with a key field\n{text}"
        chunks.append(text)
        result.keys[record.id] = key
    if unconverted:
        result.warnings.append(
            "no TeX escape for: " + " ".join(sorted(unconverted)) + " (kept as UTF-8)"
        )
    result.text = "\n".join(chunks)
    return result


def render(
    records: Iterable[Paper],
    venues: VenueRegistry,
    *,
    keys: Mapping[str, str] | None = None,
    with_abstract: bool = False,
    ascii: bool = False,
) -> str:
    """The .bib text for `records` (see `export` for keys and warnings)."""
    return export(
        list(records), venues, keys=keys, with_abstract=with_abstract, ascii=ascii
    ).text


# --- reading back: used by round-trip checks and by bibimport -----------------------------


def _render(papers: Sequence[Paper], venues: VenueRegistry, options: ExportOptions) -> Exported:
    return export(papers, venues, keys=options.keys, with_abstract=options.with_abstracts,
                  ascii=options.ascii, header=options.header, origin=options.origin)


EXPORTER = Format("bibtex", "bib", "application/x-bibtex",
                  "BibTeX, for LaTeX (classic styles and biblatex)", _render)
