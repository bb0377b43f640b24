"""The identity of a paper: arXiv ids, DOIs, titles, paper URLs and record ids.

Every part of the project that reads an identifier a person typed or a source returned, or
decides whether two records are the same paper, goes through this module, so that they
all agree:

- arXiv ids: `parse_arxiv` reads every form people paste (bare, versioned, `arXiv:`,
  abs/pdf/html URLs with a query or fragment, old-style `math.GT/0309136`), `arxiv_in_text`
  finds one in free text (a BibTeX journal field, a CoRR volume);
- DOIs: `parse_doi` strips `doi:` and doi.org / dx.doi.org URLs; `doi_key` compares them
  case-insensitively, as DOIs are;
- titles: `title_key` is the one normalisation (TeX decoded, Greek letters spelled out,
  accents folded, case and punctuation ignored);
- paper URLs: `url_key`;
- record ids: `make_record_id` gives readable, stable slugs (`deepcache-2024`);
- `DuplicateIndex`, built once per catalog, answers "is this the same paper as a record?".

An id is made once, when a record is created, and never recomputed: later edits to the
title or year keep the file name and every link to it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import unquote, urlsplit

# --- arXiv ------------------------------------------------------------------------------

# New-style ids (0704.0001 onwards; 5 digits after the dot since 2015) and old-style
# archive[.SUBJECT]/YYMMNNN ids (hep-th/9901001, math.GT/0309136).
ARXIV_NEW = r"\d{4}\.\d{4,5}"
ARXIV_OLD = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_PATTERN = rf"^(?:{ARXIV_NEW}|{ARXIV_OLD})$"
ARXIV_DOI_PREFIX = "10.48550/arxiv."

_ARXIV_ID = re.compile(ARXIV_PATTERN)
_ARXIV_REF = re.compile(
    r"^(?:arxiv\s*:\s*|(?:https?://)?(?:www\.|export\.|web\d*\.)?arxiv\.org/"
    r"(?:abs|pdf|html|format)/)?"
    rf"(?P<id>{ARXIV_NEW}|[a-z][a-z-]*(?:\.[a-z]{{2}})?/\d{{7}})"
    r"(?:v(?P<version>\d+))?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\s*[:.]?\s*(?:preprint\s*)?(?:arxiv\s*:\s*)?|arxiv\.org/(?:abs|pdf|html)/|\babs/)"
    rf"(?P<id>{ARXIV_NEW}|[a-z][a-z-]*(?:\.[a-z]{{2}})?/\d{{7}})(?:v\d+)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ArxivRef:
    """An arXiv id as parsed: the id without its version, and the version if one was given."""

    id: str
    version: int | None = None

    @property
    def year_month(self) -> tuple[int, int]:
        return arxiv_year_month(self.id) or (0, 0)


def _canonical_arxiv(ident: str) -> str:
    """Old-style ids keep their archive in lower case and the subject class in capitals."""
    if "/" not in ident:
        return ident
    archive, number = ident.split("/", 1)
    head, dot, subject = archive.partition(".")
    return f"{head.lower()}{dot}{subject.upper()}/{number}"


def parse_arxiv(text: str | None) -> ArxivRef | None:
    """The arXiv id in what a person pasted, or None when it is not one.

    '2312.00858', '2312.00858v2', 'arXiv:2312.00858', 'https://arxiv.org/abs/2312.00858v1',
    '.../pdf/2312.00858.pdf', '.../html/2312.00858v1', '.../abs/2312.00858?context=cs',
    'math.GT/0309136', 'https://arxiv.org/abs/hep-th/9901001v3'.
    """
    if not text:
        return None
    match = _ARXIV_REF.match(text.strip())
    if not match or not _plausible(match.group("id")):
        return None
    version = match.group("version")
    return ArxivRef(_canonical_arxiv(match.group("id")), int(version) if version else None)


def _plausible(ident: str) -> bool:
    """A real month, and as many digits as arXiv used then: four after the dot until
    2014, five from 2015 (1501.00001); old-style ids ran from 1991 to March 2007."""
    issued = arxiv_year_month(ident)
    if issued is None or not 1 <= issued[1] <= 12:
        return False
    year, month = issued
    if "/" in ident:
        return (1991, 8) <= (year, month) <= (2007, 3)
    digits = len(ident.split(".", 1)[1])
    return (year, month) >= (2007, 4) and digits == (5 if year >= 2015 else 4)


def normalise_arxiv(text: str | None) -> str | None:
    """The bare, unversioned arXiv id of `text`, or None."""
    ref = parse_arxiv(text)
    return ref.id if ref else None


def is_arxiv_id(text: str) -> bool:
    """Whether `text` is already a canonical arXiv id (what a record stores)."""
    return bool(_ARXIV_ID.match(text))


def arxiv_in_text(text: str | None) -> str | None:
    """An arXiv id named inside free text: 'arXiv preprint arXiv:2206.00927', a CoRR
    volume 'abs/2206.00927', an arxiv.org link. None when there is none."""
    if not text:
        return None
    for match in _ARXIV_IN_TEXT.finditer(text):
        if _plausible(match.group("id")):
            return _canonical_arxiv(match.group("id"))
    return None


_NEW_ID_DATE = re.compile(r"^(\d{2})(\d{2})\.")
_OLD_ID_DATE = re.compile(r"/(\d{2})(\d{2})\d{3}$")


def arxiv_year_month(arxiv_id: str) -> tuple[int, int] | None:
    """The (year, month) an arXiv id was issued in, read from the id itself."""
    match = _NEW_ID_DATE.match(arxiv_id) or _OLD_ID_DATE.search(arxiv_id)
    if not match:
        return None
    yy, mm = int(match.group(1)), int(match.group(2))
    return (1900 + yy if yy >= 91 else 2000 + yy), mm


def arxiv_doi(arxiv_id: str) -> str:
    """arXiv's own DataCite DOI of an id: a preprint's DOI, never a publication's."""
    return f"10.48550/arXiv.{arxiv_id}"


