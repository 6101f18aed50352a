"""Counting answers per item and group, vectorised: the one place every analysis counts from."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np
import pandas as pd

from cxcommit.instrument.items import Item
from cxcommit.instrument.scales import DONT_KNOW
from cxcommit.model.derived import key
from cxcommit.model.levels import item_levels
from cxcommit.model.survey import Survey, resolve_grouping
from cxcommit.privacy.publish import require
from cxcommit.settings import Settings
from cxcommit.text import ALL_GROUP

NO_ANSWER = "(no answer)"


@dataclass(frozen=True)
class Groups:
    """Respondents assigned to groups: ``frame`` has one row per group with a column per grouping
    (and ``group``, the label shown), ``sizes`` its respondents, ``keys`` each group's category code
    per grouping (-1 blank; numbered as :meth:`Survey.codes` of the survey counted, or of the base
    for groups rolled up), and ``codes[i]`` respondent i's group (made when first asked).

    A filtered survey's groups are sums of the unfiltered survey's groups by the same groupings and
    the filtered ones (``source``): ``picked`` lists the source groups inside the filters, ``starts``
    where each of this survey's groups begins among them (:meth:`roll_up`).
    """

    frame: pd.DataFrame
    names: tuple[str, ...]
    sizes: np.ndarray
    keys: np.ndarray
    make_codes: Callable[[], np.ndarray] = field(repr=False, compare=False)
    source: "Groups | None" = field(default=None, repr=False, compare=False)
    picked: np.ndarray | None = field(default=None, repr=False, compare=False)
    starts: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.frame)

    @cached_property
    def codes(self) -> np.ndarray:
        return self.make_codes()

    @property
    def named(self) -> np.ndarray:
        """Per group: True where its respondents gave a value for every grouping. People who left a
        grouping blank are not a group to compare: breakdowns leave their group out (they still count
        in "everyone" and in the rest a group is compared with); :func:`left_out` says how many."""
        return (self.keys >= 0).all(axis=1)

    def roll_up(self, table: np.ndarray) -> np.ndarray:
        """Rows of a table over ``source``'s groups (first axis) summed into this survey's groups."""
        return _summed(table, self.picked, self.starts, self.size)


def _summed(table: np.ndarray, picked: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """The rows ``picked`` of ``table`` summed in runs beginning at ``starts`` (``size`` runs)."""
    table = np.asarray(table, dtype=float)
    if not len(picked):
        return np.zeros((size, *table.shape[1:]))
    return np.add.reduceat(table[picked], starts, axis=0)


def run_starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal rows of ``keys`` (one value, or a row of values, per position) begins."""
    keys = np.asarray(keys)
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    changed = keys[1:] != keys[:-1]
    return np.flatnonzero(np.r_[True, changed.any(axis=1) if changed.ndim > 1 else changed])


def sorted_codes(values: np.ndarray) -> np.ndarray:
    """Each value's place among the distinct values in sorted order (what a sort by the column uses)."""
    return np.unique(values, return_inverse=True)[1].ravel() if len(values) else np.zeros(0, dtype=np.int64)


