"""Provenance on real letters: the archive layout (URN, publication type, date), the fetch manifest
(URL, date), the printed date winning, a URN that disagrees, and dates validate must flag."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from archive_tree import EXAMPLES, archive_paths, build
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from ofsted_kg import iris
from ofsted_kg.ingest import file_sha256, ingest
from ofsted_kg.manifest import COLUMNS, ManifestError, ManifestRow, read_manifest, write_manifest
from ofsted_kg.namespace import OKG
from ofsted_kg.provenance import authority_for_urn, parse_archive_path
from ofsted_kg.store import EmbeddedStore

FOCUSED = "focused-visit_peterborough_2021-08.pdf"
ILACS = "ilacs_peterborough_2024-01.pdf"
SEND = "send-area_brighton-and-hove_2023-05.pdf"
HULL = "other_kingston-upon-hull_2015-02.pdf"  # prints 3 February 2015; listed 10 February
KENT = "focused-visit_kent_2019-02.pdf"


def values(store: EmbeddedStore, path: Path, prop: URIRef) -> set[str]:
    report = iris.report(file_sha256(path))
    rows = store.select("SELECT ?v WHERE { ?r ?p ?v }", {"r": report, "p": prop}).rows
    return {str(r["v"]) for r in rows}


def test_every_example_archive_path_parses() -> None:
    """All 84 archive paths of the examples give a URN of a known authority, a type and a date."""
    import csv

    with (EXAMPLES / "SOURCES.tsv").open(encoding="utf-8", newline="") as handle:
        letter_dates = {row["file"]: row["letter_date"] for row in csv.DictReader(handle, delimiter="\t")}
    paths = archive_paths()
    assert len(paths) == 84
    types = set()
    for name, path in paths.items():
        parsed = parse_archive_path(path)
        assert parsed is not None, path
        assert authority_for_urn(parsed.urn) is not None, path
        types.add(parsed.publication_type)
        if name not in (HULL, "other_norfolk_2015-10.pdf"):  # listed a few days after the printed date
            assert parsed.published.isoformat() == letter_dates[name], name
    assert types == {
        "children's services focused visit",
        "children's services inspection",  # "children's services inspection,  pdf" loses its link text
        "single inspection of la children's services",
        "area send full inspection",
    }
    assert parse_archive_path(PurePosixPath("letters", FOCUSED)) is None  # not the layout
    assert parse_archive_path(PurePosixPath("80537_peterborough", "visit - 31 february 2021.pdf")) is None


def test_an_archive_tree_gives_urn_type_and_date(tmp_path: Path) -> None:
    placed = build(tmp_path / "archive", [FOCUSED, ILACS, SEND, HULL])
    with EmbeddedStore(tmp_path / "kg.db") as store:
        summary = ingest(store, [tmp_path / "archive"], jobs=2, progress=False)
        assert summary.failed == [] and summary.warnings == []
        focused = placed[FOCUSED]
        assert values(store, focused, OKG.listedURN) == {"80537"}
        assert values(store, focused, OKG.listedPublicationType) == {"children's services focused visit"}
        assert values(store, focused, OKG.listedDate) == {"2021-08-02"}
        assert values(store, focused, OKG.fileName) == {
            "children's services focused visit - 02 august 2021.pdf"
        }
        assert values(store, focused, DCTERMS.issued) == {"2021-08-02"}
        assert values(store, focused, DCTERMS.source) == set()  # no manifest: no URL
        # ILACS and area SEND reports print no publication date: the archive's date stands in.
        assert values(store, placed[ILACS], DCTERMS.issued) == {"2024-01-30"}
        assert values(store, placed[ILACS], OKG.listedPublicationType) == {"children's services inspection"}
        assert values(store, placed[SEND], DCTERMS.issued) == {"2023-05-31"}
        assert values(store, placed[SEND], OKG.listedURN) == {"80438"}
        # The document's printed date wins; the archive's is kept beside it.
        assert values(store, placed[HULL], DCTERMS.issued) == {"2015-02-03"}
        assert values(store, placed[HULL], OKG.listedDate) == {"2015-02-10"}
        assert values(store, placed[HULL], OKG.listedPublicationType) == {
            "single inspection of la children's services"
        }
        # select_inspections has a publication date for every inspection now.
        from ofsted_kg.named_queries import named_queries

        query = named_queries()["select_inspections"]
        rows = store.select(query.text).rows
        assert len(rows) == 4 and all(row["published"] is not None for row in rows)


def test_a_urn_that_disagrees_with_the_document_is_a_warning(tmp_path: Path) -> None:
    """Kent's letter filed under Peterborough's URN: the document's authority wins, loudly."""
    folder = tmp_path / "archive" / "80537_peterborough"
    folder.mkdir(parents=True)
    misfiled = folder / "children's services focused visit - 08 february 2019.pdf"
    shutil.copy(EXAMPLES / KENT, misfiled)
    db = tmp_path / "kg.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ofsted_kg",
            "--store",
            str(db),
            "ingest",
            "--jobs",
            "1",
            str(tmp_path / "archive"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "OFSTED_KG_ENDPOINT"},
    )
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING:")]
    assert warnings == [
        f"WARNING: {misfiled}: listed under URN 80537 (Peterborough, E06000031) but the document is about "
        "Kent (E10000016); the document's authority is used"
    ]
    assert "1 warning(s)" in done.stderr
    with EmbeddedStore(db) as store:
        inspections = store.select(
            "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#> SELECT ?a WHERE { ?i okg:primaryReport ?r ; okg:inspectedAuthority ?a }"
        ).rows
        assert [r["a"] for r in inspections] == [iris.authority("E10000016")]
        assert values(store, misfiled, OKG.listedURN) == {"80537"}  # recorded as listed all the same


