"""One function per chart: a library table in, a plotly Figure out (never streamlit).

Each function takes the table a library function returns (named in its docstring), its own
arguments (which item, which group, the sort order) and one :class:`ChartOptions`: the minimum
group size, the confidence level, ``presentation`` and ``dark`` (see
:func:`cxcommit.charts.theme.apply_theme`). A suppressed row never shows a number — not as text,
hover or custom data; it is drawn as a grey ``n<5`` (the minimum group size is the option's
``min_group_size``). Where a chart marks a group, its ``customdata`` starts with the group's name,
so a click can tell which group was chosen. Charts compute no statistics: every number they draw
(a share, an interval, r, a fitted line) comes in the table or an argument from the analyses.

Names and labels from the data (groups, items, waves, grouping and metric names) are drawn as
text, never read as plotly's tags: each enters the figure through
:func:`~cxcommit.text.escape_html` (``customdata`` keeps them as they are, for the click).

The modules, by chart family: :mod:`~cxcommit.charts.heatmap`, :mod:`~cxcommit.charts.bars`
(commitment, gaps), :mod:`~cxcommit.charts.best` (the best group per item), :mod:`~cxcommit.charts.waves` (lines over waves), :mod:`~cxcommit.charts.dumbbell`,
:mod:`~cxcommit.charts.spread` (variation, spread), :mod:`~cxcommit.charts.scatter`; what they share:
:mod:`~cxcommit.charts.common` (table checks, hover texts), :mod:`~cxcommit.charts.layout` (panels,
ticks, pixel rules), :mod:`~cxcommit.charts.theme` (colours, fonts) and :mod:`~cxcommit.charts.options`.

>>> from cxcommit.demo import load_demo
>>> from cxcommit.analyses.rates import rates
>>> fig = signs_heatmap(rates(load_demo(), by="division"))
>>> fig.layout.title.text  # the 8 signs and the demo's other items: "The signs by ..." for the signs alone
'The items by division'
"""
from __future__ import annotations

# The package's face: its modules' public names, imported to be taken from here.
# ruff: noqa: F401
from cxcommit.charts.bars import GAP_VALUES, commitment_chart, gap_bars
from cxcommit.charts.best import best_group_chart
from cxcommit.charts.common import share_label
from cxcommit.charts.diverging import diverging_chart
from cxcommit.charts.dumbbell import gap_dumbbell
from cxcommit.charts.heatmap import HEATMAP_COLOURS, HEATMAP_SORTS, signs_heatmap
from cxcommit.charts.layout import TICK_CHARS
from cxcommit.charts.options import ChartOptions
from cxcommit.charts.scatter import SHARE_COLUMNS, pay_scatter
from cxcommit.charts.spread import spread_chart, variation_chart
from cxcommit.charts.waves import index_trend_chart, pay_trend_chart, trend_chart

__all__ = ["best_group_chart", "commitment_chart", "gap_bars", "gap_dumbbell", "index_trend_chart", "pay_scatter", "pay_trend_chart",
           "signs_heatmap", "spread_chart", "trend_chart", "variation_chart"]
