"""Headline findings: the few facts a leadership team should hear first, each with its number and n."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.gaps import perception_gap
from cxcommit.analyses.extremes import change_variance, extreme
from cxcommit.analyses.favourability import favourability
from cxcommit.analyses.groups import ALL_GROUP, NO_ANSWER, sorted_codes
from cxcommit.analyses.pay import pay_alignment
from cxcommit.analyses.summary import default_grouping
from cxcommit.analyses.tables import arrays, item_scales, one_scale
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import end_name, variation
from cxcommit.instrument.items import PAY_SIGN, SIGN_IDS
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import is_own
from cxcommit.settings import Settings
from cxcommit.stats.shrinkage import shrink
from cxcommit.text import counted, name_list, pct

FINDING_COLUMNS = ["rank", "kind", "headline", "item", "group", "value", "n", "base"]
_GROUP_WORDS = {"business_unit": "unit", "division": "division", "region": "region", "role": "role"}


def findings(survey: Survey, metrics: UnitMetrics | None = None, *, by: str = "business_unit",
             settings: Settings = Settings(), limit: int = 6) -> pd.DataFrame:
    """The facts to lead with, ranked: columns ``rank, kind, headline, item, group, value, n, base``.

    ``n`` is the answers the finding rests on; where it compares two sides (executives and their
    staff, one wave and another) the smaller side's, and ``base`` says both ("n = 5 executives,
    164 staff"): a share of 5 people is never shown as resting on 169. ``weakest_sign`` is the
    latest wave shown, as the favourable bar per item it links to
    (:func:`cxcommit.analyses.favourability.favourability`, the same shares and n), and its headline
    names the wave; the other kinds take the waves chosen together.

    Kinds: ``weakest_sign`` (lowest share organisation-wide in the latest wave among items whose
    favourable share means the same: the 8 signs when they are mapped, otherwise the items of the
    most common scale, :func:`cxcommit.analyses.tables.one_scale`;
    the headline says what favourable means), ``perception_gap`` (largest leaders-vs-staff gap that
    holds after Holm adjustment and reaches the smallest difference that matters),
    ``furthest_unit`` (lowest empirical-Bayes estimate of mean signs met), ``disagreement`` (the
    item units disagree on most, net of chance: ω²), ``mover`` (largest empirical-Bayes estimate of
    a change in the last wave since the previous one, among the changes that hold after Holm
    adjustment over every change of the breakdown, reach the smallest difference that matters and
    whose estimate's interval excludes 0), ``pay_trend`` (sign 7 from first to last wave, with the
    incentive share if known; "no change beyond chance" unless the change holds: the trends'
    ``change_first_significant``). The furthest unit and the mover come with their interval and with
    the groups tied with them (:mod:`cxcommit.analyses.extremes`); ``value`` is then the shrunken
    estimate. Where every unit is tied, the furthest unit names none. Only
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
                          **{name: [row[i] for row in rows] for i, name in enumerate(FINDING_COLUMNS[1:-1])}})
    table["n"] = table["n"].astype("Int64")
    table["base"] = [row[6] if len(row) > 6 else f"n = {row[5]:,}" for row in rows]
    return table


# Each finder returns one row (kind, headline, item, group, value, n[, base]), or None when its kind has no
# data; without a base, "n = {n}".

def _weakest_sign(survey, metrics, *, by, focus, settings):
    """The lowest favourable share in the latest wave shown, from the table of the chart the
    finding links to (:func:`cxcommit.analyses.favourability.favourability`)."""
    table, _, among = one_scale(favourability(survey, items=focus, settings=settings), item_scales(survey))
    if table.empty:  # no item with a favourable answer, or no wave with enough respondents
        return None
    if focus:
        among = ""
    overall = arrays(table, "favourable", "suppressed", "label", "item", "n")
    at = _first(overall["favourable"], ~overall["suppressed"], np.argmin)
    if at is None:
        return None
    p = overall["favourable"]
    tied = np.flatnonzero(~overall["suppressed"] & np.isclose(p, p[at], rtol=1e-12, atol=0))
    labels = name_list([f"“{overall['label'][i]}”" for i in tied])
    scale = survey.item(overall["item"][at]).scale
    favourable = _favourable_words(scale, named=among.endswith(f" on the {scale.points}-point scale"))
    among = f" (the weakest {among})" if among else ""
    return ("weakest_sign", f"Weakest in {table['wave'].iat[0]}: {labels}{' (tied)' if len(tied) > 1 else ''} — only "
            f"{pct(p[at])} {favourable}{among}", overall["item"][at], ALL_GROUP, float(p[at]), int(overall["n"][at]))


