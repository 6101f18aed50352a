"""A slide's speaker notes: what the presenter should know before a question comes. How its chart
was made (the method line, citing docs/methods.md), the answers behind it (``n``), what is hidden
and why, what the view reflects (filters, waves) and when its title may state a difference (the
family of tests it was picked from and the smallest difference that matters).

The deck writes them into each slide's notes page; the HTML report shows them, collapsed, under
each chart; the presentation page under each slide.
"""
from __future__ import annotations

import pandas as pd

from cxcommit.settings import Settings
from cxcommit.story.methods_refs import PRIVACY, cite
from cxcommit.story.report_text import points_text
from cxcommit.text import name_list


def answers_line(table: pd.DataFrame | None, respondents: int) -> str:
    """The answers behind a chart, in one sentence: respondents in the view; where the table has an
    ``n`` per row, the fewest and most answers behind one bar or cell.

    >>> answers_line(pd.DataFrame({"n": [12, 340, 3], "suppressed": [False, False, True]}), 355)
    'n: 355 respondents in this view; each value shown rests on 12 to 340 answers.'
    """
    line = f"n: {respondents:,} respondents in this view"
    if table is None or "n" not in table or table.empty:
        return line + "."
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    counts = pd.to_numeric(shown["n"], errors="coerce").dropna()
    if counts.empty:
        return line + "; no value is shown."
    low, high = int(counts.min()), int(counts.max())
    each = f"{low:,} answers" if low == high else f"{low:,} to {high:,} answers"
    return f"{line}; each value shown rests on {each}."


def hidden_line(table: pd.DataFrame | None, min_group_size: int) -> str:
    """Which groups or cells are hidden (fewer answers than the minimum group size): they show no
    number and are not tested. Empty where nothing is hidden.

    >>> hidden_line(pd.DataFrame({"group": ["A", "B", "B"], "suppressed": [False, True, True]}), 5)
    'Hidden (fewer than 5 answers; no number shown, not tested): 2 of 3 values, of B. Methods: docs/methods.md §Privacy.'
    """
    if table is None or "suppressed" not in table or not table["suppressed"].astype(bool).any():
        return ""
    hidden = table[table["suppressed"].astype(bool)]
    names = list(dict.fromkeys(str(g) for g in hidden["group"])) if "group" in hidden else []
    whose = f", of {name_list(names, 4)}" if names else ""
    return (f"Hidden (fewer than {min_group_size} answers; no number shown, not tested): {len(hidden)} of "
            f"{len(table)} values{whose}. {cite(PRIVACY)}")


def title_rule(settings: Settings) -> str:
    """When a title states a difference, a move or a relation (:mod:`cxcommit.story.takeaways`)."""
    size = (f"by at least {points_text(settings.min_difference)}" if settings.min_difference > 0
            else "by any amount (no smallest difference set)")
    return ("Title: states a difference, a move or a relation only where it holds after adjusting for the tests "
            f"it was picked from (Holm) and {size}; otherwise it says what is known.")


def speaker_notes(method: str, table: pd.DataFrame | None, *, respondents: int, caption: str = "",
                  settings: Settings = Settings()) -> str:
    """The notes of one slide, one paragraph each: the method line, the answers behind the chart,
    what is hidden, what the view reflects (``caption``) and the rule for its title."""
    parts = (method, answers_line(table, respondents), hidden_line(table, settings.min_group_size),
             f"View: {caption}" if caption else "", title_rule(settings))
    return "\n".join(part for part in parts if part)
