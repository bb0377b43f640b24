"""The on-disk answer cache: per-item entries with expiry, robust to damage."""

from __future__ import annotations

from pathlib import Path

from effdiff_catalog.checker.cache import ResponseCache


def test_cache_entries_expire_and_never_store_bad_json(tmp_path: Path) -> None:
    now = [1000.0]
    cache = ResponseCache(tmp_path, ttl=60, clock=lambda: now[0])
    assert cache.get("arxiv", "2312.00858") == (False, None)
    cache.put("arxiv", "2312.00858", {"title": "DeepCache"})
    assert cache.get("arxiv", "2312.00858") == (True, {"title": "DeepCache"})
    cache.put("arxiv", "0000.00000", None)  # "no such id" is an answer too
    assert cache.get("arxiv", "0000.00000") == (True, None)
    now[0] += 61
    assert cache.get("arxiv", "2312.00858") == (False, None)
    path = next(p for p in tmp_path.rglob("*.json"))
    path.write_text("{broken")
    assert cache.get("arxiv", "2312.00858")[0] is False


def test_an_entry_may_outlive_the_cache_lifetime(tmp_path: Path) -> None:
    now = [1000.0]
    cache = ResponseCache(tmp_path, ttl=60, clock=lambda: now[0])
    cache.put("dblp-volume", "db/conf/iclr/iclr2023.bht", [{"key": "k"}], ttl=3600)
    cache.put("dblp-volume", "db/conf/iclr/iclr2099.bht", [])
    now[0] += 61
    assert cache.get("dblp-volume", "db/conf/iclr/iclr2023.bht") == (True, [{"key": "k"}])
    assert cache.get("dblp-volume", "db/conf/iclr/iclr2099.bht") == (False, None)
