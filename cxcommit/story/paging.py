"""Tall charts across slides. A chart with more rows than a laptop's screen holds legibly (19 items
by region, 40 units down a turned heatmap) is told on as many slides as it takes, its rows split in
the order the chart draws them, each slide the same chart over its share of the rows, headed
"(1 of 2)", "(2 of 2)".

How many slides is decided once, for the smallest screen the presentation is made for
(:data:`SMALLEST`, a 1366 × 768 laptop) and for the presentation's look, so the presentation on every
screen, the deck and the HTML report page the same rows the same way: one story everywhere. A page
fits when its chart can be drawn no lower than it reads at (:func:`cxcommit.story.screen.heights`)
beside its heading, bullets and a caption of as many lines as the presentation shows
(``Screen.caption_lines``).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxcommit.charts.common import WHOLE, whole_of
from cxcommit.charts.heatmap import groups_run_down
from cxcommit.story.order import ROW_KEYS
from cxcommit.story.screen import Screen, for_screen, heights

SMALLEST = Screen(1366, 768)
PAGED = ("signs", "variation", "perception_gap", "gap_to_target")  # chapters drawn as one row per item or group


@dataclass(frozen=True)
class Probe:
    """What fitting needs of a slide (:func:`cxcommit.story.screen.for_screen`)."""

    figure: object
    heading: str
    bullets: tuple[str, ...]
    caption: str


def fits(figure, heading: str, bullets: tuple[str, ...], screen: Screen = SMALLEST) -> bool:
    """Whether a slide with ``figure``, ``heading``, ``bullets`` and the longest caption the
    presentation shows (``screen.caption_lines``) fits ``screen`` (its bullets may go, as :func:`~cxcommit.story.screen.for_screen` lets them;
    its chart may not be drawn lower than it reads at). Not its own caption: the deck's and the
    presentation's differ, and each medium must page alike."""
    if figure is None:
        return True
    allowance = "·" * (screen.caption_lines * screen.per_line(screen.caption_char))
    probe = for_screen(Probe(figure, heading, bullets, allowance), screen)
    lowest, room, _ = heights(probe, screen)
    return room >= lowest


def page_key(kind: str, table: pd.DataFrame, options) -> str | None:
    """The column whose values are the chart's rows: a page holds some of them. None where the
    chapter's chart is not paged (lines over waves, scatters, one bar per group).

    >>> page_key("variation", pd.DataFrame({"item": ["a"]}), None), page_key("pay", pd.DataFrame(), None)
    ('item', None)
    """
    if kind not in PAGED or table is None or table.empty:
        return None
    return "group" if kind == "signs" and groups_run_down(table, options=options) else ROW_KEYS[kind]


def split(table: pd.DataFrame, key: str, count: int) -> list[pd.DataFrame]:
    """``table``'s rows in ``count`` pages of as equal a number of ``key`` values as can be, in order;
    each page knows the whole table (:func:`cxcommit.charts.common.whole_of`), so its chart keeps the
    whole one's colour scale and axis.

    >>> table = pd.DataFrame({"item": list("aabbcd"), "v": range(6)})
    >>> [part["item"].tolist() for part in split(table, "item", 2)]
    [['a', 'a', 'b', 'b'], ['c', 'd']]
    """
    keys, whole = list(dict.fromkeys(table[key])), whole_of(table)
    parts = [table[table[key].isin(set(chunk))].reset_index(drop=True)
             for chunk in np.array_split(np.array(keys, dtype=object), count)]
    for part in parts:
        part.attrs = {WHOLE: whole}
    return parts


def paginate(table: pd.DataFrame, key: str, draw: Callable[[pd.DataFrame], object], heading: str,
             bullets: tuple[str, ...], whole=None) -> list[tuple[pd.DataFrame, object]]:
    """The fewest pages of ``table`` (split by ``key``, :func:`split`) whose charts (``draw``) each
    fit :data:`SMALLEST` under ``heading`` with "(n of N)" and ``bullets`` (:func:`fits`): the most
    rows a chart of the first rows can hold (a chart's height grows with its rows) sets the count,
    one more while a page of it still does not fit; one row each if nothing fewer does. Each page
    comes with its chart as ``draw`` drew it (``whole``: the whole table's, where already drawn), so
    a medium that draws alike need not draw it again."""
    keys = list(dict.fromkeys(table[key]))
    paged = numbered(heading, (len(keys), len(keys)))  # the longest a page's heading can be
    whole = draw(table) if whole is None else whole
    if fits(whole, heading, bullets):
        return [(table, whole)]

    def holds(rows: int) -> bool:
        return fits(draw(table[table[key].isin(set(keys[:rows]))]), paged, bullets)

    low, high = 1, len(keys) - 1  # the most rows one page holds, found in log2(rows) charts
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if holds(middle) else (low, middle - 1)
    count = math.ceil(len(keys) / low)
    pages = [(part, draw(part)) for part in split(table, key, count)]
    while count < len(keys) and not all(fits(figure, paged, bullets) for _, figure in pages):
        count += 1
        pages = [(part, draw(part)) for part in split(table, key, count)]
    return pages


def numbered(heading: str, page: tuple[int, int]) -> str:
    """``heading`` with which page of its chart a slide is, where there is more than one.

    >>> numbered("The 19 items by region", (2, 3)), numbered("Commitment by division", (1, 1))
    ('The 19 items by region (2 of 3)', 'Commitment by division')
    """
    number, count = page
    return heading if count == 1 else f"{heading} ({number} of {count})"


def titled(figure, title: str, page: tuple[int, int]):
    """A page's chart (changed in place) headed with the whole chart's ``title`` and its page: drawn
    over part of the rows, its own title would count only those ("The 10 rating items")."""
    if page[1] > 1:
        figure.layout.title.text = numbered(title, page)
    return figure


def rows_line(table: pd.DataFrame, key: str, whole: pd.DataFrame, page: tuple[int, int]) -> str:
    """For the speaker notes: which of the chart's rows a page shows.

    >>> whole = pd.DataFrame({"item": list("abcde")})
    >>> rows_line(whole.iloc[3:], "item", whole, (2, 2))
    'Page 2 of 2 of this chart: rows 4–5 of 5.'
    """
    keys = list(dict.fromkeys(whole[key]))
    shown = [keys.index(k) + 1 for k in dict.fromkeys(table[key])]
    return f"Page {page[0]} of {page[1]} of this chart: rows {min(shown)}–{max(shown)} of {len(keys)}."
