"""What a reader must know of the items' directions under a chart: which items were counted at the
bottom of their scale (reverse-worded), and which were left out because nothing about them is
favourable (factual questions). Empty when every item of the chart is read the usual way, so the
demo's captions and slides stay as they are."""
from __future__ import annotations

import pandas as pd

from cxcommit.model.survey import Survey
from cxcommit.text import name_list, shorten


def direction_line(survey: Survey, table: pd.DataFrame | None) -> str:
    """One or two sentences for a chart of items (``table``: a result table with an ``item``
    column): its reverse-worded items with the answers counted favourable, and the survey's factual
    questions, which take no part (a ranking's table has no row of them, yet its reader should know
    why a question is missing). Empty when there is neither, or the table is not of items.

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.analyses.rates import rates
    >>> direction_line(load_demo(), rates(load_demo(), "division"))
    ''
    """
    if table is None or "item" not in table or not len(table):
        return ""
    items = [survey.item(i) for i in dict.fromkeys(table["item"]) if i in survey.item_ids]
    reversed_ = [f"“{shorten(item.label, 32)}” {item.scale.favourable_text()}" for item in items
                 if item.scale.direction == "lower"]
    factual = [f"“{shorten(item.label, 32)}”" for item in survey.items if item.scale.direction == "none"
               and item.scale.kind != "numeric"]
    parts = []
    if reversed_:
        parts.append(f"Reverse-worded (the bottom boxes favourable): {name_list(reversed_, 2)}.")
    if factual:
        parts.append(f"Factual, not rated (no share, gap or ranking): {name_list(factual, 2)}.")
    return " ".join(parts)
