"""Settings of the venue checker: where each source lives and how politely to ask it.

Every value has a documented default and can be overridden from the environment, so that
tests and the benchmark point the sources at a loopback server with their own limits.

A base URL is always the API's root (`https://dblp.org`, not `.../search/publ/api`):
each source appends its own paths. A value that still ends with the endpoint path (the
meaning these variables had before) is accepted, the path being dropped.

`environment_variables()` lists every variable read here, with its meaning; `--help`
and docs/checker.md print that list, and a test keeps the docs in step with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from effdiff_catalog import __version__
from effdiff_catalog.records.project import Project

DEFAULT_CACHE_DIR = ".effdiff-cache"
DEFAULT_CACHE_TTL = 7 * 24 * 3600.0
# A published proceedings volume does not change; an empty one (not yet indexed) uses the
# ordinary TTL, so that it is asked again.
DEFAULT_VOLUME_TTL = 180 * 24 * 3600.0
# The main venues whose dblp volumes are searched for a preprint that no source names a
# venue for (arXiv year and the two years after).
DEFAULT_MAIN_VENUES = ("neurips", "icml", "iclr", "cvpr", "iccv")
# `effdiff discover`'s paged listings: results a page, and the most read a run.
DEFAULT_ARXIV_SEARCH_PAGE = 1000  # arXiv allows up to 2,000 a request
DEFAULT_ARXIV_SEARCH_MAX = 10_000
DEFAULT_CITATIONS_MAX = 9_000  # Semantic Scholar serves the first 10,000 citations only


@dataclass(frozen=True)
class SourceConfig:
    """One API: root URL, rate limit, connections, timeouts and retry policy."""

    name: str
    base_url: str  # the API root; each source appends its paths
    min_interval: float  # seconds between two requests: start to start, answer to start
    max_connections: int = 1
    timeout: float = 30.0
    retries: int = 4  # extra attempts after the first one
    backoff_base: float = 2.0  # first retry waits about this long, doubled each time
    backoff_max: float = 60.0
    batch_size: int = 1
    api_key: str | None = None

    def url(self, path: str) -> str:
        """The root with an endpoint path appended ('/search/publ/api')."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class SourceDefaults:
    """A source's documented defaults and the prefix of its environment variables."""

    env_prefix: str
    config: SourceConfig
    endpoints: tuple[str, ...]  # paths the source appends to its root
    about: str  # one line for --help and the docs
    key_variables: tuple[str, ...] = ()  # environment variables holding its API key
    batched: bool = True  # asks many ids a request (dblp asks one volume or title)
    keyed_interval: float | None = None  # the interval an API key allows


SOURCE_DEFAULTS: dict[str, SourceDefaults] = {
    "arxiv": SourceDefaults(
        "ARXIV",
        SourceConfig("arxiv", "https://export.arxiv.org/api", min_interval=3.0,
                     batch_size=100),
        ("/query",), "arXiv API: id_list batches; one request every 3 s."),
    "semanticscholar": SourceDefaults(
        "S2",
        SourceConfig("semanticscholar", "https://api.semanticscholar.org/graph/v1",
                     min_interval=3.0, batch_size=500),
        ("/paper/batch",),
        "Semantic Scholar Graph API: POST /paper/batch, up to 500 ids; 1 request/s with a "
        "key, one every 3 s without (the shared pool often answers 429).",
        ("EFFDIFF_S2_API_KEY", "SEMANTIC_SCHOLAR_API_KEY"), keyed_interval=1.0),
    "openalex": SourceDefaults(
        "OPENALEX",
        SourceConfig("openalex", "https://api.openalex.org", min_interval=0.2,
                     batch_size=50),
        ("/works",),
        "OpenAlex works API: filter=doi:A|B|... with up to 50 values, title search as a "
        "fallback; api_key and mailto parameters.",
        ("EFFDIFF_OPENALEX_API_KEY", "OPENALEX_API_KEY")),
    "crossref": SourceDefaults(
        "CROSSREF",
        SourceConfig("crossref", "https://api.crossref.org", min_interval=1.0,
                     batch_size=50),
        ("/works",),
        "Crossref REST API: filter=doi:A,doi:B,... (50 a request) to confirm a DOI's venue "
        "and year; mailto for the polite pool."),
    "dblp": SourceDefaults(
        "DBLP",
        SourceConfig("dblp", "https://dblp.org", min_interval=1.0),
        ("/search/publ/api",),
        "dblp search API: whole proceedings volumes (toc: queries, 1,000 hits a page), "
        "title search as a fallback; about one request a second.", batched=False),
}

