"""A linear audit of everything cxcommit publishes about a survey, as an attacker would run it.

The unknowns are the imported survey's *fine cells*: people (and, per item, answers) of each
combination of wave and reporting attributes, as imported. Every published count — respondents
of a view, answers per item and group, respondents scored on the commitment index — is a sum of
fine cells; the audit stacks them all as linear equations, for every one- and two-way breakdown
of the reporting attributes, unfiltered and filtered by each division (or the export's first
grouping) and each wave. A count is
*determined* when its indicator vector lies in the row space of the equations (a rank test).
The audit then checks every small set an attacker would go for — each fine cell, and each
group of one or two imported attribute values within a wave or over all waves — that holds
between 1 and k − 1 people or answers: none may be determined.

The published numbers are taken from the product's own tables (``rates``, ``commitment_index``,
the view's size), and each equation is checked against a recount from the imported rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import linalg

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.groups import NO_ANSWER
from cxcommit.analyses.rates import rates
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.privacy.publish import publish, reporting_attributes
from cxcommit.privacy.scope import Access, scoped
from cxcommit.privacy.view import view
from cxcommit.settings import Settings

INDEX = "commitment_index"


@dataclass
class Equations:
    """Rows of 0/1 coefficients over fine cells, one system per measure (people, each item, the index),
    added a block of rows at a time."""

    cells: int
    rows: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, measure: str, coefficients: np.ndarray) -> None:
        self.rows.setdefault(measure, []).append(coefficients.reshape(-1, self.cells))

    def count(self) -> int:
        return sum(len(block) for blocks in self.rows.values() for block in blocks)

    def distinct(self, measure: str) -> np.ndarray:
        """The measure's equations, each once (packed to bits to find the repeats)."""
        blocks = self.rows.get(measure) or [np.zeros((1, self.cells))]
        packed = np.unique(np.packbits(np.vstack(blocks).astype(bool), axis=1), axis=0)
        return np.unpackbits(packed, axis=1, count=self.cells).astype(float)


def _labels(column: pd.Series) -> np.ndarray:
    return column.astype(object).where(column.notna(), NO_ANSWER).astype(str).to_numpy()


@dataclass
class Truth:
    """The attacker's unknowns: each imported row's fine cell (``codes``, of ``cells``, keyed by the
    attributes ``names``), the measures, and each measure's count per fine cell (``totals``)."""

    codes: np.ndarray
    cells: pd.MultiIndex
    names: tuple[str, ...]
    items: list[str]
    measures: list[str]
    totals: dict[str, np.ndarray]


def truth_of(imported, items: list[str] | None, settings: Settings) -> Truth:
    names = ("wave", *reporting_attributes(imported))
    fine_key = pd.MultiIndex.from_arrays([_labels(imported.frame[n]) for n in names])
    codes, cells = pd.factorize(fine_key)
    items = list(imported.item_ids) if items is None else items
    measures = ["people", *items, *([INDEX] if imported.has_signs else [])]
    # what each imported row contributes to each measure (the truth the attacker is after)
    truth = {"people": np.ones(imported.size)}
    for item in items:
        truth[item] = _answered(imported, item, settings)
    if INDEX in measures:
        truth[INDEX] = _scored(imported, settings)
    totals = {m: np.bincount(codes, weights=truth[m], minlength=len(cells)) for m in measures}
    return Truth(codes, cells, names, items, measures, totals)


def audit(imported, minimum: int, *, items: list[str] | None = None, published_for: int | None = None,
          dont_know: str = "not_yes", also: tuple[int, ...] = ()) -> dict:
    """Publish ``imported`` for ``minimum`` (or ``published_for``: a negative control publishes for
    less than the audit's minimum) and for each minimum in ``also`` (an attacker comparing settings),
    run every breakdown of each, and return what is determined:
    ``{"determined": [(measure, target, true count), ...], "equations": n, "targets": n}``."""
    truth = truth_of(imported, items, Settings(min_group_size=published_for or minimum, dont_know=dont_know))
    equations = Equations(len(truth.cells))
    for each in (published_for or minimum, *also):
        survey = publish(imported, each)
        settings = Settings(min_group_size=each, dont_know=dont_know)
        names = truth.names[1:]
        split = "division" if "division" in names else names[0] if names else None  # the export's first grouping stands in
        views = [{}] + ([{split: [v]} for v in survey.codes(split)[1]] if split else []) \
            + [{"wave": [w]} for w in survey.codes("wave")[1]]
        add_published(equations, truth, survey, _published_rows(imported, survey), views, breakdowns(truth.names), settings)
    return determined(equations, truth, minimum)


