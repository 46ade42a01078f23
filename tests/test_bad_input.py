"""Broken and hostile input gets a clear answer: the corpus in tests/bad_input/, one folder per case.

A case folder holds the bad files and an `expect.yaml`:

    about: 全角冒号写在映射中间 / a full-width colon in the middle of a mapping
    exit: 3                                  # the documented exit code of `carework check`
    problems:                                # every data problem carework reports, exactly (the good school has none)
      - {file: data/schools/FW-001.yaml, line: 2, code: input-method, words: [全角冒号, 英文半角冒号]}
    make: gb18030                            # optional: a maker below writes files git cannot carry faithfully

Files are laid out as a data repository: `plan.yaml` is passed with `--plan`, `carework.yaml` sits at the root,
`waivers.yaml` becomes `data/waivers.yaml`, templates (`*.j2`) go into `templates/` and make the case run
`carework report --templates templates` instead of `check`, and every other file goes into `data/schools/`, next to
a good record `GOOD-001.yaml` that must still be checked. `words` must appear in the Chinese message or fix; `words_en` (optional)
in the English ones. Exit 2 (a refused plan or configuration) checks no school, so there the problems are read from
the one-line-per-problem refusal and from the loader that produced it; a template is refused in one line
(`模板出错：FILE:LINE: message`, or `template error: …` in English), given the code `template` here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import BASE_RECORD, PLAN_FILE
from typer.testing import CliRunner

from carework import cli
from carework.checking.config import resolve
from carework.cli import options
from carework.core.errors import CareworkError
from carework.core.paths import display_path
from carework.reading.loader import DEFAULT_LIMITS
from carework.rules.plan import load_plan

CORPUS = Path(__file__).resolve().parent / "bad_input"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expect.yaml").is_file())
AS_OF = "2024-12-31"
#: "Today" for every case, so that a future date stays future whenever the tests run.
TODAY = dt.date(2025, 6, 30)
GOOD = "GOOD-001"
SPECIAL = {"plan.yaml": "plan.yaml", "carework.yaml": "carework.yaml", "waivers.yaml": "data/waivers.yaml"}

runner = CliRunner()


# --- makers: files that git would not carry faithfully (encodings, line endings, links, sizes) ----------------

MINIMAL = "code: {code}\nname: 云溪市实验小学\ndistrict: 天宁区\nkind: primary\n"


def _schools(root: Path) -> Path:
    return root / "data" / "schools"


def make_gb18030(root: Path) -> None:
    """Saved by a Windows editor in the Chinese default encoding."""
    (_schools(root) / "GBK-001.yaml").write_bytes(MINIMAL.format(code="GBK-001").encode("gb18030"))


def make_bom_crlf(root: Path) -> None:
    """Saved by Notepad: a UTF-8 byte-order mark and CRLF line endings. Accepted."""
    text = MINIMAL.format(code="BOM-001") + "office:\n  dedicated: true\n"
    (_schools(root) / "BOM-001.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def make_crlf_with_error(root: Path) -> None:
    """CRLF line endings do not shift line numbers: the mistake is still on line 5."""
    text = MINIMAL.format(code="CRLF-001") + "office:\n  dedicated: 有一间\n"
    (_schools(root) / "CRLF-001.yaml").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))


def make_line_separator(root: Path) -> None:
    """A name pasted from a web page with an invisible U+2028 in it: YAML counts it as a line break, editors do not."""
    text = MINIMAL.format(code="LS-001").replace("云溪市实验小学", "云溪市\u2028实验小学") + "office:\n  dedicated: 有一间\n"
    (_schools(root) / "LS-001.yaml").write_text(text, encoding="utf-8")


def make_binary(root: Path) -> None:
    """A picture saved with a .yaml name."""
    (_schools(root) / "BIN-001.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def make_control_character(root: Path) -> None:
    """A bell character pasted with text from a web page."""
    text = MINIMAL.format(code="CTRL-001").replace("云溪市实验小学", "云溪市\x07实验小学")
    (_schools(root) / "CTRL-001.yaml").write_bytes(text.encode("utf-8"))


def make_huge(root: Path) -> None:
    """Just over the size limit: a record pasted into itself many times."""
    line = "# " + "云溪" * 40 + "\n"
    count = DEFAULT_LIMITS.max_bytes // len(line.encode("utf-8")) + 10
    (_schools(root) / "HUGE-001.yaml").write_text(MINIMAL.format(code="HUGE-001") + line * count, encoding="utf-8")


def make_symlink_outside(root: Path) -> None:
    """A link from the data folder to a file elsewhere on the machine."""
    outside = root / "outside"
    outside.mkdir()
    (outside / "OUT-001.yaml").write_text(MINIMAL.format(code="OUT-001"), encoding="utf-8")
    (_schools(root) / "OUT-001.yaml").symlink_to(Path("..", "..", "outside", "OUT-001.yaml"))


def make_broken_links(root: Path) -> None:
    """A link to a file that was deleted, and two links that point at each other."""
    (_schools(root) / "GONE-001.yaml").symlink_to("deleted.yaml")
    (_schools(root) / "LOOP-001.yaml").symlink_to("LOOP-002.yaml")
    (_schools(root) / "LOOP-002.yaml").symlink_to("LOOP-001.yaml")


def make_non_utf8_name(root: Path) -> None:
    """A file name in GBK bytes, as unzipping a Windows archive on Linux leaves it ("测试.yaml")."""
    name = os.fsdecode("测试".encode("gb18030") + b".yaml")
    (_schools(root) / name).write_text(MINIMAL.format(code="NAME-001"), encoding="utf-8")


def make_deep_expression(root: Path) -> None:
    """A plan whose rule nests `not` thousands deep (Python's own parser gives up)."""
    text = (root / "plan.yaml").read_text(encoding="utf-8")
    (root / "plan.yaml").write_text(text.replace("DEEP", "not " * 5000 + "true"), encoding="utf-8")


SECRET = "CI-TOKEN-0123456789"


def _secret(root: Path) -> Path:
    (root / "templates").mkdir(exist_ok=True)
    (root / "secret.txt").write_text(f"[credential]\n  token = {SECRET}\n", encoding="utf-8")
    return root / "secret.txt"


def make_link_up(root: Path) -> None:
    """`ln -s .. templates/up`: committed in a pull request, it would let a template include `.git/config`."""
    _secret(root)
    (root / "templates" / "up").symlink_to("..")


def make_link_file(root: Path) -> None:
    """A template that is a link to a file outside the template folder."""
    _secret(root)
    (root / "templates" / "extra.md.j2").symlink_to(Path("..", "secret.txt"))


def make_link_proc(root: Path) -> None:
    """A link to the process's environment, where CI keeps its tokens."""
    _secret(root)
    (root / "templates" / "env.j2").symlink_to("/proc/self/environ")


def make_fifo_template(root: Path) -> None:
    """A FIFO under a template's name: reading it would wait for ever."""
    _secret(root)
    os.mkfifo(root / "templates" / "pipe.j2")


MAKERS: dict[str, Callable[[Path], None]] = {
    "gb18030": make_gb18030,
    "bom-crlf": make_bom_crlf,
    "crlf-with-error": make_crlf_with_error,
    "line-separator": make_line_separator,
    "binary": make_binary,
    "control-character": make_control_character,
    "huge": make_huge,
    "symlink-outside": make_symlink_outside,
    "broken-links": make_broken_links,
    "non-utf8-name": make_non_utf8_name,
    "deep-expression": make_deep_expression,
    "link-up": make_link_up,
    "link-file": make_link_file,
    "link-proc": make_link_proc,
    "fifo-template": make_fifo_template,
}


# --- running a case ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """One problem as the user sees it."""

    file: str
    line: int
    code: str
    text: str


def good_record() -> str:
    text = BASE_RECORD.read_text(encoding="utf-8")
    return text.replace("code: BASE-001", f"code: {GOOD}", 1)


def lay_out(case: str, root: Path, good: bool = True) -> dict[str, Any]:
    """Build the case's data repository under `root` (with the good record unless `good` is false); returns its
    expectations."""
    folder = CORPUS / case
    expect = yaml.safe_load((folder / "expect.yaml").read_text(encoding="utf-8"))
    _schools(root).mkdir(parents=True)
    if good:
        (_schools(root) / f"{GOOD}.yaml").write_text(good_record(), encoding="utf-8")
    for path in sorted(folder.iterdir()):
        if path.name == "expect.yaml" or not path.is_file():
            continue
        target = root / SPECIAL.get(path.name, f"data/schools/{path.name}")
        if path.suffix == ".j2":
            target = root / "templates" / path.name
            target.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, target)
    if expect.get("make"):
        MAKERS[expect["make"]](root)
    return expect


