"""Rates per item and group, compared with the rest of the organisation."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.clustering import compare_with_units
from cxcommit.analyses.groups import Groups, count_items, make_groups
from cxcommit.analyses.tables import nullable, text
from cxcommit.errors import NotApplicable
from cxcommit.model.derived import key
from cxcommit.model.survey import Survey
from cxcommit.privacy.suppression import suppression_reason
from cxcommit.settings import Settings
from cxcommit.stats.adjust import adjust_p
from cxcommit.stats.difference import score_difference
from cxcommit.stats.families import SCREEN, significant
from cxcommit.stats.intervals import proportion_interval

RATE_COLUMNS = ["item", "label", "scale", "group", "n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know",
                "diff", "diff_low", "diff_high", "p_value", "method", "p_adj", "p_holm", "n_tests", "significant",
                "confirmed", "suppressed", "suppression"]


def _parent_divisions(survey: Survey, groups: Groups) -> np.ndarray | None:
    """For a breakdown by business unit alone: each unit's division (its most common one)."""
    if groups.names != ("business_unit",) or "division" not in survey.groupings:
        return None
    pairs = make_groups(survey, ["business_unit", "division"])
    named = (pairs.keys >= 0).all(axis=1)  # respondents who named both
    units, divisions = (pairs.frame[name].to_numpy(dtype=object)[named] for name in ("business_unit", "division"))
    order = np.lexsort((-pairs.sizes[named], pairs.keys[named, 0]))[::-1]  # each unit's most common division last
    lookup = dict(zip(units[order], divisions[order]))  # the last written wins
    return np.array([lookup.get(unit) for unit in groups.frame["business_unit"]], dtype=object)


def compare_to_rest(k: np.ndarray, n: np.ndarray, min_rest: int, confidence: float = 0.95) -> dict[str, np.ndarray]:
    """Difference of each group's share to the share of everyone else (``diff``), its interval
    (``diff_low``, ``diff_high``) and two-sided p-value (``p_value``): the Miettinen–Nurminen score
    test and interval (:func:`cxcommit.stats.difference.score_difference`), so the interval excludes
    0 exactly when p < 1 − confidence. Null where the rest has fewer than ``min_rest`` answers (it
    would reveal a small group) or there is only one group. Groups run along the last axis (one row
    per item for a 2-D ``k``).
    """
    k_rest, n_rest = k.sum(axis=-1, keepdims=True) - k, n.sum(axis=-1, keepdims=True) - n
    result = score_difference(k, n, k_rest, n_rest, confidence)
    hidden = (n_rest < min_rest) | (n <= 0)
    return {name: np.where(hidden, np.nan, values) for name, values in
            (("diff", result.diff), ("diff_low", result.low), ("diff_high", result.high), ("p_value", result.p_value))}


def rated_items(survey: Survey, items: list[str] | None = None) -> list[str]:
    """The ids of ``items`` (default: every item) that have a favourable answer, in the order given:
    what a ranking, a gap or a choice of "one item" of favourable shares takes (numeric items and
    factual questions, direction ``none``, have no share to rank; :mod:`cxcommit.instrument.scales`).

    >>> from cxcommit.demo import load_demo
    >>> len(rated_items(load_demo()))
    14
    """
    return [survey.item(i).id for i in (survey.item_ids if items is None else items) if survey.item(i).scale.rated]


def everyone_shares(survey: Survey, items: list[str] | None = None, settings: Settings = Settings()) -> dict[str, float]:
    """Each item's favourable share among everyone (no breakdown), by label, where published: what a
    title calls an item's share organisation-wide. Pooling a breakdown's shown groups instead would
    leave out its hidden groups and the respondents without an answer to the grouping.

    >>> from cxcommit.demo import load_demo
    >>> round(everyone_shares(load_demo(), ["sign_7"])["Executive pay tied to CX"], 3)
    0.255
    """
    table = rates(survey, None, items=items, settings=settings)
    shown = table[~table["suppressed"].astype(bool) & table["p"].notna()]
    return dict(zip(shown["label"], shown["p"].astype(float)))


