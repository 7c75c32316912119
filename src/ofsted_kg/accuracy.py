"""Accuracy of `extract` against the hand-made gold, per field and per document type.

Gold lives in tests/gold/: one `<file-stem>.json` per document (the extract shape minus findings,
plus "file" and "notes"), `findings_labels.jsonl` (hand-labelled themes and polarity of findings,
the set the lexicon was tuned on) and `findings_labels_fresh.jsonl` (findings labelled before
the lexicon changes of issue 10, from documents held out of that tuning: the honest estimate;
its first line is a "meta" object naming the held-out documents and the figures measured before
the changes). Floors are pinned in tests/gold/baseline.json; the quality gate fails when a score
drops below its floor.

    python -m ofsted_kg.accuracy                      # print the scores, exit 1 below a floor
    python -m ofsted_kg.accuracy --write docs/accuracy.md
    python -m ofsted_kg.accuracy --update-baseline    # raise floors to the current scores
    python -m ofsted_kg.accuracy --update-baseline --allow-lower --reason "why"

Raising a floor is an ordinary commit; lowering one needs --allow-lower and a --reason, which is
recorded in the baseline file (and belongs in the commit message).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ofsted_kg.loaders.errors import DocumentError

# Relative to the current folder: run from a source checkout's root, or give --gold.
GOLD_DIR = Path("tests") / "gold"
LABELS_FILE = "findings_labels.jsonl"
FRESH_LABELS_FILE = "findings_labels_fresh.jsonl"
BASELINE_FILE = "baseline.json"

DOCUMENT_FIELDS = (
    "document_type",
    "authority",
    "published",
    "visit_start",
    "visit_end",
    "inspectors",
    "lead_inspector",
    "recipient",
    "judgements",
    "improvement_points",
)
FINDING_FIELDS = (
    "findings_matched",
    "themes",
    "polarity",
    "themes_classifier",
    "polarity_classifier",
    "polarity_by_cues",
    "themes_fresh",
    "themes_fresh_classifier",
    "polarity_fresh",
)
# Scored on the fresh labels only; every other finding field on the tuning labels only, so that
# neither set's figures move when the other grows.
FRESH_FIELDS = frozenset({"themes_fresh", "themes_fresh_classifier", "polarity_fresh"})
FIELDS = DOCUMENT_FIELDS + FINDING_FIELDS
# Scores pinned per field overall: precision and recall matter separately for themes.
PINNED_METRICS = ("precision", "recall", "f1")
EXAMPLES_SHOWN = 6  # failure cases listed per field in the report


# ------------------------------------------------------------------------------ scoring


@dataclass
class Score:
    """Counts for precision/recall/F1. Accuracy-like fields count a wrong answer as fp and fn."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def metric(self, name: str) -> float:
        return float(getattr(self, name))


def set_score(gold: Iterable[Any], got: Iterable[Any]) -> Score:
    g, p = list(gold), list(got)
    remaining = list(p)
    tp = 0
    for item in g:  # multiset intersection: a repeated point must be extracted twice
        if item in remaining:
            remaining.remove(item)
            tp += 1
    return Score(tp, len(p) - tp, len(g) - tp)


def value_score(gold: Any, got: Any) -> Score:
    """One optional value: right = tp; wrong = fp + fn; missed = fn; invented = fp."""
    if gold is None and got is None:
        return Score()
    if gold is None:
        return Score(fp=1)
    if got is None:
        return Score(fn=1)
    return Score(tp=1) if gold == got else Score(fp=1, fn=1)


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "`": "'", "“": '"', "”": '"', "″": '"'})


