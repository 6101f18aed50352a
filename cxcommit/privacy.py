"""Suppression of small groups, including protection against working them out by subtraction.

Primary suppression: a cell (group) with fewer than ``min_group_size`` answers shows no number.

Complementary suppression (the rule, documented in the README): a breakdown's cells fall into
*sibling sets* whose total is published elsewhere — all groups of one item (the organisation's
total is shown), the units of one division (the division's total is shown), a row or column of a
two-way table (its margin is shown). If exactly one cell of a sibling set is suppressed, it
could be recovered as the set's total minus the others, so the smallest other cell of that set
is suppressed too, chosen in the most specific set first (a unit of the same division). This
repeats until no set has exactly one suppressed cell.

Every table says why a row is hidden in ``suppression``: ``"small"`` (fewer answers than the
minimum), ``"difference"`` (a view under other filters differs from it by fewer answers than the
minimum: :mod:`cxcommit.differencing`), ``"complementary"`` (hidden so that a small group cannot
be worked out), null if shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NUMBER_COLUMNS = ("n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know", "diff", "p_value", "p_adj",
                  "mean_signs", "mean_ci_low", "mean_ci_high", "n_incomplete",
                  "n_leaders", "p_leaders", "n_staff", "p_staff", "gap")


def complementary_suppression(table, suppressed: np.ndarray, sibling_sets: list[list[str]],
                              sizes: np.ndarray | None = None) -> np.ndarray:
    """Suppression flags after complementary suppression.

    ``table``: a DataFrame, or a dict of arrays, with the columns named in ``sibling_sets``;
    ``sizes``: each cell's number of answers (default: the table's ``n``).

    ``sibling_sets``: each entry lists the columns whose values identify one sibling set, e.g.
    ``[["item"]]`` for a one-way table, ``[["item", "division"]]`` for units within divisions,
    ``[["item", "division"], ["item", "role"]]`` for a division × role table.
    """
    flags = np.asarray(suppressed, dtype=bool).copy()
    if not flags.any():
        return flags
    sizes = np.asarray(table["n"] if sizes is None else sizes, dtype=float)
    # The most specific sets first: a complement chosen inside a division also protects the organisation's total.
    ordered = sorted(sibling_sets, key=len, reverse=True)
    sets = [_positions(table, columns) for columns in ordered]
    changed = True
    while changed:
        changed = False
        for grouped in sets:
            for positions in grouped.values():
                if len(positions) < 2:
                    continue
                hidden = flags[positions]
                if hidden.sum() == 1:
                    shown = positions[~hidden]
                    flags[shown[np.argmin(sizes[shown])]] = True
                    changed = True
    return flags


def suppression_reason(small: np.ndarray, flags: np.ndarray, few: np.ndarray | None = None) -> np.ndarray:
    """Why each row is hidden: ``"small"``, ``"difference"`` (``few``: another filter would change it
    by fewer answers than the minimum), ``"complementary"`` (hidden to protect another row) or None."""
    small = np.asarray(small, dtype=bool)
    few = np.zeros_like(small) if few is None else np.asarray(few, dtype=bool)
    hidden = np.where(np.asarray(flags, dtype=bool), "complementary", None)
    return np.where(small, "small", np.where(few, "difference", hidden)).astype(object)


def _positions(table, columns: list[str]) -> dict:
    """Row positions of each combination of ``columns`` (factorised: cheap on string columns)."""
    key = np.zeros(len(table[columns[0]]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(np.asarray(table[column], dtype=object), use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    return dict(enumerate(np.split(order, bounds)))


def blank_suppressed(table: pd.DataFrame, flags: np.ndarray, columns=NUMBER_COLUMNS) -> pd.DataFrame:
    """``table`` with ``suppressed`` set from ``flags`` and every number of those rows nulled
    (every column of ``columns`` the table has; as float)."""
    table = table.copy()
    flags = np.asarray(flags, dtype=bool)
    table["suppressed"] = flags
    if flags.any():
        for column in (c for c in columns if c in table):
            values = table[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
            values[flags] = np.nan
            table[column] = values
    return table


def arrays(table: pd.DataFrame, *names: str) -> dict[str, np.ndarray]:
    """Columns of a table as numpy arrays: ``suppressed`` as booleans, numbers as floats (NaN: none),
    the rest (labels) as objects."""
    columns = {name: table[name] for name in names}
    return {name: (column.to_numpy(dtype=bool) if name == "suppressed"
                   else column.to_numpy(dtype=float, na_value=np.nan) if pd.api.types.is_numeric_dtype(column)
                   else column.to_numpy(dtype=object))
            for name, column in columns.items()}


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own "str" columns


def text(values) -> pd.api.extensions.ExtensionArray:
    """Labels (None: none) as a pandas ``str`` column: made directly, a few times cheaper than a frame
    working out the type of an object column."""
    return pd.array(np.asarray(values, dtype=object), dtype=TEXT)


def nullable(values: np.ndarray, integer: bool = False) -> pd.api.extensions.ExtensionArray:
    """Float values (NaN: no value) as a nullable ``Float64`` array, or ``Int64`` (rounded)."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    if integer:
        return pd.arrays.IntegerArray(np.where(missing, 0, np.round(values)).astype(np.int64), missing)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing)
