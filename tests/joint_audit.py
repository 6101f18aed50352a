"""A joint audit of the measures the product publishes, class by class, as a worst-case attacker.

:mod:`audit` stacks each measure's published counts over every breakdown, filter and wave and
checks by a rank test that differencing groups determines no small count. The leaks attacks found
beyond it came from two measures *of the same people* together: the signs' rates less the
commitment index (the yes of the people the index leaves out), the index under the two "don't
know" settings, the index's prorating against the signs' yes (the yes of who left a gap). This
audit looks for those, assuming the attacker knows more than any output gives: every measure of
every *class* (the people sharing every published value in a wave, :mod:`cxcommit.privacy.classes`)
on its own. No published group is smaller than a class, and every group is a union of classes, so
what cannot be told from the classes' own numbers cannot be told at all.

Within a class, people differ by their *state*: per item, blank, "don't know" or another answer as
published (withheld answers are blank), and per "don't know" setting, whether the index scores them
and whether with a gap; with several minimums (``also``), their state in each publication. The
attacker is granted which states occur in the class. Then:

- **Counts.** Every published count of the class (people; per item the answers and the "don't
  know"s; per setting the index's scored and ``n_partial``) is a sum over states. A target — the
  answers to an item of the people the index leaves out, the people scored under one setting (or
  one minimum) and not the other, the answers one minimum withholds and another publishes — is
  determined when its indicator over the states is a combination of the published ones.
- **Yes counts.** The unknowns are the yes to each sign of the people in each state; the rates
  publish each sign's yes, the index its total signs met (mean × n) under each setting. A target
  (the yes of the people the index leaves out, of those scored under one setting or minimum only,
  of the scored on one sign) is determined when it is a combination of those.

A determined target about 1 to k − 1 people is a leak. Each class's published numbers are checked
against the product's own tables (``rates``, ``commitment_index``) for the whole survey by class.
"""
from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd

from audit import _in_span, _published_rows, _row_space
from cxcommit.analyses import commitment
from cxcommit.analyses.commitment import commitment_index, signs_met
from cxcommit.analyses.rates import rates
from cxcommit.errors import NotApplicable
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.instrument.scales import DONT_KNOW
from cxcommit.model.signs import INCOMPLETE, met_and_answered, signs_met_codes
from cxcommit.privacy.publish import publish
from cxcommit.settings import Settings

SETTINGS = ("not_yes", "missing")
BLANK, SAID_DONT_KNOW, GAVE = 0, 1, 2


def _state(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), BLANK, np.where(values == DONT_KNOW, SAID_DONT_KNOW, GAVE)).astype(np.int8)


class Publication:
    """One publication of the imported survey, per imported row: its class (-1 where not published),
    its published state per item, and per setting whether the index scores it and with a gap."""

    def __init__(self, imported, minimum: int, items: list[str]):
        self.minimum, self.items = minimum, items
        self.survey = survey = publish(imported, minimum)
        placed = _published_rows(imported, survey)
        self.placed = placed

        def spread(values, fill=0):
            out = np.full(imported.size, fill, dtype=np.asarray(values).dtype)
            out[placed] = values
            return out

        self.classes = spread(survey.classes.astype(np.int64), -1)
        self.shown = {i: spread(_state(survey.frame[i].to_numpy(dtype=float))) for i in items}
        self.scored, self.partial = {}, {}
        if survey.has_signs:
            for setting in SETTINGS:
                codes = signs_met_codes(survey, Settings(min_group_size=minimum, dont_know=setting))
                _, answered = met_and_answered(codes)
                self.scored[setting] = spread(codes != INCOMPLETE)
                self.partial[setting] = spread((codes != INCOMPLETE) & (answered < 8))

    def check(self, yes: dict[str, np.ndarray]) -> None:
        """The class-level numbers used here are the product's: the rates and the index by class."""
        survey = self.survey  # classes are no reporting attribute: the class-level counts are recounted
        # from the published rows, and the product's tables for the whole survey checked against them
        for setting in SETTINGS if self.scored else ():
            settings = Settings(min_group_size=self.minimum, dont_know=setting)
            index = commitment_index(survey, None, settings=settings)
            if index["suppressed"].iloc[0]:  # nobody scored
                assert not self.scored[setting].any()
                continue
            assert int(index["n"].iloc[0]) == int(self.scored[setting].sum())
            assert int(index["n_partial"].iloc[0]) == int(self.partial[setting].sum())
            scores = signs_met(survey, settings)  # per respondent, as the index scores them
            assert np.isclose(index["mean_signs"].iloc[0] * index["n"].iloc[0], np.nansum(scores))
            met = sum((yes[s] & (self.shown[s] == GAVE)).astype(int) for s in SIGN_IDS)[self.placed]
            answered = sum(((self.shown[s] == GAVE) | ((self.shown[s] == SAID_DONT_KNOW) & (setting == "not_yes"))).astype(int)
                           for s in SIGN_IDS)[self.placed]
            scored = ~np.isnan(scores)
            assert np.allclose(scores[scored], met[scored] * per_sign_met(answered[scored]))  # linear in the yes
        try:
            table = rates(survey, None, items=self.items, settings=Settings(min_group_size=self.minimum, dont_know="missing"))
        except NotApplicable:  # nothing mapped to an item: no counts of answers
            return
        for row in table[~table["suppressed"].to_numpy(dtype=bool)].itertuples():
            assert row.n == (self.shown[row.item] == GAVE).sum() or survey.item(row.item).scale.kind != "yes_no"
            assert pd.isna(row.n_dont_know) or row.n_dont_know == (self.shown[row.item] == SAID_DONT_KNOW).sum()
            if row.item in yes:
                assert row.k == (yes[row.item] & (self.shown[row.item] == GAVE)).sum()


