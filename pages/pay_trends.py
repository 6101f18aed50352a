"""Compensation & trends: sign 7 and the incentive share over waves, commitment over waves, and
how pay alignment relates to CX outcomes across units; on a survey that asks none of the signs, its
own items over waves."""
import streamlit as st

from cxcommit import charts
from cxcommit.analyses.commitment import index_over_waves
from cxcommit.analyses.pay import (metrics_coverage, pay_alignment, pay_relations, relation_choices, unit_fit,
                                   unit_table)
from cxcommit.analyses.rates import rated_items
from cxcommit.analyses.summary import default_item
from cxcommit.analyses.trends import trends
from cxcommit.story.chapters import outcome_pair, page_heading
from cxcommit.story.report_text import relations_table
from cxcommit.text import escape_markdown as md
from ui.errors import guarded
from ui.shell import context, left_out_note
from ui.titles import asks_signs, page_title
from ui.views import demo_notice, grouping_choice, show_chart

ctx = context()
st.title(page_title("pay_trends.py", ctx.survey))
demo_notice(ctx)
survey = ctx.survey
by = grouping_choice(ctx, "Lines per", ("division", "business_unit", "region"), "trends_by")  # None: one line
with guarded():
    coverage = metrics_coverage(survey, ctx.metrics)  # where the unit metrics do not reach, and what is left out
    if coverage:
        st.info("\n\n".join(md(line) for line in coverage), icon="ℹ️")
signs = asks_signs(survey)  # a survey of its own questions is not told about the signs it does not ask
if signs:
    with guarded():
        pay = pay_alignment(survey, ctx.metrics, by, settings=ctx.settings)
        st.subheader(md(page_heading("pay", pay, ctx.settings,
                                     fallback="Is executive pay tied to CX? Sign 7 and the incentive share over waves")))
        show_chart(ctx, charts.pay_trend_chart(pay, options=ctx.chart_options), table=pay)
    with guarded():
        over_waves = index_over_waves(survey, by, settings=ctx.settings)
        st.subheader(md(page_heading("index_waves", over_waves, ctx.settings, fallback="Commitment over waves")))
        show_chart(ctx, charts.index_trend_chart(over_waves, options=ctx.chart_options), left_out_note(survey, by),
                   table=over_waves)
else:
    st.caption("Pay alignment and the commitment index are read from the 8 signs of executive commitment, "
               "which this survey does not ask; here each of its own items is followed over waves.")
with guarded():
    choices = rated_items(survey) or list(survey.item_ids)  # a factual question has no share to follow
    item = st.selectbox("One item over waves", choices, index=choices.index(default_item(survey, settings=ctx.settings)),
                        format_func=lambda i: survey.item(i).label, key="trends_item", bind="query-params")
    moves = trends(survey, by, items=[item], settings=ctx.settings)
    show_chart(ctx, charts.trend_chart(moves, item=item, options=ctx.chart_options), left_out_note(survey, by),
               table=moves)
if signs and (ctx.metrics is None or "business_unit" not in survey.groupings):
    st.info("To relate pay alignment to NPS, CSAT and other outcomes across business units, load a unit-metrics "
            "file with survey data that has a business unit column, on the **Data** page.")
elif signs:
    with guarded():
        st.subheader("Pay alignment and CX outcomes across units")
        relations = pay_relations(survey, ctx.metrics, settings=ctx.settings)
        pairs = relation_choices(relations)  # label in words -> (x, y)
        story = list(pairs.values()).index(outcome_pair(ctx.metrics)) if outcome_pair(ctx.metrics) in pairs.values() else 0
        x, y = pairs[st.selectbox("Relation", list(pairs), index=story, key="pay_pair", bind="query-params")]
        units = unit_table(survey, ctx.metrics, settings=ctx.settings)
        fit = unit_fit(units, x, y, confidence=ctx.settings.confidence, relations=relations)
        show_chart(ctx, charts.pay_scatter(units, x=x, y=y, fit=fit, options=ctx.chart_options),
                   "each point a business unit, weighted by its answers", table=units)
        st.dataframe(relations_table(relations, ctx.settings.confidence), hide_index=True, width="stretch")
