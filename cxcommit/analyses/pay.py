"""Compensation alignment: is executive pay moving toward CX objectives, and does it go with commitment
and customer outcomes?

Sign 7 (executive pay tied to CX objectives) comes from the survey; the share of executive incentive
tied to CX, NPS, CSAT and other outcomes come from the unit-metrics table (business unit × wave).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.groups import ALL_GROUP
from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends
from cxcommit.errors import NotApplicable
from cxcommit.instrument.items import PAY_SIGN, SIGN_IDS
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import generalised_values
from cxcommit.settings import Settings
from cxcommit.stats.adjust import adjust_p
from cxcommit.stats.correlation import correlation, least_squares
from cxcommit.vocabulary import column_label

INCENTIVE_WORDS = ("incentive", "bonus", "pay", "compensation", "remuneration")


def incentive_metric(metrics: UnitMetrics) -> str | None:
    """The unit metric that holds the share of executive incentive tied to CX; None when the metrics
    have none (the other metrics are still used, and :func:`metrics_coverage` says what is missing)."""
    for name in metrics.metrics:
        if any(word in name.lower() for word in INCENTIVE_WORDS):
            return name
    return None


def no_incentive_note(metrics: UnitMetrics) -> str:
    """What is left out when the unit metrics have no incentive share, and how to give one."""
    return (f"The unit metrics ({metrics.source}) have no incentive-share column (their metrics: "
            f"{', '.join(metrics.metrics) or 'none'}), so the incentive share tied to CX is left out; the other "
            "metrics are used. To show it, add a column of the share of executive incentive tied to CX with "
            "'incentive' in its name.")


def pay_alignment(survey: Survey, metrics: UnitMetrics | None = None, by: str | None = "division", *,
                  settings: Settings = Settings()) -> pd.DataFrame:
    """Sign 7 and the incentive share tied to CX over waves, per group.

    Columns: ``group, wave`` and ``n, p, ci_low, ci_high, prev_wave, change_prev, change_prev_p,
    change_prev_significant, change_first, change_first_low, change_first_high, change_first_p,
    change_first_p_holm, change_first_significant, slope`` of sign 7 (as in
    :func:`cxcommit.analyses.trends.trends`: the changes' Holm family is every change of the
    breakdown), ``incentive_share`` (mean over the group's units
    of the unit metric, null without unit metrics), ``units`` (units with a value), ``suppressed``, ``suppression``.
    """
    if PAY_SIGN not in survey.item_ids:
        raise NotApplicable("Compensation alignment needs sign 7 (executive pay tied to CX objectives).",
                           hint="Map the pay question to sign_7 in the mapping.")
    table = trends(survey, by, items=[PAY_SIGN], settings=settings)
    table = table[["group", "wave", "n", "p", "ci_low", "ci_high", "prev_wave", "change_prev", "change_prev_p",
                   "change_prev_significant", "change_first", "change_first_low", "change_first_high", "change_first_p",
                   "change_first_p_holm", "change_first_significant", "slope", "suppressed", "suppression"]]
    if metrics is None or "business_unit" not in survey.groupings:  # nothing links the metrics to respondents
        return table.assign(incentive_share=np.nan, units=0)
    metric = incentive_metric(metrics)
    if metric is None:  # sign 7 alone; metrics_coverage says the incentive share is missing
        return table.assign(incentive_share=np.nan, units=0)
    frame = metrics.frame[metrics.frame["business_unit"].isin(survey.codes("business_unit")[1])]  # the units shown
    if by in (None, "business_unit"):
        level = frame.assign(group=frame["business_unit"] if by else ALL_GROUP)
    else:
        units = survey.responses[["business_unit", by]].dropna().astype(str).drop_duplicates("business_unit")
        level = frame.merge(units.rename(columns={by: "group"}), on="business_unit", how="inner")
    summary = level.groupby(["group", "wave"])[metric].agg(incentive_share="mean", units="count").reset_index()
    return table.merge(summary, on=["group", "wave"], how="left")


MIN_UNITS = 10  # fewer units than this: a relation across units is shown but not stated


def unit_table(survey: Survey, metrics: UnitMetrics, settings: Settings = Settings()) -> pd.DataFrame:
    """One row per business unit shown: its survey numbers pooled over the waves shown and its unit
    metrics averaged over them.

    Columns: ``business_unit``; ``n`` (respondents the commitment index scores), ``mean_signs`` and
    ``fully_committed`` (the commitment index, :func:`cxcommit.analyses.commitment.commitment_index`);
    ``respondents`` (everyone of the unit in the index, scored or not: the unit's weight in
    :func:`pay_relations`); ``sign_7`` (share saying yes to sign 7); ``other_signs`` (the mean number
    of the other seven signs met, 0–7: the sum of their shares, each of those who answered it, so
    that sign 7 can be related to the index without the part-whole overlap of relating it to
    ``mean_signs``, which counts sign 7 itself); then one column per unit metric.
    """
    index = commitment_index(survey, "business_unit", settings=settings)
    shares = rates(survey, "business_unit", items=list(SIGN_IDS), settings=settings)
    shares = shares[~shares["suppressed"]].pivot(index="group", columns="item", values="p").astype(float).reindex(
        columns=list(SIGN_IDS))  # a sign hidden in every unit: a column of nulls
    signs = pd.DataFrame({PAY_SIGN: shares[PAY_SIGN],
                          "other_signs": shares.drop(columns=PAY_SIGN).sum(axis=1, min_count=len(SIGN_IDS) - 1)})
    waves = set(survey.responses["wave"].astype(str))
    numbers = metrics.frame[metrics.frame["wave"].isin(waves)].groupby("business_unit")[list(metrics.metrics)].mean()
    shown = index[~index["suppressed"]].set_index("group")
    shown = shown.assign(respondents=(shown["n"] + shown["n_incomplete"]).astype("Int64"))[
        ["n", "mean_signs", "p", "respondents"]].rename(columns={"p": "fully_committed"})
    return shown.join(signs).join(numbers, how="left").reset_index().rename(columns={"group": "business_unit"})


def _weights(units: pd.DataFrame) -> np.ndarray | None:
    """Each unit's weight in a relation across units: its respondents (None: equal weights)."""
    return units["respondents"].to_numpy(dtype=float, na_value=np.nan) if "respondents" in units else None