# Per-source variables: suffix -> (meaning, SourceConfig field).
_SOURCE_VARIABLES: dict[str, tuple[str, str]] = {
    "URL": ("API root URL; the source appends its endpoint paths", "base_url"),
    "INTERVAL": ("seconds between two requests (from the start of one, and from its answer, to "
                 "the start of the next)", "min_interval"),
    "TIMEOUT": ("seconds before a request times out", "timeout"),
    "RETRIES": ("extra attempts after a failed request", "retries"),
    "BACKOFF": ("seconds the first retry waits (doubled each time, with jitter)",
                "backoff_base"),
    "BACKOFF_MAX": ("longest wait between retries, in seconds", "backoff_max"),
    "BATCH": ("ids a batched request carries", "batch_size"),
}

_GLOBAL_VARIABLES: dict[str, str] = {
    "EFFDIFF_CONTACT": "contact e-mail for the User-Agent and the mailto of the polite pools "
                       "(default: catalog.yaml's contact)",
    "EFFDIFF_CACHE_DIR": f"answer cache folder (default ROOT/{DEFAULT_CACHE_DIR})",
    "EFFDIFF_CACHE_TTL": f"seconds a cached answer stays fresh (default {DEFAULT_CACHE_TTL:.0f})",
    "EFFDIFF_VOLUME_TTL": "seconds a cached non-empty dblp volume stays fresh "
                          f"(default {DEFAULT_VOLUME_TTL:.0f})",
    "EFFDIFF_MAIN_VENUES": "comma-separated venue keys whose dblp volumes are searched when "
                           f"no source names a venue (default {','.join(DEFAULT_MAIN_VENUES)})",
    "EFFDIFF_PROJECT_URL": "project URL in the User-Agent (default: catalog.yaml's repository)",
}


# Read by `effdiff discover` only (documented in docs/discover.md and its --help).
_DISCOVER_VARIABLES: dict[str, str] = {
    "EFFDIFF_ARXIV_SEARCH_PAGE": "arxiv: submissions a search page asks for (at most 2000; "
                                 f"default {DEFAULT_ARXIV_SEARCH_PAGE})",
    "EFFDIFF_ARXIV_SEARCH_MAX": "arxiv: most submissions read from one search; the rest "
                                f"is reported as cut (default {DEFAULT_ARXIV_SEARCH_MAX})",
    "EFFDIFF_S2_CITATIONS_MAX": "semanticscholar: most citing papers read per paper "
                                f"(at most 9000; default {DEFAULT_CITATIONS_MAX})",
}


@dataclass(frozen=True)
class CheckerConfig:
    """All sources plus contact, cache and acceptance settings."""

    sources: Mapping[str, SourceConfig]
    contact: str | None = None
    cache_dir: Path | None = None
    cache_ttl: float = DEFAULT_CACHE_TTL
    volume_ttl: float = DEFAULT_VOLUME_TTL
    main_venues: tuple[str, ...] = DEFAULT_MAIN_VENUES
    arxiv_search_page: int = DEFAULT_ARXIV_SEARCH_PAGE
    arxiv_search_max: int = DEFAULT_ARXIV_SEARCH_MAX
    citations_max: int = DEFAULT_CITATIONS_MAX
    offline: bool = False
    min_confidence: float = 0.8
    extra_headers: dict[str, str] = field(default_factory=dict)
    # Where API operators can read about the client: catalog.yaml's repository, or
    # EFFDIFF_PROJECT_URL.
    project_url: str | None = None

    def source(self, name: str) -> SourceConfig:
        return self.sources[name]

    def user_agent(self) -> str:
        """'effdiff-catalog/0.1.0 (+URL; mailto:CONTACT)': the APIs ask to be able to reach us."""
        about = [f"+{self.project_url}"] if self.project_url else []
        about += [f"mailto:{self.contact}"] if self.contact else []
        return f"effdiff-catalog/{__version__}" + (f" ({'; '.join(about)})" if about else "")


