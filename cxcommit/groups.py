"""Counting answers per item and group, vectorised: the one place every analysis counts from."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cxcommit.instrument import Item
from cxcommit.scales import DONT_KNOW
from cxcommit.settings import Settings
from cxcommit.survey import Survey

NO_ANSWER = "(no answer)"
ALL_GROUP = "All respondents"


@dataclass(frozen=True)
class Groups:
    """Respondents assigned to groups: ``codes[i]`` is respondent i's group; ``frame`` has one row per
    group with a column per grouping (and ``group``, the label shown)."""

    codes: np.ndarray
    frame: pd.DataFrame
    names: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.frame)


def as_list(by: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def make_groups(survey: Survey, by: str | list[str] | None) -> Groups:
    """Groups of respondents by none, one or two groupings (named as :func:`resolve_grouping` accepts).

    Computed once per survey and grouping (kept in ``survey.cache``).
    """
    from cxcommit.summary import resolve_grouping

    names = tuple(resolve_grouping(survey, b) for b in as_list(by))
    key = ("groups", names)
    if key not in survey.cache:
        survey.cache[key] = _make_groups(survey, names)
    return survey.cache[key]


def _make_groups(survey: Survey, names: tuple[str, ...]) -> Groups:
    n = len(survey.responses)
    if not names:
        return Groups(np.zeros(n, dtype=np.int16), pd.DataFrame({"group": [ALL_GROUP]}, dtype=object), ())
    combined = np.zeros(n, dtype=np.int32)
    levels = []
    for name in names:
        column = survey.responses[name]
        categorical = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
        codes = categorical.cat.codes.to_numpy().astype(np.int32)
        labels = [str(c) for c in categorical.cat.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(labels), codes)
            labels.append(NO_ANSWER)
        combined *= len(labels)
        combined += codes
        levels.append(labels)
    used = np.bincount(combined, minlength=int(np.prod([len(l) for l in levels])))
    present = np.flatnonzero(used)
    compact = (np.cumsum(used > 0) - 1)[combined]
    columns = {}
    remainder = present.copy()
    for name, labels in reversed(list(zip(names, levels))):
        columns[name] = np.asarray(labels, dtype=object)[remainder % len(labels)]
        remainder //= len(labels)
    frame = pd.DataFrame({name: columns[name] for name in names}, dtype=object)
    label = frame[names[0]] if len(names) == 1 else frame[list(names)].agg(" · ".join, axis=1)
    frame.insert(0, "group", label.astype(object))
    return Groups(compact.astype(np.int16 if len(present) < 32_767 else np.int32), frame, names)


@dataclass(frozen=True)
class Counts:
    """Per group: ``n`` in the base of the share, ``k`` favourable, ``n_dont_know``, and the valid
    answers' count, sum and sum of squares (for means and spreads)."""

    n: np.ndarray
    k: np.ndarray
    n_dont_know: np.ndarray
    n_valid: np.ndarray
    total: np.ndarray
    total_sq: np.ndarray


def item_masks(values: np.ndarray, item: Item, settings: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Boolean arrays (base, favourable, don't know, valid) for one item's values."""
    scale = item.scale
    dont_know = values == DONT_KNOW if scale.kind in ("yes_no", "likert") else np.zeros(len(values), bool)
    valid = ~np.isnan(values) & ~dont_know
    base = valid | dont_know if (scale.kind == "yes_no" and settings.dont_know == "not_yes") else valid
    if scale.favourable_from is None:
        favourable = np.zeros(len(values), bool)
    else:
        favourable = valid & (values >= scale.favourable_from)
    return base, favourable, dont_know, valid


def level_codes(values: np.ndarray, item: Item) -> tuple[np.ndarray, np.ndarray] | None:
    """An item's answers as small level codes and the value of each level: level 0 is "don't know",
    then one level per scale point from low to high, the last level "no answer". None for numeric
    items, whose values are not a few levels."""
    scale = item.scale
    if scale.kind == "numeric":
        return None
    levels = np.array([DONT_KNOW, *np.arange(scale.low, scale.high + 1)], dtype=np.float64)
    shifted = np.nan_to_num(values - np.float32(scale.low - 1), nan=len(levels))
    shifted[values == DONT_KNOW] = 0
    return shifted.astype(np.int8 if len(levels) < 127 else np.int16), np.append(levels, np.nan)


def item_levels(survey: Survey, item: Item) -> tuple[np.ndarray, np.ndarray] | None:
    """The item's level codes: made at import (``survey.levels``), else computed once."""
    if item.id in survey.levels:
        return survey.levels[item.id]
    key = ("levels", item.id)
    if key not in survey.cache:
        survey.cache[key] = level_codes(survey.responses[item.id].to_numpy(), item)
    return survey.cache[key]


def count_item(survey: Survey, item: Item, groups: Groups, settings: Settings) -> Counts:
    """Counts of one item per group; one pass over the respondents, kept in ``survey.cache``."""
    key = ("counts", item.id, groups.names, settings.dont_know)
    if key not in survey.cache:
        survey.cache[key] = _count_item(survey, item, groups, settings)
    return survey.cache[key]


def _count_item(survey: Survey, item: Item, groups: Groups, settings: Settings) -> Counts:
    size = groups.size
    levelled = item_levels(survey, item)
    if levelled is None:
        values = survey.responses[item.id].to_numpy(dtype=np.float64)
        base, favourable, dont_know, valid = item_masks(values, item, settings)
        codes = groups.codes
        clean = np.where(valid, values, 0.0)
        return Counts(
            n=np.bincount(codes[base], minlength=size).astype(float),
            k=np.bincount(codes[favourable], minlength=size).astype(float),
            n_dont_know=np.bincount(codes[dont_know], minlength=size).astype(float),
            n_valid=np.bincount(codes[valid], minlength=size).astype(float),
            total=np.bincount(codes, weights=clean, minlength=size),
            total_sq=np.bincount(codes, weights=clean * clean, minlength=size),
        )
    codes, level_values = levelled
    width = len(level_values)
    table = np.bincount(groups.codes.astype(np.int32) * np.int32(width) + codes, minlength=size * width).reshape(size, width).astype(float)
    base, favourable, dont_know, valid = item_masks(level_values, item, settings)
    clean = np.where(valid, level_values, 0.0)
    return Counts(n=table[:, base].sum(axis=1), k=table[:, favourable].sum(axis=1),
                  n_dont_know=table[:, dont_know].sum(axis=1), n_valid=table[:, valid].sum(axis=1),
                  total=table @ clean, total_sq=table @ (clean * clean))