def norm_text(text: str) -> str:
    """Whitespace and quote normalisation: how improvement points are compared."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def norm_name(name: str | None) -> str | None:
    return norm_text(name).casefold() if name else None


def match_key(text: str) -> str:
    """Finding texts are matched on their words alone (numbering, bullets, punctuation dropped)."""
    text = re.sub(r"^\s*\d{1,3}\.\s*", "", norm_text(text))
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


# ------------------------------------------------------------------------------ gold


@dataclass
class GoldDocument:
    path: Path  # the document
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def document_type(self) -> str:
        return str(self.data.get("document_type"))


@dataclass
class GoldFinding:
    file: str
    text: str
    kind: str
    themes: list[str]
    polarity: str
    split: str = "tuning"  # "tuning" (findings_labels.jsonl) or the fresh slice, e.g. "fresh-a"

    @property
    def fresh(self) -> bool:
        return self.split != "tuning"


def gold_root(gold_dir: Path, files: Iterable[str]) -> Path:
    """The folder the gold records' "file" paths are relative to: the gold directory or the
    nearest folder above it where the first of them exists (a checkout's root for tests/gold)."""
    first = next(iter(files), None)
    gold_dir = gold_dir.resolve()
    if first is not None:
        for base in (gold_dir, *gold_dir.parents):
            if (base / first).exists():
                return base
    return gold_dir


def load_gold(gold_dir: Path = GOLD_DIR, root: Path | None = None) -> list[GoldDocument]:
    """The gold records; each "file" is resolved against `root` (default: see gold_root)."""
    records: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(gold_dir.glob("*.json")):
        if path.name == BASELINE_FILE:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}: not valid JSON ({exc})") from None
        if "file" not in data:
            raise SystemExit(f'{path}: gold record has no "file" key')
        records.append((path, data))
    if root is None:
        root = gold_root(gold_dir, (data["file"] for _, data in records))
    return [GoldDocument(root / data["file"], data) for _, data in records]


def _label_rows(path: Path) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    """A label file's meta object (its first line, if it has one) and its numbered rows."""
    meta: dict[str, Any] = {}
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{number}: bad label line ({exc})") from None
        if "meta" in row:
            meta = row["meta"]
        else:
            rows.append((number, row))
    return meta, rows


def load_labels(gold_dir: Path = GOLD_DIR) -> list[GoldFinding]:
    """The tuning labels, then the fresh ones (when the file exists)."""
    out = []
    for name, default_split in ((LABELS_FILE, "tuning"), (FRESH_LABELS_FILE, "fresh")):
        path = gold_dir / name
        if name == FRESH_LABELS_FILE and not path.exists():
            continue
        for number, row in _label_rows(path)[1]:
            try:
                split = row.get("split", default_split)
                out.append(
                    GoldFinding(row["file"], row["text"], row["kind"], row["themes"], row["polarity"], split)
                )
            except KeyError as exc:
                raise SystemExit(f"{path}:{number}: bad label line (no {exc})") from None
    return out


def fresh_meta(gold_dir: Path = GOLD_DIR) -> dict[str, Any]:
    """The fresh label file's meta object: held-out documents, how they were picked, and the
    scores measured on them before the lexicon changes."""
    path = gold_dir / FRESH_LABELS_FILE
    return _label_rows(path)[0] if path.exists() else {}


# ------------------------------------------------------------------------------ evaluation


@dataclass
class Failure:
    field: str
    file: str
    gold: Any
    got: Any


