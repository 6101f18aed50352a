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
    """Groups of respondents by none, one or two groupings (named as :func:`resolve_grouping` accepts)."""
    from cxcommit.summary import resolve_grouping

    names = [resolve_grouping(survey, b) for b in as_list(by)]
    n = len(survey.responses)
    if not names:
        return Groups(np.zeros(n, dtype=np.int64), pd.DataFrame({"group": [ALL_GROUP]}), ())
    combined = np.zeros(n, dtype=np.int64)
    levels = []
    for name in names:
        column = survey.responses[name]
        categorical = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
        codes = categorical.cat.codes.to_numpy().astype(np.int64)
        labels = [str(c) for c in categorical.cat.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(labels), codes)
            labels.append(NO_ANSWER)
        combined = combined * len(labels) + codes
        levels.append(labels)
    present, compact = np.unique(combined, return_inverse=True)
    columns = {}
    remainder = present.copy()
    for name, labels in reversed(list(zip(names, levels))):
        columns[name] = [labels[i] for i in remainder % len(labels)]
        remainder //= len(labels)
    frame = pd.DataFrame({name: columns[name] for name in names})
    frame.insert(0, "group", frame[names].astype(str).agg(" · ".join, axis=1) if len(names) > 1 else frame[names[0]])
    return Groups(compact.astype(np.int64), frame, tuple(names))


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


def count_item(values: np.ndarray, item: Item, groups: Groups, settings: Settings) -> Counts:
    base, favourable, dont_know, valid = item_masks(values, item, settings)
    codes, size = groups.codes, groups.size
    clean = np.where(valid, values, 0.0)
    return Counts(
        n=np.bincount(codes[base], minlength=size).astype(float),
        k=np.bincount(codes[favourable], minlength=size).astype(float),
        n_dont_know=np.bincount(codes[dont_know], minlength=size).astype(float),
        n_valid=np.bincount(codes[valid], minlength=size).astype(float),
        total=np.bincount(codes, weights=clean, minlength=size),
        total_sq=np.bincount(codes, weights=clean * clean, minlength=size),
    )
