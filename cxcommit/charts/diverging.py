"""The diverging favourable bar per item: unfavourable to the left of a neutral centre, favourable to
the right, each share written on its segment, and the change since the previous wave beside it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxcommit.charts.common import numbers, require, texts
from cxcommit.charts.layout import finish, short_ticks
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.theme import MARK, ink, row_height, suppressed_label
from cxcommit.text import escape_html, points

FAVOURABLE, NEUTRAL, UNFAVOURABLE = "#2166ac", "#bdbdbd", "#d6604d"  # blue for good, grey middle, red for bad
MIN_WRITTEN = 0.06  # a segment narrower than this share has no room for its number (the hover has it)


def change_text(change, prev_wave, significant: bool) -> str:
    """A change of a share in whole points with the wave it is from and the significance mark:
    ``+4 pts since 2026-Q2 ●``; ``no change since …`` below half a point; empty without a previous wave.

    >>> change_text(-0.0437, "2026-Q2", True), change_text(0.002, "2026-Q2", False), change_text(None, None, False)
    ('−4 pts since 2026-Q2 ●', 'no change since 2026-Q2', '')
    """
    if change is None or prev_wave is None or pd.isna(change) or pd.isna(prev_wave):
        return ""
    mark = f" {MARK}" if significant else ""
    if round(float(change) * 100) == 0:
        return f"no change since {prev_wave}{mark}"
    return f"{points(change, signed=True)} since {prev_wave}{mark}"


def diverging_chart(table: pd.DataFrame, *, options: ChartOptions = ChartOptions()) -> go.Figure:
    """Favourable, neutral and unfavourable shares per item, centred on neutral, highest favourable on top.

    Input: :func:`cxcommit.analyses.favourability.favourability`. The neutral segment straddles 0,
    favourable runs right of it and unfavourable left, so items line up on their neutral middle
    (yes/no items have no neutral: their bars meet at 0). Each segment wide enough carries its
    share; the right margin says the change of the favourable share since the previous wave,
    marked ● where it is significant after adjustment. Suppressed items are grey ``n<5``.
    """
    require(table, ["item", "label", "n", "favourable", "neutral", "unfavourable", "prev_wave", "change_prev",
                    "change_prev_significant", "suppressed", "wave"], "diverging_chart",
            "cxcommit.analyses.favourability.favourability(survey)")
    table = table.assign(_fav=numbers(table["favourable"])).sort_values("_fav", na_position="first", kind="stable")
    labels = texts(table["label"])
    shown = ~table["suppressed"].to_numpy(dtype=bool)
    fav, neu, unf = (np.where(shown, numbers(table[c]), 0.0) for c in ("favourable", "neutral", "unfavourable"))
    fig = go.Figure()
    for name, value, base, colour in (("Unfavourable", unf, -neu / 2 - unf, UNFAVOURABLE),
                                      ("Neutral", neu, -neu / 2, NEUTRAL),
                                      ("Favourable", fav, neu / 2, FAVOURABLE)):
        written = [f"{v:.0%}" if ok and v >= MIN_WRITTEN else "" for v, ok in zip(value, shown)]
        hover = [f"<b>{escape_html(label)}</b><br>{name}: {v:.0%} of {int(n):,}" if ok else ""
                 for label, v, n, ok in zip(labels, value, table["n"], shown)]
        fig.add_trace(go.Bar(y=labels, x=value, base=base, orientation="h", name=name, marker_color=colour,
                             text=written, textposition="inside", insidetextanchor="middle",
                             textfont={"color": "#ffffff" if name != "Neutral" else "#1a1a1a"},
                             hovertext=hover, hoverinfo="text", customdata=[[i] for i in table["item"]]))
    right = float(np.nanmax(np.r_[fav + neu / 2, 0.5]))
    changes = [change_text(c, w, bool(s)) if ok else suppressed_label(options.min_group_size)
               for c, w, s, ok in zip(table["change_prev"], table["prev_wave"], table["change_prev_significant"], shown)]
    fig.add_trace(go.Scatter(y=labels, x=[right + 0.04] * len(labels), mode="text", text=[escape_html(c) for c in changes],
                             textposition="middle right", showlegend=False, hoverinfo="skip",
                             textfont={"color": ink(options.dark)}))
    left = float(np.nanmin(np.r_[-neu / 2 - unf, -0.5]))
    fig.update_xaxes(range=[left - 0.02, right + 0.55], zeroline=True, zerolinewidth=1, showticklabels=False,
                     showgrid=False, title_text="")
    fig.update_yaxes(categoryorder="array", categoryarray=labels, showgrid=False)
    short_ticks(fig, "y", labels)
    fig.update_layout(barmode="overlay", bargap=0.3)
    wave = escape_html(str(table["wave"].iat[0])) if len(table) else ""
    return finish(fig, f"How favourably each item is answered, {wave}",
                  "Blue: favourable · grey: neutral (middle of the scale; none on yes/no) · red: unfavourable"
                  + (f" · right: change of the favourable share · {MARK} significant after adjustment"
                     if table["prev_wave"].notna().any() else ""),
                  height=190 + len(table) * row_height(options.presentation), options=options)
