"""Export columns read as categories: groupings and standard attributes (tidied, roles named as the
mapping says, values named like pooled groups renamed), and which columns cannot be groupings."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.errors import Problem
from cxcommit.io.columns import is_comment, is_pooled_label, per_respondent_reason
from cxcommit.io.readers import RawTable
from cxcommit.mapping.schema import ROLE_LABELS, Mapping
from cxcommit.stats.tallies import code_counts, code_type
from cxcommit.text import normalize_label, one_line

MAX_LISTED = 50  # problems listed one by one per kind; the rest are counted


def grouping_columns(raw: RawTable, mapping: Mapping, personal: dict, frame: dict,
                     problems: list[Problem]) -> dict[str, str]:
    """The mapping's attributes and groupings as categorical columns of ``frame``, and each one's
    source column by name; personal data and columns refused as groupings are left out."""
    groupings = {}
    for attribute, key in mapping.attributes.items():
        if key in personal:
            continue
        values = categorical(raw, key)
        if refused_grouping(raw, key, values, problems):
            continue
        if attribute == "role" and mapping.role_values:
            values = canonical_roles(values, mapping.role_values)
        frame[attribute] = unreserved(values, key, problems)
        groupings[attribute] = key
    for key in mapping.groupings:
        if key in personal:
            continue
        name = key if key not in frame else f"{key} (column)"
        values = categorical(raw, key)
        if refused_grouping(raw, key, values, problems):
            continue
        frame[name] = unreserved(values, key, problems)
        groupings[name] = key
    return groupings


def categorical(raw: RawTable, key: str) -> pd.Categorical:
    """A column as categories, white space tidied and control characters removed
    (:func:`cxcommit.text.one_line`), blanks as missing."""
    return categories_from(*raw.release(key))


def categories_from(dictionary: list, indices: np.ndarray) -> pd.Categorical:
    uniques = pd.Series(dictionary, dtype="object").map(lambda v: one_line(v) or None)
    categories = pd.Index(uniques.dropna().unique())
    remap = np.append(categories.get_indexer(uniques.where(uniques.notna(), None)), -1)
    # codes in the type pandas keeps for this many categories: looked up without a wider copy
    remap = remap.astype(code_type(len(categories)))
    return pd.Categorical.from_codes(remap[indices], categories=categories)


def canonical_roles(values: pd.Categorical, role_values: dict[str, str | None]) -> pd.Categorical:
    """Role labels renamed to Executive / Manager / Employee where the mapping says so (its
    role_values name them executive, manager, employee)."""
    lookup = {normalize_label(k): ROLE_LABELS[v] for k, v in role_values.items() if v}
    renamed = [lookup.get(normalize_label(c), c) for c in values.categories]
    categories = list(dict.fromkeys(renamed))
    remap = np.append(np.array([categories.index(r) for r in renamed], dtype=np.int64), -1)
    return pd.Categorical.from_codes(remap[values.codes], categories=categories)


def unreserved(values: pd.Categorical, key: str, problems: list[Problem]) -> pd.Categorical:
    """``values`` with any value named like a pooled group of published data ("Other units",
    "Other units of Digital", "Other roles", …) renamed "… (so named in the file)", with a warning:
    a real unit called "Other units" is never taken for the pool of small units."""
    renamed = {value: f"{value} (so named in the file)" for value in values.categories
               if is_pooled_label(value)}
    for value, new in renamed.items():
        problems.append(Problem(f"value named like a pooled group of small groups; reported as “{new}”",
                                column=key, value=value, severity="warning"))
    return values.rename_categories(renamed) if renamed else values


def refused_grouping(raw: RawTable, key: str, values: pd.Categorical, problems: list[Problem]) -> bool:
    """True, with a warning in ``problems``, for a column the mapping uses as a grouping that cannot be
    one: free-text comments, or values nearly one per respondent (a grouping's values are listed in
    filters and charts, and a group of one is a person)."""
    if is_comment(key, raw.label_of(key)):
        why = "it holds free-text comments, which are never listed or compared by"
    else:
        why = per_respondent_reason(code_counts(values.codes, len(values.categories)))
        if why is None:
            return False
        why += ", so most of its groups would be single people"
    problems.append(Problem(f"not used as a grouping: {why}. Take it out of the mapping's groupings, or group its "
                            "answers into fewer, larger categories (bands, sites, units) in the export",
                            column=key, severity="warning"))
    return True