def class_audit(imported, minimum: int, *, items: list[str] | None = None, also: tuple[int, ...] = (),
                published_for: int | None = None) -> dict:
    """Publish ``imported`` for ``minimum`` (or ``published_for``: a negative control) and each of
    ``also``; return ``{"determined": [(what, class, people)], "targets": n, "classes": n}``."""
    items = list(imported.item_ids if items is None else items)
    if imported.has_signs:
        items = list(dict.fromkeys([*SIGN_IDS, *items]))
    publications = [Publication(imported, m, items) for m in (published_for or minimum, *also)]
    yes = {}
    if imported.has_signs:
        for sign in SIGN_IDS:
            values = imported.frame[sign].to_numpy(dtype=float)
            yes[sign] = imported.item(sign).scale.favourable(values) & (values != DONT_KNOW)
    for publication in publications:
        publication.check(yes)
    cell, _ = pd.factorize(pd.MultiIndex.from_arrays([p.classes for p in publications]))
    published = np.any([p.classes >= 0 for p in publications], axis=0)
    components, names = _components(publications)
    if not components:  # no items: everyone in one state
        components, names = {"none": np.zeros(imported.size, dtype=np.int8)}, ["none"]
    state, states = pd.factorize(pd.MultiIndex.from_arrays(list(components.values())))
    table = pd.DataFrame(np.array(states.tolist()).reshape(len(states), -1), columns=names)
    found, checked = [], 0
    for c in np.unique(cell[published]):
        rows = np.flatnonzero(cell == c)
        present = np.unique(state[rows])  # the class's states (granted to the attacker)
        counts = np.bincount(np.searchsorted(present, state[rows]), minlength=len(present))
        local = table.iloc[present].reset_index(drop=True)
        for what, indicator in _count_targets(local, publications):
            people = counts[indicator].sum()
            if 0 < people < minimum:
                checked += 1
                if _determined(_count_functionals(local, publications), indicator.astype(float)):
                    found.append((what, int(c), int(people)))
        if yes:
            variables, functionals = _yes_functionals(local, publications)
            for what, target, about in _yes_targets(local, publications, variables):
                people = _people(local, counts, about)
                if 0 < people < minimum:
                    checked += 1
                    if _determined(functionals, target):
                        found.append((what, int(c), int(people)))
    return {"determined": found, "targets": checked, "classes": int(len(np.unique(cell[published])))}


def _components(publications) -> tuple[dict[str, np.ndarray], list[str]]:
    """Each row's state, as named components: per publication (by its minimum), each item's
    published state and, per setting, scored and scored with a gap."""
    out = {}
    for p in publications:
        for item, values in p.shown.items():
            out[f"{p.minimum}:{item}"] = values
        for setting in p.scored:
            out[f"{p.minimum}:scored:{setting}"] = p.scored[setting].astype(np.int8)
            out[f"{p.minimum}:partial:{setting}"] = p.partial[setting].astype(np.int8)
    return out, list(out)


def _count_functionals(local: pd.DataFrame, publications) -> np.ndarray:
    """The published counts of a class, as 0/1 rows over its states."""
    rows = [np.ones(len(local))]
    for p in publications:
        for item in p.items:
            rows += [(local[f"{p.minimum}:{item}"] == GAVE).to_numpy(), (local[f"{p.minimum}:{item}"] == SAID_DONT_KNOW).to_numpy()]
        for setting in p.scored:
            rows += [local[f"{p.minimum}:scored:{setting}"].to_numpy() == 1, local[f"{p.minimum}:partial:{setting}"].to_numpy() == 1]
    return np.array(rows, dtype=float)


def _count_targets(local: pd.DataFrame, publications):
    """(what, indicator over the class's states) for the sets an attacker goes for across measures."""
    def scored(p, setting):
        return local[f"{p.minimum}:scored:{setting}"].to_numpy() == 1

    def answered(p, item):
        return local[f"{p.minimum}:{item}"].to_numpy() != BLANK

    for p in publications:
        for item in p.items:  # a rated item's base leaves "don't know" out (a yes/no item's only where it is missing)
            if p.survey.item(item).scale.kind != "yes_no":
                yield f"answers to {item} other than don't know (k={p.minimum})", (local[f"{p.minimum}:{item}"] == GAVE).to_numpy()
        for setting in p.scored:
            for item in p.items:
                yield f"answers to {item} of people the index leaves out (k={p.minimum}, {setting})", answered(p, item) & ~scored(p, setting)
        if p.scored:
            for a, b in permutations(SETTINGS):
                yield f"scored with {a}, not {b} (k={p.minimum})", scored(p, a) & ~scored(p, b)
    for p, q in permutations(publications, 2):
        for item in p.items:
            yield f"answers to {item} shown at k={p.minimum}, withheld at k={q.minimum}", answered(p, item) & ~answered(q, item)
        for setting in p.scored:
            yield f"scored at k={p.minimum}, not at k={q.minimum} ({setting})", scored(p, setting) & ~scored(q, setting)


