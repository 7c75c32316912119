"""`ofsted-kg extract FILE`: print the record one document yields, without touching the store."""

from __future__ import annotations

import argparse
import json

from ofsted_kg.errors import InputRejected
from ofsted_kg.loaders.errors import DocumentError, one_line, shown
from ofsted_kg.loaders.extract import extract_path
from ofsted_kg.loaders.record import Record


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="print the record extracted from one letter or report (JSON by default)",
        description="Read one Ofsted children's services letter or report (PDF or text) and print what "
        "ofsted-kg extracts from it. Nothing is stored.",
    )
    parser.add_argument("file", metavar="FILE", help="a PDF or plain-text letter")
    parser.add_argument(
        "--format", choices=("json", "text"), default="json", help="output format (default json)"
    )
    parser.set_defaults(func=run)


def format_text(record: Record) -> str:
    """A short human-readable summary of a record."""
    out: list[str] = []
    authority = f"{record.authority.name} ({record.authority.gss_code})" if record.authority else "?"
    out.append(f"{record.document_type}: {authority}")
    if record.title:
        out.append(f"title: {record.title}")
    out.append(f"published: {record.published or '?'}")
    for correction in record.corrections:
        out.append(f"corrected: {correction.note()}")
    out.append(f"visit: {record.visit_start or '?'} to {record.visit_end or '?'}")
    if record.visit_focus:
        out.append(f"focus: {record.visit_focus}")
    for inspector in record.inspectors:
        out.append(f"inspector: {inspector.name} ({inspector.role}{', lead' if inspector.lead else ''})")
    if record.recipient:
        out.append(f"recipient: {record.recipient.name or '?'}, {record.recipient.role or '?'}")
    for area, grade in record.judgements.items():
        out.append(f"judgement: {area} = {grade}")
    for point in record.improvement_points:
        out.append(f"to improve: {point}")
    for finding in record.findings:
        themes = f" [{', '.join(finding.themes)}]" if finding.themes else ""
        out.append(f"{finding.kind} (p{finding.span.page}){themes}: {finding.text}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    try:
        record = extract_path(args.file)
    except DocumentError as exc:
        raise InputRejected(f"{shown(args.file)}: {exc.reason}") from exc
    except OSError as exc:
        raise InputRejected(f"{shown(args.file)}: {one_line(exc.strerror or str(exc))}") from exc
    if args.format == "text":
        print(format_text(record))
    else:
        print(json.dumps(record.to_json(), ensure_ascii=False, indent=2))
    return 0
