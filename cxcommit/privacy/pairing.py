"""People who answered several waves, paired only in groups of the minimum, decided wave by wave.

A change between two waves pairs the answers of the people who gave both
(:mod:`cxcommit.analyses.panels`): its interval and p-value rest on how many of a group's people
answered both waves and how many of them were favourable in each. Classes hold the minimum within
each wave, but the people of a class in one wave who are also in a given class of another wave
can be fewer: an attack on the published intervals recovered such pairs of one person, with both
of their answers. So the pairing is published by the same rule as everything else:

- **Runs.** People are paired within *runs*: from a wave on, a run's people share their class (or
  their absence) wave by wave, at least the minimum of them. Going through the waves in the
  order they were stored (time order for a file), a run whose people split, in the next wave, into a part of between 1 and the minimum − 1
  ends before that wave, all of it; its people (and anyone not yet in a run) start new runs in a
  wave where at least the minimum of them share a class. Two answers of a person are paired where
  both are in one run; the others are published as independent answers.
- **Decided once.** A run's course up to a wave depends on that wave and the ones before only, so
  a wave added later, whatever its date, changes no pairing between the waves before it (attacks
  recovered people's answers from the change a third wave, or a back-dated one, made to the paired
  intervals between the others).
- **Per item.** For an item, runs are cut further by the same rule where their people answered
  it, said "don't know" or left it blank (an answer withheld up to the stage counting as blank:
  the same at a stage in every publication). A pair counts where both answers are in the item's
  base, which leaves "don't know" out for rated items, and for yes/no items under the "don't know
  is missing" setting: whole runs again, under every setting.
- **What pairs leave.** A group's answers in a wave less its pairs are the answers not paired: in
  each class, those published (not withheld) and in no run are 0 or at least the minimum. Where
  fewer remain, the runs in the class end before that wave (the third attack recovered a unit's one
  new respondent's answer from its answers less its pairs).
- **Nested across settings.** The rules are applied stage by stage, like the classes (3, 4, 5,
  then k: :func:`cxcommit.privacy.classes.stages`), each stage cutting the runs the stage before
  kept, so that outputs made for two minimums differ by whole runs of the smaller. Answers are
  withheld per class, so a run's answers in a wave are all withheld or none.

Every count of paired people a published number rests on is then a sum of whole runs: 0 or at least
the minimum, for any group, filter, wave or difference of them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.instrument.scales import DONT_KNOW


BLANK, DONT_KNOW_GIVEN, ANSWERED = 0, 1, 2  # a row's answer to an item, as the pairing tells them apart


def answer_states(values: np.ndarray, item) -> np.ndarray:
    """Each row's answer to ``item`` (its values) as :data:`BLANK`, :data:`DONT_KNOW_GIVEN` or
    :data:`ANSWERED`."""
    given = ~np.isnan(values)
    dont_know = given & (values == DONT_KNOW) if item.scale.kind in ("yes_no", "likert") else np.zeros(len(values), bool)
    return np.where(dont_know, DONT_KNOW_GIVEN, np.where(given, ANSWERED, BLANK)).astype(np.int8)


def paired_people(person: np.ndarray, wave: np.ndarray, stage_classes: list[tuple[int, np.ndarray]],
                  states: dict[str, list[np.ndarray]]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Each row's run (see the module; -1 none), and per item each row's run for that item;
    ``person``: each row's person (-1 none), ``wave``: its wave (codes in the order the waves are
    decided: :func:`cxcommit.privacy.publish._decision_order`);
    ``stage_classes``: per stage, its minimum and each row's class (-1 left out); ``states``: per
    item and stage, each row's :func:`answer_states` with the answers withheld up to that stage blank."""
    run = np.asarray(person, dtype=np.int64).copy()
    wave = np.asarray(wave, dtype=np.int64)
    per_item = {item: run.copy() for item in states}
    for stage, (minimum, row_class) in enumerate(stage_classes):
        token = np.where(row_class >= 0, row_class + 1, 0)  # 0: a row in no class
        run = _runs(run, wave, token, minimum)
        for item, by_stage in states.items():
            state = by_stage[stage]
            within = _both(per_item[item], run)
            per_item[item] = _runs(within, wave, token * 3 + state, minimum, row_class, state != BLANK)
    return run, per_item


