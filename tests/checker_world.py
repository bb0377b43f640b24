"""A small catalog of preprint records and what the (stub) APIs know about them.

Shared by the checker's tests. Where a recorded real response fits, it is used as is
(tests/fixtures/api/, see SOURCES.md): Semantic Scholar's records of "Attention Is All You
Need" (NeurIPS) and of PaperQA (arXiv only), OpenAlex's PaperQA preprint work, dblp's wrong
top hit for "attention is all you need", and the real ICLR 2023 volume (its dblp records,
served in the shape of a toc answer). The rest are synthetic answers shaped like these.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from stub_api import StubData, StubServer

HERE = Path(__file__).resolve().parent
API = HERE / "fixtures" / "api"
CATALOG_FIXTURE = HERE / "fixtures" / "checker-catalog"
SOURCE_PREFIXES = ("ARXIV", "S2", "OPENALEX", "CROSSREF", "DBLP")


def recorded(path: str) -> Any:
    return json.loads((API / path).read_text(encoding="utf-8"))


def s2_attention() -> dict[str, Any]:
    return recorded("semanticscholar/search_match_attention_neurips.json")["data"][0]


def s2_paperqa() -> dict[str, Any]:
    return recorded("semanticscholar/search_match_paperqa_arxiv_only.json")["data"][0]


def dblp_wrong_top_hit() -> dict[str, Any]:
    return recorded("dblp/search_publ_attention_is_all_you_need_h1.json")["result"]["hits"][
        "hit"][0]["info"]


def openalex_paperqa_preprint() -> dict[str, Any]:
    return recorded("openalex/works_title_search_paperqa_arxiv_only.json")["results"][0]


def openalex_chemcrow_works() -> list[dict[str, Any]]:
    """The journal work (W4396723768) and the preprint work (W4365597205), as recorded."""
    return recorded("openalex/works_title_search_chemcrow_preprint_and_journal.json")["results"]


def crossref_chemcrow() -> dict[str, Any]:
    return recorded("crossref/works_query_title_chemcrow_journal.json")["message"]["items"][0]


def dblp_info(key: str, title: str, venue: str, year: int, authors: list[str],
              **extra: Any) -> dict[str, Any]:
    """A dblp search-hit `info` object: numbers as strings, a period after the title."""
    return {"authors": {"author": [{"@pid": f"{n}/{n}", "text": a}
                                   for n, a in enumerate(authors)]},
            "title": f"{title}.", "venue": venue, "year": str(year),
            "type": "Conference and Workshop Papers", "key": key,
            "url": f"https://dblp.org/rec/{key}", **extra}


def dblp_volume_from_bib(path: Path, venue: str) -> list[dict[str, Any]]:
    """A real volume's dblp BibTeX records as the `info` objects of its toc answer."""
    out = []
    text = path.read_text(encoding="utf-8")
    for kind, key, body in re.findall(r"@(\w+)\{DBLP:([^,]+),(.*?)\n\}", text, re.S):
        fields = {name: " ".join(value.split()) for name, value in
                  re.findall(r"^\s*(\w+)\s*=\s*\{(.*?)\},?\s*$", body, re.S | re.M)}
        title = re.sub(r"[{}]", "", fields.get("title", ""))
        authors = [a.strip() for a in fields.get("author", "").split(" and ") if a.strip()]
        info = dblp_info(key, title.rstrip("."), venue, int(fields.get("year", "0")), authors,
                         ee=fields.get("url", ""))
        if kind == "proceedings":
            info.update(type="Editorship", authors={"author": []})
        out.append(info)
    return out


def iclr2023_volume() -> list[dict[str, Any]]:
    return dblp_volume_from_bib(API / "dblp" / "toc_iclr2023.bib", "ICLR")


def s2_record(arxiv: str, title: str, venue: str, year: int | None, authors: list[str],
              **extra: Any) -> dict[str, Any]:
    return {"paperId": f"s2-{arxiv}", "title": title, "venue": venue, "year": year,
            "publicationVenue": None, "externalIds": {"ArXiv": arxiv, **extra.pop("ids", {})},
            "authors": [{"authorId": str(n), "name": a} for n, a in enumerate(authors)],
            **extra}