@dataclass
class Report:
    overall: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    by_type: dict[str, dict[str, Score]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # file -> why extraction failed
    documents: int = 0
    labelled_findings: int = 0  # the tuning labels
    fresh_findings: int = 0
    # split -> theme -> score, end to end on the fresh labels
    fresh_by_theme: dict[str, dict[str, Score]] = field(default_factory=dict)
    # split -> "themes" | "themes_classifier" | "polarity" -> score: each fresh slice on its own
    fresh_splits: dict[str, dict[str, Score]] = field(default_factory=dict)
    fresh: dict[str, Any] = field(default_factory=dict)  # the fresh label file's meta object

    def add(self, doc_type: str, name: str, score: Score) -> None:
        self.overall[name].add(score)
        self.by_type.setdefault(doc_type, {f: Score() for f in FIELDS})[name].add(score)

    def scores(self) -> dict[str, float]:
        """Flat name -> value of every pinned score: 'field.metric' and 'type/field.f1'."""
        out = {}
        for name, score in self.overall.items():
            if score.tp + score.fp + score.fn == 0:
                continue
            for metric in PINNED_METRICS:
                out[f"{name}.{metric}"] = score.metric(metric)
        for doc_type, fields in sorted(self.by_type.items()):
            for name, score in fields.items():
                if score.tp + score.fp + score.fn:
                    out[f"{doc_type}/{name}.f1"] = score.f1
        return out


def _extracted_view(data: dict[str, Any]) -> dict[str, Any]:
    """The scored values of an extract JSON record (the public shape, Record.to_json())."""
    return _gold_view(data)


def _gold_view(data: dict[str, Any]) -> dict[str, Any]:
    authority = data.get("authority")
    recipient = data.get("recipient")
    inspectors = data.get("inspectors") or []
    return {
        "document_type": data.get("document_type"),
        "authority": authority.get("gss_code") if authority else None,
        "published": data.get("published"),
        "visit_start": data.get("visit_start"),
        "visit_end": data.get("visit_end"),
        "inspectors": sorted(norm_name(i["name"]) or "" for i in inspectors),
        "lead_inspector": sorted(norm_name(i["name"]) or "" for i in inspectors if i.get("lead")),
        "recipient": (norm_name(recipient.get("name")), norm_name(recipient.get("role")))
        if recipient
        else None,
        "judgements": sorted((data.get("judgements") or {}).items()),
        "improvement_points": sorted(norm_text(p) for p in data.get("improvement_points") or []),
    }


_SET_FIELDS = {"inspectors", "lead_inspector", "judgements", "improvement_points"}


def _score_field(name: str, gold: Any, got: Any) -> Score:
    if name in _SET_FIELDS:
        return set_score(gold, got)
    if name in ("document_type", "authority"):
        # Always present in gold: a wrong or missing answer is a miss, an answer where the gold
        # has none (a document that should be rejected) is a false positive.
        return value_score(gold, got)
    return value_score(gold, got)


def code_fingerprint() -> str:
    """Hash of everything extraction depends on: the loaders' code and data, and the ontology."""
    import importlib.resources

    digest = hashlib.sha256()
    sources = {
        "ofsted_kg.loaders": {".py", ".ttl", ".csv", ".json"},
        "ofsted_kg.ontology": {".ttl"},
        "ofsted_kg": {".py"},  # the core, in case a loader imports from it
    }
    for package, suffixes in sources.items():
        root = Path(str(importlib.resources.files(package)))
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in suffixes:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def extract_all(paths: Iterable[Path], cache_dir: Path | None = None) -> dict[str, dict[str, Any] | str]:
    """Extract each document once: file name -> its extract JSON, or the one-line reason it failed.

    With a cache_dir, results are kept under the hash of the file and of the extraction code, so
    an unchanged checkout re-scores in a second and any code change re-extracts everything.
    """
    from ofsted_kg.loaders.extract import extract_path

    fingerprint = code_fingerprint() if cache_dir else ""
    out: dict[str, dict[str, Any] | str] = {}
    for path in paths:
        cached = None
        if cache_dir and path.exists():
            key = hashlib.sha256(path.read_bytes()).hexdigest()[:24] + "-" + fingerprint
            cached = cache_dir / f"{key}.json"
            if cached.exists():
                out[path.name] = json.loads(cached.read_text(encoding="utf-8"))
                continue
        try:
            result: dict[str, Any] | str = extract_path(path).to_json()
        except DocumentError as exc:
            result = f"{type(exc).__name__}: {exc.reason}"
        out[path.name] = result
        if cached is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            cached.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return out


MIN_QUOTED = 100  # characters of words: a labelled passage this long found verbatim is unambiguous


def _find_match(gold_key: str, candidates: list[tuple[str, Any]]) -> Any:
    """The extracted finding with the gold text: equal words; else a finding quoting the whole
    labelled passage (a stem and its sub-bullets extracted as one); else a finding covering most
    of it (at least 60% of the longer text)."""
    best, best_len = None, 0
    for key, finding in candidates:
        if key == gold_key:
            return finding
        if not key:
            continue
        if gold_key in key and len(gold_key) >= MIN_QUOTED:
            overlap = len(gold_key) + 1  # outranks partial overlaps; smaller container wins below
            if best is None or overlap > best_len or len(key) < len(best[0]):
                best, best_len = (key, finding), max(overlap, best_len)
        elif gold_key in key or key in gold_key:
            overlap = min(len(key), len(gold_key))
            # A short fragment inside a long paragraph is not the same finding.
            if overlap >= 0.6 * max(len(key), len(gold_key)) and overlap > best_len:
                best, best_len = (key, finding), overlap
    return best[1] if best else None


def evaluate(
    docs: list[GoldDocument], labels: list[GoldFinding], records: dict[str, dict[str, Any] | str]
) -> Report:
    from ofsted_kg.loaders.polarity import CONCERN_KINDS, decide
    from ofsted_kg.loaders.themes import default_lexicon

    tuning = [label for label in labels if not label.fresh]
    report = Report(
        documents=len(docs), labelled_findings=len(tuning), fresh_findings=len(labels) - len(tuning)
    )
    type_of: dict[str, str] = {}
    for doc in docs:
        type_of[doc.name] = doc.document_type
        gold = _gold_view(doc.data)
        result = records.get(doc.name)
        if not isinstance(result, dict):
            report.errors[doc.name] = result or "not extracted"
            got: dict[str, Any] = {name: None for name in DOCUMENT_FIELDS}
            got.update({name: [] for name in _SET_FIELDS})
        else:
            got = _extracted_view(result)
        for name in DOCUMENT_FIELDS:
            score = _score_field(name, gold[name], got[name])
            report.add(doc.document_type, name, score)
            if score.fp or score.fn:
                report.failures.append(Failure(name, doc.name, gold[name], got[name]))

    lexicon = default_lexicon()
    keyed: dict[str, list[tuple[str, Any]]] = {
        name: [(match_key(f["text"]), f) for f in record.get("findings", [])]
        for name, record in records.items()
        if isinstance(record, dict)
    }
    for label in labels:
        name = Path(label.file).name
        doc_type = type_of.get(name) or _type_from_record(records.get(name))
        found = _find_match(match_key(label.text), keyed.get(name, []))
        got_themes = list(found["themes"]) if found else []
        theme_score = set_score(sorted(set(label.themes)), sorted(set(got_themes)))
        got_polarity = found["polarity"] if found else None
        right = got_polarity == label.polarity
        # The classifier alone, on the gold text and kind: separates it from finding extraction.
        alone = sorted(lexicon.themes(label.text))
        if label.fresh:
            report.add(doc_type, "themes_fresh", theme_score)
            report.add(doc_type, "themes_fresh_classifier", set_score(sorted(set(label.themes)), alone))
            report.add(doc_type, "polarity_fresh", Score(tp=1) if right else Score(fp=1, fn=1))
            split = report.fresh_splits.setdefault(
                label.split, {"themes": Score(), "themes_classifier": Score(), "polarity": Score()}
            )
            split["themes"].add(theme_score)
            split["themes_classifier"].add(set_score(sorted(set(label.themes)), alone))
            split["polarity"].add(Score(tp=1) if right else Score(fp=1, fn=1))
            for theme in sorted(set(label.themes) | set(got_themes)):
                score = report.fresh_by_theme.setdefault(label.split, {}).setdefault(theme, Score())
                score.add(
                    set_score(
                        [theme] if theme in label.themes else [], [theme] if theme in got_themes else []
                    )
                )
            if theme_score.fp or theme_score.fn:
                report.failures.append(
                    Failure("themes_fresh", name, sorted(label.themes), sorted(got_themes))
                )
            continue
        report.add(doc_type, "findings_matched", Score(tp=1) if found else Score(fn=1))
        report.add(doc_type, "themes", theme_score)
        report.add(doc_type, "polarity", Score(tp=1) if right else Score(fp=1, fn=1))
        if not found:
            report.failures.append(Failure("findings_matched", name, label.text[:120], None))
        elif theme_score.fp or theme_score.fn:
            report.failures.append(Failure("themes", name, sorted(label.themes), sorted(got_themes)))
        if found and not right:
            report.failures.append(Failure("polarity", name, label.polarity, got_polarity))
        report.add(doc_type, "themes_classifier", set_score(sorted(set(label.themes)), alone))
        decided = decide(label.text, label.kind).polarity
        verdict = Score(tp=1) if decided == label.polarity else Score(fp=1, fn=1)
        report.add(doc_type, "polarity_classifier", verdict)
        if label.kind not in CONCERN_KINDS:  # only findings whose polarity the cues decide
            report.add(doc_type, "polarity_by_cues", verdict)
    return report


def _type_from_record(record: dict[str, Any] | str | None) -> str:
    """A labelled document without a gold record is typed by what extract made of it."""
    return str(record.get("document_type")) if isinstance(record, dict) else "unknown"


def run(gold_dir: Path = GOLD_DIR, root: Path | None = None, cache_dir: Path | None = None) -> Report:
    labels = load_labels(gold_dir)
    if root is None:
        root = gold_root(gold_dir, (label.file for label in labels))
    docs = load_gold(gold_dir, root)
    paths = {doc.path for doc in docs} | {root / label.file for label in labels}
    records = extract_all(sorted(paths), cache_dir)
    report = evaluate(docs, labels, records)
    report.fresh = fresh_meta(gold_dir)
    return report


# ------------------------------------------------------------------------------ baseline


def floor_value(score: float) -> float:
    # Rounded down so that the same run always meets its own floor.
    return math.floor(score * 1000) / 1000


def load_baseline(gold_dir: Path = GOLD_DIR) -> dict[str, Any]:
    path = gold_dir / BASELINE_FILE
    if not path.exists():
        return {"floors": {}, "lowered": []}
    return json.loads(path.read_text(encoding="utf-8"))


def below_floor(scores: dict[str, float], baseline: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(name, score, floor) for every pinned score now under its floor (a missing score is 0)."""
    drops = []
    for name, floor in sorted(baseline.get("floors", {}).items()):
        score = scores.get(name, 0.0)
        if score + 1e-9 < floor:
            drops.append((name, score, floor))
    return drops


def update_baseline(
    scores: dict[str, float], baseline: dict[str, Any], allow_lower: bool = False, reason: str | None = None
) -> tuple[dict[str, Any], list[tuple[str, float, float]]]:
    """New baseline with floors at the current scores; refuses (returns the drops) to lower any
    floor unless allow_lower is set with a reason."""
    drops = below_floor(scores, baseline)
    if drops and not (allow_lower and reason):
        return baseline, drops
    floors = {name: floor_value(value) for name, value in sorted(scores.items())}
    lowered: list[dict[str, Any]] = list(baseline.get("lowered", []))
    new = {"floors": floors, "lowered": lowered}
    if drops:
        lowered.append(
            {
                "date": dt.date.today().isoformat(),
                "reason": reason,
                "floors": {name: [floor, floor_value(score)] for name, score, floor in drops},
            }
        )
    return new, []


def write_baseline(baseline: dict[str, Any], gold_dir: Path = GOLD_DIR) -> None:
    text = json.dumps(baseline, indent=1, sort_keys=False, ensure_ascii=False) + "\n"
    (gold_dir / BASELINE_FILE).write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------ report


def _fmt(value: float) -> str:
    return f"{value:.3f}"


def markdown(report: Report, baseline: dict[str, Any]) -> str:
    floors = baseline.get("floors", {})
    lines = [
        "# Accuracy of `extract`",
        "",
        "Generated by `python -m ofsted_kg.accuracy --write docs/accuracy.md` from the gold in",
        "`tests/gold/` (do not edit by hand). The quality gate (`tests/test_quality_gate.py`) fails",
        "when any score falls below its floor in `tests/gold/baseline.json`.",
        "",
        f"Documents with gold records: {report.documents}; hand-labelled findings: {report.labelled_findings}.",
        "",
        "## How each field is scored",
        "",
        "- **document_type, authority (GSS code), published, visit_start, visit_end, recipient**"
        " (name and role): one value per document; right = TP, wrong = FP + FN, missing = FN,"
        " invented where the gold has none = FP.",
        "- **inspectors, lead_inspector** (names, case-insensitive), **judgements** (area, grade pairs),"
        " **improvement_points** (text equal after whitespace and quote normalisation): sets per"
        " document, micro-averaged.",
        "- **findings_matched**: labelled findings found among the extracted findings: same words;"
        " or an extracted finding quoting the whole labelled passage (100+ characters); or one text"
        " containing the other when they share at least 60% of their length.",
        "- **themes**: micro P/R/F1 of theme notations of labelled findings against the themes of the"
        " matched extracted finding (an unmatched finding counts all its gold themes as missed).",
        "- **polarity**: accuracy over labelled findings (unmatched = wrong).",
        "- **themes_classifier, polarity_classifier**: the classifier alone on the gold text and kind,"
        " independent of finding extraction.",
        "- **polarity_by_cues**: polarity_classifier restricted to findings whose kind does not decide"
        " it (areas for improvement and priority actions are concerns by construction), i.e. the"
        " accuracy of the cue method itself.",
        "",
        "## Scores per field",
        "",
        "| field | precision | recall | F1 | support | floor (F1) |",
        "|---|---|---|---|---|---|",
    ]
    for name in FIELDS:
        score = report.overall[name]
        floor = floors.get(f"{name}.f1")
        lines.append(
            f"| {name} | {_fmt(score.precision)} | {_fmt(score.recall)} | {_fmt(score.f1)} | "
            f"{score.support} | {_fmt(floor) if floor is not None else '–'} |"
        )
    lines += fresh_section(report)
    lines += ["", "## Targets (issue 3)", "", "| target | score | met |", "|---|---|---|"]
    for label, value, goal in targets(report):
        lines.append(f"| {label} | {_fmt(value)} | {'yes' if value + 1e-9 >= goal else 'NO'} |")
    types = sorted(report.by_type)
    lines += ["", "## F1 per document type", "", "| field | " + " | ".join(types) + " |"]
    lines.append("|---|" + "---|" * len(types))
    for name in FIELDS:
        cells = []
        for doc_type in types:
            score = report.by_type[doc_type][name]
            cells.append(_fmt(score.f1) if score.tp + score.fp + score.fn else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "## Beyond the gold: documents that must load", "", *BEYOND_THE_GOLD]
    lines += ["", "## Known failure cases", "", *LIMITATIONS, ""]
    if report.errors:
        lines.append("Documents `extract` could not read:")
        lines.append("")
        lines += [f"- `{name}`: {why}" for name, why in sorted(report.errors.items())]
        lines.append("")
    by_field: dict[str, list[Failure]] = defaultdict(list)
    for failure in report.failures:
        by_field[failure.field].append(failure)
    if not by_field:
        lines.append("None: every scored value matches the gold.")
    for name in FIELDS:
        failures = by_field.get(name)
        if not failures:
            continue
        lines.append(f"### {name} ({len(failures)})")
        lines.append("")
        for failure in failures[:EXAMPLES_SHOWN]:
            lines.append(f"- `{failure.file}`: gold {_short(failure.gold)}; extracted {_short(failure.got)}")
        if len(failures) > EXAMPLES_SHOWN:
            lines.append(f"- … and {len(failures) - EXAMPLES_SHOWN} more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# What the scores above cannot show: classes of real report that were rejected (issue 9) and the
# tests that rebuild each from a real example.
BEYOND_THE_GOLD = (
    "The scores above are on documents the loaders were written against. On several hundred real"
    " reports nobody here had tuned to, about 1 valid report in 40 was rejected (issue 9). Each class"
    " of rejection is rebuilt from a real example in `tests/test_report_variants.py` (its text changed"
    " only where the class differs) and fixed: an ILACS report mentioning another kind of visit"
    " (the title printed first decides the kind); 2019-20 ILACS title forms and an authority named only"
    " in a running head; authority name forms (East Riding, Newcastle, City of ..., London Borough"
    " of X Council) and SIF-era reports naming the authority only in the overall judgement, a council"
    " line or a running head; judgement rows ending in a full stop or split across lines; dates in"
    " figures; a new year's letter dated before its visit (corrected, with a note). Measured: every"
    " document in examples/letters and tests/corpus through `extract` before and after (89 read, the"
    " 2 school reports refused, both times; only the 17 area SEND CQC lead inspectors changed, no"
    " longer marked as the inspection's lead, which is why lead_inspector's support fell from 103 to"
    " 86). The rejection rate on the original trial's reports is not measured here: they are not in"
    " the repository. Details, limits on input size and encodings: [loading.md](loading.md).",
)

LIMITATIONS = (
    "General limits of the method (see loaders/themes.py and loaders/polarity.py):",
    "",
    '- Themes are matched from mentions: a finding that names a topic in passing ("referred to'
    ' the designated officer", "the assessment service") gets that theme although a reader would'
    " say the finding is about something else; the labels mark only what a finding is about.",
    "- Polarity of long paragraphs: a paragraph that is mostly praise with one reservation, or the"
    " reverse, is read as mixed where a reader may weigh it as a strength or a concern; negation"
    " reaches only to the end of the clause, so a negator far from its verb can be missed.",
    "- End to end, a labelled passage that the loaders keep inside a larger finding (a stem and its"
    " sub-bullets) is scored with the themes of the whole finding.",
    "- The lexicon and cue lists were tuned against the first 222 labelled findings. The last 50"
    " (ILACS and SIF headlines, area SEND strengths) were labelled before the classifier saw them:"
    " on those alone it first scored themes precision 0.82, recall 0.81 and polarity accuracy 0.72."
    " The fresh labels above are the fairer estimate for unseen text: their precision is well below"
    " the tuning set's, mostly from topics a finding names in passing (leaders, education, health,"
    " assessment) that the labeller did not count as what the finding is about.",
    "",
    "Cases found in this run:",
)


FRESH_THEME_MIN_SUPPORT = 4  # themes with fewer fresh labels (and predictions) are pooled


def fresh_section(report: Report) -> list[str]:
    """Scores on the fresh held-out labels, beside those measured before the lexicon changes."""
    if not report.fresh_findings:
        return []
    meta = report.fresh
    before = meta.get("before", {})
    before_scores: dict[str, float] = before.get("scores", {})
    lines = ["", "## Fresh held-out labels (issue 10)", ""]
    lines += [str(meta.get("description", "")).strip(), ""] if meta.get("description") else []
    for split, documents in sorted(meta.get("held_out_documents", {}).items()):
        counted = report.fresh_splits.get(split, {}).get("polarity", Score()).support
        state = f"{counted} labelled findings" if counted else "reserved, no findings labelled yet"
        lines.append(f"- `{split}` ({state}): " + ", ".join(f"`{d}`" for d in documents))
    # Before and now on the same slice: the one measured before any change.
    split = before.get("slice", "fresh-a")
    now_scores = report.fresh_splits.get(split, {})
    if before:
        lines += ["", f"Before: {before.get('what', '')}".rstrip()]
    lines += ["", f"On `{split}`:", "", "| score | before | now |", "|---|---|---|"]
    for name, key, title in (
        ("themes_fresh", "themes", "themes, end to end"),
        ("themes_fresh_classifier", "themes_classifier", "themes, classifier alone"),
    ):
        score = now_scores.get(key, Score())
        for metric in ("precision", "recall", "f1"):
            was = before_scores.get(f"{name}.{metric}")
            lines.append(
                f"| {title}: {metric} | {_fmt(was) if was is not None else '–'} | {_fmt(score.metric(metric))} |"
            )
    was = before_scores.get("polarity_fresh.f1")
    lines.append(
        f"| polarity accuracy, end to end | {_fmt(was) if was is not None else '–'} | "
        f"{_fmt(now_scores.get('polarity', Score()).f1)} |"
    )
    if len(report.fresh_splits) > 1 or meta.get("rounds"):
        lines += [
            "",
            "Per slice and round (the classifier on the labelled text; 'now' is this run, end to end):",
            "",
            "| slice | findings | lexicon | themes P | themes R | polarity |",
            "|---|---|---|---|---|---|",
        ]
        for slice_name, scores in sorted(report.fresh_splits.items()):
            n = scores["polarity"].support
            for round_ in meta.get("rounds", []):
                was = round_["scores"].get(slice_name)
                if was:
                    lines.append(
                        f"| {slice_name} | {n} | {round_['name']} | {_fmt(was['themes.precision'])} | "
                        f"{_fmt(was['themes.recall'])} | {_fmt(was['polarity.f1'])} |"
                    )
            lines.append(
                f"| {slice_name} | {n} | now | {_fmt(scores['themes'].precision)} | "
                f"{_fmt(scores['themes'].recall)} | {_fmt(scores['polarity'].f1)} |"
            )
    before_themes = {name: Score(*counts) for name, counts in before.get("by_theme", {}).items()}
    lines += [
        "",
        f"Per theme on `{split}`, end to end (themes with at least {FRESH_THEME_MIN_SUPPORT} labels or"
        " predictions, before or now; the rest pooled):",
        "",
        "| theme | labelled | P before | R before | P now | R now |",
        "|---|---|---|---|---|---|",
    ]
    pooled_now, pooled_before = Score(), Score()
    by_theme = report.fresh_by_theme.get(split, {})
    for theme in sorted(set(by_theme) | set(before_themes)):
        now = by_theme.get(theme, Score())
        was_theme = before_themes.get(theme, Score())
        sizes = (now.support, now.tp + now.fp, was_theme.tp + was_theme.fp)
        if max(sizes) < FRESH_THEME_MIN_SUPPORT:
            pooled_now.add(now)
            pooled_before.add(was_theme)
            continue
        lines.append(_theme_row(f"`{theme}`", now, was_theme if before_themes else None))
    if pooled_now.tp + pooled_now.fp + pooled_now.fn:
        lines.append(_theme_row("other themes, pooled", pooled_now, pooled_before if before_themes else None))
    return lines


def _theme_row(name: str, now: Score, before: Score | None) -> str:
    def cell(score: Score | None, metric: str) -> str:
        if score is None:
            return "–"
        counted = score.tp + (score.fp if metric == "precision" else score.fn)
        return _fmt(score.metric(metric)) if counted else "–"

    return (
        f"| {name} | {now.support} | {cell(before, 'precision')} | {cell(before, 'recall')} | "
        f"{cell(now, 'precision')} | {cell(now, 'recall')} |"
    )


def targets(report: Report) -> list[tuple[str, float, float]]:
    """(target, current score, goal) for each target of issue 3."""
    o = report.overall
    rows = [("document_type F1", o["document_type"].f1, 1.0), ("authority F1", o["authority"].f1, 1.0)]
    for name in (
        "published",
        "visit_start",
        "visit_end",
        "inspectors",
        "lead_inspector",
        "recipient",
        "judgements",
    ):
        rows.append((f"{name} F1", o[name].f1, 0.98))
    rows += [
        ("improvement_points F1", o["improvement_points"].f1, 0.95),
        ("themes precision (classifier)", o["themes_classifier"].precision, 0.85),
        ("themes recall (classifier)", o["themes_classifier"].recall, 0.7),
        ("themes precision (end to end)", o["themes"].precision, 0.85),
        ("themes recall (end to end)", o["themes"].recall, 0.7),
        ("polarity accuracy (end to end)", o["polarity"].f1, 0.85),
        ("polarity accuracy (classifier)", o["polarity_classifier"].f1, 0.85),
    ]
    return rows


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("|", "\\|")
    return "`" + (text if len(text) <= 160 else text[:157] + "…") + "`"


def summary(report: Report) -> str:
    lines = [f"{'field':22} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}"]
    for name in FIELDS:
        s = report.overall[name]
        lines.append(f"{name:22} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ofsted_kg.accuracy", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--gold", type=Path, default=GOLD_DIR, help="gold directory (default ./tests/gold, as in a checkout)"
    )
    parser.add_argument(
        "--root",
        type=Path,
        help="folder the gold records' file paths are relative to (default: the gold directory, "
        "or the nearest folder above it holding them)",
    )
    parser.add_argument(
        "--write", type=Path, metavar="FILE", help="write the markdown report (docs/accuracy.md)"
    )
    parser.add_argument(
        "--update-baseline", action="store_true", help="raise the floors to the current scores"
    )
    parser.add_argument("--allow-lower", action="store_true", help="let --update-baseline lower floors")
    parser.add_argument("--reason", help="why floors are lowered (required with --allow-lower)")
    parser.add_argument("--cache", type=Path, metavar="DIR", help="keep extraction results here between runs")
    args = parser.parse_args(argv)
    if args.allow_lower and not args.reason:
        parser.error("--allow-lower needs --reason")
    if not (args.gold / LABELS_FILE).exists():
        print(
            f"error: {args.gold}: no {LABELS_FILE} (the gold directory of a source checkout)", file=sys.stderr
        )
        return 2
    report = run(args.gold, args.root, cache_dir=args.cache)
    baseline = load_baseline(args.gold)
    print(summary(report))
    scores = report.scores()
    status = 0
    if args.update_baseline:
        new, refused = update_baseline(scores, baseline, args.allow_lower, args.reason)
        if refused:
            for name, score, floor in refused:
                print(f"refused: {name} {score:.3f} is below its floor {floor:.3f}", file=sys.stderr)
            print('error: lowering floors needs --allow-lower --reason "..."', file=sys.stderr)
            return 1
        write_baseline(new, args.gold)
        baseline = new
        print(f"baseline written: {len(new['floors'])} floors", file=sys.stderr)
    else:
        for name, score, floor in below_floor(scores, baseline):
            print(f"below floor: {name} {score:.3f} < {floor:.3f}", file=sys.stderr)
            status = 1
    if args.write:
        args.write.write_text(markdown(report, baseline), encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
