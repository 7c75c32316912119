"""The national overview or an authority's story as a png or svg picture (matplotlib, the [viz]
extra): the page's two main views for a report or a slide, drawn from the same `PageData` and
the same rules (tile grade, recent visits, theme rows, recurrences, resolutions).

Colours are the page's (static/page.css): grades on ColorBrewer's RdBu, polarity on Okabe-Ito,
each doubled by a shape or a word.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

from ..analysis.data import FindingRow
from ..answers.common import GRADE_LABELS
from ..answers.history import AREA_ORDER, HistoryEntry
from ..errors import UsageError
from .data import GRADE_OF_LABEL, PageData, recent_visits, tile_grade
from .encode import REGION_ORDER, TYPE_LABELS
from .resolved import WEAKNESS_KINDS

GRADE_COLOURS = {
    "outstanding": "#0571b0", "good": "#92c5de", "requires_improvement": "#f4a582", "inadequate": "#ca0020",
    "adequate": "#f4a582", "positive_experiences": "#92c5de", "inconsistent_experiences": "#f4a582",
    "widespread_failings": "#ca0020",
}  # fmt: skip
DARK_GRADES = {"outstanding", "inadequate", "widespread_failings"}
SHORT_GRADES = {
    "outstanding": "Outstanding", "good": "Good", "requires_improvement": "RI", "adequate": "Adequate",
    "inadequate": "Inadequate", "positive_experiences": "Positive", "inconsistent_experiences": "Inconsistent",
    "widespread_failings": "Widespread failings",
}  # fmt: skip
SHORT_AREAS = {
    "overall_effectiveness": "Overall", "impact_of_leaders": "Leaders", "help_and_protection": "Help & protection",
    "children_in_care_and_care_leavers": "In care & leavers", "children_in_care": "Children in care",
    "care_leavers": "Care leavers", "area_send_outcome": "Outcome", "sif_help_and_protection": "Help & protection",
    "sif_looked_after_and_permanence": "Looked after", "sif_adoption": "Adoption", "sif_care_leavers": "Care leavers",
    "sif_leadership": "Leadership", "lscb_review": "LSCB",
}  # fmt: skip
POLARITY_STYLE = {  # colour, matplotlib marker, size
    "strength": ("#0072b2", "o", 34),
    "concern": ("#d55e00", "^", 40),
    "mixed": ("#cc79a7", "D", 26),
    "neutral": ("#8c8c8c", "o", 12),
}
POLARITY_ORDER = {"concern": 0, "mixed": 1, "neutral": 2, "strength": 3}


def write_picture(data: PageData, out: str | Path | IO[bytes], fmt: str, theme: str | None = None) -> None:
    """An authority's story when `data` is one authority's (page_data(authority=...)), else the
    national overview, coloured by `theme`'s share of concerns when given."""
    try:
        # A Figure of its own, never pyplot: drawing must not switch the backend of a notebook
        # or application that imported this (no matplotlib.use at import or call time).
        from matplotlib import rc_context
        from matplotlib.figure import Figure
    except ImportError as exc:  # matplotlib is the optional 'viz' extra
        raise UsageError("visualise -o x.png|.svg needs matplotlib: pip install 'ofsted-kg[viz]'") from exc
    fig = draw_story(Figure, data, data.authority) if data.authority else draw_overview(Figure, data, theme)
    # SVG keeps its words as text (searchable, editable, smaller), not as outlines.
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "ofsted-kg"}):
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)


# ---- the national overview ----------------------------------------------------------------------

TILE_W, TILE_H, GAP, PER_ROW = 1.0, 0.62, 0.06, 5


