"""The world of `effdiff discover`'s tests: the real catalog, a real proceedings volume, a
synthetic week of arXiv and synthetic citations of the survey, served by the loopback stub.

Real: the catalog (papers/, taxonomy.yaml, venues.yaml, catalog.yaml of this repository,
copied), the ICLR 2023 volume's dblp records (tests/fixtures/dblp/iclr2023.bib, served as
a toc answer like tests/checker_world.py does), and the CVPR 2023 volume's titles, which
play the week's arXiv submissions. Synthetic, shaped like the recorded answers in
tests/fixtures/api/ (see SOURCES.md): the arXiv entries themselves (ids, dates,
categories, abstracts) and the Semantic Scholar citing papers.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

from checker_world import dblp_volume_from_bib
from stub_api import StubData

REPO = Path(__file__).resolve().parent.parent
DBLP = REPO / "tests" / "fixtures" / "dblp"
ICLR_TOC = "db/conf/iclr/iclr2023.bht"
SURVEY = "2502.06805"  # catalog.yaml's survey.arxiv
WEEK = (dt.date(2026, 11, 2), dt.date(2026, 11, 9))
WEEK_OPTIONS = ["--venue", "iclr", "--year", "2023", "--arxiv-since", str(WEEK[0]),
                "--arxiv-until", str(WEEK[1])]
CATEGORIES = ("cs.CV", "cs.LG", "cs.AI")

# An ICLR 2023 paper the catalog lacks, also submitted to arXiv this week: one candidate.
MERGED_TITLE = "Flow Matching for Generative Modeling"
MERGED_ARXIV = "2611.09001"
# A title from a source, written to break Markdown and links.
HOSTILE_ARXIV = "2611.09002"
HOSTILE_TITLE = ("Fast Diffusion Sampling <script>alert(1)</script> "
                 "[click](javascript:alert(1)) `rm -rf` | pipe")
# A catalog paper, cited under the title of another version of it: not a candidate.
DEEPCACHE_ARXIV = "2312.00858"
DEEPCACHE_OTHER_TITLE = "DeepCache v2: Training-Free Acceleration of Diffusion Models"
# A citing paper with the title of a catalog paper but another arXiv id: a suspected
# duplicate, left out and listed.
SUSPECT_TITLE = "DeepCache: Accelerating Diffusion Models for Free"
SUSPECT_ARXIV = "2505.01234"
# A citing paper known by its dblp record and DOI only.
DBLP_ONLY_KEY = "conf/cvpr/DoeRoe24"
DBLP_ONLY_DOI = "10.1109/CVPR52733.2024.09999"
DBLP_ONLY_TITLE = "Token Merging for Efficient Latent Diffusion Transformers"


def copy_catalog(root: Path) -> Path:
    """This repository's catalog under `root`: records, taxonomy, venues, project file,
    and the rejections file."""
    shutil.copytree(REPO / "papers", root / "papers")
    shutil.copytree(REPO / "discovery", root / "discovery")
    for name in ("taxonomy.yaml", "venues.yaml", "catalog.yaml"):
        shutil.copy(REPO / name, root / name)
    return root


def dblp_volume(name: str, short: str) -> list[dict[str, Any]]:
    """A real volume of tests/fixtures/dblp/ as dblp's toc answer gives it: its records'
    links without BibTeX's escaping ('id=U\\_T8' is 'id=U_T8' in dblp's JSON), so that
    two papers never share a truncated OpenReview link."""
    hits = dblp_volume_from_bib(DBLP / f"{name}.bib", short)
    for info in hits:
        info["ee"] = info.get("ee", "").replace("\\_", "_")
    return hits


def cvpr_titles() -> list[str]:
    text = (DBLP / "cvpr2023.bib").read_text(encoding="utf-8")
    titles = re.findall(r"^\s*title\s*=\s*\{(.*?)\},?\s*$", text, re.S | re.M)
    return [" ".join(re.sub(r"[{}\\$]", "", t).split()) for t in titles if "\\" not in t]


def arxiv_week(n: int, start: dt.date = WEEK[0]) -> dict[str, dict[str, Any]]:
    """`n` submissions spread over the seven days from `start`, real CVPR 2023 titles,
    in turn in cs.CV, cs.LG and cs.AI; then the merged and the hostile ones."""
    titles = cvpr_titles()
    week: dict[str, dict[str, Any]] = {}
    for i in range(n):
        day = start + dt.timedelta(days=i % 7)
        week[f"2611.{i:05d}"] = {
            "title": titles[i % len(titles)], "authors": [f"Author {i}", "Second Author"],
            "published": f"{day}T{i % 24:02d}:{i % 60:02d}:00Z",
            "summary": "We study the problem.", "categories": [CATEGORIES[i % 3]],
        }
    week[MERGED_ARXIV] = {"title": MERGED_TITLE, "authors": ["Yaron Lipman"],
                          "published": f"{start}T09:00:00Z", "categories": ["cs.LG"],
                          "summary": "Continuous normalizing flows trained without simulation."}
    week[HOSTILE_ARXIV] = {"title": HOSTILE_TITLE, "authors": ["Eve | Mallory"],
                           "published": f"{start}T10:00:00Z", "categories": ["cs.CV"],
                           "summary": "Caching denoiser features speeds up diffusion sampling."}
    return week


def s2_citer(paper_id: str, title: str, ids: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A `citingPaper` object as the citations endpoint gives it (fields we ask for)."""
    return {"paperId": paper_id, "title": title, "externalIds": ids,
            "authors": [{"authorId": "1", "name": "Jane Doe"}], "venue": extra.get("venue", ""),
            "year": extra.get("year", 2026), "abstract": extra.get("abstract")}


def survey_citers() -> list[dict[str, Any]]:
    return [
        s2_citer("s2merged", MERGED_TITLE, {"ArXiv": MERGED_ARXIV}),
        s2_citer("s2dblp", DBLP_ONLY_TITLE, {"DBLP": DBLP_ONLY_KEY, "DOI": DBLP_ONLY_DOI},
                 venue="Computer Vision and Pattern Recognition", year=2024),
        s2_citer("s2only", "Step-Distilled Diffusion for Video Generation", {}),
        s2_citer("s2deepcache", DEEPCACHE_OTHER_TITLE, {"ArXiv": DEEPCACHE_ARXIV}),
        s2_citer("s2suspect", SUSPECT_TITLE, {"ArXiv": SUSPECT_ARXIV}),
    ]


def world_data(week: int = 60) -> StubData:
    data = StubData()
    data.dblp_volumes = {ICLR_TOC: dblp_volume("iclr2023", "ICLR")}
    data.arxiv = arxiv_week(week)
    data.s2_citations = {f"ARXIV:{SURVEY}": survey_citers()}
    return data
