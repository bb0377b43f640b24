"""`effdiff add`: new records from arXiv ids, venue from the evidence, a citation key,
no duplicates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from checker_world import build_catalog, stub_data, stub_env
from stub_api import StubServer

from effdiff_catalog.checker.add import parse_arxiv_ref
from effdiff_catalog.records.catalog import load_catalog
from effdiff_catalog.records.models import Paper


def effdiff(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "effdiff_catalog.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ref", [
    "2312.00858", "2312.00858v2", "arXiv:2312.00858", "https://arxiv.org/abs/2312.00858v1",
    "https://arxiv.org/pdf/2312.00858v3.pdf", "http://export.arxiv.org/abs/2312.00858",
])
def test_parse_arxiv_refs(ref: str) -> None:
    assert parse_arxiv_ref(ref) == "2312.00858"


@pytest.mark.parametrize("ref", ["", "abc", "https://example.org/abs/2312.00858",
                                 "javascript:alert(1)"])
def test_bad_refs_are_refused(ref: str) -> None:
    with pytest.raises(ValueError):
        parse_arxiv_ref(ref)


def test_add_batch_writes_valid_records_and_refuses_duplicates(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    build_catalog(root)
    for name in ("deepcache-2023", "attention-2017"):  # make room to add them back
        (root / "papers" / f"{name}.yaml").unlink()
    data = stub_data()
    data.arxiv["2401.00001"] = {"title": "Faster Sampler: Few-Step Diffusion via Learned "
                                "Solvers", "authors": ["Alice Keller"],
                                "published": "2024-01-01T00:00:00Z", "summary": "Same title."}
    with StubServer(data) as stub:
        env = stub_env(stub, tmp_path / "cache")
        run = effdiff(["add", "--root", str(root), "--category", "system/caching-technique",
                       "https://arxiv.org/abs/2312.00858v2", "1706.03762", "2312.07559",
                       "2401.00001", "1706.03762v1", "2501.99999"], env)
        assert run.returncode == 1  # some could not be added
        written = [Path(line) for line in run.stdout.splitlines()]
        assert [p.name for p in written] == ["deepcache-2024.yaml",
                                             "attention-all-need-2017.yaml"], run.stdout
        assert "2312.07559: not added: already in the catalog as paperqa-2023" in run.stderr
        assert ("2401.00001: not added: already in the catalog as faster-sampler-2022"
                in run.stderr)
        assert "1706.03762v1: not added: given twice" in run.stderr
        assert "2501.99999: not added: arXiv has no paper 2501.99999" in run.stderr
        assert "venue CVPR 2024 (crossref, dblp, semanticscholar)" in run.stderr
        requests = {s: len(stub.requests(s)) for s in ("arxiv", "s2", "openalex", "crossref")}
    # One batch each for the whole list: the checker's run reads arXiv from the cache.
    assert requests == {"arxiv": 1, "s2": 1, "openalex": 1, "crossref": 1}
    catalog, diagnostics = load_catalog(root)
    assert not [d for d in diagnostics if d.severity == "error"]
    records = catalog.by_id()
    deepcache = records["deepcache-2024"]
    assert isinstance(deepcache, Paper)
    assert (deepcache.venue, deepcache.year) == ("cvpr", 2024)
    assert deepcache.doi == "10.1109/CVPR52733.2024.01492"
    assert deepcache.authors == ["Xinyin Ma", "Gongfan Fang", "Xinchao Wang"]
    assert deepcache.links.paper == "https://arxiv.org/abs/2312.00858"
    assert deepcache.categories == ["system/caching-technique"]
    assert deepcache.month == 12 and deepcache.abstract
    assert deepcache.citation_key == "ma2024deepcache"
    assert records["attention-all-need-2017"].citation_key == "vaswani2017attention"  # type: ignore[union-attr]


def test_add_assigns_a_citation_key_no_record_has_or_will_get(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    build_catalog(root)
    stored = root / "papers" / "deepcache-2023.yaml"
    stored.write_text(stored.read_text().replace("citation_key: deepcache2023",
                                                 "citation_key: ma2024faster"))
    unstored = root / "papers" / "pinned-2023.yaml"  # its computed key: ma2023deepcache
    unstored.write_text(unstored.read_text().replace("citation_key: pinned2023\n", ""))
    data = stub_data()
    for arxiv, title, date in (("2402.00002", "Faster Caching for Diffusion", "2024-02-01"),
                               ("2303.00003", "DeepCache Revisited", "2023-03-01")):
        data.arxiv[arxiv] = {"title": title, "authors": ["Xinyin Ma"],
                             "published": f"{date}T00:00:00Z", "summary": "..."}
    with StubServer(data) as stub:
        run = effdiff(["add", "--root", str(root), "-c", "system/caching-technique",
                       "2402.00002", "2303.00003"], stub_env(stub, tmp_path / "cache"))
    assert run.returncode == 0, run.stderr
    keys = [Paper.model_validate(yaml.safe_load(Path(p).read_text())).citation_key
            for p in run.stdout.splitlines()]
    assert keys == ["ma2024fastera", "ma2023deepcachea"]


def test_add_keeps_arxiv_when_no_venue_and_rejects_bad_category(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    build_catalog(root)
    (root / "papers" / "paperqa-2023.yaml").unlink()
    with StubServer(stub_data()) as stub:
        env = stub_env(stub, tmp_path / "cache")
        bad = effdiff(["add", "--root", str(root), "--category", "no/such", "2312.07559"], env)
        assert bad.returncode == 2 and "unknown categories: no/such" in bad.stderr
        run = effdiff(["add", "--root", str(root), "-c", "algorithm/efficient-sampling/solver",
                       "2312.07559"], env)
    assert run.returncode == 0, run.stderr
    path = Path(run.stdout.strip())
    assert path.name == "paperqa-2023.yaml"
    text = path.read_text()
    assert "venue: arxiv\nyear: 2023\nmonth: 12\narxiv: '2312.07559'" in text
    assert "kept as an arXiv preprint" in run.stderr