def openalex_work(work_id: str, title: str, doi: str, year: int, authors: list[str],
                  locations: list[tuple[str, str, str]], kind: str = "article") -> dict[str, Any]:
    """An OpenAlex work; `locations` are (source name, source type, version)."""
    return {"id": f"https://openalex.org/{work_id}", "doi": f"https://doi.org/{doi}",
            "display_name": title, "publication_year": year, "type": kind,
            "authorships": [{"author": {"display_name": a}} for a in authors],
            "locations": [{"source": {"display_name": name, "type": stype}, "version": version,
                           "landing_page_url": None} for name, stype, version in locations]}


def arxiv_location() -> tuple[str, str, str]:
    return ("arXiv (Cornell University)", "repository", "submittedVersion")


def crossref_item(doi: str, title: str, container: str, year: int, authors: list[str],
                  kind: str = "proceedings-article") -> dict[str, Any]:
    return {"DOI": doi, "title": [title], "container-title": [container], "type": kind,
            "issued": {"date-parts": [[year, 6, 16]]},
            "author": [{"given": " ".join(a.split()[:-1]), "family": a.split()[-1]}
                       for a in authors]}


def record_text(
    rid: str, title: str, authors: list[str], arxiv: str | None, year: int, *,
    extra: str = "", comment: str = "",
) -> str:
    lines = ["# yaml-language-server: $schema=../schema/record.schema.json"]
    if comment:
        lines.append(f"# {comment}")
    lines += [f"id: {rid}", f"title: {json.dumps(title)}"]
    lines += ["authors:", *(f"  - {json.dumps(a)}" for a in authors)] if authors else [
        "authors: []"]
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


def new_catalog(root: Path) -> None:
    (root / "papers").mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy.yaml", "venues.yaml"):
        if not (root / name).exists():
            shutil.copy(CATALOG_FIXTURE / name, root / name)


def write_records(root: Path, records: dict[str, str]) -> dict[str, Path]:
    paths = {}
    for rid, text in records.items():
        path = root / "papers" / f"{rid}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[rid] = path
    return paths


DEEPCACHE_AUTHORS = ["Xinyin Ma", "Gongfan Fang", "Xinchao Wang"]
ATTENTION_AUTHORS = ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit",
                     "Llion Jones", "Aidan N. Gomez", "Lukasz Kaiser", "Illia Polosukhin"]
PAPERQA_AUTHORS = ["Jakub Lála", "Odhran O'Donoghue", "Aleksandar Shtedritski", "Sam Cox",
                   "Samuel G. Rodriques", "Andrew D. White"]
FASTER_AUTHORS = ["Alice Keller", "Bo Chen", "Carla Diaz"]
DEEPCACHE_DOI = "10.1109/CVPR52733.2024.01492"
DEEPCACHE_TITLE = "DeepCache: Accelerating Diffusion Models for Free"
FASTER_TITLE = "Faster Sampler: Few-Step Diffusion via Learned Solvers"


def build_catalog(root: Path) -> dict[str, Path]:
    """The checker's test catalog under `root`; returns record paths by id."""
    new_catalog(root)
    return write_records(root, {
        "deepcache-2023": record_text(
            "deepcache-2023", DEEPCACHE_TITLE, DEEPCACHE_AUTHORS, "2312.00858", 2023,
            comment="Imported from the survey's README; keep this comment."),
        "attention-2017": record_text(
            "attention-2017", "Attention Is All You Need", ATTENTION_AUTHORS, "1706.03762",
            2017),
        "paperqa-2023": record_text(
            "paperqa-2023", "PaperQA: Retrieval-Augmented Generative Agent for Scientific "
            "Research", PAPERQA_AUTHORS, "2312.07559", 2023),
        "faster-sampler-2022": record_text(
            "faster-sampler-2022", FASTER_TITLE, FASTER_AUTHORS, "2210.00001", 2022),
        "wrong-hit-2021": record_text(
            "wrong-hit-2021", "Attention Is All You Need for Layouts", ["Zed Quux", "Ann Other"],
            None, 2021),
        "pinned-2023": record_text(
            "pinned-2023", "DeepCache Pinned Twin", DEEPCACHE_AUTHORS, "2312.99999", 2023,
            extra="venue_check:\n  ignore: true\n  reason: dblp confuses it with another paper"),
    })


