"""The pull-request workflow's own steps, run on a fixture repository.

The `validate` and `readme` steps of .github/workflows/pr.yml are taken from the file
and run with bash the way GitHub runs them, in a git repository made from
tests/fixtures/workflow-repo/ (base commit, then a pull request on top). The
pre-commit hooks of .pre-commit-config.yaml are run there with pre-commit itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "workflow-repo"
BIN = Path(sys.executable).parent

DUPLICATE_LINE = (
    "::error file=papers/deepcache-2023.yaml,line=11,col=8::[duplicate-paper] same paper: "
    "arXiv id '2312.00858' is also in papers/deepcache-2024.yaml"
)
TYPO_LINE = (
    "::error file=papers/tomesd-2023.yaml,line=4,col=1::[unknown-key] unknown key 'athors' "
    "(did you mean 'authors'?)"
)
STALE_LINE = (
    "::error file=README.md,title=README.md is stale::README.md does not match the records. "
    "Fix: run `effdiff readme` (or `make readme`) and commit README.md."
)


def pr_step(step_id: str) -> dict[str, Any]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pr.yml").read_text("utf-8"))
    for step in workflow["jobs"]["check"]["steps"]:
        if step.get("id") == step_id:
            return step
    raise AssertionError(f"pr.yml has no step with id {step_id!r}")


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.org",
        GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1", TERM="dumb",
    )
    env.update(extra)
    return env


def sh(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=repo, env=environment(**env), capture_output=True, text=True,
        check=False, timeout=300,
    )


def git(repo: Path, *args: str) -> str:
    result = sh(repo, "git", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


class FixtureRepo:
    """A git repo: the base catalog committed, then a pull request's commit on top."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(FIXTURE / "base", root)
        shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
        shutil.copy(REPO / "venues.yaml", root / "venues.yaml")
        (root / ".venv").symlink_to(BIN.parent)  # the hooks call .venv/bin/...
        (root / ".gitignore").write_text(".venv\n", encoding="utf-8")
        self.effdiff("readme")  # fill the generated regions of the fixture README
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base")
        self.base = git(root, "rev-parse", "HEAD")

    def effdiff(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = sh(self.root, str(BIN / "effdiff"), *args)
        assert result.returncode == 0, result.stderr
        return result

    def pull_request(self, *overlays: str, regenerate_readme: bool = False) -> list[str]:
        """Copy fixture overlays in, optionally regenerate README.md, commit; the paths."""
        git(self.root, "switch", "-q", "-c", "pr")
        for overlay in overlays:
            shutil.copytree(FIXTURE / overlay, self.root, dirs_exist_ok=True)
        if regenerate_readme:
            self.effdiff("readme")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "pull request")
        return git(self.root, "diff", "--name-only", f"{self.base}...HEAD").splitlines()

    def run_step(self, step_id: str) -> subprocess.CompletedProcess[str]:
        """Run a pr.yml step's script as GitHub does: bash -e -o pipefail, step env set."""
        step = pr_step(step_id)
        env = {k: str(v) for k, v in dict(step.get("env") or {}).items()}
        if "BASE_SHA" in env:
            env["BASE_SHA"] = self.base
        assert all("${{" not in v for v in env.values()), env
        return sh(self.root, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                  str(step["run"]), **env)


def github_annotations(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("::")]


@pytest.fixture
def repo(tmp_path: Path) -> FixtureRepo:
    return FixtureRepo(tmp_path / "repo")


