"""`ofsted-kg fetch` and `sync` against a real HTTP server on 127.0.0.1 serving recorded-shape pages
and real PDFs (tests/ofsted_site.py): listing -> provider pages -> files -> manifest -> store, the
filters, incremental re-runs, unrecognised pages, a site that errs then recovers, 429 with
Retry-After, kill -9 mid-download then resume, an unreachable site, and `sync --dry-run`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ofsted_site import FakeOfsted, SitePublication, corpus_publications, fake_ofsted
from servers import free_port

from ofsted_kg import __version__, api
from ofsted_kg.errors import SiteUnavailable, UsageError
from ofsted_kg.fetch import FetchSettings, fetch, rows_in
from ofsted_kg.fetch.cache import locked
from ofsted_kg.ingest import ingest
from ofsted_kg.store import EmbeddedStore

URNS = ("80537", "80487", "2532283")  # Peterborough (3 letters), Barnet (2), Dorset (2)
GSS = {"80537": "E06000031", "80487": "E09000003", "2532283": "E06000059"}
REPORT_AUTHORITIES = """
PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?sha ?gss WHERE {
  ?report okg:sha256 ?sha ; prov:wasGeneratedBy ?inspection .
  ?inspection okg:inspectedAuthority ?authority .
  ?authority okg:gssCode ?gss .
}
"""


@pytest.fixture
def site():
    with fake_ofsted(corpus_publications(URNS)) as running:
        yield running


def settings(site: FakeOfsted, **changes: object) -> FetchSettings:
    values: dict[str, object] = dict(reports_url=site.url, files_url=site.url, rate=500, backoff=0.05)
    values.update(changes)
    return FetchSettings(**values)  # type: ignore[arg-type]


def cli_env(site_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    env.update(OFSTED_KG_REPORTS_URL=site_url, OFSTED_KG_FILES_URL=site_url)
    return env


def run_cli(site_url: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(site_url),
        stdin=subprocess.DEVNULL,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_listing_to_pages_to_files_to_manifest_to_store(site: FakeOfsted, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    # Two providers a listing page: three providers take two pages, and a short page ends it.
    result = fetch(cache, settings=settings(site, listing_rows=2))
    assert result.ok, result.failures
    searches = site.hits_on("/search")
    assert len(searches) == 2
    assert {h.path for h in site.hits_on("/provider/")} == {f"/provider/44/{urn}" for urn in URNS}

    rows = rows_in(cache)
    expected = {p.file_id: p for p in site.publications}
    assert len(rows) == len(result.downloaded) == len(expected) == 7
    for row in rows:
        served = expected[row.url.rsplit("/", 1)[-1]]
        assert row.url == f"https://files.ofsted.gov.uk/v1/file/{served.file_id}"
        assert (row.urn, row.gss_code) == (served.urn, GSS[served.urn])
        assert (row.publication_type, row.published) == (served.label, served.published)
        # The public archive's layout, e.g. 80537_peterborough/children's services focused visit - 02 august 2021.pdf
        assert (
            row.path
            == f"{row.path.split('/')[0]}/{served.label.lower()} - {served.published:%d %B %Y}.pdf".lower()
        )
        assert row.path.split("/")[0].startswith(f"{served.urn}_")
        assert row.sha256 == sha256(cache / row.path) == sha256(served.pdf)
        assert dt.datetime.now(dt.timezone.utc) - row.fetched_at < dt.timedelta(minutes=10)
    assert "80537_peterborough/children's services focused visit - 02 august 2021.pdf" in {
        r.path for r in rows
    }
    assert not list(cache.rglob("*.part"))

    with EmbeddedStore(tmp_path / "store.db") as store:
        summary = ingest(store, [cache], jobs=1, progress=False)
        assert summary.failed == [] and len(summary.loaded) == 7
        loaded = {(str(r["sha"]), str(r["gss"])) for r in store.select(REPORT_AUTHORITIES).rows}
    assert loaded == {(row.sha256, row.gss_code) for row in rows}


REPORT_PROVENANCE = """
PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?sha ?url ?listed ?urn ?type WHERE {
  ?report okg:sha256 ?sha ; dcterms:source ?url ; okg:listedDate ?listed ;
          okg:listedURN ?urn ; okg:listedPublicationType ?type .
}
"""


def test_what_fetch_writes_ingest_reads(site: FakeOfsted, tmp_path: Path) -> None:
    """The manifest round trip: the rows fetch writes (ofsted_kg.manifest) are the provenance ingest
    records, each report's Ofsted URL, listed date, URN and type in the graph."""
    cache = tmp_path / "cache"
    fetch(cache, authorities=["Peterborough"], settings=settings(site))
    rows = rows_in(cache)
    assert len(rows) == 3
    with EmbeddedStore(tmp_path / "store.db") as store:
        summary = ingest(store, [cache], jobs=1, progress=False)
        assert summary.failed == [] and len(summary.loaded) == 3
        recorded = {
            (str(r["sha"]), str(r["url"]), str(r["listed"]), str(r["urn"]), str(r["type"]))
            for r in store.select(REPORT_PROVENANCE).rows
        }
    assert recorded == {
        (
            row.sha256,
            row.url,
            row.published.isoformat() if row.published else "",
            row.urn,
            row.publication_type.lower(),
        )
        for row in rows
    }


