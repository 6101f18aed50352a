"""Per item and group: how many answered, the favourable (yes) share with its interval, and the mean.

This is the first function of the analysis library; every number it returns respects the
minimum group size.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxcommit.analyses.groups import NO_ANSWER, make_groups
from cxcommit.analyses.rates import rated_items, rates
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import generalised_values
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


@dataclass(frozen=True)
class GroupCount:
    """The groups a breakdown by one grouping shows (``shown``: its published values, the "Other …"
    pools of smaller groups among them, never the respondents who left it blank), and which of them
    are such pools (``pooled``): the one count of units, divisions or regions every page, tile and
    slide states."""

    shown: int
    pooled: tuple[str, ...]

    @property
    def own(self) -> int:
        """Groups reported under their own name."""
        return self.shown - len(self.pooled)

    def why(self, nouns: tuple[str, str], minimum: int) -> str:
        """Why the count holds a pool, for a tile's help: ``29 units under their own name and “Other
        units”, which pools the units with fewer than 5 people``; empty without a pool."""
        if not self.pooled:
            return ""
        one, many = nouns
        own = f"{self.own:,} {one if self.own == 1 else many} under their own name"
        pools = " and ".join(f"“{name}”" for name in self.pooled)
        return (f"{own} and {pools}, which pool{'s' if len(self.pooled) == 1 else ''} the {many} with fewer than "
                f"{minimum} people")


def group_count(survey: Survey, by: str) -> GroupCount:
    """How many groups a breakdown of ``survey`` by ``by`` shows (:class:`GroupCount`).

    >>> from cxcommit.demo import load_demo
    >>> count = group_count(load_demo(), "business_unit")
    >>> count.shown, count.own, count.pooled
    (30, 29, ('Other units',))
    >>> count.why(("unit", "units"), 5)
    '29 units under their own name and “Other units”, which pools the units with fewer than 5 people'
    """
    labels = [label for label in survey.codes(by)[1] if label != NO_ANSWER]
    pooled = set(generalised_values(survey, by))
    return GroupCount(len(labels), tuple(label for label in labels if label in pooled))


@dataclass(frozen=True)
class RespondentCounts:
    """Respondents of a published survey: ``kept`` at import (after test responses, duplicates and
    rows without a wave are excluded) and ``reported`` (every page's respondents, all waves, no
    filter): the ``left_out`` difference are people who fit no group of the minimum size in their
    wave (:mod:`cxcommit.privacy.publish`)."""

    kept: int
    reported: int

    @property
    def left_out(self) -> int:
        return self.kept - self.reported

    def why(self, minimum: int) -> str:
        """Why the two differ, for the Data page; empty when they do not."""
        if self.left_out <= 0:
            return ""
        if self.left_out < minimum:  # the two totals would tell the count ("fewer than 5" is all it says)
            return (f"Fewer than {minimum} respondents fit no group of {minimum} in their wave and are left out of "
                    f"every number; the pages report {self.reported:,}.")
        return (f"{self.kept:,} kept at import; {self.left_out:,} people fit no group of {minimum} in their wave and "
                f"are left out of every number, so the pages report {self.reported:,}.")


def respondent_counts(published: Survey) -> RespondentCounts:
    """:class:`RespondentCounts` of a published survey (unfiltered).

    >>> from cxcommit.demo import load_demo
    >>> counts = respondent_counts(load_demo())
    >>> counts.kept - counts.reported == counts.left_out >= 0
    True
    """
    return RespondentCounts(int(published.report.rows_kept), int(published.size))
