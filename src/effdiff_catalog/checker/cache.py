"""On-disk cache of source answers, one small JSON file per looked-up item, with expiry.

Answers are cached per item (one arXiv id, one title query), not per HTTP request, so a
rerun hits the cache even when `--id` or `--since` pick a different subset and batches
come out differently. Only real answers are stored ("found X" or "the source has no such
id"); failures never are, so a source that was down is asked again next time. An entry may
carry its own lifetime (a published dblp volume is kept for months).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1


class ResponseCache:
    """`get`/`put` JSON values under (source, key); entries older than `ttl` are misses."""

    def __init__(self, folder: Path, ttl: float, *, clock: Any = time.time) -> None:
        self.folder = Path(folder)
        self.ttl = ttl
        self._clock = clock
        self.hits = 0
        self.misses = 0

    def _path(self, source: str, key: str) -> Path:
        digest = hashlib.sha256(f"{CACHE_FORMAT}\0{source}\0{key}".encode()).hexdigest()
        return self.folder / source / digest[:2] / f"{digest}.json"

    def get(self, source: str, key: str) -> tuple[bool, Any]:
        """(found, value). A missing, expired, unreadable or mismatched entry is a miss."""
        path = self._path(source, key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return False, None
        fresh = (
            isinstance(entry, dict)
            and entry.get("key") == key
            and isinstance(entry.get("stored"), int | float)
            and self._clock() - entry["stored"] <= _lifetime(entry, self.ttl)
        )
        if not fresh:
            self.misses += 1
            return False, None
        self.hits += 1
        return True, entry.get("value")

    def put(self, source: str, key: str, value: Any, *, ttl: float | None = None) -> None:
        """Store atomically: a killed run leaves whole entries or none. `ttl` overrides
        the cache's lifetime for this entry."""
        path = self._path(source, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry: dict[str, Any] = {"key": key, "stored": self._clock(), "value": value}
        if ttl is not None:
            entry["ttl"] = ttl
        text = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def _lifetime(entry: dict[str, Any], default: float) -> float:
    ttl = entry.get("ttl")
    return float(ttl) if isinstance(ttl, int | float) else default
