"""Overview: the headline findings, commitment per division, and the latest wave against the previous."""
import streamlit as st

from cxcommit import charts
from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.findings import findings
from cxcommit.analyses.summary import default_grouping
from cxcommit.text import escape_markdown as md
from ui.errors import guarded
from ui.shell import context
from ui.views import demo_notice, latest_vs_previous, show_chart

ctx = context()
st.title("Executive commitment to customer experience")
demo_notice(ctx)
with guarded():
    latest_vs_previous(ctx)
    st.subheader("What to lead with")
    facts = findings(ctx.survey, ctx.metrics, settings=ctx.settings)
    if facts.empty:
        st.info("No finding clears the minimum group size with these filters.")
    for fact in facts.itertuples():
        st.markdown(f"**{fact.rank}.** {md(fact.headline)}  \n:small[n = {fact.n:,}]")
    if not facts.empty:
        st.caption(md(ctx.caption() + " · the tiles above are the latest wave; the findings and the chart below "
                                      "take the waves chosen together"))
    by = default_grouping(ctx.survey, "division")
    if by and ctx.survey.has_signs:
        st.subheader("Commitment by division" if by == "division" else "Commitment by group")
        index = commitment_index(ctx.survey, by, settings=ctx.settings)
        show_chart(ctx, charts.commitment_chart(index, options=ctx.chart_options), table=index)