def draw_overview(figure: Any, data: PageData, theme: str | None = None) -> Any:
    from matplotlib.patches import Patch, Rectangle

    by_region: dict[str, list[Any]] = defaultdict(list)
    for s in sorted(data.summaries.values(), key=lambda s: s.authority.casefold()):
        by_region[s.region].append(s)
    regions = [r for r in REGION_ORDER if by_region.get(r)] + sorted(
        r for r in by_region if r not in REGION_ORDER
    )
    shares = _theme_shares(data, theme) if theme else {}
    top = max((v[0] for v in shares.values() if v[0] is not None), default=0.0) or 1.0
    fig = figure(figsize=(16, 11.6), dpi=110)
    ax = fig.add_axes((0.01, 0.07, 0.98, 0.86))
    block_w = PER_ROW * (TILE_W + GAP) + 0.7
    y = 0.0
    from matplotlib import colormaps

    oranges = colormaps["Oranges"]
    for band in range(0, len(regions), 3):
        members = regions[band : band + 3]
        rows = max(-(-len(by_region[r]) // PER_ROW) for r in members)
        for col, region in enumerate(members):
            x0 = col * block_w
            ax.text(
                x0,
                y - 0.12,
                f"{region}  ({len(by_region[region])})",
                fontsize=9,
                fontweight="bold",
                va="bottom",
            )
            ax.plot([x0, x0 + block_w - 0.7], [y - 0.08, y - 0.08], color="#333", lw=1.2)
            for i, s in enumerate(by_region[region]):
                tx, ty = x0 + (i % PER_ROW) * (TILE_W + GAP), y + (i // PER_ROW) * (TILE_H + GAP)
                face, dark, line2 = _tile_face(
                    s, shares.get(s.gss_code) if theme else None, theme, top, oranges
                )
                hatch = "////" if face is None else None
                ax.add_patch(Rectangle((tx, ty), TILE_W, TILE_H, facecolor=face or "#fafafa",
                                       edgecolor="#d0d0d0" if hatch else "#999", lw=0.5, hatch=hatch))  # fmt: skip
                colour = "white" if dark else "#111"
                name = "\n".join(
                    textwrap.wrap(
                        s.authority.replace(", City of", ""),
                        15,
                        break_on_hyphens=False,
                        break_long_words=False,
                    )[:3]
                )
                ax.text(tx + 0.05, ty + 0.05, name, fontsize=5.6, va="top", ha="left", color=colour, fontweight="bold",
                        linespacing=1.05)  # fmt: skip
                ax.text(
                    tx + 0.05, ty + TILE_H - 0.05, line2, fontsize=5.0, va="bottom", ha="left", color=colour
                )
                for k, (code, _) in enumerate(recent_visits(s, data.recent_from)):
                    ax.text(tx + TILE_W - 0.04 - k * 0.2, ty + TILE_H - 0.05, code, fontsize=4.8, fontweight="bold", va="bottom",
                            ha="right", color="white" if code == "MV" else "black",
                            bbox={"boxstyle": "square,pad=0.15", "fc": "black" if code == "MV" else "white", "ec": "black", "lw": 0.5})  # fmt: skip
        y += rows * (TILE_H + GAP) + 0.55
    ax.set_xlim(-0.1, 3 * block_w - 0.5)
    ax.set_ylim(y, -0.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    as_of = f"{data.as_of:%-d %B %Y}" if data.as_of else "the latest inspection in the store"
    if theme:
        label = data.themes.get(theme, theme)
        fig.suptitle(
            f"Share of each authority's concerns on {label}", fontsize=14, x=0.01, ha="left", y=0.985
        )
        handles = [
            Patch(facecolor=oranges(x), edgecolor="#999", label=f"{round(x * top * 100)}%")
            for x in (0.1, 0.4, 0.7, 1.0)
        ]
    else:
        fig.suptitle(
            "Latest ILACS grade of every local authority in England", fontsize=14, x=0.01, ha="left", y=0.985
        )
        handles = [
            Patch(
                facecolor=GRADE_COLOURS[g],
                edgecolor="#999",
                label={"requires_improvement": "Requires improvement (RI)"}.get(g, SHORT_GRADES[g]),
            )
            for g in ("outstanding", "good", "requires_improvement", "inadequate")
        ]
    handles.append(
        Patch(
            facecolor="#fafafa",
            edgecolor="#c0c0c0",
            hatch="////",
            label="no ILACS inspection in the store" if not theme else "no concerns recorded",
        )
    )
    fig.text(0.01, 0.945, f"As of {as_of}: {len(data.summaries)} authorities by region; FV / MV: a focused / monitoring "
             f"visit in the 12 months to {as_of}. Source: Ofsted reports read by ofsted-kg.", fontsize=9, color="#444")  # fmt: skip
    fig.legend(
        handles=handles,
        loc="lower left",
        ncol=len(handles),
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.01, 0.01),
    )
    return fig


def _tile_face(
    s: Any, share: tuple[float | None, int, int] | None, theme: str | None, top: float, cmap: Any
) -> tuple[str | None, bool, str]:
    from matplotlib.colors import to_hex

    if theme:
        value = share[0] if share else None
        if share is None or value is None:
            return None, False, ""
        _, on, total = share
        return to_hex(cmap(value / top)), value > top * 0.62, f"{round(value * 100)}% · {on} of {total}"
    found = tile_grade(s)
    if found is None:
        return None, False, ""
    area, grade = found
    year = (s.ilacs_end or s.ilacs_start).year if (s.ilacs_end or s.ilacs_start) else ""
    prefix = "" if area == "overall_effectiveness" else SHORT_AREAS.get(area, area) + ": "
    arrow = {"improved": " ↑", "declined": " ↓"}.get(s.direction or "", "")
    return (
        GRADE_COLOURS.get(grade),
        grade in DARK_GRADES,
        f"{prefix}{SHORT_GRADES.get(grade, grade)} · {year}{arrow}",
    )


def _theme_shares(data: PageData, theme: str) -> dict[str, tuple[float | None, int, int]]:
    out = {}
    for gss, entries in data.histories.items():
        total = sum(e.concerns for e in entries)
        on = sum(e.concerns_by_theme.get(theme, 0) for e in entries)
        out[gss] = (on / total if total else None, on, total)
    return out


# ---- an authority's story -----------------------------------------------------------------------

COL_W, COL_GAP, STEP, PAD = 1.0, 0.1, 0.11, 0.07
PER_LINE = int((COL_W - 2 * PAD) / STEP)


def draw_story(figure: Any, data: PageData, gss: str) -> Any:
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Rectangle

    entries = data.histories.get(gss, [])
    name = data.authorities[gss].name
    own = {e.inspection for e in entries}
    findings = [f for f in data.findings if f.inspection in own]
    column = {e.inspection: i for i, e in enumerate(entries)}
    rows = _story_rows(findings, data.themes)
    cells: dict[tuple[str, int], list[FindingRow]] = defaultdict(list)
    for f in findings:
        for key in f.themes or ("",):
            if key in {r[0] for r in rows}:
                cells[(key, column[f.inspection])].append(f)
    for members in cells.values():
        members.sort(
            key=lambda f: (
                f.kind not in WEAKNESS_KINDS,
                POLARITY_ORDER.get(f.polarity or "neutral", 2),
                f.sequence or 0,
            )
        )
    left = _dodge([_when(e) for e in entries])
    grades = max((len(e.judgements) for e in entries), default=0)
    head_h = 0.36 + 0.13 * grades + 0.12
    row_y: dict[str, tuple[float, float]] = {}
    y = head_h + 0.12
    for key, _, _ in rows:
        lines = max([-(-len(cells[(key, c)]) // PER_LINE) for c in range(len(entries))] + [1])
        row_y[key] = (y, lines * STEP + 0.08)
        y += lines * STEP + 0.08
    width = (left[-1] + COL_W) if entries else 4.0
    label_w = 2.3
    height = max(4.0, 1.45 * y + 1.0)  # inches: the rows, and a band above for the title and legend
    fig = figure(figsize=(max(9.0, 1.45 * (width + label_w)), height), dpi=110)
    ax = fig.add_axes((0.005, 0.005, 0.99, 0.995 - 0.95 / height))
    ax.set_xlim(-label_w, width + 0.1)
    ax.set_ylim(y + 0.05, -0.05)
    ax.set_axis_off()
    for i, (key, label, count) in enumerate(rows):
        top, h = row_y[key]
        if i % 2 == 0:
            ax.add_patch(
                Rectangle(
                    (-label_w, top), width + label_w + 0.1, h, facecolor="#f1f2f5", edgecolor="none", zorder=0
                )
            )
        ax.text(-0.08, top + h / 2, f"{label} ({count})", ha="right", va="center", fontsize=7.5)
    for c, e in enumerate(entries):
        x0 = left[c]
        ax.add_patch(
            Rectangle((x0, 0), COL_W, y, facecolor="#1a4f8b09", edgecolor="#c9ccd3", lw=0.6, zorder=0.5)
        )
        ax.add_patch(
            Rectangle((x0, 0), COL_W, head_h, facecolor="white", edgecolor="#c9ccd3", lw=0.6, zorder=1)
        )
        kind = (
            TYPE_LABELS.get(e.type, e.type)
            .replace("Joint targeted area inspection", "JTAI")
            .replace("Area SEND inspection", "Area SEND")
        )
        if e.type == "monitoring_visit" and e.series_number:
            kind += f" {e.series_number}"
        ax.text(x0 + 0.05, 0.05, kind, fontsize=7.5, fontweight="bold", va="top", zorder=2)
        when = _when(e)
        ax.text(
            x0 + 0.05,
            0.2,
            f"{when:%b %Y}" if when != dt.date.min else "date unknown",
            fontsize=7,
            color="#555",
            va="top",
            zorder=2,
        )
        for j, area in enumerate(
            sorted(e.judgements, key=lambda a: AREA_ORDER.index(a) if a in AREA_ORDER else 99)
        ):
            grade = GRADE_OF_LABEL.get(e.judgements[area], e.judgements[area])
            gy = 0.36 + 0.13 * j
            ax.add_patch(
                Rectangle(
                    (x0 + 0.05, gy),
                    0.09,
                    0.09,
                    facecolor=GRADE_COLOURS.get(grade, "#ddd"),
                    edgecolor="#555",
                    lw=0.4,
                    zorder=2,
                )
            )
            ax.text(
                x0 + 0.17,
                gy + 0.045,
                f"{SHORT_AREAS.get(area, area)}: {SHORT_GRADES.get(grade, grade)}",
                fontsize=6,
                va="center",
                zorder=2,
            )
        if e.focus and not e.judgements:
            wrapped = textwrap.wrap(focus_words(e.focus), 30)
            room = max(1, int((head_h - 0.5) / 0.1))
            shown = wrapped if len(wrapped) <= room else [*wrapped[: room - 1], wrapped[room - 1] + " …"]
            ax.text(
                x0 + 0.05,
                0.36,
                "\n".join(shown),
                fontsize=6,
                va="top",
                color="#333",
                zorder=2,
                linespacing=1.2,
            )
        ax.text(
            x0 + 0.05,
            head_h - 0.04,
            f"{e.findings} findings",
            fontsize=6,
            color="#555",
            va="bottom",
            zorder=2,
        )
    position: dict[tuple[str, str], tuple[float, float]] = {}
    for (key, c), members in cells.items():
        top, _ = row_y[key]
        for k, f in enumerate(members):
            mx = left[c] + PAD + (k % PER_LINE) * STEP + STEP / 2
            my = top + 0.04 + (k // PER_LINE) * STEP + STEP / 2
            position[(f.iri, key)] = (mx, my)
            colour, marker, size = POLARITY_STYLE.get(f.polarity or "neutral", POLARITY_STYLE["neutral"])
            weak = f.kind in WEAKNESS_KINDS
            ax.scatter([mx], [my], s=size, marker=marker, c=colour, edgecolors="#111" if weak else "white",
                       linewidths=1.1 if weak else 0.4, zorder=3)  # fmt: skip

    def arc(earlier: str, later: str, themes: tuple[str, ...], style: dict[str, Any]) -> None:
        for key in themes:
            if (earlier, key) in position and (later, key) in position:
                (x1, y1), (x2, y2) = position[(earlier, key)], position[(later, key)]
                ax.add_patch(FancyArrowPatch((x1, y1 - 0.03), (x2, y2 - 0.03), connectionstyle="arc3,rad=-0.25",
                                             arrowstyle="-|>", mutation_scale=7, zorder=4, **style))  # fmt: skip
                return

    for r in data.recurrences:
        if r.earlier.finding in {f.iri for f in findings}:
            arc(r.earlier.finding, r.later.finding, r.themes, {"color": "#222", "lw": 1.1})
    for res in data.resolutions:
        arc(
            res.weakness,
            res.strength,
            (res.theme,),
            {"color": "#0072b2", "lw": 1.1, "linestyle": (0, (1.5, 1.5))},
        )
    summary = data.summaries.get(gss)
    fig.suptitle(_story_title(name, summary), fontsize=12, x=0.005, ha="left", y=1 - 0.08 / height, va="top")
    handles = [Line2D([], [], marker=m, color="none", markerfacecolor=c, markeredgecolor="white", markersize=6, label=p)
               for p, (c, m, _) in POLARITY_STYLE.items()]  # fmt: skip
    handles += [
        Line2D([], [], marker="^", color="none", markerfacecolor="#d55e00", markeredgecolor="#111", markersize=6,
               label="outlined: area for improvement"),
        Line2D([], [], color="#222", lw=1.1, label="recurring weakness"),
        Line2D([], [], color="#0072b2", lw=1.1, linestyle=(0, (1.5, 1.5)), label="answered later by a strength"),
    ]  # fmt: skip
    fig.legend(
        handles=handles,
        loc="upper left",
        ncol=7,
        frameon=False,
        fontsize=7,
        bbox_to_anchor=(0.005, 1 - 0.38 / height),
    )
    return fig


FOCUS_OPENING = re.compile(
    r"^Inspectors (looked at|evaluated|reviewed)( the local authority['’]s)?( arrangements for| progress in| the)?\s*",
    re.I,
)


def focus_words(text: str) -> str:
    """A visit's focus without the words every letter opens it with (as the page shows it)."""
    rest = FOCUS_OPENING.sub("", text)
    return rest[:1].upper() + rest[1:]


def _story_title(name: str, summary: Any) -> str:
    if summary is None or tile_grade(summary) is None:
        return f"{name}: inspections and visits, findings by theme"
    area, grade = tile_grade(summary)  # type: ignore[misc]
    what = "overall" if area == "overall_effectiveness" else SHORT_AREAS.get(area, area)
    end = summary.ilacs_end or summary.ilacs_start
    neighbours = Counter(
        {
            "good or better": summary.neighbours_outstanding + summary.neighbours_good,
            "requires improvement": summary.neighbours_requires_improvement,
            "inadequate": summary.neighbours_inadequate,
        }
    )
    said = ", ".join(f"{n} {k}" for k, n in neighbours.items() if n) or "none graded in the store"
    return (
        f"{name}: latest ILACS {what} {GRADE_LABELS.get(grade, grade).lower()} ({end:%b %Y}); "
        f"statistical neighbours: {said}"
    )


def _story_rows(findings: list[FindingRow], themes: dict[str, str]) -> list[tuple[str, str, int]]:
    """(theme notation, label, findings) most findings first; "" for findings with no theme."""
    counts: Counter[str] = Counter(t for f in findings for t in f.themes)
    rows = sorted(
        ((t, themes.get(t, t), n) for t, n in counts.items()), key=lambda r: (-r[2], r[1].casefold())
    )
    unthemed = sum(1 for f in findings if not f.themes)
    return rows + ([("", "No theme matched", unthemed)] if unthemed else [])


def _when(entry: HistoryEntry) -> dt.date:
    return entry.start or entry.end or entry.published or dt.date.min


def _dodge(dates: list[dt.date]) -> list[float]:
    """Columns' left edges: by date (a year ~ 1.2 column widths), pushed apart to never overlap."""
    if not dates:
        return []
    first = min(d for d in dates)
    left = [(d - first).days / 365.25 * 1.2 * (COL_W + COL_GAP) for d in dates]
    for i in range(1, len(left)):
        left[i] = max(left[i], left[i - 1] + COL_W + COL_GAP)
    return left
