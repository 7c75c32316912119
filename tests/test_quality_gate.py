"""The quality gate: `extract` scored against the hand-made gold must not fall below the floors
pinned in tests/gold/baseline.json, and must meet the targets of issue 3.

Every gold document is extracted once per session; results are cached in pytest's cache
directory under the hash of the file and of the extraction code, so re-runs take a second.
Raise floors with `python -m ofsted_kg.accuracy --update-baseline`; lowering one needs
`--allow-lower --reason "..."`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_kg import accuracy

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
REGENERATE = "python -m ofsted_kg.accuracy --write docs/accuracy.md"


@pytest.fixture(scope="session")
def report(request: pytest.FixtureRequest) -> accuracy.Report:
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    cache_dir = Path(cache.mkdir("ofsted-kg-extract")) if cache is not None else None
    return accuracy.run(GOLD, ROOT, cache_dir=cache_dir)


@pytest.fixture(scope="session")
def baseline() -> dict:
    return accuracy.load_baseline(GOLD)


def test_the_gold_is_substantial(report: accuracy.Report) -> None:
    assert report.documents >= 45
    assert report.labelled_findings >= 200
    assert {"focused_visit", "ilacs_inspection", "sif_inspection", "area_send_inspection"} <= set(
        report.by_type
    )


def test_no_score_is_below_its_floor(report: accuracy.Report, baseline: dict) -> None:
    drops = accuracy.below_floor(report.scores(), baseline)
    assert not drops, "scores below their floors in tests/gold/baseline.json:\n" + "\n".join(
        f"  {name}: {score:.3f} < {floor:.3f}" for name, score, floor in drops
    )


def test_fresh_labels_are_held_out_and_substantial(report: accuracy.Report) -> None:
    """Issue 10: at least 100 findings labelled before the lexicon changes, from documents named
    as held out, none of them a finding of the tuning labels."""
    assert report.fresh_findings >= 100
    held_out = {d for docs in report.fresh["held_out_documents"].values() for d in docs}
    labels = accuracy.load_labels(GOLD)
    fresh = [label for label in labels if label.fresh]
    assert {label.file for label in fresh} <= held_out
    tuning_texts = {accuracy.match_key(label.text) for label in labels if not label.fresh}
    assert not [label.text for label in fresh if accuracy.match_key(label.text) in tuning_texts]
    before = report.fresh["before"]["scores"]
    assert {"themes_fresh.precision", "themes_fresh.recall", "polarity_fresh.f1"} <= set(before)


def test_fresh_scores_count_only_fresh_labels(report: accuracy.Report) -> None:
    assert report.overall["themes_fresh"].support == sum(
        len(set(label.themes)) for label in accuracy.load_labels(GOLD) if label.fresh
    )
    assert report.overall["polarity"].support == report.labelled_findings
    assert report.overall["polarity_fresh"].support == report.fresh_findings


def test_every_field_has_a_floor(baseline: dict) -> None:
    floors = baseline["floors"]
    for name in accuracy.FIELDS:
        assert f"{name}.f1" in floors, name
    assert {"themes.precision", "themes.recall", "themes_classifier.precision"} <= set(floors)
    assert {"themes_fresh.precision", "themes_fresh.recall", "polarity_fresh.f1"} <= set(floors)


def test_targets_of_issue_3(report: accuracy.Report) -> None:
    overall = report.overall
    assert overall["document_type"].f1 == 1.0
    assert overall["authority"].f1 == 1.0
    for name in (
        "published",
        "visit_start",
        "visit_end",
        "inspectors",
        "lead_inspector",
        "recipient",
        "judgements",
    ):
        assert overall[name].f1 >= 0.98, (name, overall[name].f1)
    assert overall["improvement_points"].f1 >= 0.95
    # Themes: the classifier on the labelled text; end to end it also depends on how the
    # loaders cut findings (see docs/accuracy.md).
    assert overall["themes_classifier"].precision >= 0.85
    assert overall["themes_classifier"].recall >= 0.7
    assert overall["themes"].recall >= 0.7
    assert overall["polarity"].f1 >= 0.85
    assert overall["polarity_classifier"].f1 >= 0.85


def test_gate_is_not_vacuous(report: accuracy.Report) -> None:
    """A record with everything wrong scores zero: the gate can fail."""
    docs = accuracy.load_gold(GOLD, ROOT)[:3]
    wrong = {doc.name: "ExtractionFailed: simulated" for doc in docs}
    broken = accuracy.evaluate(docs, [], wrong)
    assert broken.overall["authority"].f1 == 0.0
    assert broken.overall["improvement_points"].recall == 0.0
    floors = accuracy.load_baseline(GOLD)
    assert accuracy.below_floor(broken.scores(), floors)


def test_lowering_a_floor_needs_a_flag_and_a_reason() -> None:
    baseline = {"floors": {"themes.precision": 0.9, "polarity.f1": 0.8}, "lowered": []}
    scores = {"themes.precision": 0.85, "polarity.f1": 0.86}
    kept, refused = accuracy.update_baseline(scores, baseline)
    assert kept is baseline and refused == [("themes.precision", 0.85, 0.9)]
    _, refused = accuracy.update_baseline(scores, baseline, allow_lower=True, reason=None)
    assert refused
    new, refused = accuracy.update_baseline(scores, baseline, allow_lower=True, reason="relabelled gold")
    assert not refused
    assert new["floors"] == {"polarity.f1": 0.86, "themes.precision": 0.85}
    assert new["lowered"][-1]["reason"] == "relabelled gold"
    assert new["lowered"][-1]["floors"] == {"themes.precision": [0.9, 0.85]}


def test_raising_floors_needs_no_flag() -> None:
    baseline = {"floors": {"polarity.f1": 0.8}, "lowered": []}
    new, refused = accuracy.update_baseline({"polarity.f1": 0.8761}, baseline)
    assert not refused and new["floors"] == {"polarity.f1": 0.876} and new["lowered"] == []


def test_allow_lower_without_reason_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        accuracy.main(["--update-baseline", "--allow-lower"])
    assert exit_info.value.code == 2
    assert "--allow-lower needs --reason" in capsys.readouterr().err


def test_docs_accuracy_is_current(report: accuracy.Report, baseline: dict) -> None:
    expected = accuracy.markdown(report, baseline)
    current = (ROOT / "docs" / "accuracy.md").read_text(encoding="utf-8")
    assert current == expected, f"docs/accuracy.md is stale: run `{REGENERATE}`"


def test_improvement_points_compare_after_whitespace_and_quote_normalisation() -> None:
    barnet = next(d for d in accuracy.load_gold(GOLD, ROOT) if d.name == "focused-visit_barnet_2021-08.pdf")
    point = barnet.data["improvement_points"][1]
    assert "‘All about me’" in point
    plain = "  The completion and quality of 'All about me'\n plans. "
    assert accuracy.norm_text(plain) == accuracy.norm_text(point)
    assert accuracy.set_score([accuracy.norm_text(point)], [accuracy.norm_text(plain)]) == accuracy.Score(
        1, 0, 0
    )
    assert accuracy.norm_text(point.lower()) != accuracy.norm_text(point)  # case still matters


def test_scores_count_repeats_and_missing_values() -> None:
    assert accuracy.set_score(["a", "a", "b"], ["a", "b", "c"]) == accuracy.Score(tp=2, fp=1, fn=1)
    assert accuracy.value_score("2021-08-02", None) == accuracy.Score(fn=1)
    assert accuracy.value_score(None, "2021-08-02") == accuracy.Score(fp=1)
    assert accuracy.value_score("2021-08-02", "2021-08-03") == accuracy.Score(fp=1, fn=1)
    assert accuracy.value_score(None, None) == accuracy.Score()


def test_labelled_findings_are_matched_by_their_words() -> None:
    label = "27.When adoption is the plan for children, they receive an ‘effective’ and timely service."
    extracted = [
        (
            accuracy.match_key(
                "When adoption is the plan for children, they receive an 'effective' and timely service."
            ),
            "x",
        )
    ]
    assert accuracy._find_match(accuracy.match_key(label), extracted) == "x"
    assert accuracy._find_match(accuracy.match_key("A different finding about adoption."), extracted) is None
