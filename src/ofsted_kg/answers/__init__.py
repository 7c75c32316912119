"""The answers analysts ask for, as typed rows: one function per question, each reading one named
query (queries/select_latest_grades.rq, select_authority_history.rq, ...) so the same question runs
on any SPARQL store, with the rows typed here. Rules (as-of dates, direction of travel, how themes
rise or fall): docs/answers.md.

    from ofsted_kg.answers.summary import latest_summary
    from ofsted_kg.answers.history import authority_history
    from ofsted_kg.answers.common import to_dataframe   # where pandas is installed

Submodules are imported on use, so a command loads only its own.
"""