def unit_fit(units: pd.DataFrame, x: str, y: str, *, confidence: float = 0.95,
             relations: pd.DataFrame | None = None) -> dict:
    """How column ``y`` of :func:`unit_table` goes with column ``x`` across the units shown, each
    unit weighted by its respondents: weighted Pearson ``r`` with its Fisher-z interval ``ci_low``,
    ``ci_high``, ``p_value``, ``n`` (units with both values) and ``n_eff`` (Kish's effective n), as
    :func:`pay_relations` has them (:func:`cxcommit.stats.correlation.correlation`); ``enough_units``
    (at least :data:`MIN_UNITS`); ``p_holm``: the pair's p-value adjusted over the family of
    ``relations`` (:func:`pay_relations`; without them, or for a pair not among them, the p-value
    alone); the weighted least-squares line ``slope`` and ``intercept`` (NaN with fewer than two
    units or no spread in ``x``); and ``caveat``: what may not be read off the relation
    (:func:`relation_caveat`; empty where it may be stated).

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> fit = unit_fit(unit_table(load_demo(), load_demo_metrics()), "exec_incentive_cx_pct", "customer_nps")
    >>> sorted(fit)
    ['caveat', 'ci_high', 'ci_low', 'enough_units', 'intercept', 'n', 'n_eff', 'p_holm', 'p_value', 'r', 'slope']
    """
    shown = units[~units["suppressed"].astype(bool)] if "suppressed" in units else units
    xs, ys = shown[x].to_numpy(dtype=float, na_value=np.nan), shown[y].to_numpy(dtype=float, na_value=np.nan)
    slope, intercept = least_squares(xs, ys, _weights(shown))
    fit = correlation(xs, ys, confidence, _weights(shown))
    pair = relations[(relations["x"] == x) & (relations["y"] == y)] if relations is not None else ()
    p_holm = float(pair["p_holm"].iat[0]) if len(pair) else fit["p_value"]
    fit = {**fit, "p_holm": p_holm, "enough_units": fit["n"] >= MIN_UNITS, "slope": slope, "intercept": intercept}
    return {**fit, "caveat": relation_caveat(fit, confidence)}


