"""Why a document could not be loaded. Each error carries a one-line, user-facing reason.

`shown(path)` is how every message names a file: as given, unless the name holds characters that
would break or hide the line (a newline, a tab, other control or invisible characters, leading or
trailing spaces), which are escaped inside quotes: 'bad\\nname.txt'. One failure, one line.
"""

from __future__ import annotations

import os


def shown(path: str | os.PathLike[str]) -> str:
    """A file name fit for a one-line message (see the module docstring)."""
    text = os.fsdecode(path)
    if text and text == text.strip() and all(ch.isprintable() for ch in text):
        return text
    # repr() escapes control and non-printable characters (and surrogate-escaped bytes) as \n, \x1b...
    return repr(text)


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed to single spaces."""
    return " ".join(text.split())


class DocumentError(Exception):
    """A document ofsted-kg cannot load; `reason` is the one line shown to the user."""

    code = "unreadable"

    def __init__(self, reason: str) -> None:
        reason = one_line(reason)
        super().__init__(reason)
        self.reason = reason


class EmptyDocument(DocumentError):
    code = "empty"


class NotAPDF(DocumentError):
    code = "not-a-pdf"


class CorruptPDF(DocumentError):
    code = "corrupt"


class EncryptedPDF(DocumentError):
    code = "encrypted"


class TooLarge(DocumentError):
    """Larger than any real letter or report (document.MAX_TEXT_BYTES, MAX_PDF_BYTES, MAX_PDF_PAGES)."""

    code = "too-large"


class NotAFile(DocumentError):
    """A named pipe, a device or a socket where a saved document was expected."""


class NoTextLayer(DocumentError):
    code = "no-text-layer"


class GarbledText(DocumentError):
    code = "garbled-text"


class UnsupportedDocument(DocumentError):
    """Readable, but not an Ofsted children's services document ofsted-kg can load."""

    code = "unsupported"

    def __init__(self, reason: str, detected_kind: str = "unknown") -> None:
        super().__init__(reason)
        self.detected_kind = detected_kind


class ExtractionFailed(DocumentError):
    """Recognised, but a required fact (authority, dates...) could not be read."""

    code = "extraction-failed"