def _row(path: Path, cache: Path, **fields: object) -> ManifestRow:
    values = {
        "urn": "80537",
        "gss_code": "E06000031",
        "publication_type": "Children's services focused visit",
        "published": None,
        "url": "https://files.ofsted.gov.uk/v1/file/1",
        "path": path.relative_to(cache).as_posix(),
        "sha256": file_sha256(path),
        "fetched_at": datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC),
        **fields,
    }
    return ManifestRow(**values)  # type: ignore[arg-type]


def test_a_fetch_manifest_gives_url_and_date(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = tmp_path / "ofsted-kg-cache"
    placed = build(cache, [FOCUSED, ILACS, SEND])
    focused, ilacs, send = placed[FOCUSED], placed[ILACS], placed[SEND]
    write_manifest(
        cache,
        [
            # By hash; a listing date a day after the printed one.
            _row(
                focused,
                cache,
                url="https://files.ofsted.gov.uk/v1/file/50167869",
                published=datetime.date(2021, 8, 3),
            ),
            # By path only (no hash recorded).
            _row(
                ilacs,
                cache,
                url="https://files.ofsted.gov.uk/v1/file/50239876",
                published=datetime.date(2024, 1, 30),
                sha256=None,
                publication_type="Children's services inspection",
            ),
            # A row for the SEND file's path with another file's hash: the file changed since.
            _row(send, cache, urn="80438", url="https://files.ofsted.gov.uk/v1/file/666", sha256="0" * 64),
        ],
    )
    with (cache / "manifest.tsv").open("a", encoding="utf-8") as handle:
        handle.write("80537\tE06000031\tvisit\t2021-08-03\tftp://elsewhere\tx.pdf\t\t\n")  # not https
    with EmbeddedStore(tmp_path / "kg.db") as store, caplog.at_level(logging.WARNING):
        # The folder given is below the manifest: it is found all the same.
        summary = ingest(store, [cache / "80537_peterborough", send], jobs=1, progress=False)
        assert summary.failed == []
        assert values(store, focused, DCTERMS.source) == {"https://files.ofsted.gov.uk/v1/file/50167869"}
        source = store.select(
            "SELECT ?v WHERE { ?r ?p ?v }", {"r": iris.report(file_sha256(focused)), "p": DCTERMS.source}
        ).rows
        assert isinstance(source[0]["v"], URIRef)  # an IRI, not a string
        assert values(store, focused, DCTERMS.issued) == {"2021-08-02"}  # as printed
        assert values(store, focused, OKG.listedDate) == {"2021-08-02", "2021-08-03"}  # archive, manifest
        assert values(store, ilacs, DCTERMS.source) == {"https://files.ofsted.gov.uk/v1/file/50239876"}
        assert values(store, ilacs, DCTERMS.issued) == {"2024-01-30"}
        assert values(store, send, DCTERMS.source) == set()  # the stale row is not used
        assert values(store, send, OKG.listedURN) == {"80438"}  # the archive layout still is
    messages = [r.getMessage() for r in caplog.records]
    assert any("manifest.tsv, line 5: url 'ftp://elsewhere' is not an https URL" in m for m in messages)
    assert any("the manifest row is not used" in m and "area send full inspection" in m for m in messages)


def test_a_listed_date_before_the_visit_ended_fails_validation(tmp_path: Path) -> None:
    """The ILACS report prints no date; a listing dating it during the visit makes dcterms:issued
    earlier than the visit's end, which `validate` must never accept silently."""
    cache = tmp_path / "cache"
    placed = build(cache, [ILACS])
    write_manifest(cache, [_row(placed[ILACS], cache, published=datetime.date(2023, 12, 1))])
    # The archive name says 30 January 2024: the earliest listed date is the one used.
    db = tmp_path / "kg.db"
    with EmbeddedStore(db) as store:
        assert ingest(store, [cache], jobs=1, progress=False).failed == []
        assert values(store, placed[ILACS], DCTERMS.issued) == {"2023-12-01"}
    done = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "--store", str(db), "validate", "--no-reasoner"],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "OFSTED_KG_ENDPOINT"},
    )
    assert done.returncode == 1
    assert "the report is dated 2023-12-01, before its visit ended (2023-12-08)" in done.stderr


