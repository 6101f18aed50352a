"""Answers per class: a class's answers to an item are withheld where fewer than the minimum of its
people answered it, and its people left out of the commitment index where too few were scored."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from cxcommit.instrument.items import SIGN_IDS
from cxcommit.instrument.scales import DONT_KNOW
from cxcommit.model.signs import INCOMPLETE, signs_met_codes
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings


def stage_gates(per_combination: np.ndarray, stage_classes: list) -> list[np.ndarray]:
    """Which combinations' answers stay in use after each stage: at a stage, a class whose
    combinations still in use hold between 1 and the stage's minimum − 1 answers
    (``per_combination``: a row of counts per combination, each column a count that must not be
    small) gives up all of them. A stage's answers in use depend on it and the stages before only,
    so they are the same in a publication for any larger minimum."""
    used, gates = np.ones(len(per_combination), dtype=bool), []
    for stage, class_of in stage_classes:
        inside = class_of >= 0
        for counted in per_combination.T:
            per_class = np.bincount(class_of[inside], weights=(counted * used)[inside],
                                    minlength=int(class_of.max(initial=0)) + 1)
            small = (per_class > 0) & (per_class < stage)
            used = used & ~(inside & small[np.maximum(class_of, 0)])
        gates.append(used)
    return gates


class Answered(NamedTuple):
    """An item's rows answered as imported ("don't know" too), and after each stage which
    combinations' answers stay in use (:func:`stage_gates`): computed once per publication, for the
    answers withheld, the index and the pairing alike."""

    rows: np.ndarray
    in_use: list[np.ndarray]


def answered_items(survey: Survey, combined: np.ndarray, stage_classes: list) -> dict[str, Answered]:
    """:class:`Answered` per item of ``survey`` (imported), ``combined`` each row's combination. A
    class's answers stay in use where its answers ("don't know" included) are 0 or at least the
    minimum and, for a likert item, so are its answers other than "don't know":
    those are the base of its share and mean (an attack read one person's rating from a class of
    five where four said "don't know"). A yes/no item's share counts "don't know" as not yes by
    default; where "don't know" is missing, its base within a class can be under the minimum, and
    tells what the default's counts of yes and "don't know" in the class tell (a README limit)."""
    size = len(stage_classes[-1][1])
    out = {}
    for item in survey.items:
        dont_know = None  # "don't know" is a likert item's only (yes/no: in the base by default)
        if item.id in survey.levels:  # small level codes, the last one "no answer": cheaper than the values
            codes, level_values = survey.levels[item.id]
            rows = codes != len(level_values) - 1
            if item.scale.kind == "likert":
                dont_know = (np.asarray(level_values, dtype=float) == DONT_KNOW)[codes]
        else:
            values = survey.frame[item.id].to_numpy(dtype=np.float32)
            rows = ~np.isnan(values)
            if item.scale.kind == "likert":
                dont_know = values == DONT_KNOW
        counted = [rows] if dont_know is None else [rows, rows & ~dont_know]
        counts = np.stack([np.bincount(combined[c], minlength=size) for c in counted], axis=1)
        out[item.id] = Answered(rows, stage_gates(counts, stage_classes))
    return out


def withhold_answers(survey: Survey, responses: pd.DataFrame, levels: dict, combined: np.ndarray,
                     answered: dict[str, Answered]) -> dict[str, int]:
    """Answers of a class to an item where fewer than the minimum of its people answered it ("don't
    know" included: withholding that depended on the answers given would bias the shares), or gave
    an answer other than "don't know", are
    blanked (in ``responses`` and ``levels``), stage by stage (``answered``: :func:`answered_items`);
    returns how many per item."""
    withheld = {}
    for item in survey.items:
        dropped = ~answered[item.id].in_use[-1]
        if not dropped.any():
            withheld[item.id] = 0
            continue
        blank = answered[item.id].rows & dropped[combined]
        withheld[item.id] = int(blank.sum())
        values = responses[item.id].to_numpy(dtype=np.float32, copy=True)
        values[blank] = np.nan
        responses[item.id] = values
        if item.id in levels:
            codes, level_values = levels[item.id]
            codes = codes.copy()
            codes[blank] = len(level_values) - 1  # the last level: no answer
            levels[item.id] = (codes, level_values)
    return withheld


