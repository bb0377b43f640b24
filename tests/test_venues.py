"""The real venue registry (venues.yaml): names, aliases, cadence, URL patterns, volumes.

These tests load the registry the catalog ships, so a bad edit to venues.yaml (an alias
given to two venues, a pattern that stops matching, a main-conference pattern that starts
catching workshop URLs) fails here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from effdiff_catalog.records.venues import Venue, VenueRegistry

ROOT = Path(__file__).resolve().parent.parent
REGISTRY_PATH = ROOT / "venues.yaml"


@pytest.fixture(scope="module")
def registry() -> VenueRegistry:
    return VenueRegistry.load(REGISTRY_PATH)


def hit_keys(registry: VenueRegistry, url: str) -> list[tuple[str, int | None]]:
    return [(venue.key, year) for venue, year in registry.from_url(url)]


# Every venue label used in the survey README's paper list
# (/work/shared/upstream/Efficient-Diffusion-Model-Survey.README.md, "**[LABEL YEAR]**"),
# with the venue it must resolve to. The README's one "ACL 2024" paper is really NAACL
# (its link is aclanthology.org/2024.naacl-long.2), which the URL test below catches.
SURVEY_LABELS = {
    "ICLR": "iclr",
    "CVPR": "cvpr",
    "ICML": "icml",
    "NeurIPS": "neurips",
    "UAI": "uai",
    "JMLR": "jmlr",
    "ACL": "acl",
    "EMNLP": "emnlp",
    "ECCV": "eccv",
    "AAAI": "aaai",
    "ICCV": "iccv",
    "CVPRW": "cvpr-workshops",
    "FPL": "fpl",
    "ISCAS": "iscas",
    "MLSys": "mlsys",
    "NSDI": "nsdi",
    "TMLR": "tmlr",
    "Arxiv": "arxiv",
}

# Venue strings seen in real data: Semantic Scholar `venue` and OpenAlex source names in
# the recorded API responses (see tests/fixtures SOURCES.md of the checker), booktitles in
# the survey's papers.bib, and dblp labels.
REAL_VENUE_STRINGS = {
    "Neural Information Processing Systems": "neurips",
    "arXiv.org": "arxiv",
    "ArXiv": "arxiv",
    "arXiv (Cornell University)": "arxiv",
    "CoRR": "arxiv",
    "Nature Machine Intelligence": "natmi",
    "Advances in Neural Information Processing Systems (NeurIPS)": "neurips",
    "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition": "cvpr",
    "IEEE/CVF Conference on Computer Vision and Pattern Recognition": "cvpr",
    "Computer Vision and Pattern Recognition": "cvpr",
    "International Conference on Learning Representations": "iclr",
    "International Conference on Machine Learning": "icml",
    "IEEE International Conference on Computer Vision": "iccv",
    "European Conference on Computer Vision (ECCV)": "eccv",
    "European Conference on Computer Vision": "eccv",
    "Proceedings of the AAAI Conference on Artificial Intelligence": "aaai",
    "Conference on Empirical Methods in Natural Language Processing": "emnlp",
    "Transactions on Machine Learning Research": "tmlr",
    "Trans. Mach. Learn. Res.": "tmlr",
    "J. Mach. Learn. Res.": "jmlr",
    "CVPR Workshops": "cvpr-workshops",
    "NAACL-HLT": "naacl",
    "ACL (Findings)": "findings-acl",
    "EMNLP (Findings)": "findings-emnlp",
}

# Real paper URLs from the survey README: (url, venue key, year from the URL).
README_URLS = [
    ("https://proceedings.neurips.cc/paper_files/paper/2023/file/"
     "180d4373aca26bd86bf45fc50d1a709f-Paper-Conference.pdf", "neurips", 2023),
    ("https://proceedings.neurips.cc/paper/2021/file/"
     "0a9fdbb17feb6ccb7ec405cfb85222c4-Paper.pdf", "neurips", 2021),
    ("https://papers.nips.cc/paper_files/paper/2023/file/"
     "51373b6499708b6fcc38f1e8f8f5b376-Paper-Conference.pdf", "neurips", 2023),
    ("https://openaccess.thecvf.com/content/CVPR2023/papers/"
     "Mao_Leapfrog_Diffusion_Model_for_Stochastic_Trajectory_Prediction_CVPR_2023_paper.pdf",
     "cvpr", 2023),
    ("https://openaccess.thecvf.com/content/CVPR2024/papers/"
     "Ma_DeepCache_Accelerating_Diffusion_Models_for_Free_CVPR_2024_paper.pdf", "cvpr", 2024),
    ("https://openaccess.thecvf.com/content/CVPR2024W/EDGE/papers/Castells_LD-Pruner_Efficient_"
     "Pruning_of_Latent_Diffusion_Models_using_Task-Agnostic_Insights_CVPRW_2024_paper.pdf",
     "cvpr-workshops", 2024),
    ("https://openaccess.thecvf.com/content/CVPR2023W/ECV/papers/Chen_Speed_Is_All_You_Need_"
     "On-Device_Acceleration_of_Large_Diffusion_CVPRW_2023_paper.pdf", "cvpr-workshops", 2023),
    ("https://openaccess.thecvf.com/content/ICCV2023/papers/"
     "Li_Q-Diffusion_Quantizing_Diffusion_Models_ICCV_2023_paper.pdf", "iccv", 2023),
    ("https://proceedings.mlsys.org/paper_files/paper/2024/file/"
     "45c1f6a8cbf2da59ebf2c802b4f742cd-Paper-Conference.pdf", "mlsys", 2024),
    ("https://jmlr.org/papers/volume6/hyvarinen05a/hyvarinen05a.pdf", "jmlr", None),
    ("https://ojs.aaai.org/index.php/AAAI/article/view/28226/28447", "aaai", None),
    ("https://aclanthology.org/2024.naacl-long.2.pdf", "naacl", 2024),
    ("https://aclanthology.org/2023.emnlp-main.289.pdf", "emnlp", 2023),
]

# At least one URL for every url_pattern in the registry, with the one venue (and year)
# it must give. README URLs above count too. Most are real paper URLs; a few (marked
# "shape") follow the host's documented layout with a made-up paper id.
PATTERN_EXAMPLES = README_URLS + [
    ("https://papers.nips.cc/paper/7181-attention-is-all-you-need.pdf", "neurips", None),
    ("https://neurips.cc/virtual/2023/poster/71000", "neurips", 2023),  # shape
    ("https://icml.cc/virtual/2024/poster/33400", "icml", 2024),  # shape
    ("https://proceedings.iclr.cc/paper_files/paper/2025/file/"
     "148c0aeea1c5da82f4fa86a09d4190da-Paper-Conference.pdf", "iclr", 2025),
    ("https://iclr.cc/virtual/2024/poster/19000", "iclr", 2024),  # shape
    ("https://www.jmlr.org/papers/v21/20-074.html", "jmlr", None),
    ("http://jmlr.csail.mit.edu/papers/volume6/hyvarinen05a/hyvarinen05a.pdf", "jmlr", None),
    ("https://proceedings.mlsys.org/paper/2020/file/"
     "02522a2b2726fb0a03bb19f2d8d9524d-Paper.pdf", "mlsys", 2020),  # shape
    ("https://www.ijcai.org/proceedings/2023/0001.pdf", "ijcai", 2023),
    ("https://aaai.org/ojs/index.php/AAAI/article/view/5963", "aaai", None),  # shape
    ("http://openaccess.thecvf.com/content_CVPR_2019/papers/"
     "Karras_A_Style-Based_Generator_Architecture_for_Generative_Adversarial_Networks_"
     "CVPR_2019_paper.pdf", "cvpr", 2019),
    ("https://www.cv-foundation.org/openaccess/content_cvpr_2015/papers/"
     "Szegedy_Going_Deeper_With_2015_CVPR_paper.pdf", "cvpr", 2015),
    ("https://cvpr.thecvf.com/virtual/2024/poster/31000", "cvpr", 2024),  # shape
    ("https://openaccess.thecvf.com/content_CVPRW_2019/papers/NTIRE/Wang_EDVR_Video_"
     "Restoration_With_Enhanced_Deformable_Convolutional_Networks_CVPRW_2019_paper.pdf",
     "cvpr-workshops", 2019),
    ("http://openaccess.thecvf.com/content_cvpr_2018_workshops/papers/w9/"
     "DeTone_SuperPoint_Self-Supervised_Interest_CVPR_2018_paper.pdf", "cvpr-workshops", 2018),
    ("https://openaccess.thecvf.com/content_ICCV_2019/papers/"
     "Yun_CutMix_Regularization_Strategy_to_Train_Strong_Classifiers_With_Localizable_"
     "Features_ICCV_2019_paper.pdf", "iccv", 2019),
    ("https://www.cv-foundation.org/openaccess/content_iccv_2015/papers/"
     "He_Delving_Deep_into_ICCV_2015_paper.pdf", "iccv", 2015),
    ("https://openaccess.thecvf.com/content/ICCV2023W/VCL/papers/"
     "Jodelet_Class-Incremental_Learning_Using_Diffusion_Model_for_Distillation_and_Replay_"
     "ICCVW_2023_paper.pdf", "iccv-workshops", 2023),
    ("https://openaccess.thecvf.com/content_ICCVW_2019/papers/R6D/"
     "Pitteri_CorNet_Generic_3D_Corners_for_6D_Pose_Estimation_of_New_Objects_without_"
     "Retraining_ICCVW_2019_paper.pdf", "iccv-workshops", 2019),
    ("http://openaccess.thecvf.com/content_ICCV_2017_workshops/papers/w10/"
     "Example_ICCV_2017_paper.pdf", "iccv-workshops", 2017),  # shape
    ("https://www.ecva.net/papers/eccv_2024/papers_ECCV/papers/00001.pdf", "eccv", 2024),  # shape
    ("https://openaccess.thecvf.com/content_ECCV_2018/papers/"
     "Yuxin_Wu_Group_Normalization_ECCV_2018_paper.pdf", "eccv", 2018),
    ("https://openaccess.thecvf.com/content_ECCVW_2018/papers/11133/"
     "Wang_ESRGAN_Enhanced_Super-Resolution_Generative_Adversarial_Networks_ECCVW_2018_"
     "paper.pdf", "eccv-workshops", 2018),
    ("https://openaccess.thecvf.com/content/WACV2024/papers/"
     "Example_WACV_2024_paper.pdf", "wacv", 2024),  # shape
    ("https://openaccess.thecvf.com/content_WACV_2020/papers/"
     "Example_WACV_2020_paper.pdf", "wacv", 2020),  # shape
    ("https://openaccess.thecvf.com/content/WACV2024W/LLVM-AD/papers/"
     "Example_WACVW_2024_paper.pdf", "wacv-workshops", 2024),  # shape
    ("https://bmva-archive.org.uk/bmvc/2024/papers/Paper_437/paper.pdf", "bmvc", 2024),
    ("https://proceedings.bmvc2023.org/123/", "bmvc", 2023),  # shape
    ("https://openaccess.thecvf.com/content/ACCV2022/papers/Wang_Rethinking_Low-level_"
     "Features_for_Interest_Point_Detection_and_Description_ACCV_2022_paper.pdf", "accv", 2022),
    ("https://aclanthology.org/2023.acl-long.1.pdf", "acl", 2023),
    ("https://www.aclweb.org/anthology/P19-1001.pdf", "acl", None),
    ("https://aclanthology.org/N19-1423.pdf", "naacl", None),
    ("https://aclanthology.org/D19-1410.pdf", "emnlp", None),
    ("https://aclanthology.org/2021.eacl-main.20.pdf", "eacl", 2021),
    ("https://aclanthology.org/E17-2068.pdf", "eacl", None),
    ("https://aclanthology.org/2022.coling-1.1.pdf", "coling", 2022),
    ("https://aclanthology.org/C18-1139.pdf", "coling", None),
    ("https://aclanthology.org/2023.findings-acl.1.pdf", "findings-acl", 2023),
    ("https://aclanthology.org/2020.findings-emnlp.139.pdf", "findings-emnlp", 2020),
    ("https://aclanthology.org/2022.findings-naacl.1.pdf", "findings-naacl", 2022),
    ("https://aclanthology.org/2020.tacl-1.5.pdf", "tacl", 2020),
    ("https://aclanthology.org/Q18-1001.pdf", "tacl", None),
    ("https://aclanthology.org/2020.conll-1.1.pdf", "conll", 2020),
    ("https://aclanthology.org/K19-1001.pdf", "conll", None),
    ("https://www.usenix.org/conference/osdi22/presentation/yu", "osdi", None),
    ("https://www.usenix.org/system/files/osdi22-yu.pdf", "osdi", None),
    ("https://www.usenix.org/conference/nsdi24/presentation/agarwal-shubham", "nsdi", None),
    ("https://www.usenix.org/system/files/conference/nsdi18/nsdi18-example.pdf",
     "nsdi", None),  # shape
    ("https://www.usenix.org/conference/atc21/presentation/ren-jie", "usenix-atc", None),
    ("https://www.isca-archive.org/interspeech_2023/example23_interspeech.html",
     "interspeech", 2023),  # shape
    ("https://www.roboticsproceedings.org/rss20/p090.html", "rss", None),
]

# URLs that name no venue: arXiv and OpenReview links say nothing about publication, PMLR
# is resolved through pmlr_volumes, and the look-alike hosts must not match.
NO_VENUE_URLS = [
    "https://arxiv.org/pdf/2410.13530",
    "https://arxiv.org/abs/2502.06805",
    "https://openreview.net/pdf?id=cXbnGtO0NZ",
    "https://proceedings.mlr.press/v139/nichol21a/nichol21a.pdf",
    "https://www.jmlr.org/proceedings/papers/v28/sutskever13.pdf",
    "https://github.com/horseee/DeepCache",
    "https://www.sfu.ca/~zhenman/files/C41-FPL2024-SDA.pdf",
    "https://example.org/?u=https://proceedings.neurips.cc/paper/2021/file/x.pdf",
]


def test_registry_loads_without_alias_collisions(registry: VenueRegistry) -> None:
    # VenueRegistry raises on a name shared by two venues; loading is the check, and the
    # count guards against an empty or truncated file passing it.
    assert len(registry.venues) >= 60
    owners: dict[str, set[str]] = {}
    for venue in registry:
        for name in (venue.key, venue.short, venue.name, *venue.aliases):
            owners.setdefault(re.sub(r"[^0-9a-z]+", " ", name.lower()).strip(), set()).add(
                venue.key
            )
    assert {n: k for n, k in owners.items() if len(k) > 1} == {}


def test_registry_refuses_an_alias_shared_by_two_venues() -> None:
    clash = {
        "a": Venue(key="a", short="A", name="Alpha", kind="conference", aliases=["Same"]),
        "b": Venue(key="b", short="B", name="Beta", kind="conference", aliases=["same"]),
    }
    with pytest.raises(ValueError, match="used by"):
        VenueRegistry(clash)


@pytest.mark.parametrize(
    "name",
    ["NIPS", "NeurIPS", "neurips", "Advances in Neural Information Processing Systems",
     "Neural Information Processing Systems",
     "Conference on Neural Information Processing Systems"],
)
def test_neurips_names_and_former_name_resolve_to_neurips(
    registry: VenueRegistry, name: str
) -> None:
    venue = registry.lookup(name)
    assert venue is not None and venue.key == "neurips"


@pytest.mark.parametrize(("label", "key"), sorted(SURVEY_LABELS.items()))
def test_every_survey_label_maps_to_a_venue(
    registry: VenueRegistry, label: str, key: str
) -> None:
    venue = registry.lookup(label)
    assert venue is not None, f"survey label {label!r} is not in venues.yaml"
    assert venue.key == key


@pytest.mark.parametrize(("text", "key"), sorted(REAL_VENUE_STRINGS.items()))
def test_real_venue_strings_resolve(registry: VenueRegistry, text: str, key: str) -> None:
    venue = registry.lookup(text)
    assert venue is not None and venue.key == key


def test_unknown_names_resolve_to_nothing(registry: VenueRegistry) -> None:
    assert registry.lookup("Conference on Imaginary Results") is None
    assert registry.lookup("") is None


def test_eccv_meets_in_even_years_and_iccv_in_odd_years(registry: VenueRegistry) -> None:
    eccv, iccv = registry["eccv"], registry["iccv"]
    assert eccv.meets_in(2024) and not eccv.meets_in(2023) and not eccv.meets_in(2025)
    assert iccv.meets_in(2023) and not iccv.meets_in(2024)
    assert registry["accv"].meets_in(2024) and not registry["accv"].meets_in(2023)
    assert registry["iccv-workshops"].meets == "odd-years"
    assert registry["eccv-workshops"].meets == "even-years"


def test_venues_do_not_meet_before_their_first_year(registry: VenueRegistry) -> None:
    assert not registry["tmlr"].meets_in(2021) and registry["tmlr"].meets_in(2022)
    assert not registry["iclr"].meets_in(2012) and registry["iclr"].meets_in(2013)


def test_every_recorded_location_falls_in_a_year_the_venue_meets(
    registry: VenueRegistry,
) -> None:
    wrong = [
        (venue.key, year) for venue in registry for year in venue.locations
        if not venue.meets_in(year)
    ]
    assert wrong == []
    assert registry["cvpr"].locations[2023] == "Vancouver, Canada"
    assert registry["eccv"].locations[2024] == "Milan, Italy"


@pytest.mark.parametrize(("url", "key", "year"), README_URLS)
def test_from_url_identifies_survey_paper_urls(
    registry: VenueRegistry, url: str, key: str, year: int | None
) -> None:
    assert hit_keys(registry, url) == [(key, year)]


def test_cvpr_workshop_url_is_not_the_main_conference(registry: VenueRegistry) -> None:
    url = ("https://openaccess.thecvf.com/content/CVPR2024W/EDGE/papers/"
           "Castells_LD-Pruner_CVPRW_2024_paper.pdf")
    keys = {key for key, _ in hit_keys(registry, url)}
    assert keys == {"cvpr-workshops"}


@pytest.mark.parametrize(("url", "key", "year"), PATTERN_EXAMPLES)
def test_pattern_examples_give_exactly_one_venue(
    registry: VenueRegistry, url: str, key: str, year: int | None
) -> None:
    assert hit_keys(registry, url) == [(key, year)]


@pytest.mark.parametrize("url", NO_VENUE_URLS)
def test_urls_that_name_no_venue_give_no_hit(registry: VenueRegistry, url: str) -> None:
    assert registry.from_url(url) == []


def test_every_url_pattern_compiles_and_has_a_matching_example(
    registry: VenueRegistry,
) -> None:
    unmatched = []
    for venue in registry:
        for pattern in venue.url_patterns:
            regex = re.compile(pattern)
            assert set(regex.groupindex) <= {"year"}, f"{venue.key}: unexpected group"
            if not any(regex.search(url) for url, _, _ in PATTERN_EXAMPLES):
                unmatched.append((venue.key, pattern))
    assert unmatched == [], "add an example URL for each of these patterns"


def test_url_patterns_are_anchored_at_the_scheme(registry: VenueRegistry) -> None:
    # An unanchored pattern would match a venue URL quoted inside another URL.
    loose = [p for v in registry for p in v.url_patterns if not p.startswith("^https?://")]
    assert loose == []


def test_workshops_name_an_existing_main_conference(registry: VenueRegistry) -> None:
    workshops = [v for v in registry if v.kind == "workshop"]
    assert {v.key for v in workshops} >= {"cvpr-workshops", "iccv-workshops", "eccv-workshops"}
    for venue in workshops:
        assert venue.workshop_of is not None and venue.workshop_of in registry, venue.key
        main = registry[venue.workshop_of]
        assert main.kind == "conference" and main.field == venue.field
        assert venue.meets == main.meets
    assert all(v.workshop_of is None for v in registry if v.kind != "workshop")


def test_pmlr_volumes_are_known_and_unique(registry: VenueRegistry) -> None:
    assert registry["icml"].pmlr_volumes == {
        2019: 97, 2020: 119, 2021: 139, 2022: 162, 2023: 202, 2024: 235, 2025: 267,
    }
    assert registry["uai"].pmlr_volumes[2019] == 115  # the survey's sliced score matching
    assert registry["aistats"].pmlr_volumes[2024] == 238
    volumes = Counter(vol for v in registry for vol in v.pmlr_volumes.values())
    assert [vol for vol, n in volumes.items() if n > 1] == []
    # Volumes grow with the year within a venue.
    for venue in registry:
        ordered = [venue.pmlr_volumes[y] for y in sorted(venue.pmlr_volumes)]
        assert ordered == sorted(ordered), venue.key


def test_acl_anthology_codes_are_unique_and_match_the_venue_patterns(
    registry: VenueRegistry,
) -> None:
    codes = Counter(code for v in registry for code in v.acl_anthology)
    assert [c for c, n in codes.items() if n > 1] == []
    assert registry["naacl"].acl_anthology == ["naacl"]
    assert registry["findings-emnlp"].acl_anthology == ["findings-emnlp"]
    for venue in registry:
        for code in venue.acl_anthology:
            suffix = "" if code.startswith("findings-") else "-1"
            url = f"https://aclanthology.org/2023.{code}{suffix}.7.pdf"
            assert hit_keys(registry, url) == [(venue.key, 2023)], url


def test_dblp_keys_have_the_stream_shape(registry: VenueRegistry) -> None:
    shape = re.compile(r"(conf|journals)/[a-z0-9]+")
    bad = [v.key for v in registry if v.dblp and not shape.fullmatch(v.dblp)]
    assert bad == []
    assert registry["neurips"].dblp == "conf/nips"
    assert registry["tmlr"].dblp == "journals/tmlr"


def test_arxiv_is_the_continuous_preprint_entry(registry: VenueRegistry) -> None:
    arxiv = registry["arxiv"]
    assert arxiv.kind == "preprint" and arxiv.is_preprint
    assert arxiv.meets == "continuous" and arxiv.meets_in(2025)
    assert arxiv.dblp == "journals/corr"
    assert arxiv.url_patterns == []
    assert [v.key for v in registry if v.is_preprint] == ["arxiv"]


def test_journals_meet_continuously(registry: VenueRegistry) -> None:
    assert [v.key for v in registry if v.kind == "journal" and v.meets != "continuous"] == []


def test_major_venues_are_covered(registry: VenueRegistry) -> None:
    expected = {
        "neurips", "icml", "iclr", "aistats", "uai", "colt", "tmlr", "jmlr", "tpami", "mlsys",
        "kdd", "ijcai", "aaai", "cvpr", "iccv", "eccv", "wacv", "bmvc", "accv", "3dv", "tip",
        "ijcv", "acl", "naacl", "emnlp", "eacl", "coling", "findings-acl", "findings-emnlp",
        "findings-naacl", "tacl", "conll", "siggraph", "siggraph-asia", "tog", "eurographics",
        "cgf", "osdi", "sosp", "nsdi", "eurosys", "asplos", "isca", "micro", "hpca", "dac",
        "iccad", "fpl", "fpga", "iscas", "isscc", "sc", "ppopp", "usenix-atc", "icassp",
        "interspeech", "icra", "iros", "corl", "rss", "nature", "science", "natmi", "pnas",
        "tnnls", "arxiv",
    }
    assert expected - set(registry.venues) == set()
