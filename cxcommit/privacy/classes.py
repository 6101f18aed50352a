"""The classes of publishable microdata: which published value each combination of the reporting
attributes gets, stage by stage, so that every class of a wave holds at least the minimum of
people or none (:mod:`cxcommit.privacy.publish` describes the guarantee)."""
from __future__ import annotations

import numpy as np

from cxcommit.model.survey import Survey
from cxcommit.settings import MIN_GROUP_SIZE_FLOOR, Settings

OTHER = -2  # the code of an attribute's generalised ("other") value; -1 stays blank


def stages(minimum: int) -> list[int]:
    """The minimums a publication for ``minimum`` is built through, each coarsening the one before:
    3, 4, 5 (the default), then ``minimum`` itself. Two publications of one survey for different
    minimums therefore differ by whole classes of the smaller (of 5 at most), and comparing them
    reveals no group under it.

    >>> stages(3), stages(5), stages(10)
    ([3], [3, 4, 5], [3, 4, 5, 10])
    """
    default = Settings.min_group_size
    return list(range(MIN_GROUP_SIZE_FLOOR, min(minimum, default) + 1)) + ([minimum] if minimum > default else [])


def placement(survey: Survey, names: tuple[str, ...], minimum: int):
    """The rows' combination numbers, the combinations (wave and ``names`` codes), their people, their
    published codes, whether they are placed in a class, and each stage's (minimum, class of each
    combination) (see :func:`stages`)."""
    wave_codes, waves = survey.codes("wave")
    parts = [survey.codes(name) for name in names]
    # the distinct combinations of wave and attributes: the rows' codes packed into one key
    columns = [wave_codes, *(codes for codes, _ in parts)]
    widths = [len(waves) + 1, *(len(labels) + 1 for _, labels in parts)]
    combined, keys = _combinations(columns, widths)
    counts = np.bincount(combined, minlength=len(keys)).astype(np.int64)
    current, placed, classes = keys[:, 1:].copy(), np.ones(len(keys), dtype=bool), []
    for stage in stages(minimum):  # each stage generalises the values the stage before published
        # the combinations the stage before made alike are placed as one
        alike, inverse = np.unique(np.column_stack([keys[placed, 0], current[placed]]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        people = np.bincount(inverse, weights=counts[placed]).astype(np.int64)
        published = np.full((len(alike), current.shape[1]), -3, dtype=np.int64)  # -3: not yet placed
        kept = np.ones(len(alike), dtype=bool)
        for wave in np.unique(alike[:, 0]):
            residue = _place(np.flatnonzero(alike[:, 0] == wave), 0, alike[:, 1:], people, published, stage)
            kept[residue] = False
        rows = np.flatnonzero(placed)
        current[rows] = published[inverse]
        placed[rows] = kept[inverse]
        classes.append((stage, _classes(keys[:, 0], current, placed)))
    return combined, keys, counts, current, placed, classes


def _combinations(columns: list[np.ndarray], widths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's combination number and the combinations' codes (one row each, -1 blank); numbered
    in the order of the packed key (a bincount where the key space is small, else a sort)."""
    key, bound = np.zeros(len(columns[0]), dtype=np.int64), 1
    for codes, width in zip(columns, widths):
        if bound * width >= 1 << 62:  # renumber densely before the packed key would overflow
            key, bound = _dense(key, bound)
        key = key * width + (codes.astype(np.int64) + 1)
        bound *= width
    combined, count = _dense(key, bound)
    first = np.empty(count, dtype=np.int64)
    first[combined[::-1]] = np.arange(len(combined) - 1, -1, -1)  # each combination's first row
    return combined, np.column_stack([codes[first].astype(np.int64) for codes in columns])


def _dense(key: np.ndarray, bound: int) -> tuple[np.ndarray, int]:
    """``key`` (values below ``bound``) renumbered 0, 1, … in order, and how many there are."""
    if bound <= 1 << 24:
        present = np.bincount(key, minlength=bound) > 0
        renumber = np.cumsum(present) - 1
        return renumber[key], int(present.sum())
    uniques, inverse = np.unique(key, return_inverse=True)
    return inverse.ravel(), len(uniques)


PARENT_WEIGHT = 4  # a person's value of an attribute counts as much as 4 people's values of the next one


def _place(rows: np.ndarray, depth: int, keys: np.ndarray, counts: np.ndarray, published: np.ndarray,
           minimum: int, people: int | None = None) -> np.ndarray:
    """Decide the published values of the combinations ``rows`` (which share the values decided
    for the attributes before ``depth``) from ``depth`` on; returns those that fit no class of
    ``minimum`` here, for the caller to generalise one attribute higher (``people``: how many the
    rows hold, when the caller knows).

    Values with fewer than ``minimum`` people are pooled under the attribute's "other" value. A pool
    still too small either takes in the smallest reported value (its people lose this attribute) or
    goes back up (its people lose the attribute before too), whichever loses less: a person's value
    of the attribute above weighs :data:`PARENT_WEIGHT` times as much. So a unit's 4 executives are
    reported with its 8 managers as "Other roles" rather than leave their unit, while a unit of 2
    leaves its division before a unit of 14 is merged with it."""
    total = int(counts[rows].sum()) if people is None else people
    if total < minimum:
        return rows
    if depth == keys.shape[1]:
        return rows[:0]
    values = keys[rows, depth]
    if len(rows) > 1:
        order = np.argsort(values, kind="stable")
        rows, values = rows[order], values[order]
    starts = np.concatenate(([0], np.flatnonzero(values[1:] != values[:-1]) + 1))
    ends = [*starts[1:].tolist(), len(rows)]
    pooled, reported = [], []
    last = depth + 1 == keys.shape[1]  # the parts are classes as they stand: nothing below to place
    for start, end, size in zip(starts.tolist(), ends, np.add.reduceat(counts[rows], starts).tolist()):
        part = rows[start:end]
        if size >= minimum:
            published[part, depth] = values[start]
            residue = rows[:0] if last else _place(part, depth + 1, keys, counts, published, minimum, size)
            pooled.append(residue)
            reported.append((size - int(counts[residue].sum()) if len(residue) else size, part))
        else:
            pooled.append(part)
    pool = np.concatenate(pooled)
    short = int(counts[pool].sum()) if len(pool) else 0
    if 0 < short < minimum and reported:
        size, smallest = min(reported, key=lambda reported_part: reported_part[0])
        if size <= short * PARENT_WEIGHT:
            pool = np.union1d(pool, smallest)
            short = int(counts[pool].sum())
    if not len(pool):
        return pool
    published[pool, depth] = OTHER
    return _place(pool, depth + 1, keys, counts, published, minimum, short)


def _classes(waves: np.ndarray, published: np.ndarray, placed: np.ndarray) -> np.ndarray:
    """Each combination's class number (-1 left out): equal published values within a wave."""
    key = np.column_stack([waves, published])[placed]
    class_of = np.full(len(placed), -1, dtype=np.int64)
    if len(key):
        class_of[placed] = np.unique(key, axis=0, return_inverse=True)[1].ravel()
    return class_of
