"""Units as points: one outcome against pay alignment, with the fitted line and r the analysis computed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import numbers, require
from cxcommit.charts.layout import finish
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import colorway, font_size, pct
from cxcommit.text import escape_html, shorten
from cxcommit.vocabulary import column_label

SHARE_COLUMNS = ("sign_7", "fully_committed")
CORRELATION = ("r", "ci_low", "ci_high", "p_value", "p_holm", "n", "n_eff")  # what the figure's layout.meta holds


def _axis_format(column: str, values: np.ndarray) -> dict:
    if column in SHARE_COLUMNS or (column == "p" and np.nanmax(values, initial=0) <= 1):
        return {"tickformat": ".0%"}
    return {"ticksuffix": "%"} if column.endswith("_pct") else {}


def _value_text(column: str, value: float) -> str:
    if column in SHARE_COLUMNS:
        return pct(value)
    return f"{value:.1f}%" if column.endswith("_pct") else f"{value:.2f}".rstrip("0").rstrip(".")


def _correlation_text(fit: dict, confidence: float) -> str:
    """r with its interval and the units it rests on; what may not be read off it, in plain words."""
    if not np.isfinite(fit["r"]):
        return f"Too few units (n = {fit['n']}) or no spread: no correlation"
    text = (f"r = {fit['r']:.2f} ({confidence:.0%} interval {fit['ci_low']:.2f} to {fit['ci_high']:.2f}), "
            f"n = {fit['n']} units weighted by answers")
    return f"{text} · {fit['caveat']}" if fit.get("caveat") else text


LABEL_CHARS = 22  # a dot's name is cut to this many characters


def dot_labels(xs: np.ndarray, ys: np.ndarray, names: list[str], named: tuple = (), *, width: float = 760,
               height: float = 340, font: int = 12, dot: float = 6,
               limits: tuple | None = None) -> tuple[list[str], list[str]]:
    """The name to write beside each dot (empty: left out) and on which side: the ``named`` units first, then the
    others from the most extreme (farthest from the middle, each axis scaled to its range) inward,
    each written right of its dot, or left of it where the right is taken or past the plot's edge
    (in a plot of ``width`` × ``height`` pixels spanning the data's range, or ``limits``, ``((x0, x1), (y0,
    y1))``, where the axes are set; dots ``dot`` pixels across), only if its box keeps
    clear of the dots and of the names already written. With few units every dot is named.

    >>> dot_labels(np.array([0.0, 1.0, 0.5]), np.array([0.0, 1.0, 0.5]), ["A", "B", "C"])[0]
    ['A', 'B', 'C']
    >>> dot_labels(np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.0, 0.0]), ["Left", "Middle", "Right"], width=120)
    (['Left', '', 'Right'], ['middle right', 'middle right', 'middle left'])
    """
    def scaled(v: np.ndarray, axis: int) -> np.ndarray:
        low, high = limits[axis] if limits else (v.min() if len(v) else 0.0, v.max() if len(v) else 1.0)
        return (v - low) / (high - low if high > low else 1.0)
    px, py = scaled(xs, 0) * width, (1 - scaled(ys, 1)) * height
    centre = np.hypot(px - width / 2, py - height / 2)
    order = sorted(range(len(names)), key=lambda i: (names[i] not in named, -centre[i]))
    boxes: list[tuple[float, float, float, float]] = []
    texts, sides = [""] * len(names), ["middle right"] * len(names)
    for i in order:
        text = shorten(str(names[i]), LABEL_CHARS)
        wide, gap = len(text) * 0.58 * font, dot / 2 + 3
        right = (px[i] + gap, py[i] - font * 0.7, px[i] + gap + wide, py[i] + font * 0.7)
        left = (px[i] - gap - wide, right[1], px[i] - gap, right[3])
        for side, box in (("middle right", right), ("middle left", left)):
            inside = box[0] >= -gap and box[2] <= width + gap
            clear = all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in boxes)
            dots = np.any((px + dot / 2 > box[0]) & (px - dot / 2 < box[2]) & (py + dot / 2 > box[1])
                          & (py - dot / 2 < box[3]))
            if inside and clear and not dots:
                boxes.append(box)
                texts[i], sides[i] = text, side
                break
    return texts, sides


def pay_scatter(units: pd.DataFrame, *, x: str, y: str, fit: dict, unit: str = "business_unit",
                named: tuple = (), options: ChartOptions = ChartOptions()) -> go.Figure:
    """Units as points with the least-squares line, each unit weighted by its respondents; the
    weighted Pearson r, its interval, n and what may not be read off it (too few units, within
    chance) in the subtitle.

    Input: :func:`cxcommit.analyses.pay.unit_table` (one row per shown unit); ``x``, ``y``: two of its
    columns, e.g. ``exec_incentive_cx_pct`` and ``customer_nps``; ``fit``: what
    :func:`cxcommit.analyses.pay.unit_fit` returns for them (``r``, ``ci_low``, ``ci_high``,
    ``p_value``, ``p_holm``, ``n``, ``n_eff``, ``enough_units``, ``slope``, ``intercept``, ``caveat``).
    ``layout.meta`` holds the correlation's numbers.

    Dots carry their units' names (:func:`dot_labels`): every one that has room; where names would
    collide, the ``named`` units (e.g. those a takeaway mentions) and the most extreme ones first;
    the subtitle says when some are left out.
    """
    require(units, [unit, x, y], "pay_scatter", "cxcommit.analyses.pay.unit_table(survey, metrics)")
    dark = options.dark
    table = units[~units["suppressed"].astype(bool)] if "suppressed" in units else units
    xs, ys = numbers(table[x]), numbers(table[y])
    keep = np.isfinite(xs) & np.isfinite(ys)
    x_label, y_label = escape_html(column_label(x)), escape_html(column_label(y))
    height = 560 if options.presentation else 480
    labels, sides = dot_labels(xs[keep], ys[keep], [str(u) for u in table[unit][keep]], tuple(named), height=height - 200,
                        font=font_size(options.presentation) - 2)
    left_out = sum(1 for t in labels if not t)
    fig = go.Figure(go.Scatter(
        x=xs[keep], y=ys[keep], mode="markers+text", name="Units", marker={"color": colorway(dark)[0], "size": 10},
        text=[escape_html(t) for t in labels], textposition=sides, cliponaxis=False,
        textfont={"size": font_size(options.presentation) - 2},
        hovertext=[f"<b>{escape_html(u)}</b><br>{x_label}: {_value_text(x, a)}<br>{y_label}: {_value_text(y, b)}"
                   for u, a, b in zip(table[unit][keep], xs[keep], ys[keep])],
        hoverinfo="text", customdata=[[u] for u in table[unit][keep]]))
    if np.isfinite(fit["slope"]):
        ends = np.array([xs[keep].min(), xs[keep].max()])
        fig.add_trace(go.Scatter(x=ends, y=fit["intercept"] + fit["slope"] * ends, mode="lines",
                                 name="Weighted least-squares line", line={"color": colorway(dark)[1], "dash": "dash"},
                                 hoverinfo="skip"))
    fig.update_layout(meta={k: (float(fit[k]) if k != "n" else int(fit[k])) for k in CORRELATION})
    fig.update_xaxes(title_text=x_label, **_axis_format(x, xs))
    fig.update_yaxes(title_text=y_label, **_axis_format(y, ys))
    return finish(fig, f"{y_label} against {x_label[0].lower() + x_label[1:]}",
                  f"{_correlation_text(fit, options.confidence)} · one dot per unit over the waves shown "
                  "· dashed: least-squares line"
                  + (f" · {left_out} dots unnamed where names would collide (the most extreme named first)"
                     if left_out else ""), height=height, options=options)
