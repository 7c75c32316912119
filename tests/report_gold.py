"""Shared helpers for the report tests (focused visits, ILACS, SIF, area SEND, monitoring, JTAI):
gold records, the JSON contract and one extraction per file."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from ofsted_kg.loaders.document import load
from ofsted_kg.loaders.extract import extract_path
from ofsted_kg.loaders.record import Record

ROOT = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).resolve().parent / "gold"

COMPARED_FIELDS = (
    "document_type",
    "authority",
    "published",
    "visit_start",
    "visit_end",
    "recipient",
    "judgements",
)
# The record's JSON keys before "findings", in the documented order (record.to_json).
CONTRACT_KEYS = (
    "document_type",
    "authority",
    "published",
    "visit_start",
    "visit_end",
    "inspectors",
    "recipient",
    "judgements",
    "improvement_points",
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def gold_files(prefix: str) -> list[Path]:
    return sorted(GOLD.glob(f"{prefix}_*.json"))


def gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def extracted(relative: str) -> Record:
    """The record `ofsted-kg extract` builds for an example file (detection and dispatch included)."""
    return extract_path(ROOT / relative)


@functools.cache
def report_text(relative: str) -> str:
    return load(ROOT / relative).report.text


def normalise(text: str) -> str:
    """Whitespace collapsed, curly quotes and dashes straightened: how improvement points are compared."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def span_text(record: Record, start: int, end: int) -> str:
    """A span's text as a finding quotes it: whitespace collapsed, bullet glyphs and sub-bullet dashes gone."""
    text = re.sub("[\uf000-\uf0ff\u25aa\u25cf\u25fc\u2022]", " ", record.text[start:end])
    text = re.sub(r"(?:^|\n\n)[-–]\s+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def assert_fields_match_gold(record: Record, expected: dict[str, Any]) -> None:
    """The public fields, inspectors and improvement points (normalised)."""
    got = record.to_json()
    for field in COMPARED_FIELDS:
        assert got[field] == expected[field], field
    assert got["inspectors"] == expected["inspectors"]
    assert [normalise(p) for p in got["improvement_points"]] == [
        normalise(p) for p in expected["improvement_points"]
    ]


def assert_matches_gold(record: Record, expected: dict[str, Any]) -> None:
    """The public fields, inspectors, improvement points (normalised), kind and framework."""
    assert_fields_match_gold(record, expected)
    assert record.inspection_kind == expected["inspection_kind"]
    assert record.framework == expected["framework"]
