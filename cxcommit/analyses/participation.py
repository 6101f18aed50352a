"""Participation: respondents as a share of the people a unit had in a wave (the response rate).

The headcount comes from the unit metrics (a column named like headcount, employees or invited,
:attr:`cxcommit.io.unit_metrics.UnitMetrics.headcount`); respondents are counted in the published
survey, so a unit reported within "Other units of …" (fewer than the minimum group size) has no
rate of its own, and no rate is shown for a cell of fewer than the minimum respondents: its
respondents could be read off rate × headcount.

A rate below :data:`LOW_PARTICIPATION` (75%) is flagged low: engagement-survey practice treats
75–80% as a healthy response rate, and below it the units that did not answer may differ from
those that did (non-response bias; Baruch & Holtom 2008, *Human Relations* 61(8), 1139–1160,
report a mean organisational response rate of 35.7 % for surveys of outsiders but far higher for
internal census surveys, which vendors benchmark at 75–85 %).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.errors import NotApplicable
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import generalised_values
from cxcommit.settings import Settings
from cxcommit.text import ALL_GROUP

LOW_PARTICIPATION = 0.75
PARTICIPATION_COLUMNS = ["group", "wave", "respondents", "headcount", "rate", "low", "units", "units_without_headcount",
                         "suppressed"]


def participation(survey: Survey, metrics: UnitMetrics | None, by: str | None = "business_unit", *,
                  settings: Settings = Settings()) -> pd.DataFrame:
    """Response rate per group and wave: respondents / headcount.

    Parameters
    ----------
    survey : the published (and possibly filtered) survey.
    metrics : unit metrics with a headcount column.
    by : ``"business_unit"``, ``"division"`` or None (the whole organisation, ``All respondents``).

    Returns
    -------
    One row per group and wave shown (waves in time order within each group):

    - ``group``, ``wave``;
    - ``respondents``: people of the group who answered in the wave (null when suppressed);
    - ``headcount``: the group's headcount in the wave (a division's or the organisation's: the sum
      over its units in the unit metrics, including units reported within "Other units of …");
    - ``rate``: respondents / headcount (may exceed 1 when the headcount is out of date);
    - ``low``: ``rate`` below :data:`LOW_PARTICIPATION`;
    - ``units``: units with a headcount counted in ``headcount``; ``units_without_headcount``:
      units with respondents in the wave but no headcount (the rate is then null: it would be
      overstated). Respondents that publishing reported within "Other divisions" are not counted in
      their division, which is then slightly understated;
    - ``suppressed``: fewer than the minimum group size answered, or the unit is reported only
      within another group: ``respondents`` and ``rate`` are null.

    ``table.attrs["outside"]``: per wave, the respondents in no row (see :func:`_outside`), so a
    chart can say why its bars add up to fewer than the wave's respondents.

    Respondents are everyone of the group, whatever their role or region: a survey filtered by role
    or region would be set against the whole unit's headcount, so the dashboard shows participation
    only under filters of the division, business unit and wave (:func:`participation_applies`).

    Raises :class:`~cxcommit.errors.NotApplicable` without unit metrics, a headcount column or
    business units in the survey.

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> table = participation(load_demo(), load_demo_metrics(), "division")
    >>> list(table.columns) == PARTICIPATION_COLUMNS, bool(table["rate"].between(0, 1).all())
    (True, True)
    """
    _require(survey, metrics, by)
    waves = list(survey.codes("wave")[1])
    counts = _respondents(survey, [by] if by else [])
    units = _unit_frame(survey, metrics, waves)
    others = units["business_unit"].isin(generalised_values(survey, "business_unit"))
    if by == "business_unit":  # "Other units of …" is no unit: its units' headcounts are in their own rows
        units = units[~others]
    units = units.assign(group=units[by] if by else ALL_GROUP, has=units["headcount"].notna(),
                         lacks=units["headcount"].isna() & ~others)
    heads = units.groupby(["group", "wave"], observed=True).agg(headcount=("headcount", "sum"), units=("has", "sum"),
                                                                 missing=("lacks", "sum"))
    heads.index = heads.index.set_levels([level.astype(str) for level in heads.index.levels])
    counts.index = counts.index.set_levels([level.astype(str) for level in counts.index.levels])
    table = counts.to_frame().join(heads, how="outer").reset_index()
    if by:  # "Other units of …", "Other divisions": no group with a headcount of its own
        table = table[~table["group"].isin(generalised_values(survey, by))]
    out = _rates(table, waves, settings.min_group_size)
    out.attrs["outside"] = _outside(survey, by, counts)
    return out


def _outside(survey: Survey, by: str | None, counts: pd.Series) -> dict:
    """Respondents of each wave in no row of the table: ``{wave: {"pooled": {"Other divisions": 14},
    "without": 2}}``: those reported within an "Other …" group (no headcount of its own) and those
    without a value of ``by``; a wave with neither is left out."""
    if not by:
        return {}
    total = _respondents(survey, []).groupby(level="wave", observed=True).sum()
    total.index = total.index.astype(str)
    pooled = counts[counts.index.get_level_values("group").isin(generalised_values(survey, by))]
    grouped = counts.groupby(level="wave", observed=True).sum()
    outside = {}
    for wave, n in total.items():
        parts = {"pooled": {str(g): int(k) for (g, w), k in pooled.items() if w == wave and k},
                 "without": int(n - grouped.get(wave, 0))}
        if parts["pooled"] or parts["without"]:
            outside[wave] = parts
    return outside


def _require(survey: Survey, metrics: UnitMetrics | None, by: str | None) -> None:
    if by not in ("business_unit", "division", None):
        raise NotApplicable(f"Participation is counted per business unit or division, not per {by!r}.",
                            hint="Choose business unit or division.")
    if metrics is None or metrics.headcount is None:
        raise NotApplicable("Participation needs each unit's headcount per wave.",
                            hint="Add a column named headcount (or employees, invited) to the unit metrics.")
    if "business_unit" not in survey.groupings or (by == "division" and "division" not in survey.groupings):
        raise NotApplicable("Participation needs the business unit of each respondent, to join the headcounts.",
                            hint="Map the business unit column on the Data page.")


def _respondents(survey: Survey, by: list[str]) -> pd.Series:
    """Respondents per group and wave (``group``, ``wave`` index), from the category codes."""
    names = [*by, "wave"]
    coded = [survey.codes(name) for name in names]
    keep = np.logical_and.reduce([codes >= 0 for codes, _ in coded])
    frame = pd.DataFrame({name: pd.Categorical.from_codes(codes[keep], labels)
                          for name, (codes, labels) in zip(names, coded)})
    counts = frame.groupby(names, observed=True).size()
    counts.index = counts.index.set_names(["group", "wave"]) if by else pd.MultiIndex.from_arrays(
        [np.full(len(counts), ALL_GROUP), counts.index], names=["group", "wave"])
    return counts.rename("respondents")


def _unit_frame(survey: Survey, metrics: UnitMetrics, waves: list[str]) -> pd.DataFrame:
    """The unit metrics' headcounts in the waves shown, each unit with its division (the metrics' own,
    else the survey's), the units of every respondent's unit included (a unit without a headcount
    row has a null headcount)."""
    frame = metrics.frame[metrics.frame["wave"].isin(waves)][["business_unit", "wave", metrics.headcount]
                                                            + (["division"] if "division" in metrics.frame else [])]
    frame = frame.rename(columns={metrics.headcount: "headcount"})
    answered = _respondents(survey, ["business_unit"]).reset_index().rename(columns={"group": "business_unit"})
    answered = answered[["business_unit", "wave"]].astype(str)
    frame = frame.astype({"business_unit": str, "wave": str}).merge(answered, on=["business_unit", "wave"],
                                                                     how="outer")
    if "division" in survey.groupings:
        pairs = pd.DataFrame({"business_unit": survey.values("business_unit"), "_division": survey.values("division")})
        pairs = pairs.dropna().astype(str).drop_duplicates("business_unit")
        frame = frame.merge(pairs, on="business_unit", how="left")
        frame["division"] = frame["division"].fillna(frame.pop("_division")) if "division" in frame else frame.pop(
            "_division")
        frame = frame[frame["division"].isin(survey.codes("division")[1])]  # the divisions the filters leave
    return frame


def _rates(table: pd.DataFrame, waves: list[str], minimum: int) -> pd.DataFrame:
    """Rates, flags and suppression from respondents and headcounts; groups in order, waves in time order."""
    respondents = table["respondents"].to_numpy(dtype=float, na_value=np.nan)
    suppressed = ~(respondents >= minimum)
    headcount = table["headcount"].to_numpy(dtype=float, na_value=np.nan)
    missing = table["missing"].fillna(0).to_numpy(dtype=int)
    headcount = np.where((table["units"].fillna(0).to_numpy() > 0), headcount, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(~suppressed & (missing == 0) & (headcount > 0), respondents / headcount, np.nan)
    out = pd.DataFrame({
        "group": table["group"].astype(str).to_numpy(), "wave": table["wave"].astype(str).to_numpy(),
        "respondents": pd.array(np.where(suppressed, np.nan, respondents), dtype="Int64"),
        "headcount": pd.array(headcount, dtype="Int64"), "rate": pd.array(rate, dtype="Float64"),
        "low": rate < LOW_PARTICIPATION, "units": table["units"].fillna(0).to_numpy(dtype=int),
        "units_without_headcount": missing, "suppressed": suppressed})
    order = {wave: i for i, wave in enumerate(waves)}
    return (out.assign(_order=out["wave"].map(order)).sort_values(["group", "_order"], kind="stable")
            .drop(columns="_order").reset_index(drop=True)[PARTICIPATION_COLUMNS])


def participation_applies(filters: dict[str, list[str]]) -> bool:
    """Whether a rate against unit headcounts means something under ``filters`` (grouping → values
    chosen): only the division, business unit and wave narrow the headcount with the respondents."""
    return not any(values for name, values in filters.items() if name not in ("division", "business_unit", "wave"))


def participation_caption(minimum: int) -> str:
    """What a participation chart or table shows, with the threshold it flags."""
    return (f"Respondents as a share of the unit metrics' headcount. Below {LOW_PARTICIPATION:.0%} is flagged low "
            "(engagement-survey practice treats 75–80% as healthy: below it, those who did not answer may differ "
            f"from those who did). No rate where fewer than {minimum} answered.")
