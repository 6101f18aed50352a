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
    n = survey.size
    if not names:
        return Groups(np.zeros(n, dtype=np.int16), pd.DataFrame({"group": [ALL_GROUP]}, dtype=object), ())
    combined, levels = None, []
    for name in names:
        codes, labels = survey.codes(name)
        labels = list(labels)
        if (codes < 0).any():
            codes = np.where(codes < 0, np.int32(len(labels)), codes)
            labels.append(NO_ANSWER)
        combined = codes if combined is None else combined.astype(np.int32) * np.int32(len(labels)) + codes
        levels.append(labels)
    used = np.bincount(combined, minlength=int(np.prod([len(l) for l in levels])))
    present = np.flatnonzero(used)
    if len(present) < len(used):  # number the combinations that occur 0, 1, 2, …
        renumber = np.zeros(len(used), dtype=np.int32)
        renumber[present] = np.arange(len(present), dtype=np.int32)
        combined = renumber[combined]
    columns = {}
    remainder = present.copy()
    for name, labels in reversed(list(zip(names, levels))):
        columns[name] = np.asarray(labels, dtype=object)[remainder % len(labels)]
        remainder //= len(labels)
    frame = pd.DataFrame({name: columns[name] for name in names}, dtype=object)
    if len(names) == 1:
        label = frame[names[0]]
    else:  # (agg over no rows would return a frame, not a column)
        label = pd.Series([" · ".join(parts) for parts in zip(*(frame[n] for n in names))], dtype=object)
    frame.insert(0, "group", label.astype(object))
    return Groups(combined, frame, names)


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
    shifted = values - np.float32(scale.low - 1)
    shifted[np.isnan(shifted)] = len(levels)
    shifted[values == DONT_KNOW] = 0
    return shifted.astype(np.int8 if len(levels) < 127 else np.int16), np.append(levels, np.nan)


def item_levels(survey: Survey, item: Item) -> tuple[np.ndarray, np.ndarray] | None:
    """The item's level codes: made at import (``survey.item_levels``), else computed once."""
    made = survey.item_levels(item.id)
    if made is not None:
        return made
    key = ("levels", item.id)
    if key not in survey.cache:
        survey.cache[key] = level_codes(survey.values(item.id), item)
    return survey.cache[key]


PACKED_BINS = 1 << 16  # items counted in one pass while groups x their levels fit in 16 bits


def count_item(survey: Survey, item: Item, groups: Groups, settings: Settings) -> Counts:
    """Counts of one item per group, kept in ``survey.cache`` (see :func:`count_items`)."""
    return count_items(survey, [item], groups, settings)[0]


def count_items(survey: Survey, items: list[Item], groups: Groups, settings: Settings) -> list[Counts]:
    """Counts of each item per group, kept in ``survey.cache``.

    Items with a few levels are counted several at a time: one bincount over a 16-bit key made
    of the group and each item's level gives their joint counts per group, summed into each
    item's counts (a pass over the respondents per pack of items, not per item).
    """
    def key(item):
        return ("counts", item.id, groups.names, settings.dont_know)

    todo = [item for item in dict.fromkeys(items) if key(item) not in survey.cache]
    pack: list = []
    bins = groups.size
    for item in todo:
        levelled = item_levels(survey, item)
        if levelled is None:
            survey.cache[key(item)] = _count_values(survey.values(item.id).astype(np.float64), item, groups, settings)
            continue
        if pack and bins * len(levelled[1]) > PACKED_BINS:
            _count_pack(survey, pack, groups, settings, key)
            pack, bins = [], groups.size
        pack.append((item, levelled))
        bins *= len(levelled[1])
    if pack:
        _count_pack(survey, pack, groups, settings, key)
    return [survey.cache[key(item)] for item in items]


def joint_counts(groups: Groups, levels: list[np.ndarray], widths: list[int]) -> np.ndarray:
    """Respondents per group and combination of levels, shape ``(groups, *widths)``: one bincount
    over a key made of the group and each level (16-bit while it fits). Levels are never negative."""
    bins = groups.size * int(np.prod(widths))
    dtype = np.uint16 if bins <= PACKED_BINS else np.int64
    joint = groups.codes.astype(dtype)
    for codes, width in zip(levels, widths):
        small = dtype is np.uint16 and codes.dtype.itemsize == 1
        joint *= dtype(width)
        joint += codes.view(np.uint8) if small else codes.astype(dtype)
    return np.bincount(joint, minlength=bins).reshape(groups.size, *widths).astype(float)


def _count_pack(survey: Survey, pack: list, groups: Groups, settings: Settings, key) -> None:
    widths = [len(values) for _, (_, values) in pack]
    table = joint_counts(groups, [codes for _, (codes, _) in pack], widths)
    for position, (item, (_, values)) in enumerate(pack):
        others = tuple(axis for axis in range(1, len(widths) + 1) if axis != position + 1)
        survey.cache[key(item)] = _counts_from_levels(table.sum(axis=others), values, item, settings)


def _counts_from_levels(table: np.ndarray, level_values: np.ndarray, item: Item, settings: Settings) -> Counts:
    """Counts from a groups x levels table of answers."""
    base, favourable, dont_know, valid = item_masks(level_values, item, settings)
    clean = np.where(valid, level_values, 0.0)
    return Counts(n=table[:, base].sum(axis=1), k=table[:, favourable].sum(axis=1),
                  n_dont_know=table[:, dont_know].sum(axis=1), n_valid=table[:, valid].sum(axis=1),
                  total=table @ clean, total_sq=table @ (clean * clean))


def _count_values(values: np.ndarray, item: Item, groups: Groups, settings: Settings) -> Counts:
    """Counts of a numeric item (any values, not a few levels)."""
    size = groups.size
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
