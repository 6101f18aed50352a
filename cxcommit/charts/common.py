"""What the charts share about their tables: checks, picking rows, names as drawn and hover texts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.theme import colorway, interval, pct
from cxcommit.errors import SettingsError
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.text import escape_html
from cxcommit.vocabulary import grouping_text, is_question, quoted


def require(table: pd.DataFrame, columns: list[str], chart: str, producer: str) -> None:
    """Refuse a table without ``columns``, naming the library function (``producer``) whose table fits."""
    missing = [c for c in columns if c not in table]
    if missing:
        raise SettingsError(f"{chart} needs the column(s) {', '.join(missing)}; the table it got has "
                            f"{', '.join(map(str, table.columns)) or 'no columns'}.",
                            hint=f"Pass the table that {producer} returns.")


def choice(value: str, allowed: tuple[str, ...], name: str, chart: str) -> None:
    """Refuse a ``value`` not ``allowed``, listing the allowed ones."""
    if value not in allowed:
        raise SettingsError(f"Unknown {name} {value!r} for {chart}.", hint=f"Use one of: {', '.join(allowed)}.")


WHOLE = "whole"  # a page's table: the key of its whole chart's table in ``table.attrs`` (cxcommit.story.paging)


def whole_of(table: pd.DataFrame) -> pd.DataFrame:
    """The whole chart's table where ``table`` is one page of a chart told across slides, else
    ``table``: a page draws its colours and axes on the whole chart's scale, so that the same colour
    or length means the same number on every page.

    >>> t = pd.DataFrame({"v": [1, 2, 3]})
    >>> page = t.iloc[:1].copy()
    >>> page.attrs[WHOLE] = t
    >>> len(whole_of(page)), len(whole_of(t))
    (3, 3)
    """
    whole = table.attrs.get(WHOLE)
    return whole if isinstance(whole, pd.DataFrame) else table


def texts(values) -> list[str]:
    """Names or labels from the data as plotly should draw them (:func:`~cxcommit.text.escape_html`)."""
    return [escape_html(v) for v in values]


def numbers(values) -> np.ndarray:
    """``values`` as floats, NaN where missing."""
    return pd.Series(values).to_numpy(dtype=float, na_value=np.nan)


def pick(table: pd.DataFrame, column: str, value, chart: str) -> pd.DataFrame:
    """Rows where ``column`` is ``value`` (all rows when ``value`` is None); an unknown value lists the known ones."""
    if value is None:
        return table
    if value not in set(table[column]):
        raise SettingsError(f"{chart}: there is no {column} {value!r} in this table.",
                            hint=f"Use one of: {', '.join(map(str, dict.fromkeys(table[column])))}.")
    return table[table[column] == value]


def grouping_word(table: pd.DataFrame, form: str = "one") -> str:
    """What the groups of a table are called (the grouping column right after ``group``), as HTML:
    ``one`` of them ("business unit"), ``many`` ("business units"), after ``by`` in a title, or an
    ``axis`` title ("Business unit"). A grouping named by a question is quoted as it is, never
    lowercased into the sentence ("group by “Which character shot first?”", "by “Which …?”").

    >>> table = pd.DataFrame(columns=["group", "Which character shot first?", "n"])
    >>> [grouping_word(table, form) for form in ("one", "many", "by", "axis")]
    ['group by “Which character shot first?”', 'groups by “Which character shot first?”', '“Which character shot first?”', 'Which character shot first?']
    >>> grouping_word(pd.DataFrame(columns=["group", "business_unit", "n"]), "many")
    'business units'
    """
    columns = list(table.columns)
    after = columns[columns.index("group") + 1] if "group" in columns[:-1] else "n"
    word = "group" if after in ("n", "wave", "item", "label") else grouping_text(after)
    if is_question(word):
        return escape_html({"one": f"group by {quoted(word)}", "many": f"groups by {quoted(word)}",
                            "by": quoted(word), "axis": word}[form])
    word = escape_html(word)
    return {"one": word, "many": f"{word}s", "by": word, "axis": word[:1].upper() + word[1:]}[form]


def share_label(table: pd.DataFrame) -> str:
    """What a share of this table is called: ``Share answering yes`` (yes/no items) or ``Share favourable``."""
    if "scale" in table:
        return "Share answering yes" if (table["scale"] == "yes_no").all() else "Share favourable"
    signs = "item" in table and set(table["item"]) <= set(SIGN_IDS)
    return "Share answering yes" if signs else "Share favourable"


def with_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of items that have a share (not pure averages); an item hidden in every group stays."""
    by_item = table.groupby("item", sort=False)
    keep = by_item["p"].transform(lambda p: p.notna().any()) | by_item["suppressed"].transform("all")
    return table[keep.astype(bool)]