def environment_variables() -> list[tuple[str, str]]:
    """Every variable the checker reads, with its meaning and default."""
    out: list[tuple[str, str]] = []
    for name, spec in SOURCE_DEFAULTS.items():
        for suffix, (meaning, attr) in _SOURCE_VARIABLES.items():
            if suffix == "BATCH" and not spec.batched:
                continue
            default = getattr(spec.config, attr)
            shown = f"{default:g}" if isinstance(default, float) else str(default)
            if spec.keyed_interval is not None and suffix == "INTERVAL":
                shown += f", {spec.keyed_interval:g} with an API key"
            out.append((f"EFFDIFF_{spec.env_prefix}_{suffix}",
                        f"{name}: {meaning} (default {shown})"))
        out += [(var, f"{name}: API key (first set wins)") for var in spec.key_variables]
    out += list(_GLOBAL_VARIABLES.items())
    return out


def discover_variables() -> list[tuple[str, str]]:
    """The variables only `effdiff discover` reads (its paged listings), with meanings."""
    return list(_DISCOVER_VARIABLES.items())


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of at least 1."""
    value = _float(env, name, default)
    if value < 1 or value != int(value):
        raise ValueError(f"{name} must be a whole number of at least 1, got {env.get(name)!r}")
    return int(value)


def api_root(url: str, endpoints: tuple[str, ...]) -> str:
    """The root of a base URL; a full endpoint URL (the variables' old meaning) is cut."""
    url = url.rstrip("/")
    for endpoint in endpoints:
        if url.endswith(endpoint):
            return url[: -len(endpoint)]
    return url


def _source_from_env(env: Mapping[str, str], spec: SourceDefaults) -> SourceConfig:
    base, prefix = spec.config, f"EFFDIFF_{spec.env_prefix}"
    key = next((env[v] for v in spec.key_variables if env.get(v)), None)
    interval = spec.keyed_interval if key and spec.keyed_interval is not None else (
        base.min_interval)
    return replace(
        base,
        base_url=api_root(env.get(f"{prefix}_URL") or base.base_url, spec.endpoints),
        min_interval=_float(env, f"{prefix}_INTERVAL", interval),
        timeout=_float(env, f"{prefix}_TIMEOUT", base.timeout),
        retries=int(_float(env, f"{prefix}_RETRIES", base.retries)),
        backoff_base=_float(env, f"{prefix}_BACKOFF", base.backoff_base),
        backoff_max=_float(env, f"{prefix}_BACKOFF_MAX", base.backoff_max),
        batch_size=int(_float(env, f"{prefix}_BATCH", base.batch_size)) if spec.batched
        else base.batch_size,
        api_key=key,
    )


def default_config(
    env: Mapping[str, str] | None = None, project: Project | None = None
) -> CheckerConfig:
    """Documented limits of each API (SOURCE_DEFAULTS), overridable by EFFDIFF_* variables;
    the contact and project URL of the User-Agent from the catalog's project file
    (catalog.yaml), unless EFFDIFF_CONTACT or EFFDIFF_PROJECT_URL say otherwise."""
    env = os.environ if env is None else env
    project = project or Project()
    sources = {name: _source_from_env(env, spec) for name, spec in SOURCE_DEFAULTS.items()}
    cache_dir = env.get("EFFDIFF_CACHE_DIR")
    main = env.get("EFFDIFF_MAIN_VENUES")
    return CheckerConfig(
        sources=sources,
        contact=env.get("EFFDIFF_CONTACT") or project.contact or None,
        cache_dir=Path(cache_dir) if cache_dir else None,
        cache_ttl=_float(env, "EFFDIFF_CACHE_TTL", DEFAULT_CACHE_TTL),
        volume_ttl=_float(env, "EFFDIFF_VOLUME_TTL", DEFAULT_VOLUME_TTL),
        main_venues=tuple(v.strip() for v in main.split(",") if v.strip()) if main
        else DEFAULT_MAIN_VENUES,
        arxiv_search_page=min(2000, _count(env, "EFFDIFF_ARXIV_SEARCH_PAGE",
                                           DEFAULT_ARXIV_SEARCH_PAGE)),
        arxiv_search_max=_count(env, "EFFDIFF_ARXIV_SEARCH_MAX", DEFAULT_ARXIV_SEARCH_MAX),
        citations_max=min(9000, _count(env, "EFFDIFF_S2_CITATIONS_MAX", DEFAULT_CITATIONS_MAX)),
        project_url=env.get("EFFDIFF_PROJECT_URL") or project.repository,
    )
