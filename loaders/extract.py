"""One document in, one Record out: load, detect the kind, dispatch to that kind's parser, enrich.

Each parser is a module in this package with `parse(report: ReportText, source: SourceInfo) -> Record`,
imported on first use (a batch of focused visits never pays for the SIF parser). After parsing,
`loaders.corrections.correct(record)` corrects (and notes) dates printed wrongly, and
`loaders.themes.classify(record)` fills each finding's themes and polarity.

Errors: every failure is a loaders.errors.DocumentError with a one-line reason —
UnsupportedDocument for documents that are not children's services inspections (or kinds with no
parser), ExtractionFailed when the authority or dates cannot be read.
"""

from __future__ import annotations

import importlib
import logging
import stat
from collections.abc import Callable
from pathlib import Path

from . import corrections, themes
from . import detect as detect_mod
from .document import LoadedDocument, ReportText, load, load_bytes
from .errors import DocumentError, ExtractionFailed, UnsupportedDocument
from .record import Record, SourceInfo

log = logging.getLogger(__name__)

Parser = Callable[[ReportText, SourceInfo], Record]

# Detected kind -> module (within this package) whose `parse` reads it.
PARSER_MODULES: dict[str, str] = {
    detect_mod.FOCUSED_VISIT: "focused_visit",
    detect_mod.ILACS: "ilacs",
    detect_mod.SIF: "sif",
    detect_mod.AREA_SEND: "area_send",
    detect_mod.MONITORING_VISIT: "monitoring_visit",
    detect_mod.JTAI: "jtai",
    # Children's services kinds another loader may choose to read (record document_type "other").
    detect_mod.LAC_INSPECTION: "looked_after_children",
    detect_mod.LSCB_REVIEW: "lscb_review",
}


def parser_for(kind: str) -> Parser | None:
    """The parse function registered for a detected kind, or None if it has none."""
    module_name = PARSER_MODULES.get(kind)
    if module_name is None:
        return None
    return importlib.import_module(f"{__package__}.{module_name}").parse


def extract_loaded(doc: LoadedDocument) -> Record:
    """Detect and parse an already loaded document."""
    kind = detect_mod.detect(doc.report)
    if kind not in detect_mod.CHILDRENS_SERVICES_KINDS:
        raise UnsupportedDocument(detect_mod.NOT_CHILDRENS_SERVICES.get(kind, kind), kind)
    parse = parser_for(kind)
    if parse is None:
        label = kind.replace("_", " ")
        raise UnsupportedDocument(
            f"{label}: this kind of children's services document is not supported yet", kind
        )
    try:
        record = parse(doc.report, doc.source)
    except DocumentError:
        raise
    except Exception as exc:  # a parser bug must still reach the user as one line, not a traceback
        log.debug("parser for %s failed", kind, exc_info=True)
        raise ExtractionFailed(
            f"could not read this {kind.replace('_', ' ')} ({type(exc).__name__}: {exc})"
        ) from exc
    if record.authority is None:
        raise ExtractionFailed("could not identify the local authority the document is about")
    if record.visit_start is None and record.published is None:
        raise ExtractionFailed("could not read the inspection or publication dates")
    if record.source is None:
        record.source = doc.source
    if not record.text:
        record.text = doc.report.text
    corrections.correct(record)
    themes.classify(record)
    return record


def extract_bytes(data: bytes, name: str) -> Record:
    """Extract a Record from a document's bytes; `name` is the file name (for messages and the source)."""
    return extract_loaded(load_bytes(data, name))


def extract_path(path: str | Path) -> Record:
    """Extract a Record from a file; raises a DocumentError (one-line `reason`) for anything it cannot read."""
    path = Path(path)
    try:
        if stat.S_ISDIR(path.stat().st_mode):
            raise DocumentError("is a directory, not a document")
        doc = load(path)
    except (FileNotFoundError, NotADirectoryError):
        raise DocumentError("no such file") from None
    except PermissionError:
        # Also what a file inside a folder this user may not enter gives.
        raise DocumentError("permission denied") from None
    except OSError as exc:
        raise DocumentError(f"cannot read ({exc.strerror or exc})") from None
    return extract_loaded(doc)
