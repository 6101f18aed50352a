"""Headline findings: the few facts a leadership team should hear first, each with its number and n."""
from __future__ import annotations

import pandas as pd

from cxcommit.adjust import adjust_p
from cxcommit.commitment import commitment_index
from cxcommit.groups import ALL_GROUP, NO_ANSWER
from cxcommit.gaps import perception_gap
from cxcommit.instrument import PAY_SIGN, SIGN_IDS
from cxcommit.pay import pay_alignment
from cxcommit.rates import rates
from cxcommit.settings import Settings
from cxcommit.summary import default_grouping
from cxcommit.survey import Survey
from cxcommit.text import pct
from cxcommit.trends import trends
from cxcommit.unit_metrics import UnitMetrics
from cxcommit.variation import variation

FINDING_COLUMNS = ["rank", "kind", "headline", "item", "group", "value", "n"]


def findings(survey: Survey, metrics: UnitMetrics | None = None, *, by: str = "business_unit",
             settings: Settings = Settings(), limit: int = 6) -> pd.DataFrame:
    """The facts to lead with, ranked: columns ``rank, kind, headline, item, group, value, n``.

    Kinds: ``weakest_sign`` (lowest share organisation-wide, among the 8 signs when they are
    mapped), ``perception_gap`` (largest significant leaders-vs-staff gap), ``furthest_unit``
    (lowest mean signs met), ``disagreement`` (the item units disagree on most), ``mover`` (largest
    change since the previous wave that stays significant after Holm adjustment over all groups
    and items of the last wave), ``pay_trend`` (sign 7 from first to last wave, with the incentive share if known). Only
    shown (unsuppressed) numbers are used; a kind without data is left out. Without ``by`` in the
    survey, the first of business unit, division, region, role (or another grouping) is used.
    """
    rows = []
    by = default_grouping(survey, by)
    focus = list(SIGN_IDS) if survey.has_signs else None
    overall = rates(survey, items=focus, settings=settings)
    shares = overall[overall["p"].notna() & ~overall["suppressed"]]
    if not shares.empty:
        low = shares.loc[shares["p"].astype(float).idxmin()]
        verb = "say yes" if low["scale"] == "yes_no" else "answer favourably"
        rows.append(("weakest_sign", f"Weakest: “{low['label']}” — only {pct(low['p'])} {verb}",
                     low["item"], ALL_GROUP, float(low["p"]), int(low["n"])))
    if survey.has_signs and "role" in survey.frame and by:
        gaps = perception_gap(survey, by, settings=settings)
        gaps = gaps[~gaps["suppressed"] & (gaps["p_value"].astype(float) < 1 - settings.confidence)
                    & (gaps["group"] != NO_ANSWER)]
        if not gaps.empty:
            top = gaps.loc[gaps["gap"].astype(float).idxmax()]
            rows.append(("perception_gap",
                         f"{top['group']}: executives say yes to “{top['label']}” {pct(top['p_leaders'])}, "
                         f"their staff {pct(top['p_staff'])}", top["item"], top["group"], float(top["gap"]),
                         int(top["n_leaders"] + top["n_staff"])))
    if survey.has_signs and by:
        index = commitment_index(survey, by, settings=settings)
        index = index[~index["suppressed"] & (index["group"] != NO_ANSWER)]
        if not index.empty:
            worst = index.loc[index["mean_signs"].astype(float).idxmin()]
            rows.append(("furthest_unit", f"{worst['group']} is furthest from full commitment: "
                         f"{worst['mean_signs']:.1f} of 8 signs on average", None, worst["group"],
                         float(worst["mean_signs"]), int(worst["n"])))
    spread = variation(survey, by, items=focus, settings=settings) if by else pd.DataFrame()
    if not spread.empty and bool(spread["significant"].iat[0]):
        top = spread.iloc[0]
        who = {"business_unit": "Units", "division": "Divisions", "region": "Regions", "role": "Roles"}.get(by, "Groups")
        rows.append(("disagreement", f"{who} disagree most on “{top['label']}”: from {pct(top['min_p'])} "
                     f"({top['lowest']}) to {pct(top['max_p'])} ({top['highest']})", top["item"], None,
                     float(top["range"]), int(top["n"])))
    if len(survey.report.waves) >= 2:
        moves = trends(survey, by, items=focus, settings=settings)
        last = moves[(moves["wave"] == survey.report.waves[-1]) & (moves["group"] != NO_ANSWER)].copy()
        last["p_adj"] = adjust_p(last["change_prev_p"].to_numpy(dtype=float), "holm")
        last = last[last["p_adj"] < 1 - settings.confidence]
        if not last.empty:
            move = last.loc[last["change_prev"].abs().idxmax()]
            rows.append(("mover", f"{move['group']}: “{move['label']}” moved {pct(move['change_prev'], signed=True)} "
                         f"since the previous wave, to {pct(move['p'])}", move["item"], move["group"],
                         float(move["change_prev"]), int(move["n"])))
        if PAY_SIGN in survey.item_ids:
            pay = pay_alignment(survey, metrics, by=None, settings=settings)
            pay = pay[~pay["suppressed"]]
            if len(pay) >= 2:
                first, last_wave = pay.iloc[0], pay.iloc[-1]
                text = (f"Executive pay tied to CX: {pct(first['p'])} said yes in {first['wave']}, "
                        f"{pct(last_wave['p'])} in {last_wave['wave']}")
                if metrics is not None and pd.notna(last_wave["incentive_share"]):
                    text += (f"; incentive share tied to CX {first['incentive_share']:.0f}% → "
                             f"{last_wave['incentive_share']:.0f}%")
                rows.append(("pay_trend", text, PAY_SIGN, ALL_GROUP,
                             float(last_wave["p"] - first["p"]), int(last_wave["n"])))
    table = pd.DataFrame(rows, columns=FINDING_COLUMNS[1:]).head(limit)
    table.insert(0, "rank", range(1, len(table) + 1))
    table["n"] = table["n"].astype("Int64")
    return table
