"""Test trees in the archive layout, made from the example letters at test time.

examples/letters/SOURCES.tsv gives each example file's path in the public archive kept by the
sector's scrape tools (`…/<URN>_<authority>/<publication type> - <d month yyyy>.pdf`, the `source`
column); `build` copies the chosen examples to those paths under a folder of the test's own.
"""

from __future__ import annotations

import csv
import shutil
from functools import cache
from pathlib import Path, PurePosixPath

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"


@cache
def archive_paths() -> dict[str, PurePosixPath]:
    """Example file name -> its path in the archive, from `<URN>_<authority>` down."""
    with (EXAMPLES / "SOURCES.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    out = {}
    for row in rows:
        # "github:owner/repo@commit:export_data/inspection_reports/80537_peterborough/x.pdf"
        path = PurePosixPath(row["source"].rsplit(":", 1)[1])
        out[row["file"]] = PurePosixPath(*path.parts[-2:])
    return out


def build(root: Path, names: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Copy each example into `root` at its archive path; example name -> the copy."""
    placed = {}
    for name in names:
        target = root / archive_paths()[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / name, target)
        placed[name] = target
    return placed