def rates(survey: Survey, by: str | list[str] | None = None, *, items: list[str] | None = None,
          settings: Settings = Settings(), p_adjust: str = SCREEN) -> pd.DataFrame:
    """n, favourable share with interval, mean, and the difference to the rest of the organisation.

    Parameters
    ----------
    survey : the published survey (:func:`cxcommit.privacy.publish.publish`; filter it first with
        :meth:`Survey.filter`).
    by : none, one or two groupings, e.g. ``"division"`` or ``["division", "role"]``.
    items : item ids (default: all mapped items).
    settings : minimum group size, interval method and level, "don't know" rule.
    p_adjust : ``bh`` (Benjamini–Hochberg, default: the table is a screen), ``holm``, ``bonferroni``
        or ``none``, for ``p_adj``. The family is fixed by the breakdown, not by what is printed:
        every favourable item of the survey × every group of ``by``, whichever ``items`` are asked
        (:mod:`cxcommit.stats.families`).

    Returns
    -------
    An item without a favourable answer (numeric, or not rated: a factual question, see
    :mod:`cxcommit.instrument.scales`) has no ``k``, share, interval or comparison, so no ranking,
    gap or finding takes it; its ``mean`` describes it (of a factual yes/no item: the share
    answering yes).

    One row per item and group (people who left a grouping of ``by`` blank are no group: they are
    left out of the rows, counted in the rest each group is compared with;
    :func:`cxcommit.analyses.groups.left_out` says how many), with the columns of
    :func:`cxcommit.analyses.summary.item_summary`
    (``item, label, scale, group, n, k, p, ci_low, ci_high, mean, n_dont_know``), one column per
    grouping (and ``division`` for a breakdown by business unit), and:

    - ``diff``: p minus the share of everyone else in the view (the group itself excluded; under a
      filter, everyone else inside the filter), with its interval ``diff_low``, ``diff_high``;
    - ``p_value``: two-sided test of that difference, with the interval from the same test;
      ``method`` names it (:mod:`cxcommit.analyses.clustering`): ``"cluster-robust (units)"`` for a
      grouping above business units (a division; units are clusters, as their people answer alike:
      t with units − 1 degrees of freedom, see :mod:`cxcommit.stats.clustered`), where there are at
      least 10 units and the group spans two or more; ``"score (Miettinen–Nurminen)"`` elsewhere (its
      interval inverts the same test); null without a comparison; ``p_adj``: adjusted over the
      breakdown's family by ``p_adjust``; ``p_holm``: Holm over the same family, for statements
      (findings, titles); ``n_tests``: the tests in that family (every item × group of the breakdown
      with a difference to test);
    - ``significant``: ``p_adj`` below 1 − confidence and ``|diff|`` at least
      ``settings.min_difference`` (a difference that matters, not only one chance would rarely give);
      ``confirmed``: the same with ``p_holm``;
    - ``suppressed``: fewer answers than the minimum group size (in published data, where every
      cell is a union of classes of at least the minimum: none; see :mod:`cxcommit.privacy.publish`).
      Every number of a suppressed row is null. ``diff`` is also null where everyone else together
      is fewer than the minimum. ``suppression`` says why: ``"small"`` (null if shown).

    References: Wilson (1927); Miettinen & Nurminen (1985); Cameron & Miller (2015); Holm (1979);
    Benjamini & Hochberg (1995).

    >>> from cxcommit.demo import load_demo
    >>> table = rates(load_demo(), by="division", items=["sign_7"])
    >>> table.loc[table["significant"] & (table["diff"] > 0), "group"].tolist()
    ['Digital', 'Retail Banking']
    """
    return rates_table(survey, by, items=items, settings=settings, p_adjust=p_adjust)


def rates_table(survey: Survey, by: str | list[str] | None = None, *, items: list[str] | None = None,
                settings: Settings = Settings(), p_adjust: str = SCREEN) -> pd.DataFrame:
    """:func:`rates`, computed once per survey (``survey.derived``): the whole breakdown (every item,
    which fixes the test family), then the rows of the items asked, in their order."""
    groups = make_groups(survey, by)
    whole = survey.derived.get(key("rates", groups.names, settings, p_adjust),
                               lambda: _rates(survey, groups, list(survey.items), settings, p_adjust))
    if items is None:
        return whole
    place, size = {item.id: i for i, item in enumerate(survey.items)}, int(groups.named.sum())
    rows = [place[survey.item(i).id] * size + np.arange(size) for i in items]
    return whole.take(np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)).reset_index(drop=True)


