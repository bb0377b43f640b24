"""The clients and lookups of one run: one polite client per source API, one `Lookup`
per endpoint, all sharing the answer cache. Offline there are no clients, and every
lookup answers from the cache alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from effdiff_catalog.checker.cache import ResponseCache
from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.http import PoliteClient, SourceStats
from effdiff_catalog.checker.lookup import Lookup
from effdiff_catalog.checker.sources import EndpointSpec
from effdiff_catalog.checker.sources.registry import ENDPOINTS

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the checker's async work from synchronous code, also where an event loop is
    already running in this thread (a notebook, a sync Playwright session): then in a
    thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Session:
    """`async with Session(config, cache_dir) as session: session.lookups[name]...`"""

    def __init__(self, config: CheckerConfig, cache_dir: Path | None,
                 endpoints: Mapping[str, EndpointSpec] = ENDPOINTS) -> None:
        self.config = config
        self.cache = ResponseCache(cache_dir, config.cache_ttl) if cache_dir else None
        self.clients: dict[str, PoliteClient] = {}
        if not config.offline:
            agent = config.user_agent()
            for name in dict.fromkeys(spec.source for spec in endpoints.values()):
                self.clients[name] = PoliteClient(config.source(name), agent,
                                                  extra_headers=config.extra_headers)
        self.lookups = {
            name: Lookup(spec, spec.make(self.clients[spec.source], config)
                         if spec.source in self.clients else None, self.cache, config)
            for name, spec in endpoints.items()
        }

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        try:
            if kind is None:
                for lookup in self.lookups.values():
                    await lookup.drain()
        finally:
            for client in self.clients.values():
                await client.aclose()

    def stats(self) -> dict[str, SourceStats]:
        return {name: client.stats for name, client in self.clients.items()}

    @property
    def cache_hits(self) -> int:
        return self.cache.hits if self.cache else 0

    @property
    def cache_misses(self) -> int:
        return self.cache.misses if self.cache else 0
