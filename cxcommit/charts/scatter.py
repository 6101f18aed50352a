"""Units as points: one outcome against pay alignment, with the fitted line and r the analysis computed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import numbers, require
from cxcommit.charts.layout import finish
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import colorway, pct
from cxcommit.text import escape_html
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


def pay_scatter(units: pd.DataFrame, *, x: str, y: str, fit: dict, unit: str = "business_unit",
                options: ChartOptions = ChartOptions()) -> go.Figure:
    """Units as points with the least-squares line, each unit weighted by its respondents; the
    weighted Pearson r, its interval, n and what may not be read off it (too few units, within
    chance) in the subtitle.

    Input: :func:`cxcommit.analyses.pay.unit_table` (one row per shown unit); ``x``, ``y``: two of its
    columns, e.g. ``exec_incentive_cx_pct`` and ``customer_nps``; ``fit``: what
    :func:`cxcommit.analyses.pay.unit_fit` returns for them (``r``, ``ci_low``, ``ci_high``,
    ``p_value``, ``p_holm``, ``n``, ``n_eff``, ``enough_units``, ``slope``, ``intercept``, ``caveat``).
    ``layout.meta`` holds the correlation's numbers.
    """
    require(units, [unit, x, y], "pay_scatter", "cxcommit.analyses.pay.unit_table(survey, metrics)")
    dark = options.dark
    table = units[~units["suppressed"].astype(bool)] if "suppressed" in units else units
    xs, ys = numbers(table[x]), numbers(table[y])
    keep = np.isfinite(xs) & np.isfinite(ys)
    x_label, y_label = escape_html(column_label(x)), escape_html(column_label(y))
    fig = go.Figure(go.Scatter(
        x=xs[keep], y=ys[keep], mode="markers", name="Units", marker={"color": colorway(dark)[0], "size": 10},
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
                  "· dashed: least-squares line", height=560 if options.presentation else 480, options=options)