def stub_data() -> StubData:
    data = StubData()
    data.arxiv = {
        "2312.00858": {"title": DEEPCACHE_TITLE, "authors": DEEPCACHE_AUTHORS,
                       "published": "2023-12-01T18:58:36Z",
                       "summary": "Diffusion models have recently gained attention."},
        "1706.03762": {"title": "Attention Is All You Need", "authors": ATTENTION_AUTHORS,
                       "published": "2017-06-12T17:57:34Z", "summary": "The dominant ...",
                       "comment": "15 pages, 5 figures"},
        "2312.07559": {"title": "PaperQA: Retrieval-Augmented Generative Agent for "
                       "Scientific Research", "authors": PAPERQA_AUTHORS,
                       "published": "2023-12-08T18:50:20Z", "summary": "LLMs ..."},
        "2210.00001": {"title": FASTER_TITLE, "authors": FASTER_AUTHORS,
                       "published": "2022-10-01T00:00:00Z", "summary": "We ...",
                       "comment": "Under review at ICLR 2023"},
        "2312.99999": {"title": "DeepCache Pinned Twin", "authors": DEEPCACHE_AUTHORS,
                       "published": "2023-12-02T00:00:00Z", "summary": "..."},
    }
    data.s2 = {
        "2312.00858": {
            "paperId": "0d1f0e1c", "title": DEEPCACHE_TITLE,
            "venue": "Computer Vision and Pattern Recognition", "year": 2024,
            "publicationVenue": {"name": "Computer Vision and Pattern Recognition",
                                 "type": "conference", "alternate_names": ["CVPR"]},
            "externalIds": {"ArXiv": "2312.00858", "DOI": DEEPCACHE_DOI,
                            "DBLP": "conf/cvpr/MaFW24"},
            "journal": {"pages": "15762-15772"},
            "authors": [{"authorId": "1", "name": n} for n in DEEPCACHE_AUTHORS],
            "publicationTypes": ["JournalArticle", "Conference"], "publicationDate": None,
        },
        "1706.03762": s2_attention(),
        "2312.07559": s2_paperqa(),
        # 2210.00001 is unknown to Semantic Scholar: the batch answers null.
    }
    data.openalex = [openalex_paperqa_preprint()]
    data.crossref = {DEEPCACHE_DOI.lower(): crossref_item(
        DEEPCACHE_DOI, DEEPCACHE_TITLE,
        "2024 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)", 2024,
        DEEPCACHE_AUTHORS)}
    faster_iclr = dblp_info("conf/iclr/KellerCD23", FASTER_TITLE, "ICLR", 2023,
                            ["Alice Keller", "Bo Chen 0004", "Carla Diaz"],
                            ee="https://openreview.net/forum?id=abc123")
    data.dblp_volumes = {
        "db/conf/iclr/iclr2023.bht": [*iclr2023_volume(), faster_iclr],
        "db/conf/cvpr/cvpr2024.bht": [dblp_info(
            "conf/cvpr/MaFW24", DEEPCACHE_TITLE, "CVPR", 2024, DEEPCACHE_AUTHORS,
            doi=DEEPCACHE_DOI, ee=f"https://doi.org/{DEEPCACHE_DOI}")],
        "db/conf/nips/nips2017.bht": [dblp_info(
            "conf/nips/VaswaniSPUJGKP17", "Attention is All you Need", "NIPS", 2017,
            ATTENTION_AUTHORS,
            ee="https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa")],
    }
    data.dblp = [
        dblp_info("journals/corr/abs-2210-00001", FASTER_TITLE, "CoRR", 2022,
                  ["Alice Keller", "Bo Chen 0004", "Carla Diaz"],
                  type="Informal and Other Publications", volume="abs/2210.00001",
                  ee="https://arxiv.org/abs/2210.00001"),
        dblp_wrong_top_hit(),
    ]
    return data


