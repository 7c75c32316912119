"""Which validation units are known to conform, and to what: so `ofsted-kg validate` re-checks
only what changed since (issue 14).

The record is a small JSON file inside the embedded store's folder (`validated.json`, beside
`rejected-files.json`; never a graph). It maps each unit that conformed — an inspection graph
with its copies' report graphs, an authority summary, the shared graph with the ontology for
HermiT — to the *fingerprint* of its content when it was checked, and names the version of the
shapes (and of the ontology, for HermiT) the verdicts were reached with. A unit is checked
again when its fingerprint differs, when the shapes changed, or with `validate --all`.

Fingerprints come from what the writer controls, read cheaply from the store:
- an inspection: its graph, the copy its findings are read from, the software version that
  read them, and every copy's hash, media type and provenance (what its report graph holds
  besides what the bytes give);
- a summary: the bytes of its graph as the store dumps them, and the fingerprints of its
  authority's inspections (the recount compares the two);
- HermiT: the ontology's version and the shared graph's bytes.
Anything written to the store by other means than ofsted-kg (a SPARQL update by hand) is not
seen: `validate --all` checks everything whatever the record says.

Written whole to a temporary file and renamed over the old one; a folder that cannot be
written (a read-only store) just keeps no record. A remote endpoint has no folder of ours:
there every unit is checked every time.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)
# Where a store is someone else's or on a read-only mount, keeping no record is expected.
_NOT_OURS_TO_WRITE = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})

RECORD_NAME = "validated.json"


def fingerprint(*parts: object) -> str:
    """A digest of JSON-able parts (strings, numbers, nested lists)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


class ValidationRecord:
    """The units known to conform, by unit IRI -> fingerprint, for one version of the rules."""

    def __init__(self, folder: str | os.PathLike[str] | None, rules: str) -> None:
        self.path = Path(folder) / RECORD_NAME if folder is not None else None
        self.rules = rules  # shapes (and ontology) version the verdicts hold for
        self.units: dict[str, str] = {}
        if self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and data.get("rules") == rules and isinstance(data.get("units"), dict):
                self.units = {str(k): str(v) for k, v in data["units"].items()}

    def holds(self, unit: str, print_: str) -> bool:
        return self.units.get(unit) == print_

    def conforms(self, unit: str, print_: str) -> None:
        self.units[unit] = print_

    def forget(self, units: Iterable[str]) -> None:
        for unit in units:
            self.units.pop(unit, None)

    def keep_only(self, units: Iterable[str]) -> None:
        """Drop the units no longer in the store."""
        wanted = set(units)
        self.units = {k: v for k, v in self.units.items() if k in wanted}

    def save(self) -> str | None:
        """Write the record (atomically: a temporary file renamed over it). Returns why it could
        not be written where that is worth saying (a full disk, say: the caller tells the user
        with `warn_not_saved`); None once written, or where no record is expected (a read-only
        store, someone else's folder: every unit is checked each time)."""
        if self.path is None:
            return None
        text = json.dumps({"rules": self.rules, "units": dict(sorted(self.units.items()))}, indent=0)
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(prefix=".validated-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.path)
        except OSError as exc:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            if exc.errno in _NOT_OURS_TO_WRITE:
                log.debug("validate: cannot keep a record in %s (%s)", self.path.parent, exc)
                return None
            return exc.strerror or str(exc)
        return None


def warn_not_saved(command: str, reason: str) -> None:
    """The one warning for a record `save` could not write: the verdicts stand, only the
    shortcut for the next run is lost."""
    log.warning(
        "%s: the record of what was checked was not saved (%s); the next validate checks again",
        command,
        reason,
    )
