"""Favourable, neutral and unfavourable shares per item in the latest wave, with the change since
the wave before: what the Overview's diverging bar shows (as engagement-survey dashboards report
each item: favourable on the right of a neutral centre, unfavourable on the left).

Which answers are neutral:

- yes/no items: none (yes is favourable, no unfavourable; "don't know" is unfavourable when the
  settings count it as "not yes", else outside the base, as in every share);
- Likert items with an odd number of points: the middle point up to the scale's
  ``favourable_from`` (a 5-point scale favourable from 4: 3 is neutral, 1–2 unfavourable); an even
  number of points has no middle, so no neutral;
- 0–10 likelihood (NPS): passives, 7 and 8 (Reichheld 2003, *Harvard Business Review* 81(12):
  promoters 9–10, passives 7–8, detractors 0–6);
- reverse-worded items (direction ``lower``): the same band mirrored, from the middle down to
  just above the favourable bottom boxes (a 5-point item favourable at 1–2: 3 is neutral);
- numeric items and items not rated (factual questions): not shown (no favourable answer).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends
from cxcommit.instrument.scales import Scale
from cxcommit.model.levels import item_levels
from cxcommit.model.survey import Survey
from cxcommit.privacy.view import view
from cxcommit.settings import Settings
from cxcommit.text import counted

FAVOURABILITY_COLUMNS = ["item", "label", "scale", "wave", "n", "favourable", "neutral", "unfavourable", "has_neutral",
                         "prev_wave", "change_prev", "change_prev_significant", "suppressed"]


def neutral_band(scale: Scale) -> tuple[float, float] | None:
    """The scale values counted neutral, as [low, high] (both included); None where the scale has
    no neutral answer. A reverse-worded item's band mirrors the usual one: from the middle down to
    just above its favourable bottom boxes.

    >>> from cxcommit.instrument.scales import make_scale
    >>> neutral_band(make_scale("likert", 1, 5)), neutral_band(make_scale("likert", 1, 4))
    ((3.0, 3.0), None)
    >>> neutral_band(make_scale("likert", 1, 7, direction="lower"))
    (4.0, 4.0)
    >>> neutral_band(make_scale("nps")), neutral_band(make_scale("yes_no"))
    ((7.0, 8.0), None)
    """
    if not scale.rated:
        return None
    if scale.kind == "nps":
        return 7.0, scale.favourable_from - 1
    if scale.kind != "likert" or scale.points % 2 == 0:
        return None
    middle = (scale.low + scale.high) / 2
    if scale.direction == "lower":
        return (scale.favourable_from + 1, middle) if middle > scale.favourable_from else None
    return (middle, scale.favourable_from - 1) if middle < scale.favourable_from else None


def wave_sizes(survey: Survey, settings: Settings = Settings()) -> dict[str, int]:
    """Respondents per wave shown (at least the minimum group size), in time order."""
    codes, waves = survey.codes("wave")
    sizes = np.bincount(codes[codes >= 0], minlength=len(waves))
    return {wave: int(size) for wave, size in zip(waves, sizes) if size >= settings.min_group_size}


def latest_shown_wave(survey: Survey, settings: Settings = Settings()) -> str | None:
    """The latest wave with at least the minimum group size of respondents (None if none has).

    >>> from cxcommit.demo import load_demo
    >>> latest_shown_wave(load_demo()), wave_sizes(load_demo())["2026-Q3"]
    ('2026-Q3', 905)
    """
    shown = list(wave_sizes(survey, settings))
    return shown[-1] if shown else None


@dataclass(frozen=True)
class ItemCounts:
    """The items of a :func:`favourability` table: the rating items analysed (``rated``: shown, with
    enough answers), the rows of its chart (``asked``: every item with a favourable answer, those
    with too few answers drawn as hidden) and how many rated items at least half answer favourably
    (``mostly_favourable``)."""

    rated: int
    mostly_favourable: int
    asked: int = 0

    def why(self, minimum: int) -> str:
        """What the count of items rated counts, and why the chart may draw more rows."""
        hidden = self.asked - self.rated
        rest = (f"; {counted(hidden, 'more item')} {'is' if hidden == 1 else 'are'} drawn without a number, "
                f"with fewer than {minimum} answers" if hidden > 0 else "")
        return f"Items with a favourable answer (yes, the top of a scale, promoters) and enough answers{rest}."


def item_counts(table: pd.DataFrame) -> ItemCounts:
    """What the Overview's tiles say of a :func:`favourability` table on a survey without the signs."""
    shown = table[~table["suppressed"].astype(bool)]
    return ItemCounts(len(shown), int((shown["favourable"] >= 0.5).sum()), len(table))


