"""An item's answers as small level codes: made once at import, counted by every analysis."""
from __future__ import annotations

import numpy as np

from cxcommit.instrument.items import Item
from cxcommit.instrument.scales import DONT_KNOW
from cxcommit.model.derived import key
from cxcommit.model.survey import Survey


def level_codes(values: np.ndarray, item: Item) -> tuple[np.ndarray, np.ndarray] | None:
    """An item's answers as small level codes and the value of each level: level 0 is "don't know",
    then one level per scale point from low to high, the last level "no answer". None for numeric
    items, whose values are not a few levels."""
    scale = item.scale
    if scale.kind == "numeric":
        return None
    levels = np.array([DONT_KNOW, *np.arange(scale.low, scale.high + 1)], dtype=np.float64)
    shifted = values - np.float32(scale.low - 1)
    shifted[np.isnan(shifted)] = len(levels)
    shifted[values == DONT_KNOW] = 0
    return shifted.astype(np.int8 if len(levels) < 127 else np.int16), np.append(levels, np.nan)


def item_levels(survey: Survey, item: Item) -> tuple[np.ndarray, np.ndarray] | None:
    """The item's level codes: made at import (``survey.item_levels``), else computed once."""
    made = survey.item_levels(item.id)
    if made is not None:
        return made
    return survey.derived.get(key("levels", item.id), lambda: level_codes(survey.values(item.id), item))
