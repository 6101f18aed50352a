"""Per item and group: how many answered, the favourable (yes) share with its interval, and the mean.

This is the first function of the analysis library; every number it returns respects the
minimum group size.
"""
from __future__ import annotations

import pandas as pd

from cxcommit.analyses.groups import make_groups
from cxcommit.analyses.rates import rated_items, rates
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings

SUMMARY_COLUMNS = ["item", "label", "scale", "group", "n", "k", "p", "ci_low", "ci_high", "mean", "n_dont_know",
                   "suppressed"]


def default_grouping(survey: Survey, preferred: str | None = "business_unit") -> str | None:
    """``preferred`` if the survey has it, else the first of business unit, division, region, role,
    or any other grouping with two or more values besides the wave; None if there is none."""
    candidates = [preferred, "business_unit", "division", "region", "role"] + list(survey.groupings)
    for name in candidates:
        if name and name != "wave" and name in survey.groupings and name in survey.frame:
            if (make_groups(survey, name).keys[:, 0] >= 0).sum() >= 2:  # two values besides blank
                return name
    return None


def default_item(survey: Survey, items: list[str] | None = None, *, settings: Settings = Settings()) -> str | None:
    """The item a chart of one item opens on: the first sign on a survey of the 8 signs (the story
    starts there), else the item most respondents answered (``n`` plus "don't know" over the whole
    survey; the first of those tied), so that a question a handful answered (8 of 1,838 in a
    language survey's follow-up) never opens a page as a chart of hidden groups. ``items``: the
    choices (default: all mapped items, in mapping order), the rated ones among them first choice (a
    factual question or a number has no favourable share to chart); None if there are none.

    >>> from cxcommit.demo import load_demo
    >>> default_item(load_demo())
    'sign_1'
    """
    items = list(survey.item_ids if items is None else items)
    items = rated_items(survey, items) or items  # a chart of one item's favourable shares opens on a rated one
    if not items or survey.has_signs:
        return next((i for i in items if i in SIGN_IDS), items[0]) if items else None
    table = rates(survey, None, items=items, settings=settings)
    answered = table["n"].astype(float).fillna(0) + table["n_dont_know"].astype(float).fillna(0)
    counts = answered.groupby(table["item"], sort=False).sum().reindex(items, fill_value=0)
    return str(counts.idxmax())


def item_summary(survey: Survey, by: str | None = None, *, settings: Settings = Settings(),
                 items: list[str] | None = None) -> pd.DataFrame:
    """n, favourable share with interval, and mean per item and group.

    Parameters
    ----------
    survey : the imported survey.
    by : a grouping (attribute such as ``"division"``, or any export column kept as a grouping),
        or two of them in a list; None for the whole organisation in one group, ``"All respondents"``.
    settings : minimum group size, interval method and level, and how "don't know" counts.
    items : item ids to include (default: all mapped items, in mapping order).

    Returns
    -------
    DataFrame with one row per item and group, ordered by item then group:

    - ``item``, ``label``, ``scale``: the item's id, short label and scale kind.
    - ``group``: the group's value (respondents who left the grouping blank are no group: left out,
      see :func:`cxcommit.analyses.groups.left_out`).
    - ``n``: answers in the base of the share: yes + no (+ "don't know" when ``dont_know`` is
      ``not_yes``) for yes/no items; valid scale answers otherwise ("don't know" excluded).
    - ``k``: favourable answers: yes; top boxes of a Likert scale (``>= favourable_from``), or its
      bottom boxes for a reverse-worded item (``<= favourable_from``, direction ``lower``);
      promoters (9–10) of an NPS item; null for numeric items and items not rated (direction
      ``none``: factual questions with no favourable answer).
    - ``p``: k / n. ``ci_low``, ``ci_high``: its confidence interval (Wilson by default).
    - ``mean``: mean scale value of valid answers; null for rated yes/no items; of a factual yes/no
      item, the share answering yes.
    - ``n_dont_know``: "don't know" answers.
    - ``suppressed``: True when n is below the minimum group size (published data hold none or
      at least the minimum per cell, :mod:`cxcommit.privacy.publish`); every number of that row is then null.

    References: Wilson (1927), see :mod:`cxcommit.stats.intervals`.

    >>> from cxcommit.demo import load_demo
    >>> table = item_summary(load_demo(), by="division", items=["sign_7"])
    >>> list(table.columns) == SUMMARY_COLUMNS, bool(table["p"].between(0, 1).all())
    (True, True)
    """
    return rates(survey, by, items=items, settings=settings)[SUMMARY_COLUMNS].reset_index(drop=True)
