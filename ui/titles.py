"""The pages and their names: the navigation's order, and each page's heading in the words of the
survey loaded (signs or items, units or the grouping compared)."""
from __future__ import annotations

from cxcommit import Survey
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.vocabulary import LONGEST_NOUN, grouping_nouns

# (file in pages/, title), in the order of the navigation. Each page's URL is its file's name
# (/signs_by_unit): then a server that runs a page file on its own finds the same page.
PAGES = (
    ("overview.py", "Overview"),
    ("signs_by_unit.py", "Signs × units"),
    ("variation.py", "Variation"),
    ("gaps.py", "Gaps"),
    ("pay_trends.py", "Pay & trends"),
    ("present.py", "Present"),
    ("export.py", "Export"),
    ("data.py", "Data"),
)
# The groupings a page compares, first choice first; the first the survey has names it (page_title)
COMPARED = {"signs_by_unit.py": ("business_unit", "division", "region", "role"),
            "variation.py": ("business_unit", "division", "region")}
# A page's heading on a survey that asks any of the 8 signs, and on one that asks none of them
ABOUT_SIGNS = {"gaps.py": ("Commitment gaps", "Gaps"),
               "pay_trends.py": ("Compensation alignment and trends", "Trends over waves")}


def asks_signs(survey: Survey) -> bool:
    """True when any of the 8 signs of executive commitment is mapped: then the pages about them
    (pay alignment, the commitment index) say what is missing; a survey of its own questions
    (asking none of them) is not told about signs at all."""
    return not set(SIGN_IDS).isdisjoint(survey.item_ids)


def groupings_to_compare(survey: Survey, preferred: tuple[str, ...]) -> list[str]:
    """The groupings a page may compare: the ``preferred`` ones the survey has first, then any other
    with two or more values, never the wave."""
    others = [g for g in survey.groupings if g not in preferred and g != "wave"]
    return [g for g in (*preferred, *others) if g in survey.groupings and len(survey.codes(g)[1]) >= 2]


def page_title(file: str, survey: Survey, by: str | None = None) -> str:
    """A page's heading in the words of the survey loaded: the heatmap's "Signs × units" reads "Items ×
    regions" on a survey without the 8 signs, grouped by region, and "Where units disagree" "Where
    regions disagree" (``by``: the grouping chosen; default the first the page compares); "Commitment
    gaps" is "Gaps" and "Compensation alignment and trends" "Trends over waves" on a survey that asks
    none of the signs (:func:`asks_signs`); the other pages keep their title in :data:`PAGES`."""
    if file in ABOUT_SIGNS:
        return ABOUT_SIGNS[file][0 if asks_signs(survey) else 1]
    if file not in COMPARED:
        return dict(PAGES)[file]
    first = by or next(iter(groupings_to_compare(survey, COMPARED[file])), None)
    groups = grouping_nouns(first, longest=LONGEST_NOUN, label=survey.groupings.get(first) if first else None)[1]
    if file == "variation.py":
        return f"Where {groups} disagree"
    return f"{'Signs' if survey.has_signs else 'Items'} × {groups}"


def nav_title(file: str, survey: Survey) -> str:
    """A page's name in the navigation: the heatmap's as its heading for the survey loaded ("Items ×
    regions"), the others as in :data:`PAGES` (neutral: "Variation")."""
    return page_title(file, survey) if file == "signs_by_unit.py" else dict(PAGES)[file]