def invoke(root: Path, *args: str, command: str = "check") -> tuple[int, str, str]:
    plan = ["--plan", "plan.yaml"] if (root / "plan.yaml").exists() else ["--plan", str(PLAN_FILE)]
    result = runner.invoke(cli.app, [command, "--as-of", AS_OF, *plan, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("carework crashed") from result.exception
    return result.exit_code, result.stdout, result.stderr


def found_in_json(out: str) -> tuple[list[Found], set[str]]:
    doc = json.loads(out)
    problems = [Found(p["file"], p["line"], p["code"], f"{p['message']} {p['fix']}") for p in doc["errors"] + doc["warnings"]]
    return problems, {r["school"] for r in doc["results"]}


def found_in_refusal(root: Path, lang: str) -> list[Found]:
    """The problems behind an exit 2, with their codes, from the same calls the pipeline makes."""
    try:
        inputs = resolve([], root / "plan.yaml" if (root / "plan.yaml").exists() else PLAN_FILE, None, root)
        load_plan(inputs.plan, display_path(inputs.plan))
    except CareworkError as exc:
        return [Found(p.location.file, p.location.line, p.code, f"{p.message(lang)} {p.fix(lang)}") for p in exc.problems]  # type: ignore[arg-type]
    return []


def found_in_template_refusal(err: str) -> list[Found]:
    return [Found(m["file"], int(m["line"]), "template", m["message"])
            for m in re.finditer(r"(?:template error: |模板出错：)(?P<file>[^:\n]+):(?P<line>\d+): (?P<message>.*)", err)]


def run_case(case: str, root: Path, lang: str) -> tuple[int, list[Found], set[str], str]:
    if (root / "templates").is_dir():
        code, _, err = invoke(root, "--templates", "templates", "--out", "reports", "--lang", lang, command="report")
        return code, found_in_template_refusal(err), set(), err
    code, out, err = invoke(root, "--format", "json", "--lang", lang)
    if code == 2:
        return code, found_in_refusal(root, lang), set(), err
    problems, checked = found_in_json(out)
    return code, problems, checked, err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(options, "today", lambda: TODAY)
    return tmp_path


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(case: str, repo: Path) -> None:
    expect = lay_out(case, repo)
    code, problems, checked, err = run_case(case, repo, "zh")
    print(case, code, *problems, err, sep="\n")  # shown by pytest when the case fails

    assert code == expect["exit"]
    wanted = expect.get("problems") or []
    assert sorted((p.file, p.line, p.code) for p in problems) == sorted((w["file"], w["line"], w["code"]) for w in wanted)
    assert_words(wanted, problems, "words")
    for p in problems:
        assert p.line >= 1 and p.file
    if code == 2:  # the refusal names the file and line of every problem, one line each
        for w in wanted:
            assert re.search(rf"(^  |template error: |模板出错：){re.escape(w['file'])}:{w['line']}:", err, re.M), w
    else:  # the other files are still checked
        assert GOOD in checked

    assert SECRET not in out_of(repo), "a template read outside its folder"

    if any("words_en" in w for w in wanted):
        code_en, problems_en, _, _ = run_case(case, repo, "en")
        assert code_en == code
        assert_words(wanted, problems_en, "words_en")


def out_of(root: Path) -> str:
    """Everything carework wrote under `root`'s reports folder."""
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "reports").rglob("*") if p.is_file())


