"""A small catalog of preprint records and what the (stub) APIs know about them.

Shared by the checker's tests. Where a recorded real response fits, it is used as is
(tests/fixtures/api/): the Semantic Scholar record of "Attention Is All You Need" (NeurIPS)
and of PaperQA (arXiv only), and dblp's wrong top hit for "attention is all you need".
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from stub_api import StubData, StubServer

HERE = Path(__file__).resolve().parent
API = HERE / "fixtures" / "api"
CATALOG_FIXTURE = HERE / "fixtures" / "checker-catalog"


def recorded(path: str) -> Any:
    return json.loads((API / path).read_text(encoding="utf-8"))


def s2_attention() -> dict[str, Any]:
    return recorded("semanticscholar/search_match_attention_neurips.json")["data"][0]


def s2_paperqa() -> dict[str, Any]:
    return recorded("semanticscholar/search_match_paperqa_arxiv_only.json")["data"][0]


def dblp_wrong_top_hit() -> dict[str, Any]:
    return recorded("dblp/search_publ_attention_is_all_you_need_h1.json")["result"]["hits"][
        "hit"][0]["info"]


def record_text(
    rid: str, title: str, authors: list[str], arxiv: str | None, year: int, *,
    extra: str = "", comment: str = "",
) -> str:
    lines = ["# yaml-language-server: $schema=../schema/record.schema.json"]
    if comment:
        lines.append(f"# {comment}")
    lines += [f"id: {rid}", f"title: {json.dumps(title)}", "authors:"]
    lines += [f"  - {json.dumps(a)}" for a in authors]
    lines += ["venue: arxiv", f"year: {year}", "month: 6"]
    if arxiv:
        lines.append(f'arxiv: "{arxiv}"  # keep as a string')
    lines += [f"citation_key: {rid.replace('-', '')}", "links:",
              f"  paper: https://arxiv.org/abs/{arxiv or '0000.00000'}",
              "categories:", "  - system/caching-technique"]
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("added: 2024-06-09")
    return "\n".join(lines) + "\n"


DEEPCACHE_AUTHORS = ["Xinyin Ma", "Gongfan Fang", "Xinchao Wang"]
ATTENTION_AUTHORS = ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit",
                     "Llion Jones", "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"]
PAPERQA_AUTHORS = ["Jakub Lála", "Odhran O'Donoghue", "Aleksandar Shtedritski", "Sam Cox",
                   "Samuel G. Rodriques", "Andrew D. White"]
FASTER_AUTHORS = ["Alice Keller", "Bo Chen", "Carla Diaz"]


def build_catalog(root: Path) -> dict[str, Path]:
    """The checker's test catalog under `root`; returns record paths by id."""
    (root / "papers").mkdir(parents=True)
    shutil.copy(CATALOG_FIXTURE / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copy(CATALOG_FIXTURE / "venues.yaml", root / "venues.yaml")
    records = {
        "deepcache-2023": record_text(
            "deepcache-2023", "DeepCache: Accelerating Diffusion Models for Free",
            DEEPCACHE_AUTHORS, "2312.00858", 2023,
            comment="Imported from the survey's README; keep this comment."),
        "attention-2017": record_text(
            "attention-2017", "Attention Is All You Need", ATTENTION_AUTHORS, "1706.03762",
            2017),
        "paperqa-2023": record_text(
            "paperqa-2023", "PaperQA: Retrieval-Augmented Generative Agent for Scientific "
            "Research", PAPERQA_AUTHORS, "2312.07559", 2023),
        "faster-sampler-2022": record_text(
            "faster-sampler-2022", "Faster Sampler: Few-Step Diffusion via Learned Solvers",
            FASTER_AUTHORS, "2210.00001", 2022),
        "wrong-hit-2021": record_text(
            "wrong-hit-2021", "Attention Is All You Need for Layouts", ["Zed Quux", "Ann Other"],
            None, 2021),
        "pinned-2023": record_text(
            "pinned-2023", "DeepCache Pinned Twin", DEEPCACHE_AUTHORS, "2312.99999", 2023,
            extra="venue_check:\n  ignore: true\n  reason: dblp confuses it with another paper"),
    }
    paths = {}
    for rid, text in records.items():
        path = root / "papers" / f"{rid}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[rid] = path
    return paths


def stub_data() -> StubData:
    data = StubData()
    data.arxiv = {
        "2312.00858": {"title": "DeepCache: Accelerating Diffusion Models for Free",
                       "authors": DEEPCACHE_AUTHORS, "published": "2023-12-01T18:58:36Z",
                       "summary": "Diffusion models have recently gained attention."},
        "1706.03762": {"title": "Attention Is All You Need", "authors": ATTENTION_AUTHORS,
                       "published": "2017-06-12T17:57:34Z", "summary": "The dominant ...",
                       "comment": "15 pages, 5 figures"},
        "2312.07559": {"title": "PaperQA: Retrieval-Augmented Generative Agent for "
                       "Scientific Research", "authors": PAPERQA_AUTHORS,
                       "published": "2023-12-08T18:50:20Z", "summary": "LLMs ..."},
        "2210.00001": {"title": "Faster Sampler: Few-Step Diffusion via Learned Solvers",
                       "authors": FASTER_AUTHORS, "published": "2022-10-01T00:00:00Z",
                       "summary": "We ...", "comment": "Under review at ICLR 2023"},
        "2312.99999": {"title": "DeepCache Pinned Twin", "authors": DEEPCACHE_AUTHORS,
                       "published": "2023-12-02T00:00:00Z", "summary": "..."},
    }
    data.s2 = {
        "2312.00858": {
            "paperId": "0d1f0e1c", "title": "DeepCache: Accelerating Diffusion Models for Free",
            "venue": "Computer Vision and Pattern Recognition", "year": 2024,
            "publicationVenue": {"name": "Computer Vision and Pattern Recognition",
                                 "type": "conference", "alternate_names": ["CVPR"]},
            "externalIds": {"ArXiv": "2312.00858", "DOI": "10.1109/CVPR52733.2024.01492",
                            "DBLP": "conf/cvpr/MaFW24"},
            "journal": {"pages": "15762-15772"},
            "authors": [{"authorId": "1", "name": n} for n in DEEPCACHE_AUTHORS],
            "publicationTypes": ["JournalArticle", "Conference"], "publicationDate": None,
        },
        "1706.03762": s2_attention(),
        "2312.07559": s2_paperqa(),
        # 2210.00001 is unknown to Semantic Scholar: the batch answers null.
    }
    data.dblp = [
        {"authors": {"author": [{"@pid": "1/1", "text": "Alice Keller"},
                                {"@pid": "1/2", "text": "Bo Chen 0004"},
                                {"@pid": "1/3", "text": "Carla Diaz"}]},
         "title": "Faster Sampler: Few-Step Diffusion via Learned Solvers.",
         "venue": "CoRR", "volume": "abs/2210.00001", "year": "2022",
         "type": "Informal and Other Publications", "key": "journals/corr/abs-2210-00001",
         "ee": "https://arxiv.org/abs/2210.00001",
         "url": "https://dblp.org/rec/journals/corr/abs-2210-00001"},
        {"authors": {"author": [{"@pid": "1/1", "text": "Alice Keller"},
                                {"@pid": "1/2", "text": "Bo Chen 0004"},
                                {"@pid": "1/3", "text": "Carla Diaz"}]},
         "title": "Faster Sampler: Few-Step Diffusion via Learned Solvers.",
         "venue": "ICLR", "year": "2023", "type": "Conference and Workshop Papers",
         "key": "conf/iclr/KellerCD23", "ee": "https://openreview.net/forum?id=abc123",
         "url": "https://dblp.org/rec/conf/iclr/KellerCD23"},
        dblp_wrong_top_hit(),
    ]
    return data


def stub_env(stub: StubServer, cache: Path, **overrides: str) -> dict[str, str]:
    """Environment for a CLI run against the stub: fast limits, short timeouts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EFFDIFF_")}
    env.pop("SEMANTIC_SCHOLAR_API_KEY", None)
    env.update(stub.urls)
    env.update({
        "EFFDIFF_CACHE_DIR": str(cache),
        "EFFDIFF_CONTACT": "maintainer@example.org",
        "EFFDIFF_S2_API_KEY": "test-key",
        "EFFDIFF_ARXIV_INTERVAL": "0.05", "EFFDIFF_S2_INTERVAL": "0.05",
        "EFFDIFF_DBLP_INTERVAL": "0.05",
        "EFFDIFF_ARXIV_BACKOFF": "0.05", "EFFDIFF_S2_BACKOFF": "0.05",
        "EFFDIFF_DBLP_BACKOFF": "0.05",
        "EFFDIFF_ARXIV_RETRIES": "2", "EFFDIFF_S2_RETRIES": "2", "EFFDIFF_DBLP_RETRIES": "2",
        "EFFDIFF_ARXIV_TIMEOUT": "1", "EFFDIFF_S2_TIMEOUT": "1", "EFFDIFF_DBLP_TIMEOUT": "1",
    })
    env.update(overrides)
    return env


def synthetic(root: Path, n: int, *, published_share: float = 1.0) -> StubData:
    """`n` preprint records under `root`, and stub data for them.

    The first `published_share` of them are ICLR papers by Semantic Scholar; the rest are
    arXiv-only, so they fall back to a dblp title search (which finds nothing).
    """
    (root / "papers").mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        if not (root / name).exists():
            shutil.copy(CATALOG_FIXTURE / name, root / name)
    data = StubData()
    n_published = round(n * published_share)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
             "kappa"]
    for i in range(n):
        arxiv = f"23{(i // 9000) % 12 + 1:02d}.{10000 + i:05d}"
        title = f"Synthetic Diffusion Study {' '.join(words[int(d)] for d in f'{i:04d}')}"
        authors = [f"Author{i} Surname{i}", f"Second{i} Writer{i}"]
        rid = f"synthetic-{i:04d}-2023"
        (root / "papers" / f"{rid}.yaml").write_text(
            record_text(rid, title, authors, arxiv, 2023), encoding="utf-8")
        data.arxiv[arxiv] = {"title": title, "authors": authors,
                             "published": "2023-05-01T00:00:00Z", "summary": "Synthetic."}
        if i < n_published:
            data.s2[arxiv] = {
                "paperId": f"s2-{i}", "title": title, "venue": "ICLR", "year": 2024,
                "publicationVenue": None, "externalIds": {"ArXiv": arxiv},
                "authors": [{"authorId": str(i), "name": a} for a in authors],
            }
        else:
            data.s2[arxiv] = {
                "paperId": f"s2-{i}", "title": title, "venue": "arXiv.org", "year": 2023,
                "journal": {"name": "ArXiv"}, "externalIds": {"ArXiv": arxiv},
                "authors": [{"authorId": str(i), "name": a} for a in authors],
            }
    return data
