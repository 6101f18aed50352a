"""Test families and what "significant" means, in one place.

A family is fixed by the question a view answers, never by what is printed: a rates table's family
is every favourable item × every group of its breakdown, whichever items are shown, so that adding
or removing a row never turns a difference significant. Exploratory screens (the heatmap, a rates
table) adjust by Benjamini–Hochberg (:data:`SCREEN`: controls the share of false discoveries among
the differences marked); statements (findings, slide titles, changes over time, perception gaps)
by Holm (:data:`STATEMENT`: controls the chance of any false statement).

"Significant" asks two things: the adjusted p-value is below 1 − confidence, and the difference is
at least the smallest difference that matters (``Settings.min_difference``, 5 points by default), so
a tiny difference on a huge sample is not called a finding.

References: Benjamini, Y. & Hochberg, Y. (1995), JRSS B 57(1), 289–300; Holm, S. (1979), Scand. J.
Statist. 6, 65–70.
"""
from __future__ import annotations

import numpy as np

SCREEN = "bh"
STATEMENT = "holm"
TOLERANCE = 1e-9  # a difference of exactly the minimum (0.05 as 21/420 − 0/1) counts as reaching it


def significant(p_adj, diff, settings) -> np.ndarray:
    """True where ``p_adj`` (adjusted in its family) is below 1 − ``settings.confidence`` and
    ``|diff|`` is at least ``settings.min_difference``; False where either is missing.

    >>> from types import SimpleNamespace
    >>> significant([0.001, 0.001, 0.2], [0.08, 0.02, 0.3], SimpleNamespace(confidence=0.95, min_difference=0.05)).tolist()
    [True, False, False]
    """
    p_adj, diff = np.asarray(p_adj, dtype=float), np.asarray(diff, dtype=float)
    with np.errstate(invalid="ignore"):
        return (p_adj < 1 - settings.confidence) & (np.abs(diff) >= settings.min_difference - TOLERANCE)
