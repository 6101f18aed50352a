"""Where each statistic is explained: the sections of ``docs/methods.md`` that charts' method lines,
the deck's footnotes and the workbook's notes cite, one constant each (a test checks that every
section named here is a heading of that page)."""
from __future__ import annotations

METHODS_PAGE = "docs/methods.md"

SIGNIFICANT = "What significant means"
SHARES = "Shares"
DIFFERENCES = "Differences"
PERCEPTION_GAP = "Perception gap"
TRENDS = "Trends"
EQUAL_SHARES = "Equal shares across groups"
VARIATION = "Variation"
RANKINGS = "Rankings"
CLUSTERS = "Divisions and other groupings above units"
CORRELATIONS = "Correlations across units"
COMMITMENT_INDEX = "Commitment index"
HEADLINES = "Headlines"
PRIVACY = "Privacy"

SECTIONS = (SIGNIFICANT, SHARES, DIFFERENCES, PERCEPTION_GAP, TRENDS, EQUAL_SHARES, VARIATION, RANKINGS, CLUSTERS,
            CORRELATIONS, COMMITMENT_INDEX, HEADLINES, PRIVACY)


def cite(*sections: str) -> str:
    """The pointer a method line ends with.

    >>> cite(DIFFERENCES)
    'Methods: docs/methods.md §Differences.'
    >>> cite(VARIATION, RANKINGS)
    'Methods: docs/methods.md §Variation, §Rankings.'
    """
    unknown = [section for section in sections if section not in SECTIONS]
    if unknown:
        raise ValueError(f"Not a section of {METHODS_PAGE}: {', '.join(unknown)}; the sections are: "
                         f"{', '.join(SECTIONS)}.")
    return f"Methods: {METHODS_PAGE} " + ", ".join(f"§{section}" for section in sections) + "."
