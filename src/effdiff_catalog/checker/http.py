"""A polite async HTTP client for one API: shared rate limit, retries, timeouts.

Every source gets one `PoliteClient`. All tasks that talk to that source share its rate
limiter, so concurrency never turns into a burst. Transient failures (timeouts, resets,
429, 5xx) are retried with exponential backoff and jitter, honouring `Retry-After`.
When the retries run out the caller gets a `FetchError` with a readable reason, which the
checker reports as "unknown", never as "not published".
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from effdiff_catalog.checker.config import SourceConfig

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A source could not give an answer: the reason is shown to the user."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass
class Reply:
    """What the checker needs of an HTTP response."""

    status: int
    text: str
    headers: Mapping[str, str]


@dataclass
class SourceStats:
    """Counts for reports, tests and the benchmark's request budget."""

    requests: int = 0
    retries: int = 0
    failures: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class RateLimiter:
    """At most one request start per `interval` seconds, shared by every task, and none
    sooner than `interval` after an answer came back (`finished`).

    The second rule is what makes the limit hold where the server counts: a request
    reaches it some time after it starts (the first one on a connection later than the
    rest), but always before its answer is back, so two arrivals are never closer than
    `interval`. A 429 pushes the next allowed start back (`penalise`), so the whole
    source slows down, not only the task that was refused.
    """

    def __init__(self, interval: float, clock: Any = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = self._clock()
            wait = self._next - now
            if wait > 0:
                await asyncio.sleep(wait)
                now = self._clock()
            self._next = max(now, self._next) + self.interval

    def finished(self) -> None:
        """An answer (or a failure) came back now: the next start waits a whole interval."""
        self._next = max(self._next, self._clock() + self.interval)

    def penalise(self, delay: float) -> None:
        self._next = max(self._next, self._clock() + delay)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with 'equal jitter': half fixed, half random, capped."""
    full = min(cap, base * (2**attempt))
    return full / 2 + rng.uniform(0, full / 2)


class PoliteClient:
    """One source's HTTP client. Use as an async context manager."""

    def __init__(
        self,
        config: SourceConfig,
        user_agent: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.name = config.name
        self.stats = SourceStats()
        self.limiter = RateLimiter(config.min_interval)
        self._rng = rng or random.Random()
        self._slots = asyncio.Semaphore(config.max_connections)
        headers = {"User-Agent": user_agent, **(extra_headers or {})}
        if config.api_key:
            headers["x-api-key"] = config.api_key
        self._client = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(config.timeout),
            limits=httpx.Limits(
                max_connections=config.max_connections,
                max_keepalive_connections=config.max_connections,
            ),
            follow_redirects=True,
        )

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        ok_statuses: frozenset[int] = frozenset({200}),
    ) -> Reply:
        """Send with rate limit and retries. Raises FetchError when no usable answer came.

        `ok_statuses` are returned to the caller (arXiv's 400 error feed is one); any other
        status that is not retryable is a failure at once.
        """
        attempts = self.config.retries + 1
        last_reason = "no attempt made"
        for attempt in range(attempts):
            async with self._slots:
                await self.limiter.acquire()
                self.stats.requests += 1
                if attempt:
                    self.stats.retries += 1
                try:
                    response = await self._client.request(method, url, params=params, json=json)
                    text = response.text  # reads the whole body; a cut body raises here
                except httpx.TimeoutException:
                    last_reason = f"timed out after {self.config.timeout:g} s"
                    wait = backoff_delay(attempt, self.config.backoff_base,
                                         self.config.backoff_max, self._rng)
                except httpx.TransportError as exc:
                    last_reason = f"connection failed ({type(exc).__name__}: {exc})"
                    wait = backoff_delay(attempt, self.config.backoff_base,
                                         self.config.backoff_max, self._rng)
                else:
                    status = response.status_code
                    self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
                    if status in ok_statuses:
                        return Reply(status, text, dict(response.headers))
                    if status not in RETRY_STATUSES:
                        self.stats.failures += 1
                        raise FetchError(self.name, f"HTTP {status}")
                    retry_after = retry_after_seconds(response.headers.get("retry-after"))
                    if retry_after is not None:
                        wait = min(retry_after, self.config.backoff_max)
                        last_reason = f"HTTP {status} (Retry-After {retry_after:g} s)"
                    else:
                        wait = backoff_delay(attempt, self.config.backoff_base,
                                             self.config.backoff_max, self._rng)
                        last_reason = f"HTTP {status} (no Retry-After)"
                    if status == 429:
                        self.limiter.penalise(wait)
                finally:
                    self.limiter.finished()
            if attempt + 1 < attempts:
                await asyncio.sleep(wait)
        self.stats.failures += 1
        raise FetchError(self.name, f"{last_reason}; gave up after {attempts} attempts")