def error_bars(value, low, high) -> dict:
    """Asymmetric error bars from an interval (plotly wants distances, not ends)."""
    return {"type": "data", "symmetric": False, "array": numbers(high) - numbers(value),
            "arrayminus": numbers(value) - numbers(low), "width": 3}


LABEL_CLEARANCE = 14  # px: an unseen dot this wide under a bar's number keeps the number clear of its whisker's cap


def whisker_labels(value, high, bars: list, text: list, *, upright: bool = False) -> go.Scatter:
    """Each bar's number just beyond the far end of its whisker (``high``; the bar's end without one):
    written beside an unseen dot of :data:`LABEL_CLEARANCE` px, so it never touches the cap (the
    presentation look scales the dot with its thicker lines). ``upright``: vertical bars, numbers above."""
    ends = np.nan_to_num(np.fmax(numbers(value), numbers(high)) if high is not None else numbers(value), nan=0.0)
    at = {"x": bars, "y": ends} if upright else {"x": ends, "y": bars}
    return go.Scatter(**at, mode="markers+text", name="Values", text=text,
                      textposition="top center" if upright else "middle right",
                      marker={"size": LABEL_CLEARANCE, "color": "rgba(0,0,0,0)"},
                      cliponaxis=False, hoverinfo="skip", showlegend=False)


def group_colours(table: pd.DataFrame, dark: bool) -> dict:
    """A colour of the qualitative palette for each group, in order of first appearance."""
    palette = colorway(dark)
    return {g: palette[i % len(palette)] for i, g in enumerate(dict.fromkeys(table["group"]))}


def index_hover(row: dict, confidence: float) -> str:
    """Hover of a commitment-index row: n, mean signs met and share fully committed, with intervals."""
    lines = [f"<b>{escape_html(row['group'])}</b>" + (f" · {escape_html(row['wave'])}" if "wave" in row else ""),
             f"n = {int(row['n']):,}",
             (f"Mean signs met: {float(row['mean_signs']):.1f} of 8 ({confidence:.0%} interval "
              f"{float(row['mean_ci_low']):.1f}–{float(row['mean_ci_high']):.1f})")]
    if pct(row.get("p")):
        spread = interval(row.get("ci_low"), row.get("ci_high"), confidence)
        lines.append(f"Fully committed (yes to all 8 signs): {pct(row['p'])}" + (f" ({spread})" if spread else ""))
    return "<br>".join(lines)


def points_ticks(low: float, high: float) -> dict:
    """Axis ticks for differences of shares stored as fractions, written in percentage points (``0.1``
    reads ``10``, not ``10%``: a gap is not a share): the roundest step of 1, 2, 5, 10, 20 or 25
    points that gives at most 10 steps between ``low`` and ``high``.

    >>> points_ticks(0.0, 0.9)["ticktext"]
    ['0', '10', '20', '30', '40', '50', '60', '70', '80', '90']
    >>> points_ticks(-0.04, 0.12)["ticktext"]
    ['-4', '-2', '0', '2', '4', '6', '8', '10', '12']
    """
    step = next((s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if (high - low) / s <= 10), 0.5)
    ticks = np.arange(np.ceil(low / step - 1e-9), np.floor(high / step + 1e-9) + 1) * step
    return {"tickmode": "array", "tickvals": ticks.tolist(), "ticktext": [str(round(t * 100)) for t in ticks]}
