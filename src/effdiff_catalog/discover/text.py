"""Tokens for short scientific titles: hyphenated compounds kept whole, suffixes trimmed.

Titles are a handful of words, so two cheap tricks matter: a compound such as
"text-to-image" or "post-training" is a far stronger clue than its parts, and
"quantization"/"quantized" or "generator"/"generation" should meet on one feature.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Longest first; a stem keeps at least four letters so short words stay themselves.
_SUFFIXES = ("ations", "ation", "ators", "ator", "ings", "ing", "ive", "ed", "es", "s")
_MIN_STEM = 4
# Function words: noise in a short title, and no reason to show anyone. A short list of our
# own, since general lists drop words that matter here ("one", "few", "system", "without").
STOP_WORDS = frozenset(
    "a an and are as at be by can do does for from how in into is it its of on or our over"
    " than that the their this through to toward towards under via we what when where which"
    " why with you your".split()
)


def fold(text: str) -> str:
    """Lower case ASCII: accents dropped (Krähenbühl -> krahenbuhl), other symbols kept."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def stem(word: str) -> str:
    """A light suffix trim, not a linguistic stemmer: enough to join a word's forms."""
    if len(word) <= _MIN_STEM:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """The words of a text as written (lower case), compounds whole."""
    return _WORD.findall(fold(text))


def tokens(text: str) -> list[str]:
    """Features of a text: each compound whole, then the stems of its parts.

    Function words are dropped on their own but kept inside compounds ("text-to-image").
    """
    out: list[str] = []
    for word in words(text):
        parts = word.split("-")
        if len(parts) > 1:
            out.append(word)
        out.extend(stem(part) for part in parts if part not in STOP_WORDS)
    return out


def surface_forms(text: str) -> dict[str, str]:
    """Each feature of a text mapped to the first word that produced it, for explanations."""
    forms: dict[str, str] = {}
    for word in words(text):
        forms.setdefault(word, word)
        for part in word.split("-"):
            forms.setdefault(stem(part), part)
    return forms