def _rates(survey: Survey, groups: Groups, wanted: list, settings: Settings, p_adjust: str) -> pd.DataFrame:
    if not wanted:
        raise NotApplicable("No question of this survey is mapped to an item, so there is nothing to count.",
                           hint="Map at least one rated question (yes/no, Likert, 0–10) to an item in the mapping; "
                                "`check` lists the columns and why they were not used.")
    named = groups.named  # a blank is no group: compared as part of the rest, never shown
    numbers = _item_numbers(survey, groups, wanted, settings)
    keys = _row_keys(wanted, groups, _parent_divisions(survey, groups), named)
    numbers = {name: values[:, named].ravel() for name, values in numbers.items()}
    method = numbers.pop("method")
    # no answers: every cell is a union of classes (cxcommit.privacy.publish)
    flags = numbers["n"] < settings.min_group_size
    for values in numbers.values():
        values[flags] = np.nan
    method[flags] = None
    numbers["p_adj"] = adjust_p(numbers["p_value"], p_adjust)
    numbers["p_holm"] = adjust_p(numbers["p_value"], "holm")
    numbers["n_tests"] = np.full(len(flags), float(np.count_nonzero(~np.isnan(numbers["p_value"]))))
    columns = {**{name: text(values) for name, values in keys.items()},
               **{name: nullable(values, integer=name in ("n", "k", "n_dont_know", "n_tests"))
                          for name, values in numbers.items()},
               "significant": significant(numbers["p_adj"], numbers["diff"], settings),
               "confirmed": significant(numbers["p_holm"], numbers["diff"], settings),
               "method": text(method), "suppressed": flags, "suppression": suppression_reason(flags)}
    extra = [c for c in keys if c not in RATE_COLUMNS]
    return pd.DataFrame({name: columns[name] for name in RATE_COLUMNS[:4] + extra + RATE_COLUMNS[4:]})


def _item_numbers(survey: Survey, groups: Groups, wanted: list, settings: Settings) -> dict[str, np.ndarray]:
    """Counts, shares, intervals, means and the comparison to the rest, each an items × groups array."""
    size, count = groups.size, len(wanted)
    counts = count_items(survey, wanted, groups, settings)
    n, k, n_valid, total, n_dont_know = (np.stack([getattr(c, name) for c in counts])  # items x groups
                                         for name in ("n", "k", "n_valid", "total", "n_dont_know"))
    favourable = np.array([[i.scale.rated] for i in wanted])
    averaged = np.array([[i.scale.kind != "yes_no" or not i.scale.rated] for i in wanted])  # a factual yes/no: share yes
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(favourable & (n > 0), k / n, np.nan)
        mean = np.where(averaged & (n_valid > 0), total / n_valid, np.nan)
    low, high = proportion_interval(k, n, method=settings.ci_method, confidence=settings.confidence)
    if groups.names:
        compared = compare_to_rest(k, n, settings.min_group_size, settings.confidence)
    else:
        compared = {name: np.full((count, size), np.nan) for name in ("diff", "diff_low", "diff_high", "p_value")}
    compared = {name: np.where(favourable, values, np.nan) for name, values in compared.items()}
    compared["diff_low"], compared["diff_high"], compared["p_value"], method = compare_with_units(
        survey, groups, wanted, settings, compared["diff_low"], compared["diff_high"], compared["p_value"])
    return {"n": n, "k": np.where(favourable, k, np.nan), "p": p, "ci_low": np.where(favourable, low, np.nan),
            "ci_high": np.where(favourable, high, np.nan), "mean": mean, "n_dont_know": n_dont_know, **compared,
            "method": method}


def _row_keys(wanted: list, groups: Groups, parents: np.ndarray | None, named: np.ndarray) -> dict[str, np.ndarray]:
    """What names each row (item by item, the ``named`` groups within): item, label, scale, the
    grouping columns and, for units, their division."""
    size, count = int(named.sum()), len(wanted)
    labels = {"item": [i.id for i in wanted], "label": [i.label for i in wanted], "scale": [i.scale.kind for i in wanted]}
    return {
        **{name: np.repeat(np.array(values, dtype=object), size) for name, values in labels.items()},
        **{name: np.tile(groups.frame[name].to_numpy(dtype=object)[named], count) for name in groups.frame.columns},
        **({"division": np.tile(parents[named], count)} if parents is not None else {}),
    }
