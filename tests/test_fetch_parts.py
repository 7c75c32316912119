"""The parts of fetch that need no network: reading the site's pages, naming files as the public
archive does, the manifest contract, PDF checks, Retry-After."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import re
import time

import pytest
from ofsted_kg.loaders.authorities import all_authorities
from ofsted_site import EXAMPLES, FakeOfsted, corpus_publications

from ofsted_kg.errors import InputRejected, UsageError
from ofsted_kg.fetch import cache, site
from ofsted_kg.fetch.client import _retry_after
from ofsted_kg.manifest import (
    COLUMNS,
    ManifestRow,
    manifest_path,
    read_manifest,
    rows_in,
    write_manifest,
)

ARCHIVE = re.compile(
    r"inspection_reports/(?P<folder>(?P<urn>\d+)_[^/]+)/(?P<file>(?P<type>.+) - (?P<date>\d{2} \w+ \d{4})\.pdf)$"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Children's services focused visit, PDF - 02 August 2021",
            ("Children's services focused visit", "pdf", dt.date(2021, 8, 2)),
        ),
        (
            "Area SEND full inspection, PDF - 15 July 2024",
            ("Area SEND full inspection", "pdf", dt.date(2024, 7, 15)),
        ),
        # The archive's "children's services inspection,  pdf - 16 august 2013.pdf": a double space
        # defeated the scrapers' replace(', pdf', '').
        (
            "Children's services inspection,  PDF - 16 August 2013",
            ("Children's services inspection", "pdf", dt.date(2013, 8, 16)),
        ),
        (
            "Single inspection of LA children's services as PDF - 10 February 2015",
            ("Single inspection of LA children's services as PDF", None, dt.date(2015, 2, 10)),
        ),
        ("Monitoring visit, PDF - 1 March 2024", ("Monitoring visit", "pdf", dt.date(2024, 3, 1))),
        (
            "Children's services focused visit, Word - 02 August 2021",
            ("Children's services focused visit", "word", dt.date(2021, 8, 2)),
        ),
        ("Children's services focused visit, PDF", None),
        ("Children's services focused visit, PDF - 31 Smarch 2021", None),
        ("", None),
    ],
)
def test_nonvisual_text_gives_label_format_and_date(text, expected):
    assert site.parse_nonvisual(text) == expected


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Children's services inspection", "inspection"),
        ("Single inspection of LA children's services as PDF", "inspection"),
        ("Review of the Local Safeguarding Children Board", "inspection"),
        ("Children's services focused visit", "focused-visit"),
        ("Monitoring visit", "monitoring-visit"),
        ("Children's services monitoring visit", "monitoring-visit"),
        ("Joint area child protection inspection", "jtai"),
        ("Joint targeted area inspection", "jtai"),
        ("Area SEND full inspection", "area-send"),
        ("Area SEND monitoring inspection", "area-send"),
        ("Local area SEND inspection", "area-send"),
        ("Annual report", "other"),
    ],
)
def test_labels_are_classified_into_kinds(label, kind):
    assert site.classify(label) == kind


def _archive_rows():
    with (EXAMPLES / "SOURCES.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            match = ARCHIVE.search(row["source"])
            if match:
                yield match


def test_folder_and_file_names_are_those_of_the_public_archive():
    by_urn = {info.urn: info for info in all_authorities()}
    rows = list(_archive_rows())
    assert len(rows) > 70  # every example letter that came from the archive
    for match in rows:
        assert cache.folder_name(by_urn[match["urn"]]) == match["folder"]
        published = dt.datetime.strptime(match["date"], "%d %B %Y").date()
        label = match["type"]
        if label.endswith(",  pdf"):  # the archive kept a scraper artefact; fetch names it cleanly
            assert cache.file_name(site.parse_nonvisual(f"{label} - {match['date']}")[0], published) == (
                f"children's services inspection - {match['date']}.pdf"
            )
            continue
        assert cache.file_name(label, published) == match["file"]


def test_every_authority_gets_its_own_safe_folder():
    names = [cache.folder_name(info) for info in all_authorities()]
    assert len(set(names)) == len(names) == 156
    for name in names:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert re.fullmatch(r"\d+_[a-z0-9 ,.&'()-]+", name), name


def test_file_names_are_safe_and_suffixed_with_the_file_id():
    day = dt.date(2021, 8, 2)
    assert cache.file_name("Children's services focused visit", day, "50165423") == (
        "children's services focused visit - 02 august 2021 (50165423).pdf"
    )
    name = cache.file_name("../../etc/passwd\x00 or\tworse", day)
    assert "/" not in name and "\x00" not in name and "\t" not in name and not name.startswith(".")


def _row(**changes):
    values = dict(
        urn="80537",
        gss_code="E06000031",
        publication_type="Children's services focused visit",
        published=dt.date(2021, 8, 2),
        url="https://files.ofsted.gov.uk/v1/file/50165422",
        path="80537_peterborough/children's services focused visit - 02 august 2021.pdf",
        sha256="ab" * 32,
        fetched_at=dt.datetime(2025, 1, 31, 9, 15, 2, tzinfo=dt.timezone.utc),
    )
    values.update(changes)
    return ManifestRow(**values)


def test_manifest_contract_header_and_round_trip(tmp_path):
    rows = [
        _row(),
        _row(
            urn="80487",
            gss_code="E09000003",
            path="80487_barnet/x - 01 may 2020.pdf",
            url="https://files.ofsted.gov.uk/v1/file/1",
        ),
    ]
    write_manifest(tmp_path, rows)
    text = manifest_path(tmp_path).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "urn\tgss_code\tpublication_type\tpublished\turl\tpath\tsha256\tfetched_at"
    assert COLUMNS == tuple(lines[0].split("\t"))
    assert lines[2] == (
        "80537\tE06000031\tChildren's services focused visit\t2021-08-02\thttps://files.ofsted.gov.uk/v1/file/50165422\t"
        f"80537_peterborough/children's services focused visit - 02 august 2021.pdf\t{'ab' * 32}\t2025-01-31T09:15:02Z"
    )
    assert sorted(rows_in(tmp_path), key=lambda r: r.path) == sorted(rows, key=lambda r: r.path)
    assert not list(tmp_path.glob(".*"))  # the temporary file was renamed over the manifest


def test_a_file_that_is_not_a_manifest_is_refused(tmp_path):
    manifest_path(tmp_path).write_text("file\ttype\n", encoding="utf-8")
    with pytest.raises(InputRejected, match="not a fetch manifest"):
        rows_in(tmp_path)


def test_a_label_with_quotes_and_a_line_break_is_written_on_one_line(tmp_path):
    write_manifest(tmp_path, [_row(publication_type='Children\'s services "focused"\n  visit')])
    lines = manifest_path(tmp_path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    [back] = rows_in(tmp_path)
    assert back.publication_type == 'Children\'s services "focused" visit'


def test_a_malformed_row_stops_the_writer_and_is_skipped_by_the_reader(tmp_path):
    """fetch rewrites the manifest, so a row it cannot read must stop it (the rewrite would drop
    it); ingest's provenance only reads, so it skips the row with a warning and uses the rest."""
    write_manifest(tmp_path, [_row()])
    with manifest_path(tmp_path).open("a", encoding="utf-8") as handle:
        handle.write("80537\tE06000031\tx\t2021-08-02\tftp://example.org/1\ta/b.pdf\t\t\n")
    with pytest.raises(InputRejected, match=r"manifest\.tsv, line 3: url 'ftp://example.org/1'"):
        rows_in(tmp_path)
    assert [row.path for row in read_manifest(manifest_path(tmp_path)).rows] == [_row().path]


