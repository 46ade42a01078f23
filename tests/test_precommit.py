"""The pre-commit hook, run by the real `pre-commit` on a throw-away data repository.

Slow on purpose (about a minute): pre-commit clones carework from a local git repository (a copy of this checkout,
so uncommitted work is tested too), builds it and pip-installs it with its dependencies into an environment of its
own, exactly as a bureau's repository would get it. That needs the package index, as any pre-commit user does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, base_record, merge, write_record

from carework.core.resources import recipe_files

pytestmark = pytest.mark.slow

#: What a wheel of carework is built from (pyproject's readme, package and force-included folders) and the manifest.
SHIPPED = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "data/plans", "templates")


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=_environment(cwd), timeout=900)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def _environment(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_ACTIONS"))}
    env.update(GIT_AUTHOR_NAME="carework", GIT_AUTHOR_EMAIL="carework@example.invalid", GIT_COMMITTER_NAME="carework",
               GIT_COMMITTER_EMAIL="carework@example.invalid", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
               PRE_COMMIT_HOME=str(cwd.parent / "pre-commit-cache"))  # HOME stays: pip's own settings live there
    return env


def git_repo(folder: Path) -> str:
    run(folder, "git", "init", "-q", "-b", "main")
    run(folder, "git", "add", ".")
    run(folder, "git", "commit", "-q", "-m", "init")
    return run(folder, "git", "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """carework as it is in this checkout, committed to a git repository of its own."""
    base = tmp_path_factory.mktemp("precommit")
    source = base / "carework"
    for name in SHIPPED:
        src, dst = ROOT / name, source / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_shipped"))
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return source, git_repo(source)


@pytest.fixture
def data_repo(hook_repo: tuple[Path, str]) -> Path:
    """A bureau's data repository with two good records, using the hook."""
    source, rev = hook_repo
    city = source.parent / "city"
    if city.exists():
        shutil.rmtree(city)
    schools = city / "data" / "schools"
    schools.mkdir(parents=True)
    write_record(schools, base_record())
    write_record(schools, merge(base_record(), {"code": "BASE-002", "party_hearings": [{"date": "2024-03-01"}]}))
    config = shipped_recipe()
    [repo] = config["repos"]
    repo.update(repo=str(source), rev=rev)  # the recipe's pin, pointed at this checkout
    repo["hooks"][0]["args"] = ["--as-of", "2024-12-31", "--lang", "en"]
    (city / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git_repo(city)
    return city


def shipped_recipe() -> dict[str, Any]:
    """The pre-commit recipe `carework init` writes (templates/ci/pre-commit/.pre-commit-config.yaml)."""
    [path] = recipe_files("pre-commit").values()
    config: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return config


def test_the_recipe_pins_a_tag_of_carework_and_uses_the_hook() -> None:
    [repo] = shipped_recipe()["repos"]
    assert repo["repo"].startswith("https://") and repo["rev"].startswith("v")
    assert [hook["id"] for hook in repo["hooks"]] == ["carework"]


def pre_commit(city: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run(city, sys.executable, "-m", "pre_commit", "run", "--color", "never", *args, check=False)
    print(done.stdout, done.stderr)  # shown by pytest when the test fails
    return done


def test_the_manifest_names_a_hook_that_runs_carework() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "carework" and hook["entry"] == "carework check" and hook["language"] == "python"


def test_the_hook_passes_good_records_and_stops_a_broken_one(data_repo: Path) -> None:
    done = pre_commit(data_repo, "--all-files")
    assert done.returncode == 0, "gaps are reported, not failed, by default"
    assert "Passed" in done.stdout

    broken = data_repo / "data" / "schools" / "BASE-002.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("kind: senior", "kind: university"), encoding="utf-8")
    run(data_repo, "git", "add", "data/schools/BASE-002.yaml")
    done = pre_commit(data_repo)
    assert done.returncode == 1 and "Failed" in done.stdout
    assert "data/schools/BASE-002.yaml:" in done.stdout and "unknown value university" in done.stdout
    assert "1 school(s) checked (2 loaded)" in done.stdout  # only the staged file, targets over both


def test_fail_on_makes_gaps_fail_the_commit(data_repo: Path) -> None:
    config = yaml.safe_load((data_repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    config["repos"][0]["hooks"][0]["args"] += ["--fail-on", "error"]
    (data_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    done = pre_commit(data_repo, "--files", "data/schools/BASE-002.yaml")
    assert done.returncode == 1 and "the Party organisation heard 1 report(s) in 2024" in done.stdout
    assert pre_commit(data_repo, "--files", "data/schools/BASE-001.yaml").returncode == 0