def _yes_functionals(local: pd.DataFrame, publications) -> tuple[list[tuple[str, int]], np.ndarray]:
    """The unknowns (sign, state) where someone gave a published answer to the sign, and the
    published yes counts over them: each sign's yes, each setting's index total, per publication."""
    variables = [(sign, s) for sign in SIGN_IDS for s in range(len(local))
                 if any(local.at[s, f"{p.minimum}:{sign}"] == GAVE for p in publications)]
    rows = []
    for p in publications:
        gave = {sign: local[f"{p.minimum}:{sign}"].to_numpy() == GAVE for sign in SIGN_IDS}
        for sign in SIGN_IDS:
            rows.append([float(v == sign and gave[v][s]) for v, s in variables])
        for setting in p.scored:
            scored = local[f"{p.minimum}:scored:{setting}"].to_numpy() == 1
            answered = sum(((local[f"{p.minimum}:{sign}"] == GAVE) | ((local[f"{p.minimum}:{sign}"] == SAID_DONT_KNOW)
                                                                  & (setting == "not_yes"))).to_numpy().astype(int)
                           for sign in SIGN_IDS)
            weight = per_sign_met(answered)  # what a yes adds to the index's total, by signs answered
            rows.append([float(gave[v][s] and scored[s]) * weight[s] for v, s in variables])
    return variables, np.array(rows).reshape(len(rows), len(variables))


def per_sign_met(answered: np.ndarray) -> np.ndarray:
    """What one sign met adds to a respondent's score, by the signs they answered (the index's
    :data:`cxcommit.analyses.commitment.SCORE`, which is linear in the signs met)."""
    answered = np.clip(np.asarray(answered), 6, 8)  # fewer are not scored
    return commitment.SCORE[1 + 9 * (8 - answered)]


def _yes_targets(local: pd.DataFrame, publications, variables):
    """(what, target over the unknowns, (signs, which states)) for the yes counts an attacker goes for."""
    def target(signs, states):
        return np.array([float(v in signs and states[s]) for v, s in variables])

    for p in publications:
        for setting in p.scored:
            scored = local[f"{p.minimum}:scored:{setting}"].to_numpy() == 1
            yield f"yes of people the index leaves out (k={p.minimum}, {setting})", target(SIGN_IDS, ~scored), (SIGN_IDS, ~scored)
            for sign in SIGN_IDS:
                yield (f"yes to {sign} of people the index leaves out (k={p.minimum}, {setting})",
                       target([sign], ~scored), ([sign], ~scored))
                yield f"yes to {sign} of people the index scores (k={p.minimum}, {setting})", target([sign], scored), ([sign], scored)
            gap = scored & (local[f"{p.minimum}:partial:{setting}"].to_numpy() == 1)
            yield f"yes of people the index scores with a gap (k={p.minimum}, {setting})", target(SIGN_IDS, gap), (SIGN_IDS, gap)
        if p.scored:
            for a, b in permutations(SETTINGS):
                apart = (local[f"{p.minimum}:scored:{a}"].to_numpy() == 1) & (local[f"{p.minimum}:scored:{b}"].to_numpy() == 0)
                yield f"yes of people scored with {a}, not {b} (k={p.minimum})", target(SIGN_IDS, apart), (SIGN_IDS, apart)
    for p, q in permutations(publications, 2):
        for setting in p.scored:
            apart = (local[f"{p.minimum}:scored:{setting}"].to_numpy() == 1) & (local[f"{q.minimum}:scored:{setting}"].to_numpy() == 0)
            yield f"yes of people scored at k={p.minimum}, not at k={q.minimum} ({setting})", target(SIGN_IDS, apart), (SIGN_IDS, apart)


def _people(local: pd.DataFrame, counts: np.ndarray, about) -> int:
    """How many people a yes target is about: in its states, with a published answer to one of its
    signs ("don't know" too: the yes of the people who answered, as a share tells it)."""
    signs, states = about
    answered = np.zeros(len(local), dtype=bool)
    for sign in signs:
        answered |= np.any([local[c].to_numpy() != BLANK for c in local.columns if c.endswith(f":{sign}")], axis=0)
    return int(counts[answered & states].sum())


def _determined(rows: np.ndarray, target: np.ndarray) -> bool:
    """Whether ``target`` is a combination of ``rows`` (:func:`audit._in_span`, on their row space)."""
    if not target.any() or not len(rows) or not rows.shape[1]:
        return False
    return bool(_in_span(target[:, None], _row_space(rows))[0])
