"""Why a document could not be loaded. Each error carries a one-line, user-facing reason."""

from __future__ import annotations


class DocumentError(Exception):
    """A document ofsted-kg cannot load; `reason` is the one line shown to the user."""

    code = "unreadable"

    def __init__(self, reason: str) -> None:
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