def scope_audit(imported, minimum: int, divisions: tuple[str, ...], *, items: list[str] | None = None,
                with_totals: bool = False, published_for: int | None = None) -> dict:
    """What a viewer scoped to ``divisions`` can reach (:func:`cxcommit.privacy.scope.scoped`): every
    breakdown of the scope, unfiltered and filtered by each value of each attribute inside it (its
    units, roles, regions, waves), as equations; ``with_totals``: the organisation's totals too
    (overall and per wave), as if they were shown beside the scope; ``published_for``: a negative
    control, as in :func:`audit`. Returns :func:`determined`'s
    answer with ``outside``: the fine cells outside the scope that any equation of the scope touches
    (there must be none: the scope says nothing about anyone else)."""
    settings = Settings(min_group_size=published_for or minimum)
    truth = truth_of(imported, items, settings)
    survey = publish(imported, published_for or minimum)
    scope = scoped(survey, Access("viewer", divisions)).survey
    rows = _published_rows(imported, survey)
    in_scope = view(survey, division=list(scope.codes("division")[1])).rows
    names = truth.names
    views = [{}] + [{name: [value]} for name in names for value in scope.codes(name)[1]]
    equations = Equations(len(truth.cells))
    add_published(equations, truth, scope, rows[in_scope], views, breakdowns(names), settings)
    theirs = np.isin(truth.cells.get_level_values(names.index("division")), list(divisions))
    outside = {measure: np.flatnonzero(equations.distinct(measure)[:, ~theirs].any(axis=0))
               for measure in truth.measures}
    if with_totals:
        add_published(equations, truth, survey, rows, [{}], [[], ["wave"]], settings)
    return {**determined(equations, truth, minimum),
            "outside": [truth.cells[~theirs][i] for cells in outside.values() for i in cells], "views": len(views)}


def breakdowns(names) -> list[list[str]]:
    """No breakdown, each attribute, each pair."""
    return [[]] + [[n] for n in names] + [list(p) for p in combinations(names, 2)]


def add_published(equations: Equations, truth: Truth, survey, rows: np.ndarray, views: list[dict],
                  by_each: list[list[str]], settings: Settings) -> None:
    """Add what the product publishes of ``survey`` (published; its rows are the imported ``rows``)
    under each of ``views`` (filters) and breakdowns ``by_each``, each count checked against a recount
    of the imported rows and against the fine cells (a published cell holds whole fine cells)."""
    used = {"people": np.ones(survey.size)}
    for item in truth.items:
        used[item] = _answered(survey, item, settings)
    if INDEX in truth.measures:
        used[INDEX] = _index_used(survey, settings)
    published_fine = truth.codes[rows]
    frame, cells = survey.frame, len(truth.cells)
    for filters in views:
        view = survey.filter(**filters) if filters else survey
        inside = np.ones(len(frame), dtype=bool)
        for name, values in filters.items():
            inside &= np.isin(_labels(frame[name]), values)
        for by in by_each:
            keys = list(zip(*(_labels(frame[n])[inside] for n in by))) if by else [()] * int(inside.sum())
            codes, uniques = pd.factorize(pd.Series(keys, dtype=object))
            published = _published(view, by, truth.items, settings, truth.measures)
            for measure in truth.measures:
                matrix = np.zeros((len(uniques), cells))
                np.add.at(matrix, (codes, published_fine[inside]), used[measure][inside])
                shown = np.array([published[measure].get(tuple(key), np.nan) for key in uniques])
                listed = ~np.isnan(shown)  # not published: a suppressed row
                recount = matrix.sum(axis=1)
                wrong = np.flatnonzero(listed & ~np.isclose(shown, recount))
                assert not len(wrong), [(filters, by, measure, uniques[i], shown[i], recount[i]) for i in wrong]
                coefficients = matrix[listed] / np.maximum(truth.totals[measure], 1)
                whole = (np.isclose(coefficients, 0) | np.isclose(coefficients, 1)).all(axis=1)
                assert whole.all(), (f"a published cell holds part of a fine cell: {filters} {by} {measure} "
                                     f"{[key for key, ok in zip(uniques[listed], whole) if not ok]}")
                equations.add(measure, np.round(coefficients))


def determined(equations: Equations, truth: Truth, minimum: int) -> dict:
    """The small sets (:func:`_targets`, between 1 and ``minimum`` - 1 people or answers) the equations
    determine: ``{"determined": [(measure, target, true count), ...], "equations": n, "targets": n}``."""
    targets = _targets(truth.cells, truth.names)
    found, checked = [], 0
    for measure in truth.measures:
        values = np.array([truth.totals[measure][members].sum() for _, members in targets])
        small = np.flatnonzero((values > 0) & (values < minimum))
        checked += len(small)
        vectors = np.zeros((len(truth.cells), len(small)))
        for column, target in enumerate(small):
            vectors[targets[target][1], column] = 1.0
        inside = _in_span(vectors, _row_space(equations.distinct(measure)))
        found += [(measure, targets[t][0], int(round(values[t]))) for t in small[inside]]
    return {"determined": found, "equations": equations.count(), "targets": checked}