def arxiv_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


# --- DOIs -------------------------------------------------------------------------------

DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
_DOI = re.compile(DOI_PATTERN)
_DOI_PREFIX = re.compile(r"^(?:doi\s*:\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/)", re.I)


def parse_doi(text: str | None) -> str | None:
    """The DOI in '10.1109/X', 'doi:10.1109/X', 'https://doi.org/10.1109/X' or a dx.doi.org
    URL (percent-encoding undone), or None when it is not a DOI. Case is kept as given."""
    if not text:
        return None
    value = _DOI_PREFIX.sub("", text.strip())
    if "%" in value:
        value = unquote(value)
    value = value.rstrip(".,;")
    return value if _DOI.match(value) else None


def doi_key(doi: str) -> str:
    """DOIs are case-insensitive: the form two DOIs are compared in."""
    return doi.strip().lower()


def is_arxiv_doi(doi: str | None) -> bool:
    """arXiv's DataCite DOIs (10.48550/arXiv.…) name the preprint, not a publication."""
    return bool(doi) and doi_key(doi or "").startswith(ARXIV_DOI_PREFIX)


def arxiv_from_doi(doi: str | None) -> str | None:
    """'10.48550/arXiv.2312.00858' -> '2312.00858'."""
    if not is_arxiv_doi(doi):
        return None
    return normalise_arxiv((doi or "").strip()[len(ARXIV_DOI_PREFIX):])


# --- titles -----------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_TEX_MARKUP = re.compile(r"[\\{}$]")


def ascii_fold(text: str) -> str:
    """'Wübben' -> 'Wubben', 'Δ-DiT' -> 'Delta-DiT': strip accents, spell Greek letters out,
    drop what has no ASCII form."""
    if text.isascii():
        return text
    out = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            out.append(char)
        elif unicodedata.name(char, "").startswith("GREEK") and char.isalpha():
            name = unicodedata.name(char).split()[-1].lower()
            out.append(name.capitalize() if char.isupper() else name)
    return "".join(out)


def plain_title(title: str) -> str:
    """A title as Unicode text: TeX markup ('{$\\Delta$}-DiT', '{\\"u}') decoded."""
    if _TEX_MARKUP.search(title):
        from effdiff_catalog.tex import tex_to_unicode

        return tex_to_unicode(title)
    return " ".join(title.split())


def title_words(title: str) -> list[str]:
    """The lower-case ASCII words of a title, after TeX decoding and folding. Punctuation
    outside ASCII (dashes, curly quotes) separates words as ASCII punctuation does."""
    text = plain_title(title)
    if not text.isascii():
        text = "".join(" " if unicodedata.category(c)[0] in "PZS" else c for c in text)
    return _WORD.findall(ascii_fold(text).lower())


