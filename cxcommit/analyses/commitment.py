"""The commitment index: how many of the 8 signs each respondent sees, and who sees all 8.

Per respondent, a sign is met when the answer is yes. "Don't know" counts as not met (setting
``dont_know = not_yes``) or makes the sign unanswered (``missing``).

A respondent who answered at least 6 of the 8 signs (``MIN_SIGNS_ANSWERED``) is scored on all 8,
a sign left unanswered counting as not met: 5 met of 7 answered scores 5 (counted in ``n_partial``).
Fewer answered cannot be scored and are counted in ``n_incomplete``. Dropping everyone with a gap
would bias comparisons wherever gaps are not alike — with ``dont_know = missing``, staff who cannot
judge a sign from where they sit would be dropped far more often than executives. Prorating (5 of 7
scoring 5.7, person-mean imputation) is the usual rule for scale scores, but here it would publish
what the few respondents with a gap said: the index's total less the signs' yes counts is then
theirs alone (an attack recovered one respondent's 3 yes on the demo), so a gap scores as the
respondent not seeing the sign, and the index is a sum of what the signs' rates count.
A scored respondent is fully committed when they said yes to all 8 signs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from cxcommit.analyses.groups import as_list, joint_counts, make_groups
from cxcommit.analyses.tables import nullable
from cxcommit.analyses.trends import per_wave
from cxcommit.model.derived import key
from cxcommit.model.signs import INCOMPLETE, met_and_answered, signs_met_codes
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import require
from cxcommit.privacy.suppression import suppression_reason
from cxcommit.settings import Settings
from cxcommit.stats.intervals import proportion_interval

INDEX_COLUMNS = ["group", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "k", "p", "ci_low", "ci_high",
                 "n_partial", "n_incomplete", "suppressed", "suppression"]
CODES = np.arange(INCOMPLETE)
MET, ANSWERED = met_and_answered(CODES)
SCORE = MET.astype(float)  # each code's score: signs met of 8, an unanswered sign not met
FULL = MET == 8  # yes to all 8 signs


WAVE_INDEX_COLUMNS = ["group", "wave", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "k", "p", "ci_low", "ci_high",
                      "suppressed", "suppression"]


def signs_met(survey: Survey, settings: Settings = Settings()) -> np.ndarray:
    """Signs met per respondent (0–8, an unanswered sign not met); NaN where fewer than 6 are
    answered or the respondent is left out for privacy."""
    codes = signs_met_codes(survey, settings)
    return np.where(codes == INCOMPLETE, np.nan, SCORE[np.minimum(codes, INCOMPLETE - 1)])


def commitment_index(survey: Survey, by: str | list[str] | None = None, *,
                     settings: Settings = Settings()) -> pd.DataFrame:
    """Mean signs met and share fully committed per group.

    Returns one row per group (those who left a grouping blank are no group, as in
    :func:`cxcommit.analyses.rates.rates`) with the grouping columns and:

    - ``n``: respondents scored (at least 6 of the 8 signs answered); ``n_partial``: of them, those
      who answered 6 or 7 (the others count as not met); ``n_incomplete``: those not scored (fewer answered, or
      left out for privacy).
    - ``mean_signs``: mean signs met (0–8), ``mean_ci_low``/``mean_ci_high``: its t interval.
    - ``k``: respondents answering yes to all 8 signs (fully committed), ``p`` = k / n
      with its interval (``ci_low``/``ci_high``, Wilson by default).
    - ``suppressed``: as in :func:`cxcommit.analyses.rates.rates` (nobody scored); numbers of suppressed
      rows are null; ``suppression`` says why (``"small"``). Respondents scored
      count only where at least the minimum of their class are (:mod:`cxcommit.privacy.publish`).

    >>> from cxcommit.demo import load_demo
    >>> table = commitment_index(load_demo(), by="division")
    >>> table.sort_values("mean_signs")["group"].tolist()[0]
    'Operations'
    """
    return survey.derived.get(key("commitment_index", tuple(as_list(by)), settings),
                              lambda: _commitment_index(survey, by, settings))


def _commitment_index(survey: Survey, by: str | list[str] | None, settings: Settings) -> pd.DataFrame:
    groups = make_groups(survey, by)
    named = groups.named  # a blank is no group (Groups.named)
    histogram = _histogram(survey, by, settings)[named]  # groups x (codes of met and answered, incomplete)
    scored = histogram[:, :INCOMPLETE]
    n, n_partial = scored.sum(axis=1), scored[:, ANSWERED < 8].sum(axis=1)
    total, total_sq = scored @ SCORE, scored @ SCORE**2
    k, incomplete = scored[:, FULL].sum(axis=1), histogram[:, INCOMPLETE]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        sd = np.sqrt(np.maximum(total_sq - n * mean**2, 0) / (n - 1))
        half = special.stdtrit(n - 1, 1 - (1 - settings.confidence) / 2) * sd / np.sqrt(n)  # t quantile (stats.t.ppf)
        p = k / n
    low, high = proportion_interval(k, n, method=settings.ci_method, confidence=settings.confidence)
    keys = {name: groups.frame[name].to_numpy(dtype=object)[named] for name in groups.frame.columns}
    numbers = {"n": n, "mean_signs": mean, "mean_ci_low": mean - half, "mean_ci_high": mean + half, "k": k, "p": p,
               "ci_low": low, "ci_high": high, "n_partial": n_partial, "n_incomplete": incomplete}
    flags = n < settings.min_group_size  # nobody scored: every cell is a union of classes (cxcommit.privacy.publish)
    columns = {**keys, "suppressed": flags, "suppression": suppression_reason(flags)}
    for name, values in numbers.items():
        values = np.where(flags, np.nan, values)
        columns[name] = nullable(values, integer=True) if name in ("n", "k", "n_partial", "n_incomplete") else values
    extra = [c for c in groups.names if c != "group"]
    return pd.DataFrame({name: columns[name] for name in ["group", *extra, *INDEX_COLUMNS[1:]]})


def index_over_waves(survey: Survey, by: str | None = None, *, settings: Settings = Settings()) -> pd.DataFrame:
    """The commitment index of each group in each wave (or of everyone, with ``by`` none).

    Computed on the group × wave table, so suppression works as in :func:`cxcommit.analyses.trends.trends`. Returns one row per group and wave,
    waves in time order: ``group, wave, n, mean_signs, mean_ci_low, mean_ci_high, k, p, ci_low,
    ci_high, suppressed, suppression`` (as in :func:`commitment_index`).

    >>> from cxcommit.demo import load_demo
    >>> table = index_over_waves(load_demo(), "division")
    >>> table[table["group"] == "Digital"]["wave"].tolist()[:2]
    ['2025-Q2', '2025-Q3']
    """
    table = per_wave(commitment_index(survey, [by, "wave"] if by else ["wave"], settings=settings), survey, by)
    return table[WAVE_INDEX_COLUMNS]


def _histogram(survey: Survey, by, settings: Settings) -> np.ndarray:
    """Respondents per group and code of signs met and answered (columns 0–26, then incomplete, as in
    :mod:`cxcommit.model.signs`); computed once."""
    require(survey, settings.min_group_size)
    groups = make_groups(survey, by)
    return survey.derived.get(
        key("signs_met_histogram", groups.names, settings.dont_know),
        lambda: (groups.roll_up(_histogram(survey.base, list(groups.source.names), settings))
                 if groups.source is not None  # a filtered survey: sums of its base's
                 else joint_counts(groups, [signs_met_codes(survey, settings)], [INCOMPLETE + 1])))


def index_distribution(survey: Survey, by: str | list[str] | None = None, *,
                       settings: Settings = Settings()) -> pd.DataFrame:
    """How many respondents meet 0, 1, … 8 signs, per group: ``group``, ``signs_met``, ``n``, ``share``,
    ``suppressed``, ``suppression`` (whole groups hidden as in :func:`commitment_index`)."""
    index = commitment_index(survey, by, settings=settings)
    groups = make_groups(survey, by)
    whole = MET
    counts = (_histogram(survey, by, settings)[groups.named, :INCOMPLETE]
              @ (whole[:, None] == np.arange(9)).astype(np.int64))
    rows = []
    for g, label in enumerate(groups.frame["group"][groups.named]):
        hidden, why = bool(index["suppressed"].iloc[g]), index["suppression"].iloc[g]
        total = counts[g].sum()
        for signs in range(9):
            rows.append({"group": label, "signs_met": signs, "n": None if hidden else int(counts[g, signs]),
                         "share": None if hidden or total == 0 else counts[g, signs] / total, "suppressed": hidden, "suppression": why})
    table = pd.DataFrame(rows)
    table["n"] = table["n"].astype("Int64")
    table["share"] = table["share"].astype("Float64")
    return table


@dataclass(frozen=True)
class LatestWave:
    """The commitment index in the latest wave shown and its change since the wave before (None
    where there is no earlier wave shown): mean signs met, and the share fully committed (0–1)."""

    wave: str
    mean_signs: float
    p: float
    previous: str | None = None
    mean_change: float | None = None
    p_change: float | None = None


def latest_wave(survey: Survey, settings: Settings = Settings()) -> LatestWave | None:
    """The index in the latest wave with enough respondents to be shown, and its change since the
    one before (None if no wave can be shown).

    >>> from cxcommit.demo import load_demo
    >>> latest = latest_wave(load_demo())
    >>> latest.wave, latest.previous, round(latest.mean_change, 2)
    ('2026-Q3', '2026-Q2', -0.33)
    """
    by_wave = commitment_index(survey, "wave", settings=settings)
    shown = by_wave[~by_wave["suppressed"]]
    if shown.empty:
        return None
    last = shown.iloc[-1]
    latest = LatestWave(str(last["group"]), float(last["mean_signs"]), float(last["p"]))
    if len(shown) == 1:
        return latest
    before = shown.iloc[-2]
    return LatestWave(latest.wave, latest.mean_signs, latest.p, str(before["group"]),
                      latest.mean_signs - float(before["mean_signs"]), latest.p - float(before["p"]))