def test_fixture_pages_parse_as_the_scrapers_read_them():
    publications = corpus_publications(["80537", "80487"])
    fake = FakeOfsted(publications)
    reports = "https://mirror.example/ofsted"
    providers = site.parse_listing(fake.listing(0, 100), reports + "/search", reports)
    assert [(p.urn, p.name, p.url) for p in providers] == [
        ("80487", "Barnet", f"{reports}/provider/44/80487"),
        ("80537", "Peterborough", f"{reports}/provider/44/80537"),
    ]
    links, problems = site.parse_provider_page(fake.provider_page("80537"), reports + "/provider/44/80537")
    assert problems == []
    assert [(link.label, link.published, link.kind) for link in links] == [
        ("Children's services inspection", dt.date(2024, 1, 30), "inspection"),
        ("Children's services focused visit", dt.date(2023, 5, 9), "focused-visit"),
        ("Children's services focused visit", dt.date(2021, 8, 2), "focused-visit"),
    ]
    assert {link.file_id for link in links} == {p.file_id for p in publications if p.urn == "80537"}


def test_a_provider_page_without_publication_links_is_a_layout_error():
    with pytest.raises(site.LayoutNotRecognised) as caught:
        site.parse_provider_page(
            b"<html><body><h1>Peterborough</h1><p>No reports</p></body></html>", "http://x/provider/44/80537"
        )
    assert (
        str(caught.value)
        == "http://x/provider/44/80537: page layout not recognised: no publication links (a.publication-link)"
    )


