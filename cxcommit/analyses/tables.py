"""Building result tables: columns as numpy arrays, labels as text, numbers as nullable arrays."""
from __future__ import annotations

import numpy as np
import pandas as pd


def arrays(table: pd.DataFrame, *names: str) -> dict[str, np.ndarray]:
    """Columns of a table as numpy arrays: ``suppressed`` as booleans, numbers as floats (NaN: none),
    the rest (labels) as objects."""
    columns = {name: table[name] for name in names}
    return {name: (column.to_numpy(dtype=bool) if name == "suppressed"
                   else column.to_numpy(dtype=float, na_value=np.nan) if pd.api.types.is_numeric_dtype(column)
                   else column.to_numpy(dtype=object))
            for name, column in columns.items()}


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own "str" columns


def text(values) -> pd.api.extensions.ExtensionArray:
    """Labels (None: none) as a pandas ``str`` column: made directly, a few times cheaper than a frame
    working out the type of an object column."""
    return pd.array(np.asarray(values, dtype=object), dtype=TEXT)


def nullable(values: np.ndarray, integer: bool = False) -> pd.api.extensions.ExtensionArray:
    """Float values (NaN: no value) as a nullable ``Float64`` array, or ``Int64`` (rounded)."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    if integer:
        return pd.arrays.IntegerArray(np.where(missing, 0, np.round(values)).astype(np.int64), missing)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing)


def shown_groups(table: pd.DataFrame) -> list[str]:
    """The groups of a result table with at least one number shown (a row not suppressed), in the
    table's order: the groups a reader can ask about.

    >>> shown_groups(pd.DataFrame({"group": ["A", "B", "A", "C"], "suppressed": [True, False, False, True]}))
    ['B', 'A']
    """
    return [str(group) for group in dict.fromkeys(table.loc[~table["suppressed"].astype(bool), "group"])]


def items_asked(table: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The rows of ``items`` (ids) of a table computed for every item, in the order asked: a view's
    numbers and test family come from the whole breakdown, whichever items are shown.

    >>> items_asked(pd.DataFrame({"item": ["a", "b", "a"], "v": [1, 2, 3]}), ["b", "a"])["v"].tolist()
    [2, 1, 3]
    """
    return pd.concat([table[table["item"] == item] for item in items] or [table.iloc[:0]], ignore_index=True)