def assert_words(wanted: list[dict[str, Any]], problems: list[Found], key: str) -> None:
    """Each expected problem matches a different problem found, at its place and with all of its words."""
    left = list(problems)
    for w in wanted:
        match = next((p for p in left if (p.file, p.line, p.code) == (w["file"], w["line"], w["code"])
                      and all(word in p.text for word in w.get(key, []))), None)
        assert match is not None, (w, left)
        left.remove(match)


def test_the_corpus_is_big_enough_and_every_maker_is_used() -> None:
    assert len(CASES) >= 50
    used = {yaml.safe_load((CORPUS / c / "expect.yaml").read_text(encoding="utf-8")).get("make") for c in CASES}
    assert set(MAKERS) <= used


HOSTILE = [case for case in CASES if any("touch pwned" in p.read_text(encoding="utf-8") for p in (CORPUS / case).iterdir())]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_input_runs_nothing(case: str, repo: Path) -> None:
    """`!!python/object/apply:os.system`, `__import__('os')` in a rule, `os.popen` from a template: refused before
    anything runs — the command `touch pwned` never creates its file."""
    lay_out(case, repo)
    run_case(case, repo, "zh")
    assert not (repo / "pwned").exists()


def test_the_hostile_cases_are_there() -> None:
    assert {"tag-python-object-apply", "plan-import", "plan-unsafe-tag", "template-globals-walk"} <= set(HOSTILE)


# --- the whole CLI over the whole corpus -------------------------------------------------------------------------

def commands_there_are() -> set[str]:
    return {c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands}


