"""Headline findings: the few facts a leadership team should hear first, each with its number and n."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.gaps import perception_gap
from cxcommit.analyses.groups import ALL_GROUP, NO_ANSWER
from cxcommit.analyses.pay import pay_alignment
from cxcommit.analyses.rates import rates_table
from cxcommit.analyses.summary import default_grouping
from cxcommit.analyses.tables import arrays
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation
from cxcommit.instrument.items import PAY_SIGN, SIGN_IDS
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.text import pct

FINDING_COLUMNS = ["rank", "kind", "headline", "item", "group", "value", "n"]


def findings(survey: Survey, metrics: UnitMetrics | None = None, *, by: str = "business_unit",
             settings: Settings = Settings(), limit: int = 6) -> pd.DataFrame:
    """The facts to lead with, ranked: columns ``rank, kind, headline, item, group, value, n``.

    Kinds: ``weakest_sign`` (lowest share organisation-wide, among the 8 signs when they are
    mapped), ``perception_gap`` (largest leaders-vs-staff gap that holds after Holm adjustment and reaches the
    smallest difference that matters), ``furthest_unit``
    (lowest mean signs met), ``disagreement`` (the item units disagree on most), ``mover`` (largest
    change in the last wave since the previous one that holds after Holm adjustment over every
    change of the breakdown and reaches the smallest difference that matters), ``pay_trend`` (sign 7 from first to last wave, with the incentive share if known). Only
    shown (unsuppressed) numbers are used; a kind without data is left out. Without ``by`` in the
    survey, the first of business unit, division, region, role (or another grouping) is used.
    """
    by = default_grouping(survey, by)
    focus = list(SIGN_IDS) if survey.has_signs else None
    finders = (_weakest_sign, _perception_gap, _furthest_unit, _disagreement, _mover, _pay_trend)
    rows = [row for find in finders
            if (row := find(survey, metrics, by=by, focus=focus, settings=settings)) is not None]
    rows = rows[:limit]
    table = pd.DataFrame({"rank": range(1, len(rows) + 1),
                          **{name: [row[i] for row in rows] for i, name in enumerate(FINDING_COLUMNS[1:])}})
    table["n"] = table["n"].astype("Int64")
    return table


# Each finder returns one row (kind, headline, item, group, value, n), or None when its kind has no data.

def _weakest_sign(survey, metrics, *, by, focus, settings):
    overall = arrays(rates_table(survey, items=focus, settings=settings), "p", "suppressed", "scale", "label",
                     "item", "n")
    at = _first(overall["p"], ~overall["suppressed"], np.argmin)
    if at is None:
        return None
    verb = "say yes" if overall["scale"][at] == "yes_no" else "answer favourably"
    return ("weakest_sign", f"Weakest: “{overall['label'][at]}” — only {pct(overall['p'][at])} {verb}",
            overall["item"][at], ALL_GROUP, float(overall["p"][at]), int(overall["n"][at]))


def _perception_gap(survey, metrics, *, by, focus, settings):
    if not (survey.has_signs and "role" in survey.frame and by):
        return None
    table = perception_gap(survey, by, settings=settings)
    gaps = arrays(table, "gap", "suppressed", "group", "label", "p_leaders", "p_staff", "item", "n_leaders", "n_staff")
    at = _first(gaps["gap"], table["significant"].to_numpy(dtype=bool) & (gaps["group"] != NO_ANSWER), np.argmax)
    if at is None:
        return None
    return ("perception_gap",
            f"{gaps['group'][at]}: executives say yes to “{gaps['label'][at]}” {pct(gaps['p_leaders'][at])}, "
            f"their staff {pct(gaps['p_staff'][at])}", gaps["item"][at], gaps["group"][at],
            float(gaps["gap"][at]), int(gaps["n_leaders"][at] + gaps["n_staff"][at]))


def _furthest_unit(survey, metrics, *, by, focus, settings):
    if not (survey.has_signs and by):
        return None
    index = arrays(commitment_index(survey, by, settings=settings), "mean_signs", "suppressed", "group", "n")
    at = _first(index["mean_signs"], ~index["suppressed"] & (index["group"] != NO_ANSWER), np.argmin)
    if at is None:
        return None
    return ("furthest_unit", f"{index['group'][at]} is furthest from full commitment: "
            f"{index['mean_signs'][at]:.1f} of 8 signs on average", None, index["group"][at],
            float(index["mean_signs"][at]), int(index["n"][at]))


def _disagreement(survey, metrics, *, by, focus, settings):
    spread = variation(survey, by, items=focus, settings=settings) if by else pd.DataFrame()
    if spread.empty or not bool(spread["significant"].iat[0]):
        return None
    top = spread.iloc[0]
    who = {"business_unit": "Units", "division": "Divisions", "region": "Regions", "role": "Roles"}.get(by, "Groups")
    return ("disagreement", f"{who} disagree most on “{top['label']}”: from {pct(top['min_p'])} "
            f"({top['lowest']}) to {pct(top['max_p'])} ({top['highest']})", top["item"], None,
            float(top["range"]), int(top["n"]))


def _mover(survey, metrics, *, by, focus, settings):
    if len(survey.report.waves) < 2:
        return None
    table = trends(survey, by, items=focus, settings=settings)
    moves = arrays(table, "wave", "group", "change_prev", "label", "p", "item", "n")
    last = (moves["wave"] == survey.report.waves[-1]) & (moves["group"] != NO_ANSWER)
    at = _first(np.abs(moves["change_prev"]), last & table["change_prev_significant"].to_numpy(dtype=bool), np.argmax)
    if at is None:
        return None
    return ("mover", f"{moves['group'][at]}: “{moves['label'][at]}” moved "
            f"{pct(moves['change_prev'][at], signed=True)} since the previous wave, to {pct(moves['p'][at])}",
            moves["item"][at], moves["group"][at], float(moves["change_prev"][at]), int(moves["n"][at]))


def _pay_trend(survey, metrics, *, by, focus, settings):
    if len(survey.report.waves) < 2 or PAY_SIGN not in survey.item_ids:
        return None
    pay = arrays(pay_alignment(survey, metrics, by=None, settings=settings), "suppressed", "p", "wave",
                 "incentive_share", "n")
    shown = np.flatnonzero(~pay["suppressed"])
    if len(shown) < 2:
        return None
    first, final = shown[0], shown[-1]
    text = (f"Executive pay tied to CX: {pct(pay['p'][first])} said yes in {pay['wave'][first]}, "
            f"{pct(pay['p'][final])} in {pay['wave'][final]}")
    valued = [i for i in shown if pd.notna(pay["incentive_share"][i])]  # waves the metrics cover
    if metrics is not None and len(valued) >= 2:
        start, end = valued[0], valued[-1]
        text += (f"; incentive share tied to CX {pay['incentive_share'][start]:.0f}% → "
                 f"{pay['incentive_share'][end]:.0f}%"
                 + ("" if (start, end) == (first, final) else
                    f" ({pay['wave'][start]} to {pay['wave'][end]}, the waves with unit metrics)"))
    return ("pay_trend", text, PAY_SIGN, ALL_GROUP, float(pay["p"][final] - pay["p"][first]), int(pay["n"][final]))


def _first(values: np.ndarray, where: np.ndarray, pick) -> int | None:
    """The row where ``pick`` (np.argmin or np.argmax) finds its value among the rows ``where`` is true
    and ``values`` is a number (the first such row on a tie), or None if there is none."""
    rows = np.flatnonzero(where & ~np.isnan(values))
    return int(rows[pick(values[rows])]) if len(rows) else None