def title_key(title: str) -> str:
    """The one normalised form of a title: two titles are the same when their keys are.

    'Δ-DiT: A Training-Free…', '$\\Delta$-DiT: a training-free…' and 'Delta-DiT: A
    Training Free…' all give 'delta dit a training free …'.
    """
    return " ".join(title_words(title))


def title_similarity(a: str, b: str) -> float:
    """0..1 similarity of two titles' keys (1.0 for the same key)."""
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    return difflib.SequenceMatcher(None, ka, kb, autojunk=False).ratio()


# --- paper URLs -------------------------------------------------------------------------

# Hosts whose paths ignore case: github.com/horseee/DeepCache is github.com/Horseee/deepcache.
_CASELESS_HOSTS = frozenset({"github.com", "gitlab.com", "huggingface.co"})
_OPENREVIEW_ID = re.compile(r"openreview\.net/(?:forum|pdf)\?(?:[^#]*&)?id=(?P<id>[\w-]+)")


def url_key(url: str) -> str:
    """The form two paper links are compared in: scheme, 'www.', a trailing slash and case
    of the host ignored; every arXiv form of one id is one key, and so is every OpenReview
    form (forum, pdf) of one submission."""
    lowered = url.lower()
    arxiv = parse_arxiv(url) if "arxiv.org" in lowered else None
    if arxiv:
        return f"arxiv.org/abs/{arxiv.id}"
    openreview = _OPENREVIEW_ID.search(url) if "openreview.net" in lowered else None
    if openreview:
        return f"openreview.net/id={openreview.group('id')}"
    if "?" not in url and "#" not in url and "://" in url:  # most links: no parsing needed
        host, _, path = url.strip().split("://", 1)[1].partition("/")
        host = host.lower().removeprefix("www.")
        path = ("/" + path).rstrip("/")
        if host in _CASELESS_HOSTS:
            path = path.lower().removesuffix(".git")
        return f"{host}{path}"
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    if host in _CASELESS_HOSTS:
        path = path.lower().removesuffix(".git")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def openreview_id(url: str | None) -> str | None:
    match = _OPENREVIEW_ID.search(url or "")
    return match.group("id") if match else None


# --- record ids -------------------------------------------------------------------------

STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "on", "for", "in", "to", "and", "with", "via", "from", "by",
        "at", "as", "is", "are", "be", "do", "your", "you", "we", "our", "towards", "toward",
        "into", "using", "through", "than", "when", "what", "how", "why",
    }
)
MAX_WORDS = 4


def slug_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", ascii_fold(text).lower())


def title_stem(title: str) -> str:
    """The name part of a title: 'DeepCache: Accelerating ...' -> 'deepcache'.

    Titles without a short name before a colon use their first meaningful words.
    """
    head = re.split(r"\s*[:：]\s+", title, maxsplit=1)[0]
    head_words = slug_words(head)
    if 0 < len(head_words) <= 3 and len(title) > len(head):
        return "-".join(head_words)
    words = [w for w in slug_words(title) if w not in STOPWORDS] or slug_words(title)
    return "-".join(words[:MAX_WORDS]) or "untitled"


def make_record_id(title: str, year: int | None, taken: Container[str] = ()) -> str:
    """A new id for a record, unique among `taken`: stem-year, then stem-year-2, ..."""
    base = title_stem(title)
    if year:
        base = f"{base}-{year}"
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


# --- the duplicate index ----------------------------------------------------------------

KeyKind = Literal["arxiv", "doi", "url", "title"]
# How strongly each kind of key says "same paper", strongest first.
KEY_KINDS: tuple[KeyKind, ...] = ("arxiv", "doi", "url", "title")
_WHAT: dict[KeyKind, str] = {
    "arxiv": "arXiv id", "doi": "DOI", "url": "paper URL", "title": "normalised title",
}


class PaperLike(Protocol):
    """What identity needs of a paper: records, list entries and source hits alike."""

    @property
    def title(self) -> str: ...


def _links_of(paper: object) -> list[str]:
    """The links that identify a paper: `paper_urls` where an object lists them, else a
    record's paper and proceedings links."""
    links = getattr(paper, "links", None)
    if links is not None and hasattr(links, "paper"):  # a record's Links, first: a miss on a
        urls = [links.paper, getattr(links, "proceedings", None)]  # pydantic model is slow
        return [u for u in urls if u]
    return [u for u in getattr(paper, "paper_urls", None) or () if u]