def test_a_rerun_downloads_nothing(site: FakeOfsted, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = fetch(cache, authorities=["Peterborough"], settings=settings(site))
    assert len(first.downloaded) == 3
    manifest_before = (cache / "manifest.tsv").read_bytes()
    files_before = len(site.hits_on("/v1/file/"))

    again = fetch(cache, authorities=["Peterborough"], settings=settings(site))
    assert again.ok and again.downloaded == [] and again.new == [] and again.already == 3
    assert len(site.hits_on("/v1/file/")) == files_before  # not one file asked for again
    assert (cache / "manifest.tsv").read_bytes() == manifest_before

    # A new publication on the site is the only download of the next run.
    newer = SitePublication(
        "80537",
        "Children's services focused visit",
        dt.date(2025, 3, 3),
        "50199999",
        site.publications[-1].pdf,
    )
    site.publications.append(newer)
    third = fetch(cache, authorities=["80537"], settings=settings(site))
    assert [row.url for row in third.downloaded] == ["https://files.ofsted.gov.uk/v1/file/50199999"]
    assert len(rows_in(cache)) == 4

    # A file deleted from the cache is fetched again, to the place the manifest gives it.
    gone = rows_in(cache)[0]
    (cache / gone.path).unlink()
    fourth = fetch(cache, authorities=["80537"], settings=settings(site))
    assert [row.path for row in fourth.downloaded] == [gone.path] and fourth.already == 3
    assert sha256(cache / gone.path) == gone.sha256 and len(rows_in(cache)) == 4


def test_one_fetch_at_a_time_per_cache(site: FakeOfsted, tmp_path: Path) -> None:
    with locked(tmp_path):
        with pytest.raises(UsageError, match="another ofsted-kg fetch is using this cache folder"):
            fetch(tmp_path, authorities=["Peterborough"], settings=settings(site))
    assert site.hits == [] and not (tmp_path / "manifest.tsv").exists()


def test_authority_since_and_type_filters(site: FakeOfsted, tmp_path: Path) -> None:
    def listed(*args: str) -> list[dict[str, str]]:
        done = run_cli(
            site.url,
            "fetch",
            "--cache",
            str(tmp_path / "c"),
            "--rate",
            "500",
            "--dry-run",
            "-f",
            "json",
            *args,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    rows = listed("--authority", "peterborough")
    assert {r["urn"] for r in rows} == {"80537"} and len(rows) == 3
    rows = listed("--authority", "E09000003", "--authority", "2532283")  # a GSS code and a URN
    assert {r["urn"] for r in rows} == {"80487", "2532283"} and len(rows) == 4
    rows = listed("--since", "2023-01-01")
    assert sorted(r["published"] for r in rows) == ["2023-05-09", "2024-01-30", "2024-05-15", "2025-12-04"]
    rows = listed("--type", "focused-visit")
    assert len(rows) == 4 and {r["publication_type"] for r in rows} == {"Children's services focused visit"}
    rows = listed("--type", "area-send", "--type", "inspection", "--since", "2022-01-01")
    assert [(r["urn"], r["publication_type"]) for r in rows] == [
        ("2532283", "Area SEND full inspection"),
        ("80537", "Children's services inspection"),
    ]
    assert not (tmp_path / "c").exists()  # a dry run writes nothing
    # Named authorities go straight to their pages: the listing is only read for "all".
    assert len(site.hits_on("/search")) == 3  # the three runs without --authority

    bad = run_cli(
        site.url, "fetch", "--cache", str(tmp_path / "c"), "--dry-run", "--authority", "Peterbrough"
    )
    assert bad.returncode == 2 and "did you mean Peterborough" in bad.stderr
    bad = run_cli(site.url, "fetch", "--cache", str(tmp_path / "c"), "--dry-run", "--since", "last week")
    assert bad.returncode == 2 and "--since 'last week': expected a date as YYYY-MM-DD" in bad.stderr


def test_kinds_fetch_does_not_know_are_left_out_and_said_so(tmp_path: Path) -> None:
    pdf = corpus_publications(["80537"])[0].pdf
    publications = [
        SitePublication("80537", "Joint area child protection inspection", dt.date(2024, 1, 30), "1", pdf),
        SitePublication("80537", "Monitoring visit", dt.date(2023, 3, 1), "2", pdf),
        SitePublication("80537", "Annual engagement meeting", dt.date(2022, 3, 1), "3", pdf),
    ]
    with fake_ofsted(publications) as running:
        result = fetch(tmp_path, authorities=["80537"], dry_run=True, settings=settings(running))
        assert [p.kind for p in result.new] == ["monitoring-visit", "jtai"]
        assert result.notes == [
            "left out publications of kinds fetch does not know: 'Annual engagement meeting' (1) "
            "(--type other fetches them)"
        ]
        jtai = fetch(
            tmp_path, authorities=["80537"], types=["jtai"], dry_run=True, settings=settings(running)
        )
        assert [p.label for p in jtai.new] == ["Joint area child protection inspection"]
        everything = fetch(
            tmp_path, authorities=["80537"], types=["all"], dry_run=True, settings=settings(running)
        )
        assert len(everything.new) == 3


def test_a_page_that_moved_is_found_through_the_listing(tmp_path: Path) -> None:
    with fake_ofsted(corpus_publications(["80537"]), moved={"80537": "45"}) as running:
        result = fetch(tmp_path, authorities=["Peterborough"], settings=settings(running))
        assert result.ok and len(result.downloaded) == 3
        paths = [h.path for h in running.hits_on("/provider/")]
        assert paths == ["/provider/44/80537", "/provider/45/80537"]


def test_same_type_and_date_twice_keeps_both(tmp_path: Path) -> None:
    letters = corpus_publications(["80537"])
    reissued = SitePublication("80537", letters[0].label, letters[0].published, "50100999", letters[1].pdf)
    with fake_ofsted([*letters, reissued]) as running:
        result = fetch(tmp_path, authorities=["80537"], settings=settings(running))
    assert result.ok
    paths = sorted(row.path for row in rows_in(tmp_path))
    assert "80537_peterborough/children's services focused visit - 02 august 2021.pdf" in paths
    assert "80537_peterborough/children's services focused visit - 02 august 2021 (50100999).pdf" in paths
    assert len(paths) == 4 and all((tmp_path / p).is_file() for p in paths)


def test_an_unrecognised_page_is_one_line_naming_its_url(site: FakeOfsted, tmp_path: Path) -> None:
    site.behaviour(
        "/provider/44/80537"
    ).body = b"<html><body><h1>Peterborough</h1><p>We have moved.</p></body></html>"
    done = run_cli(
        site.url,
        "-q",
        "fetch",
        "--cache",
        str(tmp_path),
        "--rate",
        "500",
        "-a",
        "Peterborough",
        "-a",
        "Barnet",
        "-f",
        "tsv",
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == (
        f"ofsted-kg: {site.url}/provider/44/80537: page layout not recognised: no publication links (a.publication-link)"
    )
    assert len(lines) == 2 and "1 page(s) or file(s) could not be fetched" in lines[1]
    assert "Traceback" not in done.stderr
    # The rest of the batch was done.
    assert {row.urn for row in rows_in(tmp_path)} == {"80487"}
    assert len(done.stdout.splitlines()) == 1 + 2


def test_an_unrecognised_listing_stops_with_one_line(site: FakeOfsted, tmp_path: Path) -> None:
    site.behaviour("/search").body = b"<html><body><p>Search is unavailable</p></body></html>"
    done = run_cli(site.url, "fetch", "--cache", str(tmp_path), "--rate", "500", "--dry-run")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"ofsted-kg: {site.url}/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12"
        "&start=0&rows=100: page layout not recognised: no provider links (a[href*='/provider/'])"
    ]


def test_a_server_error_then_recovery_is_retried(site: FakeOfsted, tmp_path: Path) -> None:
    target = site.file_path(site.publications[-1])
    site.behaviour(target).statuses = [500, 503]
    site.behaviour("/provider/44/80537").statuses = [502]
    result = fetch(tmp_path, authorities=["Peterborough"], settings=settings(site))
    assert result.ok and len(result.downloaded) == 3
    assert len(site.hits_on(target)) == 3 and len(site.hits_on("/provider/44/80537")) == 2
    assert sha256(tmp_path / rows_in(tmp_path)[-1].path) == rows_in(tmp_path)[-1].sha256


def test_429_waits_as_long_as_retry_after_says(site: FakeOfsted, tmp_path: Path) -> None:
    site.behaviour("/provider/44/80537").statuses = [429]
    site.behaviour("/provider/44/80537").retry_after = "1"
    result = fetch(tmp_path, authorities=["Peterborough"], settings=settings(site, backoff=0.01))
    assert result.ok and len(result.downloaded) == 3
    first, second = site.hits_on("/provider/44/80537")
    assert second.at - first.at >= 1.0  # Retry-After: 1, not the 0.01 s backoff


def test_requests_are_named_and_paced(site: FakeOfsted, tmp_path: Path) -> None:
    fetch(
        tmp_path, authorities=["Peterborough"], settings=settings(site, rate=10, contact="data@example.org")
    )
    hits = site.hits
    assert {h.user_agent for h in hits} == {
        f"ofsted-kg/{__version__} (+https://w3id.org/ofsted-kg; data@example.org)"
    }
    gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
    # Seen at the server, so scheduling on a busy machine can record one hit late: that shortens one
    # gap and lengthens the one before by as much. Each pair of neighbouring gaps keeps the pace,
    # and so does the average.
    pairs = [a + b for a, b in zip(gaps, gaps[1:], strict=False)]
    assert len(gaps) >= 4 and min(pairs) >= 0.17 and sum(gaps) / len(gaps) >= 0.095


def test_robots_txt_is_obeyed(tmp_path: Path) -> None:
    with fake_ofsted(
        corpus_publications(["80537"]), robots="User-agent: *\nDisallow: /provider/\n"
    ) as running:
        result = fetch(tmp_path, authorities=["Peterborough"], settings=settings(running))
        assert running.hits_on("/provider/") == []
        url = running.url
    assert [str(f) for f in result.failures] == [
        f"{url}/provider/44/80537: disallowed by the site's robots.txt"
    ]


def test_a_file_that_is_not_a_pdf_is_not_saved(site: FakeOfsted, tmp_path: Path) -> None:
    target = site.file_path(site.publications[-1])
    site.behaviour(target).body = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
    result = fetch(tmp_path, authorities=["Peterborough"], settings=settings(site))
    assert [str(f) for f in result.failures] == [
        f"{site.url}{target}: not a PDF (it starts '<!DOCTYPE html><html><body>Maintenance</'); "
        "not saved as 80537_peterborough/children's services inspection - 30 january 2024.pdf"
    ]
    assert len(result.downloaded) == 2
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".pdf") == [
        "children's services focused visit - 02 august 2021.pdf",
        "children's services focused visit - 09 may 2023.pdf",
    ]


def test_a_body_slower_than_the_timeout_is_cut(site: FakeOfsted, tmp_path: Path) -> None:
    target = site.file_path(site.publications[-1])
    site.behaviour(target).drip_delay = 0.1  # ~220 KB in 4 KB chunks: about 5 s; each read is quick
    started = time.monotonic()
    with pytest.raises(SiteUnavailable, match=r"took longer than 1 s \(gave up after 1 attempts\)"):
        fetch(tmp_path, authorities=["Peterborough"], settings=settings(site, timeout=1, retries=0))
    assert time.monotonic() - started < 4
    rows = rows_in(tmp_path)
    assert len(rows) == 2  # the files before it are kept and recorded
    assert not list(tmp_path.rglob("*.part"))


def test_an_unreachable_site_is_exit_3(tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    done = run_cli(
        nowhere, "fetch", "--cache", str(tmp_path), "--retries", "1", "--backoff", "0", "-a", "Peterborough"
    )
    assert done.returncode == 3
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ofsted-kg: {nowhere}/robots.txt: cannot connect") and last.endswith(
        "(gave up after 2 attempts)"
    )
    assert "Traceback" not in done.stderr


def test_kill_minus_nine_mid_download_then_resume(site: FakeOfsted, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    slow = site.publications[-1]  # Peterborough's last letter, fetched last
    site.behaviour(site.file_path(slow)).drip_delay = 0.05
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ofsted_kg",
            "fetch",
            "--cache",
            str(cache),
            "--rate",
            "500",
            "-a",
            "Peterborough",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=cli_env(site.url),
        start_new_session=True,
    )
    part = cache / "80537_peterborough" / ".children's services inspection - 30 january 2024.pdf.part"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (part.exists() and part.stat().st_size > 20_000):
            assert process.poll() is None, "fetch ended before the kill"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    # Killed mid-file: the two letters before it are whole and recorded; no half PDF anywhere.
    assert 20_000 < part.stat().st_size < slow.pdf.stat().st_size
    rows = rows_in(cache)
    assert len(rows) == 2 and all(sha256(cache / r.path) == r.sha256 for r in rows)
    assert sorted(p.name for p in cache.rglob("*.pdf")) == sorted(Path(r.path).name for r in rows)

    site.behaviour(site.file_path(slow)).drip_delay = 0.0
    done = run_cli(
        site.url, "fetch", "--cache", str(cache), "--rate", "500", "-a", "Peterborough", "-f", "tsv"
    )
    assert done.returncode == 0, done.stderr
    assert "downloaded 1, already had 2" in done.stderr
    rows = rows_in(cache)
    assert len(rows) == 3 and all(sha256(cache / r.path) == r.sha256 for r in rows)
    assert sha256(
        cache / "80537_peterborough" / "children's services inspection - 30 january 2024.pdf"
    ) == sha256(slow.pdf)
    assert not list(cache.rglob("*.part"))


def test_sync_dry_run_lists_every_publication(site: FakeOfsted, tmp_path: Path) -> None:
    done = run_cli(
        site.url,
        "--store",
        str(tmp_path / "store.db"),
        "sync",
        "--cache",
        str(tmp_path / "cache"),
        "--rate",
        "500",
        "--dry-run",
        "-f",
        "tsv",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "authority\turn\tgss_code\tpublication_type\tpublished\turl\tpath"
    listed = {tuple(line.split("\t")[1:6]) for line in lines[1:]}
    assert listed == {
        (
            p.urn,
            GSS[p.urn],
            p.label,
            p.published.isoformat(),
            f"https://files.ofsted.gov.uk/v1/file/{p.file_id}",
        )
        for p in site.publications
    }
    assert "would download 7, already have 0" in done.stderr
    assert not (tmp_path / "cache").exists() and not (tmp_path / "store.db").exists()
    assert site.hits_on("/v1/file/") == []


def test_sync_fetches_then_ingests_only_what_is_new(site: FakeOfsted, tmp_path: Path) -> None:
    args = (
        "--store",
        str(tmp_path / "store.db"),
        "sync",
        "--cache",
        str(tmp_path / "cache"),
        "--rate",
        "500",
        "-a",
        "Peterborough",
        "-j",
        "1",
    )
    done = run_cli(site.url, *args)
    assert done.returncode == 0, done.stderr
    assert "fetch: downloaded 3" in done.stderr and "ingest: loaded 3, skipped 0" in done.stderr
    again = run_cli(site.url, *args)
    assert again.returncode == 0, again.stderr
    assert (
        "fetch: downloaded 0, already had 3" in again.stderr and "ingest: loaded 0, skipped 3" in again.stderr
    )
    with EmbeddedStore(tmp_path / "store.db") as store:
        assert {str(r["gss"]) for r in store.select(REPORT_AUTHORITIES).rows} == {"E06000031"}


def test_sync_from_python(site: FakeOfsted, tmp_path: Path) -> None:
    with api.open(tmp_path / "store.db") as kg:
        result = kg.sync(
            tmp_path / "cache", authorities=["Barnet"], settings=settings(site), jobs=1, progress=False
        )
        assert result.ok and len(result.fetch.downloaded) == 2 and len(result.ingest.loaded) == 2
        assert {str(r.gss) for r in kg.sparql(REPORT_AUTHORITIES)} == {"E09000003"}
