"""Located problems found in records, and their text, JSON and GitHub renderings.

The core never prints: it returns `Diagnostic` values, and the CLI chooses a format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, pointing at a file position (1-based line and column)."""

    path: str
    line: int
    col: int
    severity: Severity
    rule: str
    message: str
    suggestion: str | None = None

    def text(self) -> str:
        hint = f" (did you mean {self.suggestion!r}?)" if self.suggestion else ""
        return (
            f"{self.path}:{self.line}:{self.col}: {self.severity} [{self.rule}] "
            f"{self.message}{hint}"
        )

    def github(self) -> str:
        """A GitHub Actions workflow command, which shows as an annotation on the PR."""
        hint = f" (did you mean {self.suggestion!r}?)" if self.suggestion else ""
        message = _escape_github_data(f"[{self.rule}] {self.message}{hint}")
        path = _escape_github_property(self.path)
        return f"::{self.severity} file={path},line={self.line},col={self.col}::{message}"


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def to_json(diagnostics: Iterable[Diagnostic]) -> str:
    items = [asdict(d) for d in sorted(diagnostics)]
    return json.dumps(items, indent=2, ensure_ascii=False)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest known choice to a misspelt word, if one is close enough."""
    import difflib

    pool = list(choices)
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered:
        return lowered[word.lower()]
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[hits[0]] if hits else None
