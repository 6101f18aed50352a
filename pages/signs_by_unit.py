"""Signs × units: each sign's share of yes by unit or division, coloured by the difference to the
rest of the organisation; click a cell for that group's detail."""
import streamlit as st

from cxcommit import charts
from cxcommit.analyses.rates import rates
from cxcommit.analyses.rates import everyone_shares
from cxcommit.analyses.tables import item_scales, shown_groups
from cxcommit.charts.heatmap import groups_run_down
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.story.chapters import page_heading
from cxcommit.story.report_text import family_size, significance_line
from cxcommit.text import escape_markdown as md
from ui.errors import guarded
from ui.shell import context, left_out_note, one_of
from ui.titles import page_title
from ui.views import chart_footer, demo_notice, group_detail, grouping_choice

ctx = context()
title = st.empty()  # named by the grouping chosen below
title.title(page_title("signs_by_unit.py", ctx.survey))
demo_notice(ctx)
with guarded():
    survey = ctx.survey
    left, middle, right = st.columns([2, 2, 3])
    by = grouping_choice(ctx, "Groups", ("business_unit", "division", "region", "role"), "heatmap_by",
                         container=left)
    if by is None:
        st.stop()
    title.title(page_title("signs_by_unit.py", survey, by))
    signs_only = survey.has_signs and right.toggle("The 8 signs only", value=True, key="heatmap_signs",
                                                   bind="query-params")  # no choice on a survey without them
    items = list(SIGN_IDS) if signs_only else None
    table = rates(survey, by, items=items, settings=ctx.settings)
    lines = "rows" if groups_run_down(table, options=ctx.chart_options) else "columns"  # as the chart draws them
    sort = middle.radio(f"Sort {lines} by", ("score", "size", "name"), horizontal=True, key="heatmap_sort",
                        bind="query-params", format_func={"score": "Score", "size": "Size", "name": "Name"}.get)
    st.subheader(md(page_heading("signs", table, ctx.settings, fallback=f"The {'8 signs' if items else 'items'} by "
                                 f"{one_of(survey, by)}", scales=item_scales(survey),
                                 everyone=everyone_shares(survey, items, ctx.settings))))
    figure = charts.signs_heatmap(table, sort=sort, options=ctx.chart_options)
    event = st.plotly_chart(figure, width="stretch", on_select="rerun", selection_mode="points", key="heatmap")
    chart_footer(ctx, figure, " · ".join(filter(None, (
        "colour: difference to all the other groups shown together, in points",
        significance_line(ctx.settings, family_size(table)), left_out_note(survey, by)))), table=table)
    points = event.selection.points if event and event.selection else []
    clicked = points[0].get("customdata") if points else None
    shown = shown_groups(table)
    if clicked:
        st.session_state["heatmap_detail"] = str(clicked[0] if isinstance(clicked, list) else clicked)
    if st.session_state.get("heatmap_detail") not in shown:
        st.session_state.pop("heatmap_detail", None)
    if shown:
        group = st.selectbox(md(f"Detail for one {one_of(survey, by)}"), shown, index=None,
                             placeholder="Choose a group", key="heatmap_detail",
                             bind="query-params")
        if group:
            group_detail(ctx, by, group, items)
