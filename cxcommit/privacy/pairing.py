"""People who answered several waves, paired only in groups of the minimum.

A change between two waves pairs the answers of the people who gave both
(:mod:`cxcommit.analyses.panels`): its interval and p-value rest on how many of a group's people
answered both waves and how many of them were favourable in each. Classes hold the minimum within
each wave, but the people of a class in one wave who are also in a given class of another wave
can be fewer: an attack on the published intervals recovered such pairs of one person, with both
of their answers. So the pairing is published by the same rule as everything else:

- **Patterns.** A person's *pattern* is the class of each of their rows, wave by wave. People are
  paired only where at least the minimum of people share their pattern; the others' rows are
  published as if they had no respondent id.
- **Per item.** For an item, people are paired only where at least the minimum of the paired
  people of their pattern answered it, said "don't know" and left it blank in the same waves
  (an answer withheld up to the stage counting as blank: the same at a stage in every
  publication). A pair counts where
  both answers are in the item's base, which leaves "don't know" out for rated items, and for
  yes/no items under the "don't know is missing" setting: whole patterns again, under every setting.
- **What pairs leave.** A group's answers in a wave less its pairs are the answers not paired: in
  each class, those published (not withheld) are 0 or at least the minimum too. Where fewer remain, the people of the class
  who are paired are not (the third attack recovered a unit's one new respondent's answer from its
  answers less its pairs).
- **Nested across settings.** Both rules are applied stage by stage, like the classes (3, 4, 5,
  then k: :func:`cxcommit.privacy.classes.stages`), each stage on the pairing the stage before
  kept, so that outputs made for two minimums differ by whole patterns of the smaller. Answers are
  withheld per class, so a pattern's answers in a wave are all withheld or none.

Every count of paired people a published number rests on is then a sum of whole patterns: 0 or at
least the minimum, for any group, filter or difference of them.
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
    """``person`` (each row's person, -1 none) with the people of small patterns set to -1, and per
    item the rows whose pairing for it stays in use (see the module); ``stage_classes``: per stage,
    its minimum and each row's class (-1 left out); ``states``: per item and stage, each row's
    :func:`answer_states` with the answers withheld up to that stage blank."""
    person = np.asarray(person, dtype=np.int64).copy()
    people = int(person.max(initial=-1)) + 1
    linked = np.zeros(people, dtype=bool)
    linked[person[person >= 0]] = True
    per_item = {item: linked.copy() for item in states}
    for stage, (minimum, row_class) in enumerate(stage_classes):
        token = np.where(row_class >= 0, wave.astype(np.int64) * (int(row_class.max(initial=0)) + 2) + row_class + 1, 0)
        linked &= _shared(person, token, linked, minimum)
        for item, by_stage in states.items():
            state = by_stage[stage]
            kept = per_item[item] & linked
            kept &= _shared(person, token * 3 + state, kept, minimum)
            per_item[item] = kept & ~_beside_few_unpaired(person, row_class, state, kept, minimum)
    person[(person >= 0) & ~linked[np.maximum(person, 0)]] = -1
    return person, {item: (person >= 0) & kept[np.maximum(person, 0)] for item, kept in per_item.items()}


def _beside_few_unpaired(person: np.ndarray, row_class: np.ndarray, state: np.ndarray, kept: np.ndarray,
                         minimum: int) -> np.ndarray:
    """Per person: whether they are paired (``kept``) and have a row in a class where between 1 and
    ``minimum`` - 1 of the answers are not paired. Those answers are what a group's answers less
    its pairs leave, so their people are not paired either: the class's unpaired answers become all
    of its answers, and each pattern given up adds its whole people to the other classes it touches."""
    paired = (person >= 0) & kept[np.maximum(person, 0)]
    inside = row_class >= 0
    loose = inside & (state != BLANK) & ~paired
    unpaired = np.bincount(row_class[loose], minlength=int(row_class.max(initial=-1)) + 1)
    few = (unpaired > 0) & (unpaired < minimum)
    out = np.zeros(len(kept), dtype=bool)
    out[person[paired & inside & few[np.maximum(row_class, 0)]]] = True
    return out


def _shared(person: np.ndarray, token: np.ndarray, among: np.ndarray, minimum: int) -> np.ndarray:
    """Per person: whether at least ``minimum`` of the people ``among`` share their sequence of
    ``token`` (their rows' tokens in wave order), or whether they are not among them."""
    rows = np.flatnonzero((person >= 0) & among[np.maximum(person, 0)])
    out = ~among.copy()
    if not len(rows):
        return out
    pattern = _patterns(person[rows], token[rows], len(among))
    of = pattern[among]
    sizes = np.bincount(of)
    out[np.flatnonzero(among)] = sizes[of] >= minimum
    return out


def _patterns(person: np.ndarray, token: np.ndarray, people: int) -> np.ndarray:
    """Each person's number for their sequence of tokens (rows in token order, which puts the
    waves in order): equal sequences, equal numbers; a person with no row gets the empty one's."""
    order = np.lexsort((token, person))
    person, token = person[order], token[order]
    start = np.r_[True, person[1:] != person[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(len(person)), 0))
    rank = np.arange(len(person)) - first
    pattern = np.zeros(people, dtype=np.int64)
    for step in range(int(rank.max(initial=-1)) + 1):  # one token more of each person's sequence
        at = rank == step
        nth = np.full(people, -1, dtype=np.int64)
        nth[person[at]] = token[at]
        pattern, _ = pd.factorize(pd.MultiIndex.from_arrays([pattern, nth]))
    return pattern.astype(np.int64)
