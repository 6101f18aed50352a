"""The one way to a filtered view of a survey for what is shown or written (the dashboard, the
command line, the deck): only of published data, and only by its reporting attributes.

Publishing makes every class of people who share their reporting attributes within a wave at
least the minimum (:mod:`cxcommit.privacy.publish`), so any filter on those attributes selects
whole classes and nothing smaller can be told apart by subtracting one view from another."""
from __future__ import annotations

from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import require


def view(survey: Survey, **filters) -> Survey:
    """``survey`` (published) narrowed to the given values of its reporting attributes, e.g.
    ``view(survey, division=["Digital"], wave=["2026-Q3"])``; the survey itself without filters.

    >>> from cxcommit.demo import load_demo
    >>> view(load_demo(), division=["Digital"]).codes("division")[1]
    ['Digital']
    """
    require(survey)
    return survey.filter(**filters) if filters else survey