def test_the_whole_cli_over_the_whole_corpus_prints_no_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case laid out at once; `check` in every format and language, and `report` when it exists, over all the
    record folders together; `check`, `rules`, `explain` (and `report`) against every hostile plan and configuration."""
    from carework.formats import FORMATS

    monkeypatch.setattr(options, "today", lambda: TODAY)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    roots = {case: tmp_path / "cases" / case for case in CASES}
    templated = {case for case in CASES if any(p.suffix == ".j2" for p in (CORPUS / case).iterdir())}
    for case, root in roots.items():
        root.mkdir(parents=True)
        lay_out(case, root, good=case in templated)  # a template is only rendered for a school
    refused = templated | {case for case, root in roots.items()
                           if (root / "plan.yaml").exists() or (root / "carework.yaml").exists()}
    folders = [str(roots[case] / "data" / "schools") for case in CASES if case not in refused]
    monkeypatch.chdir(tmp_path)

    runs = [["check", *folders, "--plan", str(PLAN_FILE), "--as-of", AS_OF, "--format", name, "--lang", lang]
            for name in FORMATS for lang in (("zh", "en") if name in ("text", "json") else ("zh",))]
    if "report" in commands_there_are():
        runs.append(["report", *folders, "--plan", str(PLAN_FILE), "--as-of", AS_OF, "--out", str(tmp_path / "reports")])
    for args in runs:
        result = runner.invoke(cli.app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args[0], args[-4:], result.exception)
        assert result.exit_code == 3, (args[0], args[-4:], result.stderr[-2000:])
        assert "Traceback" not in result.output

    for case in sorted(refused):
        monkeypatch.chdir(roots[case])
        plan = ["--plan", "plan.yaml"] if (roots[case] / "plan.yaml").exists() else []
        runs = [["check", "--as-of", AS_OF, *plan], ["rules", *plan], ["explain", "S2-06", *plan]]
        if "report" in commands_there_are():
            runs.append(["report", "--as-of", AS_OF, "--out", str(tmp_path / "refused-reports"), *plan])
        if case in templated:
            runs = [["report", "--as-of", AS_OF, "--plan", str(PLAN_FILE), "--templates", "templates", "--out", "reports"]]
        for args in runs:
            result = runner.invoke(cli.app, args)
            assert result.exception is None or isinstance(result.exception, SystemExit), (case, args, result.exception)
            expected = 0 if case == "plan-valid-mini-plan" else 2
            assert result.exit_code == expected, (case, args, result.output)
            assert "Traceback" not in result.output


def test_a_real_process_over_the_corpus_prints_no_traceback(tmp_path: Path) -> None:
    """The console as a person has it: strict UTF-8 on stdout, rich output, the console entry point."""
    folders = []
    for case in CASES:
        root = tmp_path / case
        root.mkdir()
        lay_out(case, root, good=False)
        if not (root / "plan.yaml").exists() and not (root / "carework.yaml").exists():
            folders.append(str(root / "data" / "schools"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "CAREWORK_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "carework", "check", *folders, "--plan", str(PLAN_FILE),
                           "--as-of", AS_OF], cwd=tmp_path, env=env, capture_output=True, check=False)
    assert done.returncode == 3, done.stderr.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in done.stdout + done.stderr


def test_the_readme_documents_the_limits_carework_enforces() -> None:
    readme = (CORPUS.parent.parent / "README.en.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Limits"):]
    assert f"{DEFAULT_LIMITS.max_bytes:,} bytes" in section
    assert f"{DEFAULT_LIMITS.max_depth} levels" in section
    assert f"{DEFAULT_LIMITS.max_nodes:,}" in section
    from carework.checking.baseline import MAX_BASELINE_BYTES
    from carework.formats.base import MAX_PROBLEMS_PER_FILE
    from carework.report import sandbox
    from carework.rules.expr.check import MAX_NUMBER
    from carework.rules.expr.cost import ESTIMATE_ITEMS, MAX_ESTIMATE
    from carework.rules.expr.language import MAX_STEPS
    from carework.schema.school import SCORE_MAX

    limits = " ".join(section[:section.index("\n## ", 3)].split())
    for shown in (f"{MAX_BASELINE_BYTES >> 20} MiB", f"{MAX_STEPS:,}", f"{MAX_ESTIMATE:,}", f"{ESTIMATE_ITEMS:,} items",
                  f"at most {MAX_PROBLEMS_PER_FILE}", f"at most {sandbox.MAX_TEXT:,}", f"{sandbox.MAX_PAGE:,} characters",
                  f"{sandbox.MAX_RENDER_SECONDS} seconds", f"{sandbox.MAX_REPEAT:,}", f"at most {sandbox.MAX_EXPONENT}",
                  f"{sandbox.MAX_ITEMS:,} items", f"{sandbox.MAX_TEMPLATE_BYTES >> 20} MiB", f"at most {SCORE_MAX}",
                  f"10^{len(str(MAX_NUMBER)) - 1}"):
        assert shown in limits, shown