def _published_rows(imported, survey) -> np.ndarray:
    """Which imported row each published row is: the rows placed in a class, in class order (as
    :func:`cxcommit.privacy.publish._publish` lays them out)."""
    from cxcommit.privacy.classes import placement

    combined, *_, stage_classes = placement(imported, tuple(reporting_attributes(imported)), survey.minimum)
    row_class = stage_classes[-1][1][combined]
    kept = np.flatnonzero(row_class >= 0)
    rows = kept[np.argsort(row_class[kept], kind="stable")]
    assert len(rows) == survey.size
    return rows


def _published(view, by, items, settings, measures) -> dict[str, dict]:
    """The counts the product publishes for one view and breakdown, per measure, by group key."""
    out = {}
    out["people"] = ({(): float(view.size)} if not by else
                     {tuple(str(v) for v in key): float(n)
                      for key, n in _sizes(view, by).items()})
    if items:
        table = rates(view, by or None, items=items, settings=settings)
        table = table[~table["suppressed"].to_numpy(dtype=bool)]
        # answered: the share's base, plus "don't know" where the base leaves it out
        with_dont_know = {item: not (view.item(item).scale.kind == "yes_no" and settings.dont_know == "not_yes")
                          for item in items}
        named = table["item"].to_numpy(dtype=object)
        answered = table["n"].to_numpy(dtype=float) + table["n_dont_know"].fillna(0).to_numpy(dtype=float) * [
            with_dont_know.get(item, False) for item in named]
        for item in items:
            out[item] = {}
        for item, key, value in zip(named, _keys(table, by), answered):
            if item in out:
                out[item][key] = float(value)
    if INDEX in measures:
        index = commitment_index(view, by or None, settings=settings)
        index = index[~index["suppressed"]]
        out[INDEX] = dict(zip(_keys(index, by), index["n"].astype(float)))
    return out


def _keys(table: pd.DataFrame, by: list[str]) -> list[tuple]:
    """Each row's group: its values of ``by`` (``()`` for the whole view)."""
    return list(zip(*(table[n] for n in by))) if by else [()] * len(table)


def _sizes(view, by) -> dict:
    from cxcommit.analyses.groups import make_groups

    groups = make_groups(view, by)
    return dict(zip(_keys(groups.frame, by), groups.sizes))


def _answered(survey, item_id: str, settings: Settings) -> np.ndarray:
    """1 where a row answered the item ("don't know" too): the people a cell's answers are about.
    How many of them said yes, no or "don't know" is what the cell tells about them, as its share
    does; the group that answered is what must hold 0 or at least the minimum."""
    return (~np.isnan(survey.frame[item_id].to_numpy(dtype=float))).astype(float)


def _scored(survey, settings: Settings) -> np.ndarray:
    """Who the commitment index scores: at least MIN_SIGNS_ANSWERED of the 8 signs answered (a
    "don't know" unanswered with dont_know=missing), counted here from the raw values."""
    from cxcommit.model.signs import MIN_SIGNS_ANSWERED
    from cxcommit.instrument.scales import DONT_KNOW

    answered = np.zeros(survey.size)
    for sign in SIGN_IDS:
        values = survey.frame[sign].to_numpy(dtype=float)
        counted = ~np.isnan(values)
        if settings.dont_know == "missing":
            counted &= values != DONT_KNOW
        answered += counted
    return (answered >= MIN_SIGNS_ANSWERED).astype(float)


def _index_used(survey, settings: Settings) -> np.ndarray:
    from cxcommit.model.signs import INCOMPLETE, signs_met_codes

    return (signs_met_codes(survey, settings) != INCOMPLETE).astype(float)


def _targets(fine_cells: pd.MultiIndex, names: tuple[str, ...]) -> list[tuple[str, np.ndarray]]:
    """Small sets an attacker goes for: each fine cell, and each group of one or two imported values,
    within a wave and over all waves."""
    table = fine_cells.to_frame(index=False, name=list(names))
    targets = [(" · ".join(map(str, cell)), np.array([i])) for i, cell in enumerate(fine_cells)]
    attributes = list(names[1:])
    for size in (1, 2):
        for chosen in combinations(attributes, size):
            for within in (["wave"], []):
                grouped = table.groupby([*within, *chosen] if within or len(chosen) > 1 else chosen[0]).groups
                for key, rows in grouped.items():
                    targets.append((" · ".join(map(str, key if isinstance(key, tuple) else (key,))), np.asarray(rows)))
    return targets


def _row_space(rows: np.ndarray) -> np.ndarray:
    """An orthonormal basis (columns) of the span of ``rows``."""
    gram = rows.T @ rows
    values, vectors = linalg.eigh(gram)
    return vectors[:, values > 1e-8 * max(values.max(), 1.0)]


def _in_span(vectors: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Whether each column of ``vectors`` lies in the span of ``basis``'s columns."""
    residual = vectors - basis @ (basis.T @ vectors)
    return np.linalg.norm(residual, axis=0) < 1e-6 * np.maximum(1.0, np.linalg.norm(vectors, axis=0))
