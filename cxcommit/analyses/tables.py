"""Building result tables: columns as numpy arrays, labels as text, numbers as nullable arrays."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cxcommit.vocabulary import SCALE_WORDS


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


def item_scales(survey) -> dict:
    """Each item's answer scale (:class:`cxcommit.instrument.scales.Scale`), by id: what tells apart
    items whose favourable share means the same (:func:`one_scale`)."""
    return {item.id: item.scale for item in survey.items}


def comparable(scale) -> tuple:
    """What makes two items' favourable shares comparable: the kind of scale, its range and how
    many of its boxes count, whichever end they are at (a reverse-worded 1–5 item favourable at 1–2
    compares with one favourable at 4–5).

    >>> from cxcommit.instrument.scales import make_scale
    >>> comparable(make_scale("likert", 1, 5)) == comparable(make_scale("likert", 1, 5, direction="lower"))
    True
    """
    low, high = scale.favourable_range or (None, None)
    return scale.kind, scale.low, scale.high, None if low is None else high - low


def one_scale(table: pd.DataFrame, scales: dict | None = None) -> tuple[pd.DataFrame, str, str]:
    """The shown rows (not suppressed) of the scale most shown items have (the first on a tie), that
    scale's kind, and how a sentence says the items were narrowed to it: ``"of the 4 items on the
    5-point scale"`` (empty when every shown item has it). A yes, a scale's top box and a 3-point
    scale's top answer are not the same answer, so "weakest" ranks only items of one scale: the
    Overview's finding and the slide's and page's title all narrow here, so they name the same item
    and the same count. ``table``: a result table with ``item``, ``scale`` (kind) and ``suppressed``
    (:func:`cxcommit.analyses.rates.rates`, :func:`cxcommit.analyses.favourability.favourability`);
    ``scales``: :func:`item_scales` of the survey (without it, items are told apart by kind only).

    >>> from cxcommit.instrument.scales import make_scale
    >>> t = pd.DataFrame({"item": ["a", "b", "c", "d", "e"], "scale": ["likert", "likert", "nps", "likert", "likert"],
    ...                   "suppressed": [False, False, False, True, False]})
    >>> five, three = make_scale("likert", 1, 5), make_scale("likert", 1, 3)
    >>> rows, kind, among = one_scale(t, {"a": five, "b": five, "c": make_scale("nps"), "d": five, "e": three})
    >>> rows["item"].tolist(), kind, among
    (['a', 'b'], 'likert', 'of the 2 items on the 5-point scale')
    >>> one_scale(t)[2]
    'of the 3 rating items'
    """
    shown = table[~table["suppressed"].astype(bool)] if "suppressed" in table else table
    if "scale" not in shown or shown.empty:
        return shown, "yes_no", ""
    known = scales and shown["item"].isin(set(scales)).all()
    if known:  # items without a favourable answer (not rated) take no part
        shown = shown[shown["item"].map(lambda item: scales[item].rated).astype(bool)]
        if shown.empty:
            return shown, "yes_no", ""
    keys = shown["item"].map(lambda item: repr(comparable(scales[item]))) if known else shown["scale"]
    counts = shown.groupby(keys.to_numpy(), sort=False)["item"].nunique()
    common = max(dict.fromkeys(keys), key=lambda k: counts[k])
    part = shown[(keys == common).to_numpy()]
    kind = str(part["scale"].iat[0])
    if len(counts) == 1:
        return part, kind, ""
    points = scales[part["item"].iat[0]].points if known else None
    words = f"items on the {points}-point scale" if points else f"{SCALE_WORDS.get(kind, kind)} items"
    return part, kind, f"of the {counts[common]} {words}"