def as_list(by: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def make_groups(survey: Survey, by: str | list[str] | None) -> Groups:
    """Groups of respondents by none, one or two groupings (named as :func:`resolve_grouping` accepts).

    Computed once per survey and grouping (``survey.derived``). A survey filtered by
    groupings (:meth:`Survey.filter`) gets its groups from the unfiltered survey's (see
    :func:`rolled_up`), so that its counts are sums of counts already made, not a pass over rows.
    """
    require(survey)
    names = tuple(resolve_grouping(survey, b) for b in as_list(by))
    return survey.derived.get(key("groups", names),
                              lambda: rolled_up(survey, names) if can_roll_up(survey) else _make_groups(survey, names))


def left_out(survey: Survey, by: str | list[str] | None) -> int:
    """Respondents of ``survey`` left out of a breakdown by ``by``: those who left a grouping of it
    blank (:attr:`Groups.named`). In published data a blank is a value of the grouping like any
    other, so these people are a union of classes: none or at least the minimum group size
    (:mod:`cxcommit.privacy.publish`), and subtracting the groups shown from everyone recovers no
    smaller group.

    >>> from cxcommit.demo import load_demo
    >>> left_out(load_demo(), "division")
    0
    """
    groups = make_groups(survey, by)
    return int(groups.sizes[~groups.named].sum())


def can_roll_up(survey: Survey) -> bool:
    """True when ``survey`` is its base's rows whose groupings take the filters' values, so that
    its groups and counts are sums of the base's."""
    return survey.base is not None and bool(survey.filters) and all(
        name in survey.base.groupings for name, _ in survey.filters)


def _labels(columns: dict[str, np.ndarray], names: tuple[str, ...]) -> pd.DataFrame:
    """The groups' frame: ``group`` (the label shown: the values joined by " · ") and a column per grouping."""
    label = (columns[names[0]] if len(names) == 1
             else np.array([" · ".join(parts) for parts in zip(*(columns[n] for n in names))], dtype=object))
    return pd.DataFrame({"group": label, **{name: columns[name] for name in names}}, dtype=object)


def _make_groups(survey: Survey, names: tuple[str, ...]) -> Groups:
    n = survey.size
    if not names:
        return Groups(pd.DataFrame({"group": [ALL_GROUP]}, dtype=object), (), np.array([float(n)]),
                      np.zeros((1, 0), dtype=np.int64), lambda: np.zeros(n, dtype=np.int16))
    parts, levels, blanks = [], [], []
    for name in names:
        codes, labels = survey.codes(name)
        labels = list(labels)
        blanks.append(len(labels))
        if (codes < 0).any():
            codes = np.where(codes < 0, len(labels), codes)
            labels.append(NO_ANSWER)
        parts.append(codes)
        levels.append(labels)
    bins = int(np.prod([len(labels) for labels in levels]))
    dtype = np.uint16 if bins <= PACKED_BINS else np.int64
    combined = parts[0].astype(dtype)
    for codes, labels in zip(parts[1:], levels[1:]):
        combined *= dtype(len(labels))
        combined += codes.astype(dtype)
    used = np.bincount(combined, minlength=bins)
    present = np.flatnonzero(used)

    def numbered() -> np.ndarray:  # the combinations that occur numbered 0, 1, 2, … (made when first counted)
        if len(present) == len(used):
            return combined
        renumber = np.zeros(len(used), dtype=np.int32)
        renumber[present] = np.arange(len(present), dtype=np.int32)
        return renumber.take(combined)

    columns, keys = {}, []
    remainder = present.copy()
    for name, labels, blank in reversed(list(zip(names, levels, blanks))):
        code = remainder % len(labels)
        columns[name] = np.asarray(labels, dtype=object)[code]
        keys.insert(0, np.where(code == blank, -1, code))
        remainder //= len(labels)
    return Groups(_labels(columns, names), names, used[present].astype(float), np.column_stack(keys), numbered)


def rolled_up(survey: Survey, names: tuple[str, ...]) -> Groups:
    """A filtered survey's groups as sums of its base's groups by ``names`` and the filtered
    groupings: the base's groups whose filtered groupings take a chosen value, summed over those
    groupings (:meth:`Groups.roll_up`). The same groups, in the same order, as counted from the
    survey's own rows (a test checks it)."""
    base, filters = survey.base, dict(survey.filters)
    extra = tuple(name for name in filters if name not in names)
    source = make_groups(base, [*names, *extra])
    inside = np.ones(source.size, dtype=bool)
    for name, wanted in filters.items():
        chosen = [code for code, label in enumerate(base.codes(name)[1]) if label in wanted]
        inside &= np.isin(source.keys[:, source.names.index(name)], chosen)
    picked = np.flatnonzero(inside)
    own = source.keys[picked, :len(names)]  # groups by ``names`` come in runs: ``names`` lead the source's order
    if names:
        starts = run_starts(own)
        frame = _labels({name: source.frame[name].to_numpy(dtype=object)[picked[starts]] for name in names}, names)
    else:
        starts = np.zeros(min(len(picked), 1), dtype=np.int64)
        frame = pd.DataFrame({"group": [ALL_GROUP]}, dtype=object)
    return Groups(frame, names, _summed(source.sizes, picked, starts, len(frame)),
                  own[starts] if names else np.zeros((1, 0), np.int64), lambda: _make_groups(survey, names).codes,
                  source, picked, starts)


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


COUNT_FIELDS = ("n", "k", "n_dont_know", "n_valid", "total", "total_sq")


def item_masks(values: np.ndarray, item: Item, settings: Settings) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Boolean arrays (base, favourable, don't know, valid) for one item's values."""
    scale = item.scale
    dont_know = values == DONT_KNOW if scale.kind in ("yes_no", "likert") else np.zeros(len(values), bool)
    valid = ~np.isnan(values) & ~dont_know
    base = valid | dont_know if (scale.kind == "yes_no" and settings.dont_know == "not_yes") else valid
    favourable = valid & scale.favourable(values)  # top or bottom boxes, by the item's direction
    return base, favourable, dont_know, valid


PACKED_BINS = 1 << 16  # items counted in one pass while groups x their levels fit in 16 bits


def count_items(survey: Survey, items: list[Item], groups: Groups, settings: Settings) -> list[Counts]:
    """Counts of each item per group, computed once (``survey.derived``).

    Items with a few levels are counted several at a time: one bincount over a 16-bit key made
    of the group and each item's level gives their joint counts per group, summed into each
    item's counts (a pass over the respondents per pack of items, not per item).
    """
    require(survey, settings.min_group_size)

    def name(item):
        return key("counts", item.id, groups.names, settings.dont_know)

    made = {item.id: survey.derived.find(name(item)) for item in dict.fromkeys(items)}
    todo = [item for item in dict.fromkeys(items) if made[item.id] is None]
    if groups.source is not None and todo:  # a filtered survey: sums of its base's counts
        base = count_items(survey.base, todo, groups.source, settings)
        summed = groups.roll_up(np.stack([getattr(c, field) for c in base for field in COUNT_FIELDS], axis=1))
        made.update({item.id: Counts(*fields.T) for item, fields in zip(todo, np.split(summed, len(todo), axis=1))})
    elif todo:
        made.update(_count_over_rows(survey, todo, groups, settings))
    for item in todo:
        survey.derived.put(name(item), made[item.id])
    return [made[item.id] for item in items]


def _count_over_rows(survey: Survey, items: list[Item], groups: Groups, settings: Settings) -> dict[str, Counts]:
    """Counts of ``items`` per group from the survey's rows, by item id: items with levels in packs
    (one joint bincount each), numeric items one by one."""
    made, pack, bins = {}, [], groups.size
    for item in items:
        levelled = item_levels(survey, item)
        if levelled is None:
            made[item.id] = _count_values(survey.values(item.id).astype(np.float64), item, groups, settings)
            continue
        if pack and bins * len(levelled[1]) > PACKED_BINS:
            made.update(_count_pack(pack, groups, settings))
            pack, bins = [], groups.size
        pack.append((item, levelled))
        bins *= len(levelled[1])
    if pack:
        made.update(_count_pack(pack, groups, settings))
    return made


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


def _count_pack(pack: list, groups: Groups, settings: Settings) -> dict[str, Counts]:
    """Counts of a pack of items per group, by item id, from one joint bincount."""
    widths = [len(values) for _, (_, values) in pack]
    table = joint_counts(groups, [codes for _, (codes, _) in pack], widths)
    counts = {}
    for position, (item, (_, values)) in enumerate(pack):
        others = tuple(axis for axis in range(1, len(widths) + 1) if axis != position + 1)
        counts[item.id] = _counts_from_levels(table.sum(axis=others), values, item, settings)
    return counts


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