def _both(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Runs of rows in the same run of ``first`` and of ``second`` (-1 where either is -1)."""
    out = np.full(len(first), -1, dtype=np.int64)
    inside = (first >= 0) & (second >= 0)
    out[inside] = pd.factorize(pd.MultiIndex.from_arrays([first[inside], second[inside]]))[0]
    return out


def _runs(unit: np.ndarray, wave: np.ndarray, key: np.ndarray, minimum: int, row_class: np.ndarray | None = None,
          answered: np.ndarray | None = None) -> np.ndarray:
    """``unit`` (each row's run so far, -1 none) cut into runs whose people share their ``key``
    wave by wave, at least ``minimum`` of them (see the module), going through the waves in order;
    with ``row_class`` and ``answered``, a run also ends before a wave where between 1 and
    ``minimum`` - 1 of the answers of its class there are in no run."""
    out = np.full(len(unit), -1, dtype=np.int64)
    rows = np.flatnonzero(unit >= 0)
    if not len(rows):
        return out
    if row_class is not None:  # answers in no run from the start, per class
        classes = int(row_class.max(initial=-1)) + 1
        outside = np.bincount(row_class[(unit < 0) & answered & (row_class >= 0)], minlength=classes)
    units, owner = np.unique(unit[rows], return_inverse=True)
    waves = int(wave.max(initial=0)) + 1
    at = np.full((waves, len(units)), -1, dtype=np.int64)  # each unit's row in each wave
    at[wave[rows], owner] = rows
    group = np.full(len(units), -1, dtype=np.int64)  # each unit's group of runs alike so far (-1: in no run)
    current = np.full(len(units), -1, dtype=np.int64)  # each unit's run
    next_group = next_run = 0
    for w in range(waves):
        row = at[w]
        here = np.where(row >= 0, key[np.maximum(row, 0)] + 1, 0)  # 0: absent
        going = np.flatnonzero(group >= 0)
        if len(going):  # each group splits by this wave's key: a part under the minimum ends all of it
            child, _ = pd.factorize(pd.MultiIndex.from_arrays([group[going], here[going]]))
            sizes = np.bincount(child)
            small = np.zeros(next_group, dtype=bool)
            np.logical_or.at(small, group[going], sizes[child] < minimum)
            ends = small[group[going]]
            group[going[ends]], current[going[ends]] = -1, -1
            kept = going[~ends]
            group[kept] = next_group + child[~ends]
            next_group += int(child.max(initial=-1)) + 1
        starting = np.flatnonzero((group < 0) & (row >= 0))
        if len(starting):  # a new run where at least the minimum share this wave's key
            alike, _ = pd.factorize(here[starting])
            enough = np.bincount(alike)[alike] >= minimum
            chosen = starting[enough]
            group[chosen] = next_group + alike[enough]
            next_group += int(alike.max(initial=-1)) + 1
            current[chosen] = next_run + np.arange(len(chosen))
            next_run += len(chosen)
        if row_class is not None:  # what pairs leave: a class's answers in no run are 0 or the minimum
            present = np.flatnonzero(row >= 0)
            of = row_class[row[present]]
            loose = present[(of >= 0) & answered[row[present]] & (group[present] < 0)]
            counted = outside + np.bincount(row_class[row[loose]], minlength=classes)
            few = (counted > 0) & (counted < minimum)
            inside = present[(of >= 0) & (group[present] >= 0)]
            ending = inside[few[row_class[row[inside]]]]
            if len(ending):  # whole groups: a group's people share this wave's class
                group[ending], current[ending] = -1, -1
        placed = np.flatnonzero((group >= 0) & (row >= 0))
        out[row[placed]] = current[placed]
    return out
