"""The answers analysts ask for, as typed rows: one module per question (summary, history, trends,
findings), each reading named queries (queries/select_latest_grades.rq, select_authority_history.rq,
select_grade_trends.rq, select_theme_trends.rq, select_visits_by_focus.rq, select_findings_*.rq) so
the same questions run on any SPARQL store, with the rows typed here. Rules (as at a date,
direction of travel, grade changes, theme matching, rise and fall, visits by focus): docs/answers.md.

    from ofsted_kg.answers.summary import latest_summary
    from ofsted_kg.answers.history import authority_history
    from ofsted_kg.answers.common import to_dataframe   # where pandas is installed

Submodules are imported on use, so a command loads only its own.
"""
