"""People who answered more than one wave: found from respondent ids, numbered without the ids.

A respondent id that appears in two waves is one person answering twice (rows that repeat an id
within a wave are left out at import). Their two answers are not independent, which the change
between those waves uses (:mod:`cxcommit.analyses.panels`). The numbering keeps only which rows
belong to the same person: an arbitrary number per person, never the id.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def person_codes(ids) -> np.ndarray:
    """Each row's person: the same number for the same respondent id, -1 where the id is blank."""
    values = pd.Series(ids, copy=False).astype("string").str.strip()
    codes, _ = pd.factorize(values.where(values != ""), use_na_sentinel=True)
    return codes.astype(np.int64)


def repeated_people(persons: np.ndarray, waves: np.ndarray) -> int:
    """How many people (``persons`` >= 0) have rows in more than one wave (``waves``: codes >= 0).

    >>> repeated_people(np.array([0, 1, 0, 2, 1, -1]), np.array([0, 0, 1, 1, 0, 1]))
    1
    """
    persons, waves = np.asarray(persons, dtype=np.int64), np.asarray(waves, dtype=np.int64)
    named = (persons >= 0) & (waves >= 0)
    if not named.any():
        return 0
    pairs = np.unique(persons[named] * (int(waves.max(initial=0)) + 1) + waves[named])
    return int((np.bincount(pairs // (int(waves.max(initial=0)) + 1)) > 1).sum())


def numbered(persons: np.ndarray | None, rows: np.ndarray | None = None) -> np.ndarray | None:
    """``persons`` (of ``rows`` only, where given) renumbered 0, 1, 2, … in order of first appearance
    (blank stays -1), or None where there are none or no person has more than one row (there is
    nothing to pair)."""
    if persons is None:
        return None
    persons = np.asarray(persons if rows is None else persons[rows], dtype=np.int64)
    named = persons >= 0
    if not named.any():
        return None
    codes, _ = pd.factorize(persons[named])
    if np.bincount(codes).max(initial=0) < 2:
        return None
    out = np.full(len(persons), -1, dtype=np.int64)
    out[named] = codes
    return out


def repeat_note(count: int) -> str:
    """The import report's note on ``count`` people who answered more than one wave."""
    return (f"{count:,} respondent id(s) answered in more than one wave. Each is one person per wave: every "
            "group shown holds at least the minimum of different people within each of its waves, so nobody is "
            "counted twice toward a pooled group's minimum. A change between two waves pairs the answers of "
            "the people who answered both (their two answers are not independent), where at least the minimum "
            "of them were in the same groups in both waves.")