def test_the_same_bytes_from_another_place_add_their_provenance_once(tmp_path: Path) -> None:
    placed = build(tmp_path / "archive", [FOCUSED])
    with EmbeddedStore(tmp_path / "kg.db") as store:
        assert ingest(store, [EXAMPLES / FOCUSED], jobs=1, progress=False).loaded == [str(EXAMPLES / FOCUSED)]
        assert values(store, placed[FOCUSED], OKG.listedURN) == set()
        second = ingest(store, [placed[FOCUSED]], jobs=1, progress=False)
        assert second.loaded == [str(placed[FOCUSED])]  # it brings what the store lacked
        assert values(store, placed[FOCUSED], OKG.fileName) == {
            FOCUSED,
            "children's services focused visit - 02 august 2021.pdf",
        }
        assert values(store, placed[FOCUSED], OKG.listedURN) == {"80537"}
        third = ingest(store, [EXAMPLES / FOCUSED, placed[FOCUSED]], jobs=1, progress=False)
        assert third.loaded == [] and len(third.skipped_unchanged) == 2
        # Both places in one run from a fresh store: one copy, the same graph.
        with EmbeddedStore(tmp_path / "fresh.db") as fresh:
            together = ingest(fresh, [EXAMPLES / FOCUSED, placed[FOCUSED]], jobs=2, progress=False)
            assert len(together.loaded) == 1 and len(together.duplicates) == 1
            graph = iris.report_graph(file_sha256(EXAMPLES / FOCUSED))
            assert fresh.triple_count(graph) == store.triple_count(graph)


def test_the_manifest_reader_round_trips_and_rejects_other_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    document = cache / "a.pdf"
    document.write_bytes(b"%PDF-1.4 not a real letter")
    row = _row(document, cache, published=datetime.date(2025, 1, 2))
    path = write_manifest(cache, [row])
    assert path.read_text(encoding="utf-8").splitlines()[0].split("\t") == list(COLUMNS)
    manifest = read_manifest(path)
    assert manifest.rows == (row,)
    assert manifest.row_for(document, file_sha256(document)) == row
    assert manifest.by_path("a.pdf") == row and manifest.by_sha256("f" * 64) is None
    (cache / "manifest.tsv").write_text("file\turl\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="not a fetch manifest"):
        read_manifest(cache / "manifest.tsv")