def _favourable_words(scale, named: bool = False) -> str:
    """What the favourable share counts, in words: ``say yes``, ``answer 4–5 on the 5-point scale``,
    ``answer 1–2 on the reverse-worded 5-point scale`` (``answer 4–5`` where the sentence names the
    scale already: ``named``)."""
    if scale.kind == "yes_no":
        return f"say {scale.favourable_text()}"
    top = scale.favourable_text()
    if scale.kind == "nps":
        return f"are promoters ({top})"
    reverse = scale.direction == "lower"
    if named:
        return f"answer {top}" + (" (reverse-worded)" if reverse else "")
    return f"answer {top} on the {'reverse-worded ' if reverse else ''}{scale.points}-point scale"


def _perception_gap(survey, metrics, *, by, focus, settings):
    if not (survey.has_signs and "role" in survey.frame and by):
        return None
    table = perception_gap(survey, by, settings=settings)
    gaps = arrays(table, "gap", "suppressed", "group", "label", "p_leaders", "p_staff", "item", "n_leaders", "n_staff")
    at = _first(gaps["gap"], table["significant"].to_numpy(dtype=bool) & (gaps["group"] != NO_ANSWER)
                & is_own(survey, by, gaps["group"]), np.argmax)
    if at is None:
        return None
    leaders, staff = int(gaps["n_leaders"][at]), int(gaps["n_staff"][at])
    return ("perception_gap",
            f"{gaps['group'][at]}: executives say yes to “{gaps['label'][at]}” {pct(gaps['p_leaders'][at])}, "
            f"their staff {pct(gaps['p_staff'][at])}", gaps["item"][at], gaps["group"][at],
            float(gaps["gap"][at]), min(leaders, staff), f"n = {counted(leaders, 'executive')}, {staff:,} staff")


def _furthest_unit(survey, metrics, *, by, focus, settings):
    """The unit with the lowest shrunken mean signs met (:mod:`cxcommit.analyses.extremes`), with
    its interval and the units tied with it."""
    if not (survey.has_signs and by):
        return None
    index = arrays(commitment_index(survey, by, settings=settings), "mean_signs", "mean_ci_high", "suppressed",
                   "group", "n")
    mean, n = index["mean_signs"], index["n"]
    with np.errstate(invalid="ignore", divide="ignore"):  # the t interval's half width over its quantile
        se = (index["mean_ci_high"] - mean) / special.stdtrit(n - 1, 1 - (1 - settings.confidence) / 2)
    shown = ~index["suppressed"] & (index["group"] != NO_ANSWER) & (se > 0)
    fit = shrink(np.where(shown, mean, np.nan), se**2, confidence=settings.confidence)
    named = shown & is_own(survey, by, index["group"])  # a merged remainder is never named
    far = extreme(fit, index["group"], named, pick="lowest")
    if far is None:
        return None
    if far.is_tie and len(far.tied) == int(named.sum()):  # nobody stands apart
        return ("furthest_unit", f"No {_GROUP_WORDS.get(by, 'group')} stands out as furthest from full commitment: "
                f"all {len(far.tied)} are too close to tell apart (about {far.estimate:.1f} of 8 signs on average "
                f"at the lowest)", None, None, far.estimate, int(n[shown].sum()))
    who = f"{far.names} (tied) are" if far.is_tie else f"{far.names} is"
    for_whom = f" for {index['group'][far.at]}" if far.is_tie else ""
    return ("furthest_unit", f"{who} furthest from full commitment: about {far.estimate:.1f} of 8 signs on "
            f"average{for_whom} (likely {far.low:.1f} to {far.high:.1f})", None, index["group"][far.at],
            far.estimate, int(n[far.at]))


def _disagreement(survey, metrics, *, by, focus, settings):
    spread = variation(survey, by, items=focus, settings=settings) if by else pd.DataFrame()
    if spread.empty or not bool(spread["significant"].iat[0]):
        return None
    top = spread.iloc[0]
    who = _GROUP_WORDS.get(by, "group").capitalize() + "s"
    ends = {end: end_name(top, end) for end in ("lowest", "highest")}
    return ("disagreement", f"{who} disagree most on “{top['label']}”: from {pct(top['min_p'])} "
            f"({ends['lowest']}) to {pct(top['max_p'])} ({ends['highest']})", top["item"], None,
            float(top["range"]), int(top["n"]))