def test_good_new_paper_with_regenerated_readme_passes_both_steps(repo: FixtureRepo) -> None:
    changed = repo.pull_request("pr-good", regenerate_readme=True)
    assert changed == ["README.md", "papers/lcm-lora-2023.yaml"]
    validate = repo.run_step("validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "Validating 1 changed record(s) against the whole catalog" in validate.stdout
    assert github_annotations(validate.stdout) == []
    readme = repo.run_step("readme")
    assert readme.returncode == 0, readme.stdout + readme.stderr
    assert github_annotations(readme.stdout) == []


def test_stale_readme_fails_with_the_command_that_fixes_it(repo: FixtureRepo) -> None:
    assert repo.pull_request("pr-good") == ["papers/lcm-lora-2023.yaml"]
    assert repo.run_step("validate").returncode == 0
    readme = repo.run_step("readme")
    assert readme.returncode == 1
    assert github_annotations(readme.stdout) == [STALE_LINE]
    # The diff shows the missing entry.
    assert any(ln.startswith("+") and "LCM-LoRA" in ln for ln in readme.stdout.splitlines())
    assert readme.stdout.rstrip().endswith(
        "README.md is stale: run `effdiff readme` (or `make readme`) and commit README.md."
    )


def test_typo_key_and_duplicate_paper_fail_with_exact_annotations_on_changed_files(
    repo: FixtureRepo,
) -> None:
    changed = repo.pull_request("pr-bad")
    assert changed == ["papers/deepcache-2023.yaml", "papers/tomesd-2023.yaml"]
    validate = repo.run_step("validate")
    assert validate.returncode == 1
    assert "Validating 2 changed record(s)" in validate.stdout
    # Only the pull request's files are annotated, though the duplicate is found by
    # comparing with the existing papers/deepcache-2024.yaml.
    assert github_annotations(validate.stdout) == [DUPLICATE_LINE, TYPO_LINE]
    readme = repo.run_step("readme")
    assert readme.returncode == 2
    assert github_annotations(readme.stdout) == [
        "::error title=README.md not checked::Some records do not load, so README.md "
        "cannot be compared. Fix the validation errors first."
    ]


def test_a_change_outside_papers_validates_the_whole_catalog(repo: FixtureRepo) -> None:
    (repo.root / "venues.yaml").write_text(
        (repo.root / "venues.yaml").read_text("utf-8") + "# touched\n", encoding="utf-8"
    )
    repo.pull_request("pr-bad")
    validate = repo.run_step("validate")
    assert validate.returncode == 1
    assert "Validating every record" in validate.stdout
    found = github_annotations(validate.stdout)
    assert DUPLICATE_LINE in found and TYPO_LINE in found
    assert any(line.startswith("::error file=papers/deepcache-2024.yaml,") for line in found)


def _pre_commit() -> str:
    found = shutil.which("pre-commit", path=str(BIN))
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is required in CI (pip install pre-commit into .venv)")
        pytest.skip("pre-commit not installed in .venv")
    return found


def run_hooks(repo: FixtureRepo, files: list[str]) -> subprocess.CompletedProcess[str]:
    shutil.copy(REPO / ".pre-commit-config.yaml", repo.root / ".pre-commit-config.yaml")
    return sh(repo.root, _pre_commit(), "run", "--color", "never", "--files", *files,
              PRE_COMMIT_HOME=str(repo.root.parent / "pre-commit-home"))


def test_pre_commit_hooks_pass_a_good_change(repo: FixtureRepo) -> None:
    _pre_commit()
    changed = repo.pull_request("pr-good", regenerate_readme=True)
    result = run_hooks(repo, changed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validate changed records" in result.stdout and "Passed" in result.stdout


def test_pre_commit_hooks_catch_bad_records_a_stale_readme_and_ruff_findings(
    repo: FixtureRepo,
) -> None:
    _pre_commit()
    changed = repo.pull_request("pr-bad")
    (repo.root / "tool.py").write_text("import os\n", encoding="utf-8")  # F401
    result = run_hooks(repo, [*changed, "tool.py"])
    assert result.returncode == 1
    out = result.stdout
    assert "papers/tomesd-2023.yaml:4:1: error [unknown-key] unknown key 'athors'" in out
    assert "papers/deepcache-2023.yaml:11:8: error [duplicate-paper]" in out
    assert "F401" in out
    stale = run_hooks(repo, ["README.md"])
    assert stale.returncode == 1
    assert "README.md is up to date (fix with `make readme`)" in stale.stdout


# --- the weekly venue check (.github/workflows/venue-updates.yml) -------------------------


def venue_steps() -> list[dict[str, object]]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "venue-updates.yml")
                              .read_text("utf-8"))
    return list(workflow["jobs"]["check-venues"]["steps"])


