"""The polite client against a real local server: rate limit, retries, faults, headers."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from stub_api import StubServer

from effdiff_catalog import __version__
from effdiff_catalog.checker.config import SourceConfig, default_config, environment_variables
from effdiff_catalog.checker.http import (
    FetchError,
    PoliteClient,
    RateLimiter,
    backoff_delay,
    retry_after_seconds,
)
from effdiff_catalog.checker.session import run_sync
from effdiff_catalog.records.project import Project

UA = "effdiff-catalog/test (+https://example.org; mailto:me@example.org)"


def dblp_config(stub: StubServer, **kw: float) -> SourceConfig:
    base = SourceConfig("dblp", f"{stub.url}/dblp", min_interval=0.0,
                        timeout=1.0, retries=3, backoff_base=0.05, backoff_max=2.0)
    return replace(base, **kw)  # type: ignore[arg-type]


async def get(client: PoliteClient) -> int:
    reply = await client.request("GET", client.config.url("/search/publ/api"),
                                 params={"q": "x"})
    return reply.status


def test_rate_limiter_spaces_concurrent_tasks() -> None:
    async def main() -> list[float]:
        limiter = RateLimiter(0.1)
        stamps: list[float] = []

        async def task() -> None:
            await limiter.acquire()
            stamps.append(time.monotonic())

        await asyncio.gather(*(task() for _ in range(5)))
        return stamps

    stamps = run_sync(main())
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert all(gap >= 0.095 for gap in gaps), gaps


def test_shared_limit_holds_across_tasks_on_the_wire() -> None:
    with StubServer() as stub:
        async def main() -> float:
            async with PoliteClient(dblp_config(stub, min_interval=0.1), UA) as client:
                started = time.monotonic()
                await asyncio.gather(*(get(client) for _ in range(5)))
                return started

        started = run_sync(main())
        times = [r.time for r in stub.requests("dblp")]
    assert len(times) == 5
    # Five starts at most one per 0.1 s: the last cannot reach the server (same clock,
    # same process) before 0.4 s have passed. Single arrival gaps carry connection-setup
    # noise (the first request can arrive late), so they are not compared.
    assert times[-1] - started >= 0.4 - 0.005, (started, times)


def test_the_next_request_waits_an_interval_after_the_answer_not_only_after_the_start(
) -> None:
    # The server answers in 0.3 s, longer than the 0.1 s interval: counting from the
    # starts alone would let the next request go as soon as the answer is in.
    with StubServer(latency=0.3) as stub:
        async def main() -> None:
            async with PoliteClient(dblp_config(stub, min_interval=0.1), UA) as client:
                for _ in range(3):
                    await get(client)

        run_sync(main())
        times = [r.time for r in stub.requests("dblp")]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 2
    assert all(gap >= 0.3 + 0.1 for gap in gaps), gaps


def test_retry_after_header_is_honoured() -> None:
    with StubServer() as stub:
        stub.add_fault("dblp", "429:0.4")

        async def main() -> tuple[int, int]:
            async with PoliteClient(dblp_config(stub), UA) as client:
                status = await get(client)
                return status, client.stats.retries

        assert run_sync(main()) == (200, 1)
        first, second = stub.requests("dblp")
    assert second.time - first.time >= 0.38


@pytest.mark.parametrize("fault", ["429", "503", "reset", "truncate", "timeout:1.5"])
def test_transient_faults_are_retried(fault: str) -> None:
    with StubServer() as stub:
        stub.add_fault("dblp", fault)

        async def main() -> int:
            async with PoliteClient(dblp_config(stub), UA) as client:
                return await get(client)

        assert run_sync(main()) == 200
        assert len(stub.requests("dblp")) == 2


def test_gives_up_with_reason_after_retries() -> None:
    with StubServer() as stub:
        stub.add_fault("dblp", *["429"] * 10)

        async def main() -> None:
            async with PoliteClient(dblp_config(stub, retries=2), UA) as client:
                await get(client)

        with pytest.raises(FetchError, match=r"HTTP 429 \(no Retry-After\); gave up after 3"):
            run_sync(main())
        assert len(stub.requests("dblp")) == 3


def test_source_down_is_a_fetch_error() -> None:
    config = SourceConfig("dblp", "http://127.0.0.1:9/none", min_interval=0.0, timeout=0.5,
                          retries=1, backoff_base=0.01)

    async def main() -> None:
        async with PoliteClient(config, UA) as client:
            await get(client)

    with pytest.raises(FetchError, match="connection failed"):
        run_sync(main())


def test_headers_user_agent_and_api_key() -> None:
    with StubServer() as stub:
        async def main() -> None:
            async with PoliteClient(dblp_config(stub, ), UA) as client:
                await get(client)
            keyed = replace(dblp_config(stub), api_key="secret-key")
            async with PoliteClient(keyed, UA) as client:
                await get(client)

        run_sync(main())
        plain, keyed = stub.requests("dblp")
    assert plain.headers["user-agent"] == UA and "x-api-key" not in plain.headers
    assert keyed.headers["x-api-key"] == "secret-key"


def test_user_agent_carries_contact_from_config() -> None:
    config = default_config({"EFFDIFF_CONTACT": "curator@example.org"})
    assert config.user_agent().startswith("effdiff-catalog/")
    assert "mailto:curator@example.org" in config.user_agent()
    assert "mailto" not in default_config({}).user_agent()


def test_user_agent_names_the_catalogs_repository_and_contact_from_catalog_yaml() -> None:
    project = Project(repository="https://github.com/example/list", contact="team@example.org")
    agent = default_config({}, project).user_agent()
    assert agent.endswith("(+https://github.com/example/list; mailto:team@example.org)")
    overridden = default_config({"EFFDIFF_PROJECT_URL": "https://example.org/fork",
                                 "EFFDIFF_CONTACT": "me@example.org"}, project).user_agent()
    assert overridden.endswith("(+https://example.org/fork; mailto:me@example.org)")
    assert default_config({}).user_agent() == f"effdiff-catalog/{__version__}"


def test_default_limits_and_env_overrides() -> None:
    config = default_config({})
    arxiv, s2 = config.source("arxiv"), config.source("semanticscholar")
    assert arxiv.min_interval == 3.0 and arxiv.max_connections == 1
    assert s2.batch_size == 500 and s2.api_key is None and s2.min_interval == 3.0
    assert config.source("openalex").batch_size == 50  # OpenAlex's OR-filter limit
    keyed = default_config({"SEMANTIC_SCHOLAR_API_KEY": "k", "OPENALEX_API_KEY": "o",
                            "EFFDIFF_ARXIV_URL": "http://x/api"})
    assert keyed.source("semanticscholar").api_key == "k"
    assert keyed.source("semanticscholar").min_interval == 1.0  # a key allows 1/s
    assert keyed.source("openalex").api_key == "o"
    assert keyed.source("arxiv").url("/query") == "http://x/api/query"
    with pytest.raises(ValueError, match="EFFDIFF_DBLP_INTERVAL"):
        default_config({"EFFDIFF_DBLP_INTERVAL": "fast"})


def test_base_urls_are_api_roots_and_old_endpoint_urls_still_work() -> None:
    roots = {name: c.base_url for name, c in default_config({}).sources.items()}
    assert roots == {"arxiv": "https://export.arxiv.org/api",
                     "semanticscholar": "https://api.semanticscholar.org/graph/v1",
                     "openalex": "https://api.openalex.org", "crossref": "https://api.crossref.org",
                     "dblp": "https://dblp.org"}
    old = default_config({"EFFDIFF_ARXIV_URL": "http://stub/arxiv/api/query",
                          "EFFDIFF_DBLP_URL": "http://stub/dblp/search/publ/api/"})
    assert old.source("arxiv").url("/query") == "http://stub/arxiv/api/query"
    assert old.source("dblp").url("/search/publ/api") == "http://stub/dblp/search/publ/api"


def test_every_source_has_its_variables_documented_once() -> None:
    names = [name for name, _ in environment_variables()]
    assert len(names) == len(set(names))
    for prefix in ("ARXIV", "S2", "OPENALEX", "CROSSREF", "DBLP"):
        for suffix in ("URL", "INTERVAL", "TIMEOUT", "RETRIES", "BACKOFF", "BACKOFF_MAX"):
            assert f"EFFDIFF_{prefix}_{suffix}" in names
    batched = {n.split("_")[1] for n in names if n.endswith("_BATCH")}
    assert batched == {"ARXIV", "S2", "OPENALEX", "CROSSREF"}  # dblp asks one item a request
    assert {"EFFDIFF_CONTACT", "EFFDIFF_CACHE_DIR", "EFFDIFF_CACHE_TTL", "EFFDIFF_VOLUME_TTL",
            "EFFDIFF_MAIN_VENUES", "SEMANTIC_SCHOLAR_API_KEY", "OPENALEX_API_KEY"} <= set(names)


def test_docs_list_every_environment_variable() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "checker.md").read_text(encoding="utf-8")
    missing = [name for name, _ in environment_variables() if f"`{name}`" not in docs]
    assert not missing


def test_retry_after_parsing_and_backoff_bounds() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    rng = random.Random(1)
    delays = [backoff_delay(n, 1.0, 8.0, rng) for n in range(6)]
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0
    assert all(d <= 8.0 for d in delays) and delays[5] >= 4.0


def test_the_library_also_runs_where_an_event_loop_is_running() -> None:
    async def notebook_cell() -> int:  # a notebook, or a sync Playwright session
        return run_sync(asyncio.sleep(0, result=7))

    # In a thread of its own: the worker's main thread may already run a loop (a sync
    # Playwright session of an earlier test), where asyncio.run itself would refuse.
    results: list[int] = []
    cell = threading.Thread(target=lambda: results.append(asyncio.run(notebook_cell())))
    cell.start()
    cell.join(timeout=30)
    assert results == [7]