def pay_relations(survey: Survey, metrics: UnitMetrics, *, settings: Settings = Settings()) -> pd.DataFrame:
    """Across business units: how pay alignment and commitment relate to each other and to CX outcomes.

    Each unit is one point (:func:`unit_table`: survey numbers pooled over the waves shown, unit
    metrics averaged over them; suppressed units and the generalised groups publishing made, "Other
    units of Digital", left out: they are no unit), weighted by its respondents, so that a unit of
    200 answers counts twice one of 100. Sign 7 is related to the mean of the other seven signs
    (``other_signs``), never to the index that contains it.

    Returns one row per pair (the family: these seven relations, or three without an incentive share):

    - ``x, y``: the two columns of :func:`unit_table`;
    - ``r``: weighted Pearson r; ``ci_low, ci_high``: its Fisher-z interval; ``p_value``: the t test
      of r = 0 (:func:`cxcommit.stats.correlation.correlation`), both on ``n_eff`` (Kish's effective
      number of units, (Σw)²/Σw², below ``n`` the more unequal the units' sizes);
    - ``p_holm``: ``p_value`` adjusted over the family (Holm 1979);
    - ``n``: units with both values; ``enough_units``: ``n`` at least :data:`MIN_UNITS` (10);
    - ``stated``: the relation may be stated in a title: enough units and ``p_holm`` below
      1 − confidence. Otherwise the numbers are shown with a caveat (:func:`relation_caveat`).

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> table = pay_relations(load_demo(), load_demo_metrics())
    >>> row = table.iloc[2]
    >>> row["x"], row["y"], int(row["n"]), bool(row["stated"])
    ('sign_7', 'other_signs', 29, True)
    """
    units = unit_table(survey, metrics, settings)
    units = units[~units["business_unit"].astype(str).isin(generalised_values(survey, "business_unit"))]
    incentive = incentive_metric(metrics)
    outcomes = [m for m in metrics.metrics if m != incentive]
    pay = incentive or PAY_SIGN  # without an incentive share, sign 7 stands for pay alignment
    pairs = [(incentive, "sign_7"), (incentive, "mean_signs")] if incentive else []
    pairs += [("sign_7", "other_signs")]  # sign 7 against the index without it: no part-whole overlap
    pairs += [(x, outcome) for outcome in outcomes for x in (pay, "mean_signs")]
    rows = [{"x": x, "y": y, **correlation(units[x].to_numpy(dtype=float, na_value=np.nan),
                                           units[y].to_numpy(dtype=float, na_value=np.nan),
                                           settings.confidence, _weights(units))} for x, y in pairs]
    table = pd.DataFrame(rows, columns=["x", "y", "r", "ci_low", "ci_high", "p_value", "n", "n_eff"])
    table.insert(6, "p_holm", adjust_p(table["p_value"].to_numpy(dtype=float), "holm"))
    table["n"] = table["n"].astype("Int64")
    table["enough_units"] = table["n"].to_numpy(dtype=int) >= MIN_UNITS
    table["stated"] = table["enough_units"] & (table["p_holm"] < 1 - settings.confidence)
    return table


def relation_caveat(relation, confidence: float = 0.95) -> str:
    """What may not be read off a relation across units (a row of :func:`pay_relations` or what
    :func:`unit_fit` returns), in plain words; empty when it may be stated.

    >>> relation_caveat({"n": 5, "r": -0.36, "enough_units": False, "p_holm": 0.6})
    'too few units to tell (5 units; at least 10 needed)'
    """
    n = int(relation["n"])
    if not relation["enough_units"]:
        return f"too few units to tell ({n} unit{'s' if n != 1 else ''}; at least {MIN_UNITS} needed)"
    if pd.isna(relation["r"]):
        return f"no spread to relate across the {n} units"
    p = relation.get("p_holm", relation.get("p_value"))
    if not p < 1 - confidence:
        return f"within what chance alone could produce across {n} units"
    return ""


