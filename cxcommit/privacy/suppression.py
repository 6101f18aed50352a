"""What leaves the library about a group: suppressed rows and their numbers, and respondent counts in words.

Every table is computed from publishable microdata (:mod:`cxcommit.privacy.publish`), where each cell is a
union of classes of at least the minimum group size, so a cell holds no answers or at least the
minimum: no complementary suppression or filter-difference rule is needed. A row is ``suppressed``
where it has fewer answers than the minimum (in published data: none at all), and its numbers are
null; ``suppression`` says why (``"small"``), null if shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NUMBER_COLUMNS = ("n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know", "diff", "diff_low", "diff_high",
                  "p_value", "p_adj", "p_holm",
                  "mean_signs", "mean_ci_low", "mean_ci_high", "n_partial", "n_incomplete",
                  "n_leaders", "p_leaders", "n_staff", "p_staff", "gap")


def suppression_reason(flags: np.ndarray) -> np.ndarray:
    """Why each row is hidden: ``"small"`` (fewer answers than the minimum) or None."""
    return np.where(np.asarray(flags, dtype=bool), "small", None).astype(object)


HIDDEN_COUNT = "fewer than"


def respondents_text(size: int, minimum: int) -> str:
    """A respondent count as the privacy rules allow it in words, to go before "respondents":
    ``782``, or ``fewer than 5`` (a published view holds none or at least the minimum).

    >>> respondents_text(782, 5), respondents_text(0, 5)
    ('782', 'fewer than 5')
    """
    return f"{size:,}" if size >= minimum else f"{HIDDEN_COUNT} {minimum}"


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