def run_script(script: str, tmp_path: Path, fakes: dict[str, str],
               **extra: str) -> subprocess.CompletedProcess[str]:
    """A step's script as GitHub runs it (bash -e -o pipefail), with the runner's files in
    `tmp_path` and the given fake programs first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in fakes.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    env = environment(RUNNER_TEMP=str(tmp_path), GITHUB_OUTPUT=str(tmp_path / "output"),
                      GITHUB_STEP_SUMMARY=str(tmp_path / "summary"), **extra)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          env=env, capture_output=True, text=True, timeout=60, check=False)


def run_check_step(tmp_path: Path, checker_status: int) -> tuple[
        subprocess.CompletedProcess[str], str, str]:
    """The check step's script, with an `effdiff` that prints a report and exits as told."""
    step = next(s for s in venue_steps() if s.get("id") == "check")
    fake = f'#!/bin/sh\necho "## Venue check"\nexit {checker_status}\n'
    result = run_script(str(step["run"]), tmp_path, {"effdiff": fake})
    return result, _text_or_empty(tmp_path / "output"), _text_or_empty(tmp_path / "summary")


def _text_or_empty(path: Path) -> str:
    return path.read_text() if path.exists() else ""


@pytest.mark.parametrize("status", [0, 1])
def test_venue_check_step_passes_nothing_new_and_updates_on(tmp_path: Path, status: int) -> None:
    result, output, summary = run_check_step(tmp_path, status)
    assert result.returncode == 0, result.stderr
    assert output == f"status={status}\n" and "## Venue check" in summary
    assert "::warning" not in result.stdout


def test_venue_check_step_goes_on_after_an_outage_and_marks_it(tmp_path: Path) -> None:
    result, output, summary = run_check_step(tmp_path, 3)
    assert result.returncode == 0, result.stderr  # the pull request still gets what was found
    assert result.stdout.startswith("::warning title=Venue check incomplete::")
    assert output == "status=3\n" and "## Venue check" in summary
    last = venue_steps()[-1]
    assert last["if"] == "steps.check.outputs.status == '3'"
    assert "exit 1" in str(last["run"])  # and the run shows red at the end


def test_venue_check_step_fails_at_once_on_a_usage_error(tmp_path: Path) -> None:
    result, output, _summary = run_check_step(tmp_path, 2)
    assert result.returncode == 2 and "## Venue check" in result.stdout
    assert output == ""


# --- the weekly candidate papers (.github/workflows/candidate-papers.yml) ------------------


def candidate_step(job: str, step_id: str) -> dict[str, Any]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "candidate-papers.yml")
                              .read_text("utf-8"))
    return next(s for s in workflow["jobs"][job]["steps"] if s.get("id") == step_id)


def run_discover_step(tmp_path: Path, status: int) -> tuple[
        subprocess.CompletedProcess[str], list[str]]:
    """The discover step's script, with an `effdiff` that logs its arguments, prints a
    report and exits as told."""
    log = tmp_path / "effdiff-args"
    fake = (f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\necho "## Candidate papers"\n'
            f"exit {status}\n")
    result = run_script(str(candidate_step("discover", "discover")["run"]), tmp_path,
                        {"effdiff": fake})
    return result, _text_or_empty(log).splitlines()


@pytest.mark.parametrize("status", [0, 1])
def test_discover_step_passes_nothing_new_and_candidates_on(tmp_path: Path, status: int) -> None:
    import datetime as dt

    result, args = run_discover_step(tmp_path, status)
    assert result.returncode == 0, result.stderr
    assert _text_or_empty(tmp_path / "output") == f"status={status}\n"
    assert "## Candidate papers" in _text_or_empty(tmp_path / "summary")
    assert (tmp_path / "report" / "candidates.md").read_text() == "## Candidate papers\n"
    week_ago = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)
    assert args[:4] == ["discover", "--arxiv-since", str(week_ago), "--citations"]
    assert args[4:] == ["--format", "markdown", "--top", "40"]


