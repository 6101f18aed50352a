"""Gaps: executives against their staff, the distance to full commitment, and to the best unit."""
import streamlit as st

from cxcommit import charts
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, groups_by_largest_gap, perception_gap
from cxcommit.analyses.summary import default_item
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.story.chapters import page_heading
from cxcommit.text import escape_markdown as md
from ui.errors import guarded
from ui.shell import context, left_out_note, one_of
from ui.titles import page_title
from ui.views import demo_notice, grouping_choice, show_chart

ctx = context()
st.title(page_title("gaps.py", ctx.survey))
demo_notice(ctx)
survey = ctx.survey
items = list(SIGN_IDS) if survey.has_signs else None
by = grouping_choice(ctx, "By", ("business_unit", "division", "region"), "gaps_by")
# A survey without the signs and without roles: the perception gap is named in a line under the charts that apply.
without_roles = not survey.has_signs and "role" not in survey.groupings


def roles_line() -> None:
    if without_roles:
        st.caption("No perception gap (executives against their staff): no column is mapped to the role on the "
                   "**Data** page.")


with guarded():
    if not without_roles:
        gaps = perception_gap(survey, None, items=items, settings=ctx.settings)
        st.subheader(md(page_heading("perception_gap", gaps, ctx.settings,
                                     fallback="Do executives see what their staff see?")))
        show_chart(ctx, charts.gap_dumbbell(gaps, options=ctx.chart_options), table=gaps)
        by_group = perception_gap(survey, by, items=items, settings=ctx.settings) if by else None
        groups = groups_by_largest_gap(by_group) if by else []  # the one to talk about first
        if groups:
            group = st.selectbox(md(f"One {one_of(survey, by)}"), groups, key="gaps_group", bind="query-params")
            show_chart(ctx, charts.gap_dumbbell(by_group, group=group, options=ctx.chart_options),
                       left_out_note(survey, by), table=by_group[by_group["group"] == group])
with guarded():
    target = gap_to_target(survey, None, items=items, settings=ctx.settings)
    st.subheader(md(page_heading("gap_to_target", target, ctx.settings, fallback="How far from full commitment?"
                                 if survey.has_signs else "How far from everyone answering favourably?")))
    show_chart(ctx, charts.gap_bars(target, options=ctx.chart_options), table=target)
with guarded():
    if by is None:
        roles_line()
        st.stop()
    st.subheader(md(f"How far from the best {one_of(survey, by)}?"))
    best = gap_to_best(survey, by, items=items, settings=ctx.settings)
    show_chart(ctx, charts.best_group_chart(best, group_word=one_of(survey, by), options=ctx.chart_options),
               left_out_note(survey, by), table=best)
    choices = list(dict.fromkeys(best["item"]))
    item = st.selectbox("Every group on one item", choices, index=choices.index(default_item(survey, choices, settings=ctx.settings)),
                        format_func=dict(zip(best["item"], best["label"])).get, key="gaps_best_item", bind="query-params")
    show_chart(ctx, charts.gap_bars(best, item=item, options=ctx.chart_options), left_out_note(survey, by),
               table=best[best["item"] == item])
roles_line()
