"""The Overview's parts: the tiles of the latest wave, the findings with a link to each one's chart,
the favourable bar per item and participation (no numbers are computed here)."""
from __future__ import annotations

import streamlit as st

from cxcommit.analyses.commitment import latest_wave
from cxcommit.analyses.favourability import favourability, item_counts, shows_change, wave_sizes
from cxcommit.analyses.findings import findings
from cxcommit.analyses.summary import group_count
from cxcommit.analyses.participation import (LOW_PARTICIPATION, participation, participation_applies,
                                             participation_caption)
from cxcommit.charts.diverging import diverging_chart
from cxcommit.charts.participation import participation_chart
from cxcommit.privacy.view import view
from cxcommit.text import escape_markdown as md, share_and_change, survey_name
from cxcommit.vocabulary import grouping_nouns, grouping_text
from ui.shell import Context
from ui.views import show_chart

ANSWERS_ANCHOR = "answers-per-item"
# Where each kind of finding (cxcommit.analyses.findings) is drawn: a page file, or this page's anchor.
FINDING_CHARTS = {
    "weakest_sign": ("overview.py", ANSWERS_ANCHOR, "The favourable bar per item"),
    "perception_gap": ("gaps.py", None, "Gaps between leaders and staff"),
    "furthest_unit": ("signs_by_unit.py", None, "The items by unit"),
    "disagreement": ("variation.py", None, "Variation between units"),
    "mover": ("pay_trends.py", None, "Trends over waves"),
    "pay_trend": ("pay_trends.py", None, "Pay and trends"),
}



def title(ctx: Context) -> str:
    """The page's title: the 8 signs' question, or the data's own name for another survey."""
    if ctx.survey.has_signs:
        return "Executive commitment to customer experience"
    return f"Survey overview: {survey_name(ctx.dataset.label)}"


def tiles(ctx: Context) -> str | None:
    """The tiles of the latest wave shown, each naming it: respondents, units, then the commitment
    index's two numbers (or, on a survey without the signs, the items rated and how many of them
    most answer favourably), each with its change since the previous wave; returns the latest wave
    (None when no wave can be shown)."""
    sizes = wave_sizes(ctx.survey, ctx.settings)
    if not sizes:
        return None
    waves = list(sizes)
    wave, previous = waves[-1], (waves[-2] if len(waves) > 1 else None)
    shown = [dict(label=f"Respondents, {md(wave)}", value=f"{sizes[wave]:,}", delta_color="off",
                  delta=f"{sizes[wave] - sizes[previous]:+,} since {md(previous)}" if previous else None,
                  help=f"{sum(sizes.values()):,} across the {len(sizes)} waves shown." if previous else None)]
    by = next((name for name in ("business_unit", "division", "region") if name in ctx.survey.groupings), None)
    if by:
        count, nouns = group_count(view(ctx.survey, wave=[wave]), by), grouping_nouns(by)
        why = count.why(nouns, ctx.settings.min_group_size)
        shown.append(dict(label=f"{md(grouping_text(by).capitalize())}s, {md(wave)}", value=f"{count.shown:,}",
                          help=md(f"The {nouns[1]} a breakdown shows in {wave}" + (f": {why}" if why else "")
                                  + " (see Data).")))
    shown += _commitment_tiles(ctx) if ctx.survey.has_signs else _item_tiles(ctx, wave)
    for col, tile in zip(st.columns(4), shown):
        col.metric(**tile)
    return wave


def _commitment_tiles(ctx: Context) -> list[dict]:
    latest = latest_wave(ctx.survey, ctx.settings)
    if latest is None:
        return []
    since = latest.previous is not None
    value, change = share_and_change(latest.p, latest.p_change)
    return [dict(label=f"Mean signs met, {md(latest.wave)}", value=f"{latest.mean_signs:.2f} of 8",
                 delta=f"{latest.mean_change:+.2f} since {md(latest.previous)}" if since else None),
            dict(label=f"Fully committed, {md(latest.wave)}", value=value,
                 delta=f"{change} since {md(latest.previous)}" if since and change else None,
                 help="Yes to every sign answered (of at least 6 of the 8).")]


def _item_tiles(ctx: Context, wave: str) -> list[dict]:
    counts = item_counts(favourability(ctx.survey, settings=ctx.settings))
    return [dict(label=f"Items rated, {md(wave)}", value=f"{counts.rated}",
                 help=md(counts.why(ctx.settings.min_group_size))),
            dict(label=f"Mostly favourable, {md(wave)}", value=f"{counts.mostly_favourable} of {counts.rated}",
                 help="Items that at least half of those answering answer favourably.")]