def test_publication_links_without_their_text_are_reported_one_by_one():
    page = b"""<html><body>
      <a class="publication-link" href="https://files.ofsted.gov.uk/v1/file/1">Focused visit
        <span class="nonvisual">Children's services focused visit, PDF - 02 August 2021</span></a>
      <a class="publication-link" href="https://files.ofsted.gov.uk/v1/file/2">Focused visit</a>
    </body></html>"""
    links, problems = site.parse_provider_page(page, "http://x/p")
    assert [link.file_id for link in links] == ["1"]
    assert [p.reason for p in problems] == [
        "publication link 'https://files.ofsted.gov.uk/v1/file/2' has no span.nonvisual (type and date)"
    ]


def test_retry_after_in_seconds_or_as_an_http_date():
    assert _retry_after("7") == 7.0
    assert _retry_after(None) is None
    assert _retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= _retry_after(later) <= 31


def test_pdf_check_accepts_whole_pdfs_only(tmp_path):
    real = next(EXAMPLES.glob("*.pdf"))
    assert cache.looks_like_pdf(real) is None
    truncated = tmp_path / "t.pdf"
    truncated.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    assert cache.looks_like_pdf(truncated) == "a truncated PDF (no %%EOF at its end)"
    page = tmp_path / "p.pdf"
    page.write_bytes(b"<!DOCTYPE html><html><body>Sorry</body></html>")
    assert cache.looks_like_pdf(page).startswith("not a PDF (it starts '<!DOCTYPE html>")
    for path in EXAMPLES.glob("*.pdf"):  # every real letter passes
        assert cache.looks_like_pdf(path) is None, path


def test_stale_part_files_are_removed(tmp_path):
    folder = tmp_path / "80537_peterborough"
    folder.mkdir()
    stale = cache.part_path(folder / "x - 01 may 2020.pdf")
    stale.write_bytes(b"%PDF-1.4 half")
    keep = folder / "x - 01 may 2020.pdf"
    keep.write_bytes(b"%PDF-1.4\n%%EOF")
    assert cache.remove_stale_parts(tmp_path) == [stale]
    assert not stale.exists() and keep.exists()


def test_listing_links_that_are_not_provider_pages_are_ignored():
    page = b"""<html><body>
      <a href="/provider/44/80537">Peterborough City Council</a>
      <a href="/provider/44/80537">View</a>
      <a href="/search?level_1_types=3">Children's social care</a>
      <a href="https://reports.ofsted.gov.uk/provider/44/80487/">Barnet</a>
      <a href="/provider/44/80487/reports?x=1">Reports</a>
    </body></html>"""
    found = site.parse_listing(page, "http://mirror/search", "http://mirror")
    assert [(p.urn, p.name, p.url) for p in found] == [
        ("80537", "Peterborough City Council", "http://mirror/provider/44/80537"),
        ("80487", "Barnet", "http://mirror/provider/44/80487/"),
    ]


def test_a_file_where_the_cache_folder_should_be_is_a_usage_error(tmp_path):
    occupied = tmp_path / "cache"
    occupied.write_text("not a folder")
    with pytest.raises(UsageError, match="cannot be the cache folder"):
        with cache.locked(occupied):
            pass
