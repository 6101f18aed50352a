"""One-line takeaway titles for the deck's slides: what a leader should read off each chart,
from the shown (not suppressed) rows of the table behind it, one function per chapter of the story
(:data:`cxcommit.story.chapters.CHAPTERS`). Empty when nothing is shown.

A title states a difference, a move or a relation only where it holds: adjusted for the number of
tests it was picked from (Holm 1979, the family named at each function), at least the smallest
difference that matters (``Settings.min_difference``: 5 points for shares, and for the mean number of
signs met that share of the 8 signs, 0.4 signs) and, for relations across units, on at least
:data:`cxcommit.analyses.pay.MIN_UNITS` units. Otherwise the chart still shows the numbers and the
title says what is known: "no group moved by more than chance and 5 points", "too few units to tell".
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.analyses.pay import MIN_UNITS
from cxcommit.analyses.tables import one_scale
from cxcommit.analyses.variation import end_name
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.settings import Settings
from cxcommit.stats.adjust import adjust_p
from cxcommit.stats.means import standard_error, welch_test
from cxcommit.story.report_text import points_text
from cxcommit.text import name_list, pct, points
from cxcommit.vocabulary import column_label, one_group


def _shown(table: pd.DataFrame, column: str) -> pd.DataFrame:
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    return shown[shown[column].notna()].assign(_v=lambda t: t[column].astype(float))


def _signs_only(table: pd.DataFrame) -> bool:
    """True when every item of the table is one of the 8 signs (yes/no questions): the takeaway says
    "sign" and "yes"; else "item" and "favourable"."""
    return "item" in table and table["item"].isin(SIGN_IDS).all()


def _points(settings: Settings) -> str:
    return points_text(settings.min_difference)


def _signs_that_matter(settings: Settings) -> float:
    """The smallest difference in mean signs met (of 8) that matters: the minimum difference of a
    share, on each of the 8 signs."""
    return settings.min_difference * len(SIGN_IDS)


def takeaway(slide, min_group_size: int = 5) -> str:
    """The slide's message in one line (its title where no message can be read off the table).

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> from cxcommit.story.slides import deck
    >>> [takeaway(s) for s in deck(load_demo(), load_demo_metrics())][1]
    'Digital leads on commitment (5.1 of 8 signs); Operations trails (2.4)'
    """
    return slide.takeaway or slide.title


def _mean_holds(first: pd.Series, second: pd.Series, tests: int, settings: Settings) -> bool:
    """Whether two groups' mean signs met differ by Welch's t test (standard errors from the rows'
    t intervals), Bonferroni-adjusted for the ``tests`` the pair was picked from, and by at least
    :func:`_signs_that_matter`."""
    se = [standard_error(row["mean_signs"], row["mean_ci_high"], row["n"], settings.confidence) for row in (first, second)]
    diff, p = welch_test(first["mean_signs"], se[0], first["n"], second["mean_signs"], se[1], second["n"])
    return bool(min(p * tests, 1.0) < 1 - settings.confidence) and abs(float(diff)) >= _signs_that_matter(settings)


def commitment(table: pd.DataFrame, settings: Settings = Settings(), pooled=()) -> str:
    """The group highest and the group lowest on mean signs met, where they differ: Welch's test,
    Bonferroni over the g(g − 1)/2 pairs of groups (the two were picked as the extremes). ``pooled``:
    groups publishing merged from small ones ("Other divisions"), never named leading or trailing."""
    shown = _shown(table, "mean_signs").sort_values("_v")
    shown = shown[~shown["group"].isin(list(pooled))]
    if len(shown) < 2:
        return ""
    best, worst = shown.iloc[-1], shown.iloc[0]
    if not _mean_holds(best, worst, len(shown) * (len(shown) - 1) // 2, settings):
        return (f"No group leads on commitment by more than chance and {_signs_that_matter(settings):.1f} signs "
                f"({best['group']} {best['_v']:.1f}, {worst['group']} {worst['_v']:.1f} of 8)")
    return (f"{best['group']} leads on commitment ({best['_v']:.1f} of 8 signs); "
            f"{worst['group']} trails ({worst['_v']:.1f})")


def signs(table: pd.DataFrame, settings: Settings = Settings(), scales: dict | None = None,
          everyone: dict | None = None) -> str:
    """The weakest and the strongest item organisation-wide, among items whose favourable answer
    means the same (one scale, :func:`cxcommit.analyses.tables.one_scale` with ``scales``, as the
    Overview's finding narrows them: a yes is not a top box); items within the minimum difference
    of the weakest are named with it, as a tie. Each item's share is among everyone (``everyone``:
    :func:`cxcommit.analyses.rates.everyone_shares`, as the Overview's bars give it), else pooled
    over the shown groups of ``table``."""
    shown = _shown(table, "p")
    if shown.empty:
        return ""
    part, scale, among = one_scale(shown, scales)
    among = f" {among}" if among else ""
    pooled = part.groupby("label", sort=False).apply(lambda t: t["k"].astype(float).sum() / t["n"].astype(float).sum(),
                                                     include_groups=False)
    if everyone:
        pooled = pd.Series({label: everyone.get(label, share) for label, share in pooled.items()})
    pooled = pooled.sort_values(kind="stable")
    noun = "sign" if _signs_only(table) else "item"
    answer = "yes" if noun == "sign" or scale == "yes_no" else "favourable"
    tied = pooled[pooled - pooled.iloc[0] < settings.min_difference].index[:3]
    if len(tied) > 1 and len(tied) < len(pooled):
        weakest = " and ".join(f"“{label}”" for label in tied)
        return (f"Weakest{among or ' ' + noun + 's'}, within {_points(settings)}: {weakest} "
                f"({pct(pooled.iloc[0])}–{pct(pooled[tied].max())} {answer}); strongest: “{pooled.index[-1]}” "
                f"({pct(pooled.iloc[-1])})")
    return (f"Weakest{among or ' ' + noun}: “{pooled.index[0]}” ({pct(pooled.iloc[0])} {answer}); "
            f"strongest: “{pooled.index[-1]}” ({pct(pooled.iloc[-1])})")


def variation(table: pd.DataFrame, groups: str = "groups", settings: Settings = Settings(),
              standouts: pd.DataFrame | None = None) -> str:
    """The item the groups disagree on most among those where they differ (the table's
    ``significant``: Holm over the items) by at least the minimum difference from lowest to highest.
    Else what is known, in the words of the heatmap (``standouts``: the rows of
    :func:`cxcommit.analyses.rates.rates` by the same groups that differ from the rest and hold,
    largest first): the group that stands out, or that none does."""
    noun = "sign" if _signs_only(table) else "item"
    real = table[table["significant"].astype(bool) & (table["range"].astype(float) >= settings.min_difference)]
    if not real.empty:
        top = real.iloc[0]
        return (f"{groups[:1].upper() + groups[1:]} disagree most on “{top['label']}”: from {pct(top['min_p'])} "
                f"({end_name(top, 'lowest')}) to {pct(top['max_p'])} ({end_name(top, 'highest')})")
    if standouts is not None and len(standouts):
        top = standouts.iloc[0]
        return (f"No {noun} splits the {groups} beyond chance; {top['group']} stands out on “{top['label']}” "
                f"({pct(top['diff'], signed=True)} against the rest)")
    if table["significant"].astype(bool).any():
        return f"{groups[:1].upper() + groups[1:]} differ by less than {_points(settings)} on every {noun}"
    return f"No {one_group(groups)} stands out from the rest on any {noun} by more than chance and {_points(settings)}"


def marked_groups(rates_table: pd.DataFrame) -> dict[str, str]:
    """Per item, the groups a rates table marks as differing from the rest (its ``significant``, as
    the heatmap marks them), largest difference first, in words; items with none left out.

    >>> table = pd.DataFrame({"item": ["a", "a", "a", "b"], "group": ["X", "Y", "Z", "X"],
    ...                       "diff": [0.1, -0.3, 0.0, 0.2], "significant": [True, True, False, False]})
    >>> marked_groups(table)
    {'a': 'Y and X'}
    """
    shown = _shown(rates_table, "diff")
    shown = shown[shown["significant"].fillna(False).astype(bool).to_numpy()]
    shown = shown.assign(_size=shown["_v"].abs()).sort_values("_size", ascending=False, kind="stable")
    return {item: name_list(part["group"]) for item, part in shown.groupby("item", sort=False)}


def standouts(rates_table: pd.DataFrame, settings: Settings = Settings(), pooled=()) -> pd.DataFrame:
    """The shown rows of a rates table that differ from the rest and hold for a title (its
    ``confirmed``: Holm over the whole breakdown and at least the minimum difference; where the table
    has none, its ``p_adj`` below 1 − confidence and the minimum difference), largest difference first.
    ``pooled``: groups publishing merged from small ones ("Other regions"), never named: no one can
    act on a remainder."""
    shown = _shown(rates_table, "diff")
    shown = shown[~shown["group"].isin(list(pooled))]
    if "confirmed" in shown:
        holds = shown["confirmed"].fillna(False).astype(bool)
    else:
        holds = (shown["p_adj"].astype(float) < 1 - settings.confidence) & (shown["_v"].abs() >= settings.min_difference)
    return shown[holds.to_numpy()].sort_values("_v", key=abs, ascending=False)


def _confirmed(table: pd.DataFrame, p_column: str, size_column: str, settings: Settings) -> np.ndarray:
    """Rows that hold: the table's ``confirmed`` where it has one, else Holm over the rows' ``p_column``
    below 1 − confidence and ``size_column`` at least the minimum difference."""
    if "confirmed" in table:
        return table["confirmed"].fillna(False).astype(bool).to_numpy()
    p_holm = adjust_p(table[p_column].to_numpy(dtype=float), "holm")
    size = np.abs(table[size_column].to_numpy(dtype=float))
    return (p_holm < 1 - settings.confidence) & (size >= settings.min_difference)


def perception_gap(table: pd.DataFrame, settings: Settings = Settings()) -> str:
    """The largest gap where executives see more than their staff and the gap holds: the table's
    ``significant`` (Holm over every gap of the breakdown and at least the minimum difference;
    without it, Holm over the shown gaps' ``p_value``)."""
    shown = _shown(table, "gap")
    if shown.empty:
        return ""
    holds = (shown["significant"].fillna(False).astype(bool).to_numpy() if "significant" in shown
             else _confirmed(shown, "p_value", "gap", settings))
    real = shown[holds & (shown["_v"] > 0).to_numpy()]
    noun = "sign" if _signs_only(table) else "item"
    if real.empty:
        return (f"Executives see no {noun} more favourably than their staff by more than chance and "
                f"{_points(settings)} (largest gap {pct(shown['_v'].max(), signed=True)})")
    top = real.loc[real["_v"].idxmax()]
    return (f"Executives see “{top['label']}” {points(top['_v'], short=False)} more favourably than their staff "
            f"({pct(top['p_leaders'])} against {pct(top['p_staff'])})")


def gap_to_target(table: pd.DataFrame, settings: Settings = Settings()) -> str:
    """The chart's top bar: the item furthest from everyone answering favourably (a yes, or a scale's
    favourable answers), ranked as :func:`cxcommit.charts.gap_bars` ranks its bars (mean gap per
    label, every kind of scale on one axis of points short). Items whose gap rounds to the same whole
    points as the top bar's are named with it, as a tie, in the chart's order from the top.

    >>> table = pd.DataFrame({"item": ["a", "b", "c"], "label": ["A", "B", "C"], "gap": [0.5, 0.682, 0.679]})
    >>> gap_to_target(table)
    'Furthest from everyone answering favourably: “B” and “C”, tied at 68 points short'
    """
    shown = _shown(table, "gap")
    if shown.empty:
        return ""
    gaps = shown.groupby("label", sort=False)["_v"].mean().sort_values(kind="stable").iloc[::-1]
    points = np.array([f"{v * 100:.0f}" for v in gaps])  # as the bars' numbers say them
    tied = gaps.index[points == points[0]]
    named = name_list([f"“{label}”" for label in tied])
    short = f"{named}, {'tied at ' if len(tied) > 1 else ''}{points[0]} points short"
    if not _signs_only(table):
        return f"Furthest from everyone answering favourably: {short}"
    return f"Furthest from full commitment: {short} of everyone saying yes"


def _ends(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each group's first and last shown wave (groups shown in two waves or more): ``group, first,
    last`` and the first and last rows' columns with suffixes ``_first`` and ``_last``."""
    shown = _shown(table, column)
    by = shown.groupby("group", sort=False)
    ends = by.head(1).merge(by.tail(1), on="group", suffixes=("_first", "_last"))
    ends = ends.merge(by.size().rename("waves").reset_index(), on="group")
    return ends[ends["wave_first"] != ends["wave_last"]].reset_index(drop=True)


def _span(ends: pd.DataFrame) -> tuple[str, str]:
    """The waves the moves run between: those of the group shown in the most waves (the first such)."""
    row = ends.loc[ends["waves"].idxmax()]
    return str(row["wave_first"]), str(row["wave_last"])


def pay(table: pd.DataFrame, settings: Settings = Settings()) -> str:
    """The group whose sign 7 moved most from its first to its last shown wave among moves that hold
    (``change_first_significant``: the score test of the two waves, Holm over every change of the
    breakdown, and at least the minimum difference; without it, Holm over the groups' ``change_first_p``),
    its two shares said as the finding says them (:mod:`cxcommit.analyses.findings`: "20% said yes in
    2025-Q2, 31% in 2026-Q3"). Empty with fewer than two waves: no move to speak of."""
    ends = _ends(table, "p")
    if ends.empty:
        return ""
    first, last = _span(ends)
    change = ends["_v_last"] - ends["_v_first"]
    moves = pd.DataFrame({"p": ends["change_first_p_last"], "d": change})
    if "change_first_significant_last" in ends:
        moves["confirmed"] = ends["change_first_significant_last"].to_numpy()
    real = _confirmed(moves, "p", "d", settings)
    if not real.any():
        return f"Pay tied to CX held steady from {first} to {last}: no group moved by more than chance and {_points(settings)}"
    at = np.flatnonzero(real)[np.argmax(np.abs(change.to_numpy()[real]))]
    row = ends.iloc[at]
    direction = "rose" if change.iat[at] > 0 else "fell"
    return (f"Pay tied to CX {direction} most in {row['group']}: {pct(row['_v_first'])} said yes in "
            f"{row['wave_first']}, {pct(row['_v_last'])} in {row['wave_last']}")


def index_waves(table: pd.DataFrame, settings: Settings = Settings()) -> str:
    """The group whose mean signs met moved most from its first to its last shown wave among moves
    that hold (Welch's test of the two waves, Bonferroni over the groups, at least 0.4 signs)."""
    ends = _ends(table, "mean_signs")
    if ends.empty:
        return ""
    first, last = _span(ends)
    holds = [_mean_holds(*(pd.Series({name: row[f"{name}_{end}"] for name in ("mean_signs", "mean_ci_high", "n")})
                           for end in ("last", "first")), len(ends), settings) for _, row in ends.iterrows()]
    change = (ends["_v_last"] - ends["_v_first"]).to_numpy()
    if not any(holds):
        return (f"Commitment held steady from {first} to {last}: no group moved by more than chance and "
                f"{_signs_that_matter(settings):.1f} signs")
    at = np.flatnonzero(holds)[np.argmax(np.abs(change[holds]))]
    row = ends.iloc[at]
    direction = "rose" if change[at] > 0 else "fell"
    return (f"Commitment {direction} most in {row['group']}: {row['_v_first']:.1f} of 8 signs met in "
            f"{row['wave_first']}, {row['_v_last']:.1f} in {row['wave_last']}")


def _measure(column: str) -> str:
    """A column's label inside a sentence: "executive incentive tied to CX" (no unit)."""
    label = column_label(column).removesuffix(" (%)")
    return label[:1].lower() + label[1:] if not label[:2].isupper() else label


def outcomes(relation: dict | None, settings: Settings = Settings()) -> str:
    """How the outcome goes with pay alignment across units (:func:`cxcommit.analyses.pay.unit_fit`
    with the family's Holm p-value): stated only on at least 10 units and where it holds."""
    if relation is None or not relation["n"]:
        return ""
    x, y, n = relation["x"], relation["y"], int(relation["n"])
    if not relation["enough_units"]:
        return (f"Too few units to tell how {_measure(x)} goes with {column_label(y)} "
                f"({n} unit{'s' if n != 1 else ''}; at least {MIN_UNITS} needed)")
    if pd.isna(relation["r"]):
        return ""
    if not relation["p_holm"] < 1 - settings.confidence:
        return (f"No clear relation between {_measure(x)} and {column_label(y)} across {n} units "
                f"(r = {relation['r']:.2f}, within chance)")
    strength = "strongly " if abs(relation["r"]) >= 0.5 else ""
    way = "higher" if relation["r"] > 0 else "lower"
    who = "Units that tie more incentive to CX" if "incentive" in x.lower() else f"Units with more {_measure(x)}"
    return f"{who} have {strength}{way} {column_label(y)} (r = {relation['r']:.2f}, {n} units)"