def relation_choices(relations: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """The pairs of :func:`pay_relations` to choose from, by a label in words ("<x> → <y>"): each
    label names one (x, y) pair of columns of :func:`unit_table`. Labels are never split back into
    names (a metric may itself hold " → "); two pairs that read alike get " (2)", " (3)"…

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> list(relation_choices(pay_relations(load_demo(), load_demo_metrics())).items())[0]
    ('Executive incentive tied to CX (%) → Share saying executive pay is tied to CX', ('exec_incentive_cx_pct', 'sign_7'))
    """
    choices: dict[str, tuple[str, str]] = {}
    for x, y in zip(relations["x"], relations["y"]):
        label = base = f"{column_label(x)} → {column_label(y)}"
        count = 1
        while label in choices:
            count += 1
            label = f"{base} ({count})"
        choices[label] = (x, y)
    return choices


def _listed(names: list[str], limit: int = 8) -> str:
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def metrics_coverage(survey: Survey, metrics: UnitMetrics | None) -> tuple[str, ...]:
    """Where the unit metrics have values for the survey shown, and what is left out where they
    do not: one sentence each, empty when they cover every wave and unit shown.

    Unit metrics are used where they exist: the incentive share of a wave without them is blank
    (sign 7 is still shown), and a unit's values are averaged over the waves that have them. These
    sentences name the rest: waves shown that the metrics do not cover, units shown that have no
    row in those waves (left out of the relations across units), and blank values.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> metrics = load_demo_metrics()
    >>> metrics_coverage(load_demo(), metrics)
    ()
    >>> part = UnitMetrics(metrics.frame[metrics.frame["wave"].isin(["2026-Q1", "2026-Q2"])], metrics.metrics, "m.csv")
    >>> metrics_coverage(load_demo().filter(wave=["2026-Q1", "2026-Q2", "2026-Q3"]), part)[0]
    'Unit metrics (m.csv) cover 2026-Q1, 2026-Q2; the incentive share and the relations to outcomes for 2026-Q3 are left out.'
    """
    if metrics is None:
        return ()
    if "business_unit" not in survey.groupings:
        return (f"The unit metrics ({metrics.source}) are not used: these data have no business unit to link "
                "them to.",)
    order = {wave: i for i, wave in enumerate(survey.frame["wave"].cat.categories)}
    waves, units = _waves_and_units(survey, order)
    frame = metrics.frame
    valued = frame[frame[list(metrics.metrics)].notna().any(axis=1)] if metrics.metrics else frame.iloc[:0]
    shown = valued[valued["wave"].isin(waves) & valued["business_unit"].isin(units)]
    notes = [] if incentive_metric(metrics) else [no_incentive_note(metrics)]
    covered = [w for w in waves if w in set(shown["wave"])]
    if not covered:
        return (*notes, _nothing_covered(metrics, valued, waves, order))
    missing = [w for w in waves if w not in covered]
    if missing:
        notes.append(f"Unit metrics ({metrics.source}) cover {_listed(covered)}; the incentive share and the "
                     f"relations to outcomes for {_listed(missing)} are left out.")
    without = sorted(set(units) - set(shown["business_unit"]))
    if without:
        notes.append(f"{len(without)} of the {len(units)} units shown have no unit metrics"
                     f"{' in ' + _listed(covered) if missing else ''}: {_listed(without)}; they are left out of the "
                     "relations across units.")
    blank = _blank_values(metrics, frame[frame["wave"].isin(covered) & frame["business_unit"].isin(units)])
    return tuple(notes + ([blank] if blank else []))


def _waves_and_units(survey: Survey, order: dict) -> tuple[list[str], list[str]]:
    """The waves shown, in time ``order``, and the units shown (not the pooled "Other units …")."""
    waves = sorted(set(survey.responses["wave"].dropna().astype(str)), key=lambda w: order.get(w, len(order)))
    pooled = set(generalised_values(survey, "business_unit"))
    units = [u for u in survey.responses["business_unit"].dropna().astype(str).unique() if u not in pooled]
    return waves, units


def _nothing_covered(metrics: UnitMetrics, valued: pd.DataFrame, waves: list[str], order: dict) -> str:
    """The sentence for unit metrics with no value in any wave and unit shown: what they do hold."""
    theirs = sorted(set(valued["wave"]), key=lambda w: (order.get(w, len(order)), w))
    what = (f"they hold {_listed(theirs)}, for units such as {_listed(sorted(set(valued['business_unit'])), 3)}"
            if len(valued) else "they hold no value")
    return (f"The unit metrics ({metrics.source}) have no value for the waves and units shown "
            f"({_listed(waves)}); {what}. Wave and unit names must match the survey's exactly.")


def _blank_values(metrics: UnitMetrics, rows: pd.DataFrame) -> str:
    """How many of the unit-waves shown leave each metric blank ("" when none does)."""
    blank = [f"{column_label(m)} for {int(rows[m].isna().sum())} of {len(rows)}" for m in metrics.metrics
             if rows[m].isna().any()]
    return f"Blank values are left out: {'; '.join(blank)} unit-waves." if blank else ""