def shows_change(table: pd.DataFrame) -> bool:
    """Whether a :func:`favourability` table has a change of the favourable share for some item: none
    when a single wave is shown, or every item is new in the latest wave or hidden under the minimum."""
    return bool(table["change_prev"].notna().any())


def favourability(survey: Survey, *, items: list[str] | None = None,
                  settings: Settings = Settings()) -> pd.DataFrame:
    """Per item, the shares of favourable, neutral and unfavourable answers in the latest wave shown,
    and the change of the favourable share since the wave before.

    Returns one row per item with a favourable answer (numeric items are left out), in the
    survey's item order:

    - ``item``, ``label``, ``scale``; ``wave``: the latest wave shown (:func:`latest_shown_wave`);
    - ``n``: answers in the base (as :func:`cxcommit.analyses.rates.rates` counts them);
    - ``favourable``: the share favourable, the same number as ``p`` of ``rates``;
    - ``neutral``: the share neutral (0 where ``has_neutral`` is False, see the module);
    - ``unfavourable``: the rest, 1 − favourable − neutral;
    - ``prev_wave``, ``change_prev``, ``change_prev_significant``: the wave compared with and the
      change of the favourable share since it, with its significance after Holm's adjustment, as
      :func:`cxcommit.analyses.trends.trends` has them (null with one wave shown);
    - ``suppressed``: ``n`` below the minimum group size: every share and change is then null.

    >>> from cxcommit.demo import load_demo
    >>> table = favourability(load_demo(), items=["sign_1", "ceo_ownership"])
    >>> table[["item", "wave", "has_neutral"]].values.tolist()
    [['sign_1', '2026-Q3', False], ['ceo_ownership', '2026-Q3', True]]
    >>> bool(((table["favourable"] + table["neutral"] + table["unfavourable"]) - 1).abs().max() < 1e-9)
    True
    """
    wave = latest_shown_wave(survey, settings)
    wanted = [survey.item(i) for i in (items or survey.item_ids)]
    wanted = [item.id for item in wanted if item.scale.rated]
    if wave is None or not wanted:
        return pd.DataFrame(columns=FAVOURABILITY_COLUMNS)
    latest = view(survey, wave=[wave])
    table = rates(latest, None, items=wanted, settings=settings)
    n, k = table["n"].to_numpy(dtype=float), table["k"].to_numpy(dtype=float, na_value=np.nan)
    neutral, has_neutral = _neutral_counts(latest, wanted)
    suppressed = table["suppressed"].to_numpy(dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = {"favourable": k / n, "neutral": neutral / n, "unfavourable": (n - k - neutral) / n}
    out = pd.DataFrame({"item": table["item"], "label": table["label"], "scale": table["scale"], "wave": wave,
                        "n": table["n"], **{name: np.where(suppressed, np.nan, share) for name, share in shares.items()},
                        "has_neutral": has_neutral})
    changes = trends(survey, None, items=wanted, settings=settings)
    changes = changes[changes["wave"] == wave].set_index("item")[["prev_wave", "change_prev",
                                                                  "change_prev_significant"]]
    out = out.join(changes, on="item")
    out.loc[suppressed, ["change_prev", "prev_wave"]] = np.nan
    out["change_prev_significant"] = out["change_prev_significant"].fillna(False).astype(bool) & ~suppressed
    return out.assign(suppressed=suppressed)[FAVOURABILITY_COLUMNS].reset_index(drop=True)


def _neutral_counts(survey: Survey, wanted: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per item: neutral answers (a bincount of its level codes) and whether its scale has a neutral band."""
    counts, has = np.zeros(len(wanted)), np.zeros(len(wanted), dtype=bool)
    for i, item_id in enumerate(wanted):
        item = survey.item(item_id)
        band = neutral_band(item.scale)
        levels = item_levels(survey, item) if band else None
        if levels is None:
            continue
        codes, values = levels
        tally = np.bincount(codes.astype(np.int64), minlength=len(values))
        with np.errstate(invalid="ignore"):
            counts[i] = tally[(values >= band[0]) & (values <= band[1])].sum()
        has[i] = True
    return counts, has
