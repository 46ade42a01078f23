"""No data lost: checking (in every format) and writing reports never touch a record — not a byte, not a timestamp.

The data repository is the sample city plus some of the corpus's awkward files (another encoding, CRLF and a BOM, a
YAML error, a symbolic link); every file under `data/` is hashed, with its mode and modification time, before and
after the commands run.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import PLAN_FILE, ROOT
from typer.testing import CliRunner

from carework import cli
from carework.formats import FORMATS

runner = CliRunner()
CORPUS = Path(__file__).resolve().parent / "bad_input"


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and link under `folder`: its content hash, mode and modification time (links are not followed)."""
    out: dict[str, tuple[str, int, int]] = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        if path.is_symlink():
            digest = "link:" + str(path.readlink())
        elif path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            digest = "folder"
        out[path.relative_to(folder).as_posix()] = (digest, stat.st_mode, stat.st_mtime_ns)
    return out


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    schools = tmp_path / "data" / "schools"
    shutil.copytree(ROOT / "data" / "schools", schools)
    (tmp_path / "data" / "plans").mkdir()
    shutil.copyfile(PLAN_FILE, tmp_path / "data" / "plans" / "2024.yaml")
    shutil.copyfile(CORPUS / "input-fullwidth-colon-mid-mapping" / "FW-001.yaml", schools / "FW-001.yaml")
    (schools / "GBK-001.yaml").write_bytes("code: GBK-001\nname: 云溪小学\n".encode("gb18030"))
    (schools / "CRLF-001.yaml").write_bytes(b"\xef\xbb\xbfcode: CRLF-001\r\nname: x\r\ndistrict: y\r\nkind: primary\r\n")
    (schools / "LINK-001.yaml").symlink_to("CRLF-001.yaml")
    (tmp_path / "data" / "waivers.yaml").write_text(
        "waivers:\n  - {rule: S2-12, school: TN-XX-001, reason: 装修, approved_by: 市教育局, expires: 2025-03-31}\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CAREWORK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def commands() -> list[list[str]]:
    """`check` in every output format there is, and `report` when carework has it."""
    out = [["check", "--as-of", "2024-12-31", "--format", name] for name in FORMATS]
    out.append(["check", "--as-of", "2024-12-31", "--lang", "en", "--fail-on", "advice"])
    if "report" in {c.name or (c.callback.__name__ if c.callback else "") for c in cli.app.registered_commands}:
        out.append(["report", "--as-of", "2024-12-31", "--out", "reports"])
    return out


def test_no_command_changes_a_byte_or_a_timestamp_under_data(repo: Path) -> None:
    before = snapshot(repo / "data")
    for args in commands():
        result = runner.invoke(cli.app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code == 3, (args, result.output)  # the awkward files are data errors, and reported
    assert snapshot(repo / "data") == before