def test_discover_step_posts_what_it_has_after_an_outage_and_marks_it(tmp_path: Path) -> None:
    result, _args = run_discover_step(tmp_path, 3)
    assert result.returncode == 0, result.stderr  # the issue still gets what was found
    assert result.stdout.startswith("::warning title=Discover incomplete::")
    assert _text_or_empty(tmp_path / "output") == "status=3\n"
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "candidate-papers.yml")
                              .read_text("utf-8"))
    last = workflow["jobs"]["issue"]["steps"][-1]
    assert last["if"] == "needs.discover.outputs.status == '3'" and "exit 1" in last["run"]


def test_discover_step_fails_at_once_on_a_usage_error(tmp_path: Path) -> None:
    result, _args = run_discover_step(tmp_path, 2)
    assert result.returncode == 2 and "## Candidate papers" in result.stdout
    assert _text_or_empty(tmp_path / "output") == ""


FAKE_GH = """#!{python}
import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[:2] == ["issue", "list"]:
    # GitHub's answer for the search, filtered by the step's own --jq expression.
    answer = os.environ["GH_ISSUES"]
    sys.stdout.write(subprocess.run(["jq", "-r", args[args.index("--jq") + 1]], input=answer,
                                    capture_output=True, text=True, check=True).stdout)
elif args[:2] == ["issue", "create"]:
    print("https://github.com/owner/repo/issues/12")
"""


def run_issue_step(tmp_path: Path, issues: list[dict[str, Any]],
                   body: str = "## Candidate papers\n") -> list[list[str]]:
    """The issue step's script against a fake `gh` (GitHub's answers as given, the jq
    filtering real); the gh commands it ran."""
    step = candidate_step("issue", "issue")
    env = {k: str(v) for k, v in step["env"].items() if "${{" not in str(v)}
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "candidates.md").write_text(body)
    log = tmp_path / "gh-log"
    result = run_script(str(step["run"]), tmp_path,
                        {"gh": FAKE_GH.format(python=sys.executable)},
                        GH_LOG=str(log), GH_ISSUES=json.dumps(issues), GH_TOKEN="t",
                        GH_REPO="owner/repo", **env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in _text_or_empty(log).splitlines()]


@pytest.fixture
def jq(require_tool: Callable[[str, str], str]) -> str:
    return require_tool("jq", "jq")


def test_issue_step_edits_the_issue_with_exactly_that_title(tmp_path: Path, jq: str) -> None:
    calls = run_issue_step(tmp_path, [{"number": 3, "title": "Candidate papers (2025)"},
                                      {"number": 7, "title": "Candidate papers"}])
    assert calls[0][:2] == ["issue", "list"] and "--state" in calls[0]
    body = str(tmp_path / "report" / "candidates.md")
    assert calls[1:] == [["issue", "edit", "7", "--body-file", body]]


def test_issue_step_opens_the_issue_when_there_is_none(tmp_path: Path, jq: str) -> None:
    calls = run_issue_step(tmp_path, [{"number": 3, "title": "Candidate papers (2025)"}])
    body = str(tmp_path / "report" / "candidates.md")
    assert calls[1:] == [["issue", "create", "--title", "Candidate papers", "--body-file",
                          body]]


def test_issue_step_cuts_a_body_github_would_refuse(tmp_path: Path, jq: str) -> None:
    calls = run_issue_step(tmp_path, [], body="- [ ] x\n" * 10_000)
    cut = Path(calls[1][-1])
    assert cut.name == "candidates.md.cut"
    text = cut.read_text()
    assert len(text.encode()) < 65_536 and "Report cut at 60000 bytes" in text
