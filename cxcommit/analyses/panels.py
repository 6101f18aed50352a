"""People who answered two waves: the pairing that the change between those waves uses.

Where respondent ids repeat across waves (:mod:`cxcommit.model.persons`), a group's share in two
waves is partly measured on the same people, whose two answers agree more than two strangers'
would. The change between the waves then has the variance v1 + v2 − 2·Cov
(:func:`cxcommit.stats.clustered.paired_difference`), Cov from the people of the group in both waves;
the trend's slope likewise counts each person's answers in two waves together
(:func:`cxcommit.stats.clustered.clustered_slope`).
:func:`paired_counts` counts them: per item, group and pair of waves, how many people answered both
and how many of them were favourable in each. These counts stay inside the library (a test checks
that no result column holds them): only intervals and p-values come out of them. Those give the
counts away, so only the pairs publishing keeps are counted: people who share their classes wave
by wave with at least the minimum of others (:mod:`cxcommit.privacy.pairing`).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from cxcommit.analyses.clustering import SCORE
from cxcommit.analyses.groups import item_masks, make_groups
from cxcommit.model.derived import key
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.stats.clustered import ClusteredDifference, clustered_slope, paired_difference

PAIRED = "cluster-robust (people in both waves)"
SLOPE_HC1 = "least squares, robust (HC1)"


class PairedCounts(NamedTuple):
    """Arrays of shape (items, groups, waves, waves), [i, g, a, b] for waves a before b (in the order
    of ``waves``; zero elsewhere): ``pairs`` people of group g who answered item i in both, ``both``
    of them favourable in both waves, ``first`` favourable in a, ``second`` favourable in b."""

    waves: tuple[str, ...]
    pairs: np.ndarray
    both: np.ndarray
    first: np.ndarray
    second: np.ndarray


def paired_counts(survey: Survey, by: str | list[str] | None, items: list, settings: Settings) -> PairedCounts | None:
    """People who answered two waves in the same group, counted per item, group (of
    :func:`make_groups` ``(survey, by)``, in its order) and pair of waves; None where nobody
    answered more than one wave. A person who changed group between the waves is in neither
    group's pairs. Kept in ``survey.derived``."""
    if survey.person_codes() is None:
        return None
    groups = make_groups(survey, by)
    return survey.derived.get(key("paired_counts", groups.names, tuple(i.id for i in items), settings.dont_know),
                              lambda: _paired_counts(survey, groups, items, settings))