def lead_findings(ctx: Context) -> None:
    """The findings to lead with, each with a link to the chart that shows it."""
    st.subheader("What to lead with")
    facts = findings(ctx.survey, ctx.metrics, settings=ctx.settings)
    if facts.empty:
        st.info("No finding clears the minimum group size with these filters.")
        return
    # a link down this page drawn as the links to other pages (st.page_link): the text's colour, no underline
    st.html("""<style>
        [class*="st-key-chart-link-"] [data-testid="stMarkdownContainer"] a {
            color: inherit; text-decoration: none; display: inline-block; padding: 0.125rem 0.5rem;
            border-radius: 0.5rem; font-size: 0.875rem;}
        [class*="st-key-chart-link-"] [data-testid="stMarkdownContainer"] a:hover {
            background-color: rgba(151, 166, 195, 0.15);}
        </style>""")
    for fact in facts.itertuples():
        text, link = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"**{fact.rank}.** {md(fact.headline)}  \n:small[{md(fact.base)}]")
        page, anchor, label = FINDING_CHARTS.get(fact.kind, (None, None, ""))
        if anchor:  # a chart on this page: a link down to it, drawn as the links to other pages are
            link.container(key=f"chart-link-{fact.rank}").markdown(f"[See the chart ↓](#{anchor} \"{label}\")")
        elif page:
            link.page_link(f"pages/{page}", label="See the chart →", help=label,
                           query_params={name: st.query_params.get_all(name) for name in st.query_params})
    waves = len(wave_sizes(ctx.survey, ctx.settings))
    st.caption(md(ctx.caption() + (" · the tiles above and a finding that names a wave are that wave, as its chart "
                                   "is; the other findings take the waves chosen together" if waves > 1 else "")))


def answers_per_item(ctx: Context) -> None:
    """The diverging favourable / neutral / unfavourable bar per item, with the change per item."""
    table = favourability(ctx.survey, settings=ctx.settings)
    if table.empty:
        return
    st.subheader("How each item is answered", anchor=ANSWERS_ANCHOR)
    show_chart(ctx, diverging_chart(table, options=ctx.chart_options), table=table,
               note="the latest wave shown; the change is that of the favourable share" if shows_change(table) else "")


def response_rates(ctx: Context, wave: str) -> None:
    """Participation per division (or unit) in the latest wave, and per unit and wave in a table,
    where the unit metrics give a headcount and the filters narrow it with the respondents."""
    if ctx.metrics is None or ctx.metrics.headcount is None or "business_unit" not in ctx.survey.groupings:
        return
    st.subheader("Participation")
    if not participation_applies(ctx.filters):
        st.info("Participation is shown under filters of the division, business unit and wave only: a filter by "
                "role or region would set part of a unit's respondents against its whole headcount.")
        return
    by = "division" if "division" in ctx.survey.groupings and len(ctx.survey.codes("division")[1]) > 1 else \
        "business_unit"
    table = participation(ctx.survey, ctx.metrics, by, settings=ctx.settings)
    if wave not in set(table["wave"]):
        st.info(md(f"The unit metrics have no headcount for {wave}."))
        return
    show_chart(ctx, participation_chart(table, wave, threshold=LOW_PARTICIPATION, grouping=grouping_text(by),
                                        options=ctx.chart_options),
               note=participation_caption(ctx.settings.min_group_size), table=table)
    units = participation(ctx.survey, ctx.metrics, "business_unit", settings=ctx.settings)
    with st.expander("Participation per business unit and wave"):
        if by != "business_unit":
            st.plotly_chart(participation_chart(units, wave, threshold=LOW_PARTICIPATION,
                                                options=ctx.chart_options), width="stretch")
        st.dataframe(units.rename(columns={"group": "Business unit", "wave": "Wave", "respondents": "Respondents",
                                           "headcount": "Headcount", "rate": "Participation",
                                           "low": f"Below {LOW_PARTICIPATION:.0%}", "units": "Units",
                                           "units_without_headcount": "Units without headcount",
                                           "suppressed": "Hidden (too few)"}),
                     hide_index=True, width="stretch",
                     column_config={"Participation": st.column_config.NumberColumn(format="percent")})
