"""Signs met and signs answered per respondent, as small codes: what the commitment index counts, and
what publishing counts to withhold scored respondents where too few of their class are
(:mod:`cxcommit.privacy.publish`).

A sign is met when its answer is favourable (:meth:`cxcommit.instrument.scales.Scale.favourable`:
a yes, or a no for a sign mapped as reverse-worded); a sign mapped as not rated leaves no index.
A respondent is scored when they answered at least ``MIN_SIGNS_ANSWERED`` (6) of the 8 signs; the
code is ``met + 9 × (8 − answered)`` (0–8 for all 8 answered, 9–16 for 7, 18–24 for 6), and
``INCOMPLETE`` for everyone else. :func:`met_and_answered` turns a code back into its two counts.
"""
from __future__ import annotations

import numpy as np

from cxcommit.errors import NotApplicable
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.instrument.scales import DONT_KNOW
from cxcommit.model.levels import item_levels
from cxcommit.model.derived import key
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings

MIN_SIGNS_ANSWERED = 6  # fewest signs answered for a respondent to be scored (on all 8)
INCOMPLETE = 9 * (8 - MIN_SIGNS_ANSWERED + 1)  # code of a respondent who answered fewer (27)


def met_and_answered(codes) -> tuple[np.ndarray, np.ndarray]:
    """Signs met and signs answered for each code (answered 0 for ``INCOMPLETE``)."""
    codes = np.asarray(codes, dtype=np.int64)
    scored = codes < INCOMPLETE
    return np.where(scored, codes % 9, 0), np.where(scored, 8 - codes // 9, 0)


def signs_met_codes(survey: Survey, settings: Settings = Settings()) -> np.ndarray:
    """Signs met and answered per respondent as small integers (see the module), ``INCOMPLETE`` where
    fewer than ``MIN_SIGNS_ANSWERED`` signs are answered; computed once per survey (``survey.derived``)."""
    return survey.derived.get(key("signs_met", settings.dont_know), lambda: _signs_met(survey, settings))


def _signs_met(survey: Survey, settings: Settings) -> np.ndarray:
    if not survey.has_signs:
        missing = [s for s in SIGN_IDS if s not in survey.item_ids]
        raise NotApplicable(
            f"The commitment index needs all 8 signs; the mapping lacks {', '.join(missing)}.",
            hint="Map the 8 sign questions to sign_1 … sign_8 (yes/no items) in the mapping.")
    unrated = [s for s in SIGN_IDS if not survey.item(s).scale.rated]
    if unrated:
        raise NotApplicable(f"The commitment index counts each sign's favourable answer; the mapping marks "
                            f"{', '.join(unrated)} as not rated (a factual question).",
                            hint="Set the direction of the 8 signs to 'higher' in the mapping.")
    met, unanswered = np.zeros(survey.size, dtype=np.uint8), np.zeros(survey.size, dtype=np.uint8)
    for sign in SIGN_IDS:
        scale = survey.item(sign).scale
        codes, values = item_levels(survey, survey.item(sign))  # yes/no levels: 0 don't know, 1 no, 2 yes, 3 blank
        met += (scale.favourable(values) & (values != DONT_KNOW)).view(np.uint8)[codes]  # a yes (a no if reversed)
        unanswered += (((codes == 3) | (codes == 0)) if settings.dont_know == "missing" else codes == 3).view(np.uint8)
    met += 9 * unanswered
    np.putmask(met, unanswered > 8 - MIN_SIGNS_ANSWERED, INCOMPLETE)
    excluded = survey.index_excluded(settings.dont_know)  # too few scored in their class (cxcommit.privacy.publish)
    if excluded is not None:
        np.putmask(met, excluded, INCOMPLETE)
    return met

