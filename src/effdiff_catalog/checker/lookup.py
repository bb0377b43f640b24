"""One endpoint behind the answer cache: what the cache lacks goes out in batches.

Keys are queued with `submit`; a batch leaves as soon as it is full, and `flush` sends
what is left once no more keys will come (the runner knows when: see `Barrier`). Each key
is asked once per run, however many papers need it. Offline, or without a client, a key
the cache does not hold is an error ("could not answer"), never a "no such item".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from effdiff_catalog.checker.cache import ResponseCache
from effdiff_catalog.checker.config import CheckerConfig
from effdiff_catalog.checker.evidence import Looked
from effdiff_catalog.checker.sources import BatchResult, EndpointSpec, Source


class Lookup:
    """Cached, batched, once-per-run lookups on one endpoint."""

    def __init__(self, spec: EndpointSpec, source: Source | None, cache: ResponseCache | None,
                 config: CheckerConfig) -> None:
        self.spec = spec
        self.source = source
        self.cache = cache
        self.config = config
        self.batch_size = max(1, source.batch_size) if source is not None else 1
        self._futures: dict[str, asyncio.Future[Looked]] = {}
        self._pending: list[str] = []
        self._tasks: list[asyncio.Task[None]] = []

    def _cached(self, key: str) -> Looked | None:
        if self.cache is None:
            return None
        found, value = self.cache.get(self.spec.name, key)
        if not found:
            return None
        try:
            return Looked(self.spec.decode(value), answered=True)
        except (TypeError, ValueError, KeyError):
            return None

    def submit(self, keys: Iterable[str]) -> None:
        """Queue keys; cached ones resolve at once, full batches leave at once."""
        loop = asyncio.get_running_loop()
        for key in keys:
            if key in self._futures:
                continue
            future: asyncio.Future[Looked] = loop.create_future()
            self._futures[key] = future
            cached = self._cached(key)
            if cached is not None:
                future.set_result(cached)
            elif self.source is None:
                future.set_result(Looked(error=f"{self.spec.source}: offline, and not in the "
                                               "cache"))
            else:
                self._pending.append(key)
        while len(self._pending) >= self.batch_size:
            self._send(self._pending[:self.batch_size])
            self._pending = self._pending[self.batch_size:]

    def flush(self) -> None:
        """Send what is queued, however few."""
        if self._pending:
            self._send(self._pending)
            self._pending = []

    def _send(self, keys: Sequence[str]) -> None:
        self._tasks.append(asyncio.create_task(self._fetch(list(keys))))

    async def _fetch(self, keys: Sequence[str]) -> None:
        assert self.source is not None
        try:
            result = await self.source.lookup_batch(keys)
        except Exception as exc:  # a bug or an unexpected failure: unknown, not a crash
            result = BatchResult.failed(keys, f"{self.spec.source}: {type(exc).__name__}: {exc}")
        for key in keys:
            if key in result.found:
                value = result.found[key]
                if self.cache is not None:
                    self.cache.put(self.spec.name, key, self.spec.encode(value),
                                   ttl=self.spec.ttl(value, self.config))
                self._futures[key].set_result(Looked(value, answered=True))
            else:
                reason = result.errors.get(key, f"{self.spec.source}: no answer for {key}")
                self._futures[key].set_result(Looked(error=reason))

    async def get(self, key: str) -> Looked:
        """The answer for a key; submits and sends it alone if nobody queued it."""
        if key not in self._futures:
            self.submit([key])
            self.flush()
        return await self._futures[key]

    async def drain(self) -> None:
        await asyncio.gather(*self._tasks)


class Barrier:
    """Runs `action` once every one of `parties` has called `arrive` (or at once, for 0)."""

    def __init__(self, parties: int, action: Callable[[], Any]) -> None:
        self._left = parties
        self._action = action
        if parties <= 0:
            action()

    def arrive(self) -> None:
        self._left -= 1
        if self._left == 0:
            self._action()
