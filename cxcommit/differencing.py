"""Protection against working out a small group by comparing two filtered views.

A filter is itself a way to subtract: the Digital division with and without its Mobile App unit,
or all waves and all waves but one, differ by the respondents the second view leaves out. If a
cell of one view and the same cell of the other differ by fewer answers than the minimum group
size, those few answers could be worked out from the two numbers.

The rule: a cell of a filtered view is hidden (primary suppression, reason ``"difference"``)
where a view the user could reach by widening or narrowing the filters has the same cell with
between 1 and minimum − 1 answers more or fewer. The views compared are

- every view that drops one or more of the filters (down to no filter at all), and
- every view that drops one of a filter's chosen values (a filter with several values); the
  difference to it is the cell's answers from that value, counted from the view itself.

Views that differ in other ways (two unrelated filters, a value added and another dropped)
are not compared. Complementary suppression then works on the view's own table as usual.
"""
from __future__ import annotations

from itertools import combinations
from typing import Callable

import numpy as np
import pandas as pd

from cxcommit.survey import Survey

# counts(view, grouping names) -> (one row per group: a column per grouping, counts: [rows x] groups)
Counter = Callable[[Survey, tuple[str, ...]], tuple[pd.DataFrame, np.ndarray]]


def wider_views(survey: Survey) -> list[Survey]:
    """The views that drop one or more of ``survey``'s filters (kept in ``survey.cache``)."""
    key = ("wider_views",)
    if key not in survey.cache:
        filters = dict(survey.filters)
        views = []
        for size in range(len(filters)):  # keep 0 .. all-but-one of the filters
            for kept in combinations(filters, size):
                views.append(survey.base.filter(**{name: list(filters[name]) for name in kept}) if kept
                             else survey.base)
        survey.cache[key] = views
    return survey.cache[key]


def _positions(frame: pd.DataFrame, other: pd.DataFrame, names: tuple[str, ...]) -> np.ndarray:
    """For each row of ``other``, the row of ``frame`` with the same groupings (-1: none)."""
    if not names:
        return np.zeros(len(other), dtype=np.int64)
    lookup = {key: i for i, key in enumerate(zip(*(frame[name].tolist() for name in names)))}
    return np.array([lookup.get(key, -1) for key in zip(*(other[name].tolist() for name in names))], dtype=np.int64)


def changed_by_few(survey: Survey, names: tuple[str, ...], counts: Counter, minimum: int) -> np.ndarray:
    """Where a cell of ``survey``'s table by ``names`` would change by 1 to ``minimum`` − 1 answers
    in a view reached by widening or narrowing its filters (see the module's rule).

    ``counts`` gives the cells' answers in any view; the result has the shape of ``survey``'s own
    counts. A survey without filters (or filtered by a mask, not by :meth:`Survey.filter`) compares
    with nothing: all false.
    """
    frame, own = counts(survey, names)
    own = np.asarray(own, dtype=float)
    flags = np.zeros(own.shape, dtype=bool)
    if survey.base is None or not survey.filters:
        return flags
    for view in wider_views(survey):
        other_frame, other = counts(view, names)
        where = _positions(other_frame, frame, names)
        wide = np.where(where >= 0, np.asarray(other, dtype=float)[..., np.maximum(where, 0)], 0.0)
        change = np.abs(wide - own)
        flags |= (change > 0) & (change < minimum)
    for name, values in survey.filters:
        if len(values) < 2 or name in names or name not in survey.groupings:
            continue
        split_frame, split = counts(survey, (*names, name))  # the cells' answers from each chosen value
        split = np.asarray(split, dtype=float)
        few = (split > 0) & (split < minimum)
        where = _positions(frame, split_frame, names)
        for column in np.flatnonzero(few.any(axis=tuple(range(few.ndim - 1))) & (where >= 0)):
            flags[..., where[column]] |= few[..., column]
    return flags


def shown_size(survey: Survey, minimum: int) -> int | None:
    """How many respondents ``survey`` has, or None where that must not be shown: fewer than
    ``minimum``, or a view reached by widening or narrowing the filters has between 1 and
    ``minimum`` − 1 respondents more or fewer.

    >>> from cxcommit.demo import load_demo
    >>> digital = load_demo().filter(division="Digital")  # its Innovation Lab has 4 respondents
    >>> all_but_the_lab = [unit for unit in digital.codes("business_unit")[1] if unit != "Innovation Lab"]
    >>> shown_size(digital, 5), shown_size(digital.filter(business_unit=all_but_the_lab), 5)
    (782, None)
    """
    key = ("shown_size", minimum)  # every caption on a page asks: counted once per survey
    if key not in survey.cache:
        survey.cache[key] = _shown_size(survey, minimum)
    return survey.cache[key]


HIDDEN_COUNT = "a hidden number of"


def respondents_text(survey: Survey, minimum: int) -> str:
    """The respondent count as the privacy rules allow it in words: ``782``, ``fewer than 5`` or
    ``a hidden number of`` (:data:`HIDDEN_COUNT`), to go before "respondents"."""
    n = shown_size(survey, minimum)
    if n is not None:
        return f"{n:,}"
    return f"fewer than {minimum}" if survey.size < minimum else HIDDEN_COUNT


def _shown_size(survey: Survey, minimum: int) -> int | None:
    from cxcommit.groups import make_groups

    def respondents(view: Survey, names: tuple[str, ...]):
        groups = make_groups(view, list(names))
        return groups.frame, groups.sizes

    if survey.size < minimum or changed_by_few(survey, (), respondents, minimum).any():
        return None
    return survey.size
