"""The fast YAML path (yaml-rs on the simple grammar) reads every record as the PyYAML reference does."""

from __future__ import annotations

from pathlib import Path

from twin_support import both, outcome, record_files, reference

from carework.reading.fastload import YAML_RS, fast_parse, load_record
from carework.reading.loader import Document, decode
from carework.reading.source import read_source


def read(path: Path) -> object:
    """The value (types included, through repr), every position the reference knows, or the refusal."""
    def load() -> object:
        doc = load_record(read_source(path, display=path.name))
        return repr(doc.value), doc

    result = outcome(load)
    if not isinstance(result, tuple) or not isinstance(result[1], Document):
        return result
    return result[0], result[1]


def test_every_record_reads_the_same_values_and_positions(tmp_path: Path) -> None:
    fast_taken = 0
    for path in record_files(tmp_path):
        fast, plain = both(lambda path=path: read(path))
        if not (isinstance(plain, tuple) and isinstance(plain[1], Document)):
            assert fast == plain, path
            continue
        assert fast[0] == plain[0], path
        fast_doc, plain_doc = fast[1], plain[1]
        for where in plain_doc.marks:
            assert fast_doc.locate(where) == plain_doc.locate(where), (path, where)
        with reference(False):
            fast_taken += fast_parse(decode(path.read_bytes(), path.name), path.name) is not None
    assert YAML_RS is None or fast_taken >= 36 + 60, "the sample city and the generated records take the fast path"
