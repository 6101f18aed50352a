"""Signs met per respondent, as small codes: what the commitment index counts, and what publishing
counts to withhold respondents scored on all 8 signs where too few of their class are
(:mod:`cxcommit.privacy.publish`)."""
from __future__ import annotations

import numpy as np

from cxcommit.errors import NotApplicable
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.model.levels import item_levels
from cxcommit.model.derived import key
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings

INCOMPLETE = 9  # code of a respondent who left a sign unanswered


def signs_met_codes(survey: Survey, settings: Settings = Settings()) -> np.ndarray:
    """Signs met per respondent as small integers, ``INCOMPLETE`` (9) where a sign is unanswered;
    computed once per survey (``survey.derived``)."""
    return survey.derived.get(key("signs_met", settings.dont_know), lambda: _signs_met(survey, settings))


def _signs_met(survey: Survey, settings: Settings) -> np.ndarray:
    if not survey.has_signs:
        missing = [s for s in SIGN_IDS if s not in survey.item_ids]
        raise NotApplicable(
            f"The commitment index needs all 8 signs; the mapping lacks {', '.join(missing)}.",
            hint="Map the 8 sign questions to sign_1 … sign_8 (yes/no items) in the mapping.")
    met = np.zeros(survey.size, dtype=np.uint8)
    for sign in SIGN_IDS:
        codes, _ = item_levels(survey, survey.item(sign))  # yes/no levels: 0 don't know, 1 no, 2 yes, 3 blank
        met += (codes == 2).view(np.uint8)
    incomplete = _unscorable(survey, settings.dont_know)
    np.putmask(met, incomplete, INCOMPLETE)
    excluded = survey.index_excluded(settings.dont_know)  # too few scored in their class (cxcommit.privacy.publish)
    if excluded is not None:
        np.putmask(met, excluded, INCOMPLETE)
    return met


def _unscorable(survey: Survey, dont_know: str) -> np.ndarray:
    """Respondents who left a sign unanswered (or, with ``dont_know = missing``, said "don't know")."""
    incomplete = np.zeros(survey.size, dtype=bool)
    for sign in SIGN_IDS:
        codes, _ = item_levels(survey, survey.item(sign))
        incomplete |= (codes == 3) | (codes == 0) if dont_know == "missing" else codes == 3
    return incomplete