def stub_env(stub: StubServer, cache: Path, **overrides: str) -> dict[str, str]:
    """Environment for a CLI run against the stub: fast limits, short timeouts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EFFDIFF_")}
    env.pop("SEMANTIC_SCHOLAR_API_KEY", None)
    env.pop("OPENALEX_API_KEY", None)
    env.update(stub.urls)
    env.update({"EFFDIFF_CACHE_DIR": str(cache), "EFFDIFF_CONTACT": "maintainer@example.org",
                "EFFDIFF_S2_API_KEY": "test-key"})
    for prefix in SOURCE_PREFIXES:
        env.update({f"EFFDIFF_{prefix}_INTERVAL": "0.02", f"EFFDIFF_{prefix}_BACKOFF": "0.05",
                    f"EFFDIFF_{prefix}_RETRIES": "2", f"EFFDIFF_{prefix}_TIMEOUT": "1"})
    env.update(overrides)
    return env


# --- the benchmark's and the kill test's catalog ------------------------------------------

# Ten venue-years, all with a dblp volume of their own (the fixture registry's venues).
VENUE_YEARS = [(venue, year) for venue in ("iclr", "neurips", "icml", "cvpr", "dac")
               for year in (2023, 2024)]
_S2_NAMES = {"iclr": "ICLR", "neurips": "Neural Information Processing Systems",
             "icml": "International Conference on Machine Learning",
             "cvpr": "Computer Vision and Pattern Recognition",
             "dac": "Design Automation Conference"}
_DBLP_VENUES = {"iclr": "ICLR", "neurips": "NeurIPS", "icml": "ICML", "cvpr": "CVPR",
                "dac": "DAC"}
_TOC_NAMES = {"neurips": "conf/nips/neurips"}
# Proceedings with DOIs (IEEE): Crossref confirms them.
_CROSSREF_CONTAINERS = {
    "cvpr": "{year} IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",
    "dac": "{year} ACM/IEEE Design Automation Conference (DAC)"}


_SYLLABLES = ("ba", "ko", "di", "mu", "se", "ra", "lo", "ni", "pe", "tu", "ga", "vo", "fi",
              "zu", "he", "ka", "mo", "ri", "su", "te")


def made_up_word(n: int) -> str:
    """A distinct pronounceable word for each n < 20**4: 'bakodi' style."""
    return "".join(_SYLLABLES[(n // 20 ** k) % 20] for k in range(4))


def synthetic_truth(n: int, published_share: float) -> dict[str, tuple[str, int]]:
    """Which synthetic records are published, and where: record id -> (venue, year)."""
    unpublished = 1.0 - published_share
    published = [i for i in range(n) if int((i + 1) * unpublished) == int(i * unpublished)]
    return {f"synthetic-{i:04d}-2023": VENUE_YEARS[k % len(VENUE_YEARS)]
            for k, i in enumerate(published)}


def synthetic(root: Path, n: int, *, published_share: float = 1.0) -> StubData:
    """`n` preprint records under `root` (arXiv 2023), and stub data for them.

    A `published_share` of them, evenly spread through the catalog, are published at one
    of `VENUE_YEARS` (in turn, see `synthetic_truth`): Semantic Scholar names the venue
    (with the arXiv year 2023, whatever the venue year: the trap at scale), OpenAlex has
    the arXiv work with the venue merged in, and the venue's dblp volume lists the paper.
    The rest are arXiv-only everywhere, and fall back to title searches.
    """
    new_catalog(root)
    data = StubData()
    truth = synthetic_truth(n, published_share)
    for i in range(n):
        arxiv = f"23{(i // 9000) % 12 + 1:02d}.{10000 + i:05d}"
        title = (f"{made_up_word(i).title()} {made_up_word(i + 7919)} Diffusion with "
                 f"{made_up_word(3 * i + 101)} {made_up_word(5 * i + 307)}")
        authors = [f"Ann {made_up_word(i).title()}ski", f"Bo {made_up_word(i + 4409).title()}"]
        rid = f"synthetic-{i:04d}-2023"
        (root / "papers" / f"{rid}.yaml").write_text(
            record_text(rid, title, authors, arxiv, 2023), encoding="utf-8")
        data.arxiv[arxiv] = {"title": title, "authors": authors,
                             "published": "2023-05-01T00:00:00Z", "summary": "Synthetic."}
        locations = [arxiv_location()]
        if rid in truth:
            venue, year = truth[rid]
            doi = (f"10.1109/{venue.upper()}{year}.{i:05d}" if venue in _CROSSREF_CONTAINERS
                   else None)
            data.s2[arxiv] = s2_record(arxiv, title, _S2_NAMES[venue], 2023, authors,
                                       ids={"DOI": doi} if doi else {})
            if doi:
                data.crossref[doi.lower()] = crossref_item(
                    doi, title, _CROSSREF_CONTAINERS[venue].format(year=year), year, authors)
            locations.append((_S2_NAMES[venue], "conference", "publishedVersion"))
            toc_name = _TOC_NAMES.get(venue, f"conf/{venue}/{venue}")
            data.dblp_volumes.setdefault(f"db/{toc_name}{year}.bht", []).append(dblp_info(
                f"conf/{venue}/S{i}{year % 100}", title, _DBLP_VENUES[venue], year, authors))
        else:
            data.s2[arxiv] = s2_record(arxiv, title, "arXiv.org", 2023, authors,
                                       journal={"name": "ArXiv"})
        data.openalex.append(openalex_work(f"W{i}", title, f"10.48550/arxiv.{arxiv}", 2023,
                                           authors, locations, kind="preprint"))
    return data
