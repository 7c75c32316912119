"""ofsted-kg: Ofsted children's services inspection letters and reports as an evidenced RDF knowledge graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ofsted-kg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
