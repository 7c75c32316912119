"""loaders/passages.py: the one definition of what a finding quotes, shared by every loader."""

from __future__ import annotations

import pytest
from ofsted_kg.loaders.document import ReportText
from ofsted_kg.loaders.passages import bullet_points, finding, items, numbered_paragraphs, quote
from report_gold import ROOT, extracted, span_text

DOCUMENTS = sorted(
    str(p.relative_to(ROOT))
    for folder in ("examples/letters", "tests/corpus")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".pdf", ".txt") and "unsupported" not in p.parts
)


def _report(text: str, page_starts: list[int] | None = None) -> ReportText:
    return ReportText(text, [], page_starts or [0])


def test_quote_drops_each_paragraphs_bullet_and_collapses_whitespace():
    assert quote("\u25fc  Leaders know\n\n\uf06e their   services") == "Leaders know their services"
    assert quote("- Plans are clear.\n\n– Reviews are timely.") == "Plans are clear. Reviews are timely."
    assert quote("\u2022Glyph with no space") == "Glyph with no space"
    # A dash inside a sentence or a word is the text's own.
    assert quote("well-being - and more – says") == "well-being - and more – says"
    # A glyph left inside the text (two points run together on one line) is not.
    assert quote("first point \u25aa second point") == "first point second point"


def test_a_finding_quotes_its_trimmed_span_on_the_page_it_starts():
    text = "Heading\n\n  \u25fc Children are seen promptly.  \n\nNext"
    report = _report(text, [0, text.index("\u25fc")])
    [item] = items(report, len("Heading"), text.index("Next"))
    f = finding(report, "strength", item, "Heading")
    assert text[f.span.start : f.span.end] == "Children are seen promptly."
    assert f.text == "Children are seen promptly."
    assert f.span.page == 2
    assert item.bullet


def test_a_point_broken_by_a_page_foot_footnote_leaves_the_footnote_out_of_its_text():
    text = (
        "What needs to improve?\n\n"
        "\u25fc The quality of supervision and\n\n"
        "1 The footnote printed at the foot of the page.\n\n"
        "management oversight of children's plans.\n\n"
        "\u25fc Sufficiency of placements."
    )
    report = _report(text)
    start = text.index("\n\n")
    points = bullet_points(report, start, len(text))
    assert [finding(report, "area_for_improvement", p).text for p in points] == [
        "The quality of supervision and management oversight of children's plans.",
        "Sufficiency of placements.",
    ]
    # The evidence span still runs from the point's first word to its last.
    assert "footnote" in text[points[0].start : points[0].end]
    # A paragraph reader leaves it out the same way.
    paragraph = items(report, start, text.index("\n\n\u25fc Suff"))
    assert [finding(report, "headline", p).text for p in paragraph] == [
        "The quality of supervision and management oversight of children's plans."
    ]


def test_numbered_paragraphs_keep_their_numbers_and_quote_only_their_body():
    text = "Section\n\n1. Children are safe.\n\n2. Plans are clear. 3. Reviews happen."
    report = _report(text)
    found = [finding(report, "main_finding", it) for it in numbered_paragraphs(text, 9, len(text))]
    assert [(f.number, f.text) for f in found] == [
        (1, "Children are safe."),
        (2, "Plans are clear."),
        (3, "Reviews happen."),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("relative", DOCUMENTS)
def test_every_loaders_findings_quote_their_span_the_same_way(relative):
    # One definition for all six loaders: a finding's text is its span with bullets and glyphs
    # gone and whitespace collapsed (span_text is written independently of passages.quote).
    record = extracted(relative)
    assert record.findings, relative
    for f in record.findings:
        assert f.text == span_text(record, f.span.start, f.span.end), (f.kind, f.span)
