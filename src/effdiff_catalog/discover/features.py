"""TF-IDF features fitted at each run on the texts at hand (catalog, pool, taxonomy titles).

Nothing is downloaded or pretrained: the vocabulary and its weights come from the run's
own texts, so they follow the catalog as it grows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .project import Paper
from .text import fold, tokens


def paper_text(paper: Paper) -> str:
    """What the model reads of a catalog record: title, and abstract where it has one."""
    return f"{paper.title} {paper.abstract}" if paper.abstract else paper.title


def _word_vectorizer() -> TfidfVectorizer:
    """Words, compounds and stems (text.tokens), with sublinear term frequency."""
    return TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False, sublinear_tf=True)


def _char_vectorizer() -> TfidfVectorizer:
    """Character 3-5-grams within words: catches forms the stemmer misses (LoRA/LoRAs)."""
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), preprocessor=fold, sublinear_tf=True
    )


class Features:
    """The fitted vectorizers. `words` is the readable view (explanations, the classifier);
    `both` adds character n-grams (section suggestions), each half weighted equally."""

    def __init__(self, corpus: Sequence[str]) -> None:
        self._word = _word_vectorizer().fit(corpus)
        self._char = _char_vectorizer().fit(corpus)
        self.names: list[str] = list(self._word.get_feature_names_out())

    def words(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(self._word.transform(texts))

    def both(self, texts: Sequence[str]) -> sparse.csr_matrix:
        stacked = sparse.hstack([self._word.transform(texts), self._char.transform(texts)])
        return sparse.csr_matrix(stacked) / np.sqrt(2.0)