def _pair_rows(person: np.ndarray, group: np.ndarray, wave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (first, second) of every pair of a person's answers in two waves within one group: the
    rows sorted once by group, person and wave, then each row paired with the next d rows of the
    same person and group (d up to the number of waves)."""
    rows = np.flatnonzero(person >= 0)
    rows = rows[np.lexsort((wave[rows], person[rows], group[rows]))]
    owner = group[rows].astype(np.int64) * (int(person.max()) + 1) + person[rows]
    firsts, seconds = [], []
    for d in range(1, int(wave.max(initial=0)) + 1):
        same = np.flatnonzero(owner[d:] == owner[:-d]) if d < len(rows) else np.zeros(0, np.int64)
        if not len(same):
            break
        firsts.append(rows[same])
        seconds.append(rows[same + d])
    first = np.concatenate(firsts) if firsts else np.zeros(0, np.int64)
    second = np.concatenate(seconds) if seconds else np.zeros(0, np.int64)
    apart = wave[first] != wave[second]  # one row per person and wave: a repeat within a wave is never paired
    return first[apart], second[apart]


def _paired_counts(survey: Survey, groups, items: list, settings: Settings) -> PairedCounts:
    codes, waves = survey.codes("wave")
    person, group = survey.person_codes(), groups.codes.astype(np.int64)
    first, second = _pair_rows(person, group, codes.astype(np.int64))
    width = len(waves)
    cell = (group[first] * width + codes[first]) * width + codes[second]  # group, earlier wave, later wave
    cells = groups.size * width * width
    sums = np.zeros((4, len(items), cells))
    for position, item in enumerate(items):  # per item: its masks on the paired rows only
        values = survey.values(item.id).astype(np.float64)
        base_1, yes_1, _, _ = item_masks(values[first], item, settings)
        base_2, yes_2, _, _ = item_masks(values[second], item, settings)
        runs = survey.paired_runs(item.id)  # only pairs publishing keeps (cxcommit.privacy.pairing)
        both_answered = base_1 & base_2 & (runs[first] >= 0) & (runs[first] == runs[second])
        for kind, mask in enumerate((both_answered, both_answered & yes_1 & yes_2, both_answered & yes_1,
                                     both_answered & yes_2)):
            sums[kind, position] = np.bincount(cell[mask], minlength=cells)
    shape = (len(items), groups.size, width, width)
    return PairedCounts(tuple(waves), *(part.reshape(shape) for part in sums))


def paired_change(counts: PairedCounts, item, group, earlier, later, k1, n1, k2, n2,
                  confidence: float) -> ClusteredDifference:
    """p2 − p1 of each row (its item, group, earlier and later wave: positions in ``counts``) with the
    pairing in its variance (:func:`paired_difference`); with no pair, two independent waves."""
    where = (np.asarray(item), np.asarray(group), np.asarray(earlier), np.asarray(later))
    moments = (counts.pairs[where], counts.both[where], counts.first[where], counts.second[where])
    return paired_difference(k1, n1, k2, n2, *moments, confidence=confidence)


def _places(groups, items: list, counts: PairedCounts, rows: dict, names: tuple[str, ...]) -> list[np.ndarray]:
    """Each row's position among the items, the groups (by label) or the waves of ``counts``, for
    each of ``names`` (``item``, ``group``, or a wave: ``earlier``, ``later``, ``wave``); -1 where
    not found."""
    labels = groups.frame[groups.names[0] if groups.names else "group"].tolist()
    known = {"item": [i.id for i in items], "group": labels}
    return [pd.Index(known.get(name, counts.waves)).get_indexer(pd.Index(rows[name], dtype=object)) for name in names]


def paired_changes(survey: Survey, by: str | None, items: list, settings: Settings, rows: dict,
                   low: np.ndarray, high: np.ndarray, p_value: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The change between two waves of each row with the pairing in its variance, where people
    answered more than one wave; else as given (the score test's ``low``, ``high``, ``p_value``).

    ``rows`` holds, per row, ``item`` (id), ``group`` (label, as the trends table names it),
    ``earlier`` and ``later`` (wave labels) and the counts ``k1, n1, k2, n2``. Returns the interval,
    p-value and each row's method: :data:`PAIRED` wherever the survey has repeat respondents (whether
    or not this group has any: the method says nothing about a group's people) and the answers vary,
    :data:`cxcommit.analyses.clustering.SCORE` elsewhere, None where there is no change.
    """
    compared = ~np.isnan(p_value)
    counts = paired_counts(survey, by, items, settings)
    paired = np.zeros(len(p_value), dtype=bool)
    if counts is not None and compared.any():
        index = _places(make_groups(survey, by), items, counts, rows, ("item", "group", "earlier", "later"))
        found = compared & (np.stack(index) >= 0).all(axis=0)
        where = [np.where(found, i, 0) for i in index]
        result = paired_change(counts, *where, *(rows[name] for name in ("k1", "n1", "k2", "n2")),
                               confidence=settings.confidence)
        paired = found & (result.se > 0) & np.isfinite(result.p_value)
        low, high, p_value = (np.where(paired, new, old) for new, old in
                              ((result.low, low), (result.high, high), (result.p_value, p_value)))
    return low, high, p_value, np.where(compared, np.where(paired, PAIRED, SCORE), None).astype(object)


def paired_trend_changes(survey: Survey, by: str | None, settings: Settings, changes: dict[str, np.ndarray],
                         rows: dict[str, np.ndarray], later: np.ndarray, first: np.ndarray) -> np.ndarray:
    """A trends table's changes since the previous and the first shown wave (``changes``, for rows in
    item, group, wave order) with the pairing of people who answered both waves
    (:func:`paired_changes`), and the slope's interval likewise, replaced in ``changes``; returns each
    row's method of the change since the previous wave, since the first wave and of the slope (three
    rows). ``rows`` also holds ``x``, the wave's time. ``rows`` holds ``item``, ``group``, ``wave``,
    ``k`` and ``n``; ``later`` marks rows with a previous shown wave, ``first`` each row's first."""
    wanted = list(survey.items)
    methods = np.full((3, len(later)), None, dtype=object)
    for position, (change, earlier) in enumerate((("change_prev", np.roll(np.arange(len(later)), 1)),
                                                  ("change_first", first))):
        pairing = {"item": rows["item"], "group": rows["group"], "earlier": rows["wave"][earlier],
                   "later": rows["wave"], "k1": rows["k"][earlier], "n1": rows["n"][earlier], "k2": rows["k"],
                   "n2": rows["n"]}
        p_value = np.where(later, changes[f"{change}_p"], np.nan)
        low, high, p_value, methods[position] = paired_changes(
            survey, by, wanted, settings, pairing, changes[f"{change}_low"], changes[f"{change}_high"], p_value)
        changes.update({f"{change}_low": low, f"{change}_high": high, f"{change}_p": p_value})
    methods[2] = _paired_slopes(survey, by, settings, changes, rows, first)
    return methods


def _run_pairs(first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows (earlier, later) within one run of rows (``first``: each row's run head)."""
    earlier, later = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for d in range(1, len(first)):
        same = np.flatnonzero(first[d:] == first[:-d])
        if not len(same):
            break
        earlier.append(same)
        later.append(same + d)
    return np.concatenate(earlier), np.concatenate(later)


def _paired_slopes(survey: Survey, by: str | None, settings: Settings, changes: dict[str, np.ndarray],
                   rows: dict[str, np.ndarray], first: np.ndarray) -> np.ndarray:
    """The slope's interval with people as clusters (:func:`clustered_slope`) where people answered
    more than one wave and the answers vary, replaced in ``changes``; each row's slope method."""
    has_slope = ~np.isnan(changes["slope"])
    items = list(survey.items)
    counts = paired_counts(survey, by, items, settings)
    paired = np.zeros(len(first), dtype=bool)
    if counts is not None and has_slope.any():
        groups = make_groups(survey, by)
        item, group, wave = _places(groups, items, counts, rows, ("item", "group", "wave"))
        starts = np.flatnonzero(np.r_[True, first[1:] != first[:-1]])
        run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(first)]))
        earlier, later = _run_pairs(first)
        where = (item[earlier], group[earlier], wave[earlier], wave[later])
        moments = (counts.pairs[where], counts.both[where], counts.first[where], counts.second[where])
        shown = np.zeros((len(items), groups.size, len(counts.waves)), dtype=bool)
        shown[item, group, wave] = True
        people = np.add.reduceat(rows["n"], starts) - _repeats(survey, groups, items, settings, shown)[
            item[starts], group[starts]]
        result = clustered_slope(rows["k"], rows["n"], rows["x"], starts, (earlier, later), moments, people,
                                 confidence=settings.confidence)
        paired = has_slope & ((result.se > 0) & np.isfinite(result.p_value))[run]
        changes["slope_low"] = np.where(paired, result.low[run], changes["slope_low"])
        changes["slope_high"] = np.where(paired, result.high[run], changes["slope_high"])
    return np.where(has_slope, np.where(paired, PAIRED, SLOPE_HC1), None).astype(object)


def _repeats(survey: Survey, groups, items: list, settings: Settings, shown: np.ndarray) -> np.ndarray:
    """Per item and group (items × groups): answers beyond each person's first among the waves
    ``shown`` (items × groups × waves), so that the different people are the answers less these."""
    group, waves = groups.codes.astype(np.int64), survey.codes("wave")[0].astype(np.int64)
    out = np.zeros((len(items), groups.size))
    for position, item in enumerate(items):  # a person's answers in one run (their pairs) count once
        runs = survey.paired_runs(item.id)
        named = np.flatnonzero(runs >= 0)
        wave = waves[named]
        owner, _ = pd.factorize(group[named] * (int(runs.max(initial=0)) + 1) + runs[named])
        owner_group = np.zeros(int(owner.max(initial=-1)) + 1, dtype=np.int64)
        owner_group[owner] = group[named]
        base = item_masks(survey.values(item.id).astype(np.float64)[named], item, settings)[0]
        answers = np.bincount(owner[base & shown[position, group[named], wave]], minlength=len(owner_group))
        out[position] = np.bincount(owner_group, weights=np.maximum(answers - 1, 0), minlength=groups.size)
    return out