def unscored_index(survey: Survey, responses: pd.DataFrame, levels: dict, combined: np.ndarray,
                   stage_classes: list, answered: dict[str, Answered]) -> dict:
    """Per "don't know" setting, the respondents scored on the signs (6 or more of 8 answered, after the answers withheld)
    whom the commitment index leaves out: their class has too few scored, stage by stage; or
    between 1 and the minimum - 1 of its answers to a sign are of people the index leaves out (the
    signs' rates less the index would tell those answers: an independent attack recovered three
    people's 14 yes on the demo), and the whole class leaves the index (a class, not some of its
    people: every published count stays a sum of whole combinations); or, where "don't know" is
    missing, between 1 and the minimum - 1 of the class are scored under one setting and not the
    other (the two indexes' difference told one person's yes count to an attack), and the class
    leaves that index; or answers to a sign were withheld in their combination of attributes. Otherwise the index would drop only
    those of the combination who answered just 6 (now 5), a count that differs between publications
    for two minimums (an audit recovered one person that way); leaving the whole combination out
    keeps every published count a sum of whole combinations."""
    if not survey.has_signs:
        return {}
    size = len(stage_classes[-1][1])
    unpublished = Survey(responses, survey.items, survey.groupings, survey.mapping, survey.report, levels=levels)
    blanked = np.zeros(len(combined), dtype=bool)
    for sign in SIGN_IDS:  # the answers withhold_answers blanked
        blanked |= answered[sign].rows & ~answered[sign].in_use[-1][combined]
    touched = np.bincount(combined[blanked], minlength=size) > 0  # per combination, as all below
    given = {sign: answered[sign].rows for sign in SIGN_IDS}
    answers = {sign: np.bincount(combined[rows], minlength=size) for sign, rows in given.items()}
    in_use = {sign: answered[sign].in_use for sign in SIGN_IDS}  # after each stage
    settings = ("not_yes", "missing")
    # scored as the index scores them (level codes, not values), per setting; counted per combination
    complete = {setting: signs_met_codes(unpublished, Settings(dont_know=setting)) != INCOMPLETE for setting in settings}
    scored = {setting: np.bincount(combined[rows], minlength=size) for setting, rows in complete.items()}
    scored_answers = {setting: {sign: np.bincount(combined[rows & answered], minlength=size)
                                for sign, answered in given.items()} for setting, rows in complete.items()}
    scored_both = np.bincount(combined[complete["not_yes"] & complete["missing"]], minlength=size)
    kept = {setting: ~touched for setting in settings}
    for stage, (minimum, class_of) in enumerate(stage_classes):
        for setting in settings:
            kept[setting] &= ~_in_small_classes(class_of, scored[setting] * kept[setting], minimum)  # too few scored
            for sign in SIGN_IDS:  # a sign's answers of the people left out: a group too, or the whole class
                left_out = in_use[sign][stage] * (answers[sign] - kept[setting] * scored_answers[setting][sign])
                kept[setting] &= ~_in_small_classes(class_of, left_out, minimum)
        # the people the index scores under one setting and not the other: a group too, or the class
        # leaves the index where "don't know" is missing (the two indexes' difference would tell them)
        apart = (kept["not_yes"] * scored["not_yes"] + kept["missing"] * scored["missing"]
                 - 2 * (kept["not_yes"] & kept["missing"]) * scored_both)
        kept["missing"] &= ~_in_small_classes(class_of, apart, minimum)
    return {setting: complete[setting] & ~kept[setting][combined] for setting in settings}


def _in_small_classes(class_of: np.ndarray, counts: np.ndarray, minimum: int) -> np.ndarray:
    """Per combination (``class_of`` its class, -1 none; ``counts`` its count): whether its class
    holds between 1 and ``minimum`` - 1 in all."""
    inside = class_of >= 0
    per_class = np.bincount(class_of[inside], weights=counts[inside], minlength=max(int(class_of.max(initial=-1)) + 1, 1))
    small = (per_class > 0) & (per_class < minimum)
    return inside & small[np.maximum(class_of, 0)]
