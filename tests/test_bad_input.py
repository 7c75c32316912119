"""Bad input: each kind of unreadable or unsupported file gives its own error class and a one-line reason,
and `ofsted-kg extract` reports it as "ofsted-kg: FILE: reason" with exit code 1, never a traceback."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from ofsted_kg.loaders import errors
from ofsted_kg.loaders.extract import extract_bytes, extract_path

from ofsted_kg.cli import main

_spec = importlib.util.spec_from_file_location(
    "make_bad_inputs", Path(__file__).resolve().parent / "corpus" / "bad" / "make_bad_inputs.py"
)
assert _spec and _spec.loader
bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bad)

EXPECTED: dict[str, tuple[type[errors.DocumentError], str]] = {
    "empty.pdf": (errors.EmptyDocument, "empty"),
    "blank.txt": (errors.EmptyDocument, "empty"),
    "truncated.pdf": (errors.CorruptPDF, "corrupt or truncated"),
    "corrupt.pdf": (errors.CorruptPDF, "corrupt"),
    "encrypted.pdf": (errors.EncryptedPDF, "encrypted"),
    "page.pdf": (errors.NotAPDF, "HTML"),
    "scanned.pdf": (errors.NoTextLayer, "no text layer"),
    "school.pdf": (errors.UnsupportedDocument, "school inspection"),
    "random.bin": (errors.GarbledText, "neither a PDF nor readable text"),
    "random.pdf": (errors.NotAPDF, "no %PDF header"),
    "no-dates.txt": (errors.ExtractionFailed, "dates"),
    "no-authority.txt": (errors.ExtractionFailed, "local authority"),
    "garbled.pdf": (errors.GarbledText, "garbled (broken font encoding)"),
    # A text file has no font encoding to blame.
    "garbled.txt": (errors.GarbledText, "does not read as English prose"),
    "unrelated.txt": (errors.UnsupportedDocument, "not recognised"),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    paths = {}
    for name, data in bad.bad_inputs().items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_every_fixture_has_an_expectation(inputs: dict[str, Path]) -> None:
    assert set(inputs) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_error_class_and_reason(inputs: dict[str, Path], name: str) -> None:
    expected_class, phrase = EXPECTED[name]
    with pytest.raises(errors.DocumentError) as caught:
        extract_path(inputs[name])
    assert type(caught.value) is expected_class
    reason = caught.value.reason
    assert phrase in reason
    assert "\n" not in reason and len(reason) < 200


def test_same_errors_from_bytes(inputs: dict[str, Path]) -> None:
    for name in ("encrypted.pdf", "scanned.pdf", "page.pdf"):
        with pytest.raises(EXPECTED[name][0]):
            extract_bytes(inputs[name].read_bytes(), name)


def test_unsupported_document_names_the_detected_kind(inputs: dict[str, Path]) -> None:
    with pytest.raises(errors.UnsupportedDocument) as caught:
        extract_path(inputs["school.pdf"])
    assert caught.value.detected_kind == "school_inspection"


def test_the_sources_of_the_fixtures_are_themselves_fine() -> None:
    # The damaged copies fail because of the damage: the originals extract.
    assert extract_path(bad.SOURCE_LETTER).authority is not None
    assert extract_path(bad.TEXT_LETTER).visit_start == "2021-06-22"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(errors.DocumentError, match="no such file"):
        extract_path(tmp_path / "absent.pdf")
    with pytest.raises(errors.DocumentError, match="directory"):
        extract_path(tmp_path)


@pytest.mark.parametrize(
    "name", ["truncated.pdf", "encrypted.pdf", "scanned.pdf", "school.pdf", "no-dates.txt"]
)
def test_cli_prints_one_line_and_exits_1(
    inputs: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["-q", "extract", str(inputs[name])])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ofsted-kg: {inputs[name]}: ")
    assert EXPECTED[name][1] in lines[0]
    assert "Traceback" not in err


def test_cli_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["extract", str(tmp_path / "nope.pdf")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"ofsted-kg: {tmp_path / 'nope.pdf'}: no such file"
