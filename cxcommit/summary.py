"""Per item and group: how many answered, the favourable (yes) share with its interval, and the mean.

This is the first function of the analysis library; every number it returns respects the
minimum group size.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.errors import SettingsError
from cxcommit.intervals import proportion_interval
from cxcommit.scales import DONT_KNOW
from cxcommit.settings import Settings
from cxcommit.survey import Survey
from cxcommit.text import normalize_label

SUMMARY_COLUMNS = ["item", "label", "scale", "group", "n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know",
                   "suppressed"]
ALL_GROUP = "All respondents"
NO_ANSWER_GROUP = "(no answer)"


def resolve_grouping(survey: Survey, by: str) -> str:
    """The responses column for a grouping named by its attribute name, its export column or its label."""
    responses = survey.responses
    if by in survey.groupings:
        return by
    wanted = normalize_label(by)
    for name, source in survey.groupings.items():
        if wanted in (normalize_label(name), normalize_label(source), normalize_label(name.replace("_", " "))):
            return name
    why = {**{k: f"it is {v}" for k, v in survey.mapping.ignored.items()},
           **{k: f"it holds personal data ({v}) and was dropped" for k, v in survey.report.personal_dropped.items()},
           **{m.column: f"it is the item {m.item}" for m in survey.mapping.items}}
    reason = next((f" {by!r} cannot be a grouping: {text}." for key, text in why.items()
                   if normalize_label(key) == wanted), "")
    available = [n for n in survey.groupings if n in responses]
    raise SettingsError(
        f"There is no grouping {by!r} in this survey.{reason}",
        hint="Group by one of: " + ", ".join(repr(a) for a in available) + ".",
    )


def item_summary(survey: Survey, by: str | None = None, *, settings: Settings = Settings(),
                 items: list[str] | None = None) -> pd.DataFrame:
    """n, favourable share with interval, and mean per item and group.

    Parameters
    ----------
    survey : the imported survey.
    by : a grouping (attribute such as ``"division"``, or any export column kept as a grouping);
        None for the whole organisation in one group, ``"All respondents"``.
    settings : minimum group size, interval method and level, and how "don't know" counts.
    items : item ids to include (default: all mapped items, in mapping order).

    Returns
    -------
    DataFrame with one row per item and group, ordered by item then group:

    - ``item``, ``label``, ``scale``: the item's id, short label and scale kind.
    - ``group``: the group's value (``"(no answer)"`` for respondents who left it blank).
    - ``n``: answers in the base of the share: yes + no (+ "don't know" when ``dont_know`` is
      ``not_yes``) for yes/no items; valid scale answers otherwise ("don't know" excluded).
    - ``k``: favourable answers: yes; top boxes of a Likert scale (``>= favourable_from``);
      promoters (9–10) of an NPS item; null for numeric items.
    - ``p``: k / n. ``ci_low``, ``ci_high``: its confidence interval (Wilson by default).
    - ``mean``: mean scale value of valid answers; null for yes/no items.
    - ``n_dont_know``: "don't know" answers.
    - ``suppressed``: True when n is below the minimum group size; every number of that row is
      then null.

    References: Wilson (1927), see :mod:`cxcommit.intervals`.

    >>> from cxcommit.demo import load_demo
    >>> table = item_summary(load_demo(), by="division", items=["sign_7"])
    >>> list(table.columns) == SUMMARY_COLUMNS, bool(table["p"].between(0, 1).all())
    (True, True)
    """
    responses = survey.responses
    wanted = survey.items if items is None else [survey.item(i) for i in items]
    if by is None:
        codes = np.zeros(len(responses), dtype=np.int64)
        groups = [ALL_GROUP]
    else:
        column = responses[resolve_grouping(survey, by)]
        categorical = column.astype("category") if not isinstance(column.dtype, pd.CategoricalDtype) else column
        codes = categorical.cat.codes.to_numpy().astype(np.int64)
        groups = [str(c) for c in categorical.cat.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(groups), codes)
            groups.append(NO_ANSWER_GROUP)
    size = len(groups)
    parts = []
    for item in wanted:
        values = responses[item.id].to_numpy(dtype=np.float64)
        scale = item.scale
        dont_know = values == DONT_KNOW if scale.kind in ("yes_no", "likert") else np.zeros(len(values), bool)
        valid = ~np.isnan(values) & ~dont_know
        base = valid | dont_know if (scale.kind == "yes_no" and settings.dont_know == "not_yes") else valid
        n = np.bincount(codes[base], minlength=size)
        n_dk = np.bincount(codes[dont_know], minlength=size)
        if scale.favourable_from is not None:
            k = np.bincount(codes[valid & (values >= scale.favourable_from)], minlength=size).astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                p = np.where(n > 0, k / np.maximum(n, 1), np.nan)
            low, high = proportion_interval(k, n, method=settings.ci_method, confidence=settings.confidence)
        else:
            k = p = low = high = np.full(size, np.nan)
        if scale.kind == "yes_no":
            mean = np.full(size, np.nan)
        else:
            n_valid = np.bincount(codes[valid], minlength=size)
            totals = np.bincount(codes[valid], weights=values[valid], minlength=size)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(n_valid > 0, totals / np.maximum(n_valid, 1), np.nan)
        parts.append(pd.DataFrame({
            "item": item.id, "label": item.label, "scale": scale.kind, "group": groups,
            "n": n.astype(float), "k": k, "p": p, "ci_low": low, "ci_high": high, "mean": mean,
            "n_dont_know": n_dk.astype(float), "suppressed": n < settings.min_group_size,
        }))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SUMMARY_COLUMNS)
    return suppress(table, settings.min_group_size)


def suppress(table: pd.DataFrame, min_group_size: int) -> pd.DataFrame:
    """Null every number of rows flagged ``suppressed`` (or with n below the minimum); n and k as whole numbers."""
    table = table.copy()
    hidden = table["suppressed"].to_numpy(dtype=bool) | ~(table["n"].fillna(0) >= min_group_size).to_numpy()
    table["suppressed"] = hidden
    numbers = ["n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know"]
    table.loc[hidden, numbers] = np.nan
    for column in ("n", "k", "n_dont_know"):
        table[column] = table[column].round().astype("Int64")
    for column in ("p", "ci_low", "ci_high", "mean"):
        table[column] = table[column].astype("Float64")
    return table[SUMMARY_COLUMNS]
