"""ofsted-kg: Ofsted children's services inspection letters and reports as an evidenced RDF knowledge graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ofsted-kg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


def open_kg(*args, **kwargs):  # noqa: ANN002, ANN003 - mirrors ofsted_kg.api.open
    """Open a knowledge graph (embedded store path or endpoint=URL): see `ofsted_kg.api.open`.

    Imported lazily so that loading a letter never pays for the store's imports.
    """
    from .api import open as _open

    return _open(*args, **kwargs)
