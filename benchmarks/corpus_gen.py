"""Scale-up corpus: real letters varied into N distinct synthetic plain-text documents.

Each real document of the example set (one that ofsted-kg extracts) is read into its report
text; each variant then gets another authority's name, dates moved by whole years, other
inspectors' names and the findings paragraphs in another order. The words of the findings stay
Ofsted's own, so theme matching, polarity and queries see realistic text; the variants differ in
content hash, authority and people, so every one is a new document to the store.

    python benchmarks/corpus_gen.py --scale 10 --out /tmp/okg-x10    # 10 variants per letter

Variants are written as plain text the way a letter is copied out of a PDF (lines as printed,
blank lines between paragraphs, form feeds between pages), so the text loader reads them.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ofsted_kg.loaders.authorities import all_authorities
from ofsted_kg.loaders.document import load
from ofsted_kg.loaders.errors import DocumentError
from ofsted_kg.loaders.extract import extract_loaded

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"

FIRST_NAMES = (
    "Alex Amira Bethan Callum Carys Deepa Eamon Farah Gareth Hannah Imran Joanna Kofi Leanne Marcus "
    "Nadia Owen Priya Rhys Sabina Tariq Ursula Vikram Wendy Yusuf Zoe"
).split()
SURNAMES = (
    "Ahmed Baines Carter Dlamini Evans Fairclough Goodwin Haque Iqbal Jenkins Kowalski Lloyd Mensah "
    "Nowak Okafor Patel Quinn Rahman Sutherland Thorne Upton Vaughan Whitfield Yardley"
).split()
YEAR_RE = re.compile(r"\b(20[12]\d)\b")
NUMBERED = re.compile(r"^\d+\.?\s")


@dataclass(frozen=True)
class Source:
    """One real document, read once: its printed lines grouped into paragraphs and pages."""

    path: Path
    paragraphs: list[list[str]]  # lines of each paragraph, in order
    pages: list[int]  # page each paragraph starts on
    authority: str
    aliases: tuple[str, ...]  # other spellings of the authority found in the text
    inspectors: tuple[str, ...]
    movable: tuple[int, ...]  # paragraphs that are unnumbered main findings


def read_source(path: Path) -> Source | None:
    try:
        doc = load(path)
        record = extract_loaded(doc)
    except DocumentError:
        return None
    report = doc.report
    starts = {p.start: p for p in report.paragraphs}
    paragraphs: list[list[str]] = []
    pages: list[int] = []
    for line in report.lines:
        if line.start in starts or not paragraphs:
            paragraphs.append([])
            pages.append(line.page)
        paragraphs[-1].append(line.text)
    name = record.authority.name if record.authority else ""
    aliases = tuple(a for a in _aliases(name) if a in report.text)
    inspectors = tuple(i.name for i in record.inspectors if i.name)
    finding_starts = {f.span.start for f in record.findings if f.kind == "main_finding"}
    para_starts = [p.start for p in report.paragraphs]
    movable = tuple(
        i
        for i, start in enumerate(para_starts)
        if start in finding_starts and not NUMBERED.match(report.text[start : start + 6])
    )
    if len(paragraphs) != len(para_starts):  # a paragraph not starting a printed line: keep order
        movable = ()
    return Source(path, paragraphs, pages, name, aliases, inspectors, movable)


def _runs(indices: tuple[int, ...]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [run for run in runs if len(run) > 1]


def _aliases(name: str) -> list[str]:
    # Letters say "Barnet", "the London Borough of Barnet" or "Barnet's": replace the bare name.
    bare = re.sub(r",.*$", "", name).strip()
    return sorted({name, bare}, key=len, reverse=True)


def variant_text(
    source: Source, index: int, authorities: list[str], taken: set[tuple[str, int]] | None = None
) -> str:
    """Variant `index` of a document; `taken` holds the (authority, year shift) pairs of the
    source's variants so far, so no two variants report on the same inspection (authority,
    type and visit dates: ofsted-kg would rightly load them as copies of one)."""
    rng = random.Random(f"{source.path.name}:{index}")
    text_paragraphs = [list(lines) for lines in source.paragraphs]
    # Shuffle each run of consecutive main-findings paragraphs (unnumbered, so no numbering breaks).
    for run in _runs(source.movable):
        order = run[:]
        rng.shuffle(order)
        originals = [source.paragraphs[i] for i in order]
        for slot, lines in zip(run, originals, strict=True):
            text_paragraphs[slot] = list(lines)
    new_authority = rng.choice([a for a in authorities if a != source.authority] or authorities)
    year_shift = rng.choice([-3, -2, -1, 1, 2, 3]) if index else 0
    if not index:
        new_authority = source.authority  # variant 0 is the document itself, as text
    while taken is not None and (new_authority, year_shift) in taken:
        new_authority = rng.choice([a for a in authorities if a != source.authority] or authorities)
        year_shift = rng.choice([-3, -2, -1, 1, 2, 3])
    if taken is not None:
        taken.add((new_authority, year_shift))
    people = {name: f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for name in source.inspectors}

    def vary(line: str) -> str:
        if index:
            for alias in source.aliases:
                line = line.replace(alias, new_authority)
            for old, new in people.items():
                line = line.replace(old, new)
            line = YEAR_RE.sub(lambda m: str(int(m.group(1)) + year_shift), line)
        return line

    out: list[str] = []
    page = source.pages[0] if source.pages else 1
    for lines, start_page in zip(text_paragraphs, _reflowed_pages(source), strict=True):
        if start_page != page:
            out.append("\f")
            page = start_page
        out.append("\n".join(vary(line) for line in lines))
        out.append("\n\n")
    return "".join(out)


def _reflowed_pages(source: Source) -> Iterator[int]:
    # Keep page breaks where the original had them (by paragraph position), so page counts match.
    yield from source.pages


def generate(scale: int, out: Path, examples: Path = EXAMPLES, limit: int | None = None) -> list[Path]:
    """Write `scale` variants of every extractable example document into `out`; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    authorities = sorted({a.name for a in all_authorities()})
    written: list[Path] = []
    files = sorted(p for p in examples.iterdir() if p.suffix.lower() in (".pdf", ".txt"))
    for path in files[:limit]:
        source = read_source(path)
        if source is None:
            continue
        taken: set[tuple[str, int]] = set()
        for index in range(scale):
            target = out / f"{path.stem}_v{index:03d}.txt"
            target.write_text(variant_text(source, index, authorities, taken), encoding="utf-8")
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="variants per real document (1, 10, 100)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the .txt variants into")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N example documents")
    args = parser.parse_args(argv)
    written = generate(args.scale, args.out, limit=args.limit)
    print(f"wrote {len(written)} documents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
