"""Variation: per sign, how far units spread, ranked, with the test explained in plain words."""
import streamlit as st

from cxcommit import charts
from cxcommit.analyses.rates import rates
from cxcommit.analyses.variation import explain, variation
from cxcommit.privacy.publish import generalised_values
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.story.chapters import page_heading
from cxcommit.story.takeaways import marked_groups, standouts
from cxcommit.text import escape_markdown as md
from cxcommit.vocabulary import LONGEST_NOUN, grouping_nouns
from ui.errors import guarded
from ui.shell import context, left_out_note
from ui.titles import page_title
from ui.views import demo_notice, grouping_choice, show_chart

ctx = context()
title = st.empty()  # named by the grouping chosen below
title.title(page_title("variation.py", ctx.survey))
demo_notice(ctx)
with guarded():
    survey = ctx.survey
    by = grouping_choice(ctx, "Across", ("business_unit", "division", "region"), "variation_by")
    if by is None:
        st.stop()
    title.title(page_title("variation.py", survey, by))
    items = list(SIGN_IDS) if survey.has_signs else None
    table = variation(survey, by, items=items, settings=ctx.settings)
    if table.empty:
        st.info("Fewer than two groups clear the minimum group size with these filters, so there is no spread to show.")
    else:
        words = grouping_nouns(by, longest=LONGEST_NOUN, label=survey.groupings.get(by))[1]  # as the deck says it
        spread = rates(survey, by, items=items, settings=ctx.settings)
        st.subheader(md(page_heading("variation", table, ctx.settings, fallback=f"Where {words} disagree",
                                     groups=words, standouts=standouts(spread, ctx.settings, generalised_values(survey, by)))))
        figure = charts.variation_chart(table, groups=words, options=ctx.chart_options)
        show_chart(ctx, figure, left_out_note(survey, by), table=table)
        marks = marked_groups(spread)  # the heatmap's marks, named where the test of all groups finds none
        for row in table.to_dict("records"):
            st.markdown(f"**{row['rank']}.** " + md(explain(row, ctx.settings.confidence, words,
                                                             marks.get(row["item"], ""))))
        st.subheader("Every group on every sign" if survey.has_signs else "Every group on every item")
        show_chart(ctx, charts.spread_chart(spread, options=ctx.chart_options), left_out_note(survey, by), table=spread)
