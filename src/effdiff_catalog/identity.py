"""Record ids: readable, stable slugs such as `deepcache-2024`.

An id is made once, when a record is created, and never recomputed: later edits to the
title or year keep the file name and every link to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "on", "for", "in", "to", "and", "with", "via", "from", "by",
        "at", "as", "is", "are", "be", "do", "your", "you", "we", "our", "towards", "toward",
        "into", "using", "through", "than", "when", "what", "how", "why",
    }
)
MAX_WORDS = 4


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
