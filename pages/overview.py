"""Overview: the latest wave in tiles, the findings to lead with (each linked to its chart), how
each item is answered, commitment per division and participation."""
import streamlit as st

from cxcommit import charts
from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.summary import default_grouping
from cxcommit.privacy.publish import generalised_values
from cxcommit.text import escape_markdown as md
from cxcommit.vocabulary import grouping_text
from ui.errors import guarded
from ui.overview import answers_per_item, lead_findings, response_rates, tiles, title
from ui.shell import context
from ui.views import demo_notice, show_chart

ctx = context()
st.title(md(title(ctx)))
demo_notice(ctx)
with guarded():
    wave = tiles(ctx)
    lead_findings(ctx)
    by = default_grouping(ctx.survey, "division")
    if by and ctx.survey.has_signs:
        st.subheader(md(f"Commitment by {grouping_text(by)}"))  # as the chart's title names it
        index = commitment_index(ctx.survey, by, settings=ctx.settings)
        chart = charts.commitment_chart(index, pooled=generalised_values(ctx.survey, by), options=ctx.chart_options)
        show_chart(ctx, chart, table=index)
with guarded():
    answers_per_item(ctx)
with guarded():
    if wave:
        response_rates(ctx, wave)
