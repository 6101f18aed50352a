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
from cxcommit.settings import Settings

INDEX = "commitment_index"


@dataclass
class Equations:
    """Rows of 0/1 coefficients over fine cells, one system per measure (people, each item, the index)."""

    cells: int
    rows: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, measure: str, coefficients: np.ndarray) -> None:
        self.rows.setdefault(measure, []).append(coefficients)


def _labels(column: pd.Series) -> np.ndarray:
    return column.astype(object).where(column.notna(), NO_ANSWER).astype(str).to_numpy()


def audit(imported, minimum: int, *, items: list[str] | None = None, published_for: int | None = None,
          dont_know: str = "not_yes", also: tuple[int, ...] = ()) -> dict:
    """Publish ``imported`` for ``minimum`` (or ``published_for``: a negative control publishes for
    less than the audit's minimum) and for each minimum in ``also`` (an attacker comparing settings),
    run every breakdown of each, and return what is determined:
    ``{"determined": [(measure, target, true count), ...], "equations": n, "targets": n}``."""
    settings = Settings(min_group_size=published_for or minimum, dont_know=dont_know)
    names = list(reporting_attributes(imported))
    raw = imported.frame
    fine_key = pd.MultiIndex.from_arrays([_labels(raw[n]) for n in ("wave", *names)])
    fine_codes, fine_cells = pd.factorize(fine_key)
    cells = len(fine_cells)
    items = list(imported.item_ids) if items is None else items
    measures = ["people", *items, *([INDEX] if imported.has_signs else [])]
    # what each imported row contributes to each measure (the truth the attacker is after)
    truth = {"people": np.ones(len(raw))}
    for item in items:
        truth[item] = _answered(imported, item, settings)
    if INDEX in measures:
        truth[INDEX] = _scored(imported, settings)
    totals = {m: np.bincount(fine_codes, weights=truth[m], minlength=cells) for m in measures}
    equations = Equations(cells)
    for each in (published_for or minimum, *also):
        survey = publish(imported, each)
        settings = Settings(min_group_size=each, dont_know=dont_know)
        published_rows = _published_rows(imported, survey)
        used = {"people": np.ones(survey.size)}
        for item in items:
            used[item] = _answered(survey, item, settings)
        if INDEX in measures:
            used[INDEX] = _index_used(survey, settings)
        published_fine = fine_codes[published_rows]

        split = "division" if "division" in names else names[0] if names else None  # the export's first grouping stands in
        views = [{}] + ([{split: [v]} for v in survey.codes(split)[1]] if split else []) \
            + [{"wave": [w]} for w in survey.codes("wave")[1]]
        breakdowns = [[]] + [[n] for n in ("wave", *names)] + [list(p) for p in combinations(("wave", *names), 2)]
        frame = survey.frame
        for filters in views:
            view = survey.filter(**filters) if filters else survey
            inside = np.ones(len(frame), dtype=bool)
            for name, values in filters.items():
                inside &= np.isin(_labels(frame[name]), values)
            for by in breakdowns:
                keys = list(zip(*(_labels(frame[n])[inside] for n in by))) if by else [()] * int(inside.sum())
                codes, uniques = pd.factorize(pd.Series(keys, dtype=object))
                published = _published(view, by, items, settings, measures)
                for measure in measures:
                    matrix = np.zeros((len(uniques), cells))
                    np.add.at(matrix, (codes, published_fine[inside]), used[measure][inside])
                    for position, key in enumerate(uniques):
                        row = matrix[position]
                        shown = published[measure].get(tuple(key))
                        if shown is None:  # not published: a suppressed row
                            continue
                        assert np.isclose(shown, row.sum()), (filters, by, measure, key, shown, row.sum())
                        coefficients = row / np.maximum(totals[measure], 1)
                        assert np.all(np.isclose(coefficients, 0) | np.isclose(coefficients, 1)), (
                            f"a published cell holds part of a fine cell: {filters} {by} {measure} {key}")
                        equations.add(measure, np.round(coefficients))
    targets = _targets(fine_cells, ("wave", *names))
    determined, checked = [], 0
    for measure in measures:
        basis = _row_space(np.array(equations.rows.get(measure, [np.zeros(cells)])))
        for label, members in targets:
            value = totals[measure][members].sum()
            if not 0 < value < minimum:
                continue
            checked += 1
            vector = np.zeros(cells)
            vector[members] = 1.0
            if _in_span(vector, basis):
                determined.append((measure, label, int(round(value))))
    return {"determined": determined, "equations": sum(len(r) for r in equations.rows.values()), "targets": checked}


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
        for item in items:
            part = table[(table["item"] == item) & ~table["suppressed"]]
            # answered: the share's base, plus "don't know" where the base leaves it out
            with_dont_know = not (view.item(item).scale.kind == "yes_no" and settings.dont_know == "not_yes")
            answered = part["n"] + (part["n_dont_know"].fillna(0) if with_dont_know else 0)
            out[item] = {(tuple(part.iloc[i][n] for n in by) if by else ()): float(answered.iloc[i])
                         for i in range(len(part))}
    if INDEX in measures:
        index = commitment_index(view, by or None, settings=settings)
        index = index[~index["suppressed"]]
        out[INDEX] = {(tuple(index.iloc[i][n] for n in by) if by else ()): float(index.iloc[i]["n"])
                      for i in range(len(index))}
    return out


def _sizes(view, by) -> dict:
    from cxcommit.analyses.groups import make_groups

    groups = make_groups(view, by)
    return {tuple(groups.frame[n].iloc[i] for n in by): groups.sizes[i] for i in range(groups.size)}


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
    unique = np.unique(rows, axis=0)
    gram = unique.T @ unique
    values, vectors = linalg.eigh(gram)
    return vectors[:, values > 1e-8 * max(values.max(), 1.0)]


def _in_span(vector: np.ndarray, basis: np.ndarray) -> bool:
    residual = vector - basis @ (basis.T @ vector)
    return bool(np.linalg.norm(residual) < 1e-6 * max(1.0, np.linalg.norm(vector)))
