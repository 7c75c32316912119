"""Where a file came from: its name, the archive layout it sits in, and the fetch manifest.

Three sources, each optional, merged into one `Provenance` per copy (loaders/record.py):

- the file's own name (always);
- the **archive layout** kept by the sector's scrape tools and by `ofsted-kg fetch`:
  `<URN>_<authority name>/<publication type> - <d month yyyy>.pdf`, e.g.
  `80537_peterborough/children's services focused visit - 02 august 2021.pdf`: the Ofsted URN the
  report is listed under, Ofsted's publication type and the publication date;
- the **fetch manifest** (`manifest.tsv`, ofsted_kg.manifest) in the file's folder or any folder
  above it: the file's URL on Ofsted's site, its URN, publication type and date, found by the
  file's SHA-256 (or its path below the manifest).

docs/provenance.md says what each source gives and how the values reach the graph. What the
document itself prints always wins: its authority (a URN that disagrees gives a warning naming
both) and its date (dcterms:issued; a listed date only stands in when it prints none).
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from .loaders import authorities
from .loaders.record import Provenance, Record
from .manifest import MANIFEST_NAME, Manifest, ManifestError, ManifestRow, read_manifest

log = logging.getLogger(__name__)

_FOLDER = re.compile(r"(?P<urn>[0-9]{4,8})_(?P<name>.+)")
_FILE = re.compile(
    r"(?P<type>.+?)\s+-\s+(?P<day>[0-9]{1,2})\s+(?P<month>[a-z]+)\s+(?P<year>[0-9]{4})(?:\s*\([0-9]+\))?",
    re.IGNORECASE,
)
# The archive's file names sometimes end the type with the link text's "pdf" ("children's services
# inspection,  pdf", "... as pdf"): not part of Ofsted's label.
_PDF_TAIL = re.compile(r"[\s,]*(?:as\s+)?pdf$", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("january february march april may june july august september october november december").split(),
        start=1,
    )
}


@dataclass(frozen=True)
class ArchivePath:
    """What a path in the archive layout says of its file."""

    urn: str
    folder_name: str  # the authority as the archive folder spells it
    publication_type: str  # normalised: lower case, single spaces
    published: datetime.date


def publication_type_label(text: str) -> str:
    """Ofsted's publication type as ofsted-kg records it: lower case, single spaces, no 'pdf' tail."""
    text = " ".join(text.replace("’", "'").split()).lower()
    return _PDF_TAIL.sub("", text).strip(" ,-")


def parse_archive_path(path: PurePath) -> ArchivePath | None:
    """The URN, type and date of a file laid out as `<URN>_<name>/<type> - <d month yyyy>.<ext>`,
    or None when the path is not in that layout (or names an impossible date)."""
    folder = _FOLDER.fullmatch(path.parent.name)
    stem = _FILE.fullmatch(path.stem.strip())
    if folder is None or stem is None:
        return None
    month = _MONTHS.get(stem["month"].lower())
    if month is None:
        return None
    try:
        published = datetime.date(int(stem["year"]), month, int(stem["day"]))
    except ValueError:
        return None
    label = publication_type_label(stem["type"])
    if not label:
        return None
    return ArchivePath(folder["urn"], folder["name"].strip(), label, published)


@functools.cache
def _by_urn() -> dict[str, authorities.AuthorityInfo]:
    return {info.urn: info for info in authorities.all_authorities() if info.urn}


def authority_for_urn(urn: str) -> authorities.AuthorityInfo | None:
    return _by_urn().get(urn.strip())


def urn_disagreements(record: Record) -> list[str]:
    """One line per URN the copy is listed under that is not the authority the document is about
    (an authority and its successor or predecessor in a reorganisation agree)."""
    if record.authority is None or record.provenance is None:
        return []
    document = record.authority.gss_code
    related = {document, *authorities.SUCCESSORS.get(document, ())}
    related |= {old for old, new in authorities.SUCCESSORS.items() if document in new}
    lines = []
    for urn in record.provenance.listed_urns:
        info = authority_for_urn(urn)
        if info is None:
            lines.append(f"listed under URN {urn}, which is no local authority ofsted-kg knows")
        elif info.gss_code not in related and not (set(info.other_gss_codes) & related):
            lines.append(
                f"listed under URN {urn} ({info.name}, {info.gss_code}) but the document is about "
                f"{record.authority.name} ({document}); the document's authority is used"
            )
    return lines


class ProvenanceFinder:
    """Provenance for the files of one ingest run (reads each manifest.tsv once)."""

    def __init__(self) -> None:
        self._manifests: dict[Path, Manifest | None] = {}

    def provenance(self, path: Path, sha256: str) -> Provenance:
        archive = parse_archive_path(path)
        row = self._manifest_row(path, sha256)
        urls, dates, urns, types = set(), set(), set(), set()
        if archive is not None:
            dates.add(archive.published.isoformat())
            urns.add(archive.urn)
            types.add(archive.publication_type)
        if row is not None:
            urls.add(row.url)
            urns.add(row.urn)
            if row.published:
                dates.add(row.published.isoformat())
            if row.publication_type.strip():
                types.add(publication_type_label(row.publication_type))
        return Provenance(
            file_names=(path.name,),
            urls=tuple(sorted(urls)),
            listed_dates=tuple(sorted(dates)),
            listed_urns=tuple(sorted(urns)),
            listed_types=tuple(sorted(types)),
        )

    def _manifest_row(self, path: Path, sha256: str) -> ManifestRow | None:
        """The row for this file in the nearest manifest.tsv above it that lists it."""
        try:
            folders = path.resolve().parents
        except OSError:
            return None
        for folder in folders:
            manifest = self._manifest(folder)
            if manifest is not None:
                row = manifest.row_for(path, sha256)
                if row is not None:
                    return row
        return None

    def _manifest(self, folder: Path) -> Manifest | None:
        if folder not in self._manifests:
            candidate = folder / MANIFEST_NAME
            manifest = None
            try:
                if candidate.is_file():
                    manifest = read_manifest(candidate)
            except ManifestError as exc:
                log.warning("%s; its rows are not used", exc)
            except OSError:
                manifest = None
            self._manifests[folder] = manifest
        return self._manifests[folder]
