"""Settings of the venue checker: where each source lives and how politely to ask it.

Every value has a documented default and can be overridden from the environment, so that
tests and the benchmark point the sources at a loopback server with their own limits.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from effdiff_catalog import __version__

# Where API operators can read about the client; a fork sets EFFDIFF_PROJECT_URL to its own.
PROJECT_URL = "https://github.com/AIoT-MLSys-Lab/Efficient-Diffusion-Model-Survey"
DEFAULT_CACHE_DIR = ".effdiff-cache"
DEFAULT_CACHE_TTL = 7 * 24 * 3600.0


@dataclass(frozen=True)
class SourceConfig:
    """One API: base URL, rate limit, connections, timeouts and retry policy."""

    name: str
    base_url: str
    min_interval: float  # seconds between the starts of two requests
    max_connections: int = 1
    timeout: float = 30.0
    retries: int = 4  # extra attempts after the first one
    backoff_base: float = 2.0  # first retry waits about this long, doubled each time
    backoff_max: float = 60.0
    batch_size: int = 1
    api_key: str | None = None


@dataclass(frozen=True)
class CheckerConfig:
    """All sources plus contact, cache and acceptance settings."""

    arxiv: SourceConfig
    semanticscholar: SourceConfig
    dblp: SourceConfig
    contact: str | None = None
    cache_dir: Path | None = None
    cache_ttl: float = DEFAULT_CACHE_TTL
    offline: bool = False
    min_confidence: float = 0.8
    extra_headers: dict[str, str] = field(default_factory=dict)
    project_url: str = PROJECT_URL

    def sources(self) -> list[SourceConfig]:
        return [self.arxiv, self.semanticscholar, self.dblp]

    def user_agent(self) -> str:
        """'effdiff-catalog/0.1.0 (+URL; mailto:CONTACT)': the APIs ask to be able to reach us."""
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"effdiff-catalog/{__version__} (+{self.project_url}{contact})"


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc


def _source_from_env(env: Mapping[str, str], base: SourceConfig, prefix: str) -> SourceConfig:
    return replace(
        base,
        base_url=env.get(f"EFFDIFF_{prefix}_URL") or base.base_url,
        min_interval=_float(env, f"EFFDIFF_{prefix}_INTERVAL", base.min_interval),
        timeout=_float(env, f"EFFDIFF_{prefix}_TIMEOUT", base.timeout),
        retries=int(_float(env, f"EFFDIFF_{prefix}_RETRIES", base.retries)),
        backoff_base=_float(env, f"EFFDIFF_{prefix}_BACKOFF", base.backoff_base),
        backoff_max=_float(env, f"EFFDIFF_{prefix}_BACKOFF_MAX", base.backoff_max),
        batch_size=int(_float(env, f"EFFDIFF_{prefix}_BATCH", base.batch_size)),
    )


def default_config(env: Mapping[str, str] | None = None) -> CheckerConfig:
    """Documented limits of each API, overridable by EFFDIFF_* environment variables.

    arXiv: one request every 3 s on one connection; id_list batches of 100.
    Semantic Scholar: POST /paper/batch takes up to 500 ids; 1 request/s with a key
    (SEMANTIC_SCHOLAR_API_KEY), slower without one since the shared pool often answers 429.
    dblp: no published number; one request a second keeps well clear of its 429s.
    """
    env = os.environ if env is None else env
    s2_key = env.get("EFFDIFF_S2_API_KEY") or env.get("SEMANTIC_SCHOLAR_API_KEY") or None
    arxiv = SourceConfig(
        "arxiv", "https://export.arxiv.org/api/query", min_interval=3.0, max_connections=1,
        batch_size=100,
    )
    s2 = SourceConfig(
        "semanticscholar", "https://api.semanticscholar.org/graph/v1",
        min_interval=1.0 if s2_key else 3.0, max_connections=1, batch_size=500, api_key=s2_key,
    )
    dblp = SourceConfig(
        "dblp", "https://dblp.org/search/publ/api", min_interval=1.0, max_connections=1,
    )
    cache_dir = env.get("EFFDIFF_CACHE_DIR")
    return CheckerConfig(
        arxiv=_source_from_env(env, arxiv, "ARXIV"),
        semanticscholar=_source_from_env(env, s2, "S2"),
        dblp=_source_from_env(env, dblp, "DBLP"),
        contact=env.get("EFFDIFF_CONTACT") or None,
        cache_dir=Path(cache_dir) if cache_dir else None,
        cache_ttl=_float(env, "EFFDIFF_CACHE_TTL", DEFAULT_CACHE_TTL),
        project_url=env.get("EFFDIFF_PROJECT_URL") or PROJECT_URL,
    )