def _mover(survey, metrics, *, by, focus, settings):
    """The largest shrunken change since the previous wave among the changes that are significant
    (``change_prev_significant`` of :func:`cxcommit.analyses.trends.trends`) and whose estimate's
    interval excludes 0, with that interval and the moves tied with it."""
    if len(survey.report.waves) < 2:
        return None
    table = trends(survey, by, items=focus, settings=settings)
    moves = arrays(table, "wave", "prev_wave", "group", "change_prev", "label", "p", "item", "n", "k")
    last = np.flatnonzero((moves["wave"] == survey.report.waves[-1]) & (moves["group"] != NO_ANSWER)
                          & ~np.isnan(moves["change_prev"]))
    if not len(last):
        return None
    significant = table["change_prev_significant"].to_numpy(dtype=bool)[last]  # Holm and the minimum difference
    k_before, n_before = _previous(moves, last)
    fit = shrink(moves["change_prev"][last], change_variance(moves["k"][last], moves["n"][last], k_before, n_before),
                 sorted_codes(moves["item"][last]), confidence=settings.confidence)
    clear = significant & ((fit.low > 0) | (fit.high < 0))  # and the estimate net of chance is clear of 0
    where = [f"{moves['group'][i]} on “{moves['label'][i]}”" for i in last]
    top = extreme(fit, where, clear & is_own(survey, by, moves["group"][last]), pick="largest")
    if top is None:
        return None
    at = last[top.at]
    tied = f"; as large, within its interval: {name_list(where[i] for i in top.tied[1:])}" if top.is_tie else ""
    return ("mover", f"{moves['group'][at]}: “{moves['label'][at]}” moved about "
            f"{pct(top.estimate, signed=True)} since {moves['prev_wave'][at]} (likely {top.low * 100:+.0f} to "
            f"{top.high * 100:+.0f} points), to {pct(moves['p'][at])}{tied}",
            moves["item"][at], moves["group"][at], top.estimate, int(min(moves["n"][at], n_before[top.at])),
            f"n = {int(n_before[top.at]):,} in {moves['prev_wave'][at]}, {int(moves['n'][at]):,} in {moves['wave'][at]}")


def _previous(moves: dict, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``rows`` of a trends table, ``k`` and ``n`` of the row their change is measured against:
    the same item and group's shown row before (the table runs item, group, wave in time)."""
    shown = np.flatnonzero(~np.isnan(moves["p"]))
    before = np.r_[-1, shown[:-1]][np.searchsorted(shown, rows)]
    return moves["k"][before].astype(float), moves["n"][before].astype(float)


def _pay_trend(survey, metrics, *, by, focus, settings):
    if len(survey.report.waves) < 2 or PAY_SIGN not in survey.item_ids:
        return None
    pay = arrays(pay_alignment(survey, metrics, by=None, settings=settings), "suppressed", "p", "wave",
                 "incentive_share", "n", "change_first_significant")
    shown = np.flatnonzero(~pay["suppressed"])
    if len(shown) < 2:
        return None
    first, final = shown[0], shown[-1]
    moved = bool(pay["change_first_significant"][final])  # Holm over the breakdown's changes, at least the minimum
    text = (f"Executive pay tied to CX: {pct(pay['p'][first])} said yes in {pay['wave'][first]}, "
            f"{pct(pay['p'][final])} in {pay['wave'][final]}{'' if moved else ' (no change beyond chance)'}")
    valued = [i for i in shown if pd.notna(pay["incentive_share"][i])]  # waves the metrics cover
    if metrics is not None and len(valued) >= 2:
        start, end = valued[0], valued[-1]
        text += (f"; incentive share tied to CX {pay['incentive_share'][start]:.0f}% → "
                 f"{pay['incentive_share'][end]:.0f}%"
                 + ("" if (start, end) == (first, final) else
                    f" ({pay['wave'][start]} to {pay['wave'][end]}, the waves with unit metrics)"))
    return ("pay_trend", text, PAY_SIGN, ALL_GROUP, float(pay["p"][final] - pay["p"][first]),
            int(min(pay["n"][first], pay["n"][final])),
            f"n = {int(pay['n'][first]):,} in {pay['wave'][first]}, {int(pay['n'][final]):,} in {pay['wave'][final]}")


def _first(values: np.ndarray, where: np.ndarray, pick) -> int | None:
    """The row where ``pick`` (np.argmin or np.argmax) finds its value among the rows ``where`` is true
    and ``values`` is a number (the first such row on a tie), or None if there is none."""
    rows = np.flatnonzero(where & ~np.isnan(values))
    return int(rows[pick(values[rows])]) if len(rows) else None