def identity_keys(paper: PaperLike) -> Iterator[tuple[KeyKind, str]]:
    """Every key by which `paper` can be recognised: its arXiv id (also from an arXiv DOI
    or link), DOI, paper and proceedings URLs, and title."""
    arxiv = getattr(paper, "arxiv", None)
    doi = getattr(paper, "doi", None)
    urls = _links_of(paper)
    arxiv = arxiv or arxiv_from_doi(doi)
    if not arxiv:
        arxiv = next((a for a in (normalise_arxiv(u) for u in urls if "arxiv.org" in u) if a),
                     None)
    if arxiv:
        yield "arxiv", arxiv
    if doi and not is_arxiv_doi(doi):
        yield "doi", doi_key(doi)
    for url in urls:
        yield "url", url_key(url)
    key = title_key(paper.title)
    if key:
        yield "title", key


def conflicting_ids(a: PaperLike, b: PaperLike) -> list[str]:
    """Identifiers that both papers have and that differ: such papers are not the same,
    whatever their titles say ('arXiv id', 'DOI')."""
    strong: tuple[KeyKind, ...] = ("arxiv", "doi")
    ka: dict[KeyKind, str] = {k: v for k, v in identity_keys(a) if k in strong}
    kb: dict[KeyKind, str] = {k: v for k, v in identity_keys(b) if k in strong}
    return [_WHAT[k] for k in strong if k in ka and k in kb and ka[k] != kb[k]]


@dataclass(frozen=True)
class Match:
    """A record that is the same paper, and the key that says so.

    `conflicts` names identifiers that both carry and that differ (a title or link hit on a
    paper with another arXiv id): then it is only a suspected duplicate, which a caller must
    report and never write over.
    """

    record_id: str
    kind: KeyKind
    value: str
    conflicts: tuple[str, ...] = ()

    @property
    def how(self) -> str:
        """'same arXiv id', 'same normalised title', ..."""
        return f"same {_WHAT[self.kind]}"

    @property
    def certain(self) -> bool:
        return not self.conflicts

    def describe(self) -> str:
        """'same DOI' or 'same normalised title, but another arXiv id'."""
        if not self.conflicts:
            return self.how
        return f"{self.how}, but another {' and '.join(self.conflicts)}"


class DuplicateIndex:
    """The papers of a catalog by every identity key, built once and asked many times.

    validate, import, import-bib, new and add all ask it, so they agree on what counts as
    the same paper. A hit on a title or URL between two papers that carry different arXiv
    ids or DOIs comes back with its `conflicts` named (`conflicting_ids`).
    """

    def __init__(self, papers: Iterable[tuple[str, PaperLike]] = ()) -> None:
        self._by_key: dict[tuple[KeyKind, str], list[str]] = {}
        self._papers: dict[str, PaperLike] = {}
        for record_id, paper in papers:
            self.add(record_id, paper)

    @classmethod
    def of(cls, papers: Iterable[object]) -> DuplicateIndex:
        """An index of records (anything with `id` and `title`)."""
        return cls((str(getattr(p, "id")), p) for p in papers)  # type: ignore[misc]  # noqa: B009

    def add(self, record_id: str, paper: PaperLike) -> None:
        self._papers[record_id] = paper
        for key in dict.fromkeys(identity_keys(paper)):
            ids = self._by_key.setdefault(key, [])
            if record_id not in ids:
                ids.append(record_id)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._papers

    def find(self, paper: PaperLike, *, exclude: str | None = None) -> Match | None:
        """The indexed paper that `paper` is, by the strongest key; None when none is."""
        for match in self.find_all(paper, exclude=exclude):
            return match
        return None

    def find_all(self, paper: PaperLike, *, exclude: str | None = None) -> Iterator[Match]:
        """Every indexed paper that `paper` is (each once, by its strongest key)."""
        seen: set[str] = set()
        keys = sorted(identity_keys(paper), key=lambda k: KEY_KINDS.index(k[0]))
        for kind, value in keys:
            for record_id in self._by_key.get((kind, value), ()):
                if record_id in seen or record_id == exclude:
                    continue
                seen.add(record_id)
                conflicts = conflicting_ids(paper, self._papers[record_id])
                yield Match(record_id, kind, value, tuple(conflicts))

    def groups(self) -> Iterator[tuple[KeyKind, str, Sequence[str]]]:
        """Keys that more than one indexed paper shares, in index order (for validate)."""
        for (kind, value), ids in self._by_key.items():
            if len(ids) > 1:
                yield kind, value, ids
