"""Pieces of page layout shared by several pages (no numbers are computed here).

Text from the data (names, labels, file names, and the library's sentences that quote them) enters
markdown — captions, alerts, headings, labels, radio options — only through ``md``
(:func:`cxcommit.text.escape_markdown`)."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import respondent_counts
from cxcommit.errors import problem_sentence
from cxcommit.charts.theme import apply_theme
from cxcommit.export.images import HINT, figure_image, images_available
from cxcommit.export.table_export import to_csv_bytes
from cxcommit.instrument.scales import SCALE_KINDS
from cxcommit.io.columns import ATTRIBUTES
from cxcommit.io.formats import FORMAT_NAMES
from cxcommit.mapping.form import (DIRECTION_CHOICES, WAVE_MODES, column_roles, coverage_text, edited_mapping,
                                   groupable, items_table, not_offered, short_question, shortened_questions, sign_coverage,
                                   suggested_wave_column, wave_columns, wave_mode, wave_rule)
from cxcommit.mapping.schema import PERIODS
from cxcommit.privacy.suppression import respondents_text
from cxcommit.story.directions import direction_line
from cxcommit.privacy.publish import attribute_costs
from cxcommit.story.report_text import detail_table
from cxcommit.story.slides import deck
from cxcommit.text import escape_markdown as md, shorten_all, slugify
from cxcommit.vocabulary import grouping_text
from ui.errors import download_button, problems_table, show_error
from ui.sessions import remembered
from ui.shell import Context, label_of
from ui.titles import groupings_to_compare


def slides_of(ctx: Context, *, presentation: bool, dark: bool = False) -> list:
    """The deck's slides (:func:`cxcommit.story.slides.deck`) for this dataset, filters and settings, drawn
    for presenting or not: built once, so stepping through them or exporting them only draws."""
    key = (ctx.dataset.key, repr(sorted(ctx.filters.items())), ctx.caption(), ctx.settings, presentation, dark)
    with st.spinner("Preparing the slides…"):
        return remembered("slides", key, lambda: deck(ctx.survey, ctx.metrics, settings=ctx.settings,
                                                       caption=ctx.caption(), presentation=presentation, dark=dark),
                          size=4)


def show_chart(ctx: Context, figure, note: str = "", *, table=None) -> None:
    """A chart across the page and, under it, its footer (:func:`chart_footer`)."""
    st.plotly_chart(figure, width="stretch")
    chart_footer(ctx, figure, note, table=table)


def chart_footer(ctx: Context, figure, note: str = "", *, table=None) -> None:
    """Under a chart: which data, filters and minimum group size it reflects (and ``note``), and
    beside that the chart's downloads (:func:`chart_downloads`)."""
    _footer(ctx, figure, note, table, _chart_key(figure))


@st.fragment
def _footer(ctx: Context, figure, note: str, table, key: str) -> None:
    """A fragment: a download's click runs only this footer again (:func:`ui.errors.download_button`)."""
    row = st.container(horizontal=True, wrap=False, gap="medium")  # the menu as wide as "Download", the caption the rest
    said = " · ".join(filter(None, (ctx.caption(), note, direction_line(ctx.survey, table))))
    row.caption(md(said), width="stretch")
    downloads = row.container(width="content")
    errors = st.container()  # a download that cannot be made says why here, across the page
    with downloads:
        chart_downloads(ctx, figure, table, errors=errors, key=key)


def chart_downloads(ctx: Context, figure, table=None, *, errors=None, key: str | None = None) -> None:
    """A "Download" menu: the chart as PNG and SVG (drawn when clicked, light theme, as on screen)
    and the table behind it as CSV (for those who may export tables). Hidden in presentation mode. A file that cannot be made says
    why in ``errors`` (a container of the caller's fragment; default: in the menu, in a fragment of
    its own)."""
    if ctx.presentation:
        return
    title, stem = _chart_name(figure)
    key = key or _chart_key(figure)

    def image(fmt: str) -> bytes:  # drawn when clicked; a dark page's chart in the light theme
        return figure_image(apply_theme(go.Figure(figure)) if ctx.dark else figure, fmt)

    available = images_available()
    with st.popover("Download", icon=":material/download:", width="content"):
        if not available:
            st.caption(f"Images are unavailable here. {HINT}")
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")) if available else ():
            download_button(f"Image (.{fmt})", lambda fmt=fmt: image(fmt), key=f"{key}-{fmt}",
                            what=f"The image of “{title}”", errors=errors, fragment=errors is None,
                            file_name=f"{stem}.{fmt}", mime=mime, width="stretch")
        if table is not None and ctx.access.can("export"):
            download_button("Table (.csv)", lambda: to_csv_bytes(table), key=f"{key}-csv",
                            what=f"The table of “{title}”", errors=errors, fragment=errors is None,
                            file_name=f"{stem}.csv", mime="text/csv", width="stretch")


def _chart_name(figure) -> tuple[str, str]:
    """The chart's title in words and as a file name."""
    title = (figure.layout.title.text or "chart").split("<")[0]
    return title, slugify(title, max_length=50)


CHART_KEYS = "_chart_keys"  # charts given download buttons in this run, by name: reset by ui.shell.main


def _chart_key(figure) -> str:
    """A key for a chart's download buttons that is the same in the next run (a click's answer is
    read there) and unique in this one: the chart's name and how many of that name came before."""
    stem = _chart_name(figure)[1]
    seen = st.session_state.setdefault(CHART_KEYS, {})
    seen[stem] = seen.get(stem, 0) + 1
    return f"chart-{stem}-{seen[stem]}"


def demo_notice(ctx: Context) -> None:
    if ctx.dataset.is_demo and not ctx.presentation:
        st.info("**Demo data** — a fictional bank-and-insurance group. Load your own exports on the "
                "**Data** page.", icon="ℹ️")


def group_detail(ctx: Context, by: str, group: str, items: list[str] | None) -> None:
    """One group's numbers: its share on each item with interval and difference to the rest."""
    table = rates(ctx.survey, by, items=items, settings=ctx.settings)
    part = table[table["group"] == group]
    st.subheader(md(group))
    if part.empty or part["suppressed"].all():
        st.info(f"{md(group)} has fewer than {ctx.settings.min_group_size} answers with these filters: nothing is "
                "shown.")
        return
    st.dataframe(detail_table(part), hide_index=True, width="stretch")


def import_report(survey, published) -> None:
    """What the import detected, kept, excluded and dropped, and (``published``: the survey the pages
    analyse) how many of those kept every page reports."""
    r = survey.report
    st.markdown(f"**{md(r.source)}** — " + md(FORMAT_NAMES.get(r.format, r.format)
                + (f", sheet {r.sheet!r}" if r.sheet else f", {r.encoding}, delimiter {r.delimiter!r}")
                + f", {r.header_rows} header row(s)"))
    cols = st.columns(4)
    cols[0].metric("Rows in the file(s)", f"{r.rows_in_file:,}")
    cols[1].metric("Excluded", f"{sum(r.excluded.values()):,}")
    cols[2].metric("Respondents kept", f"{r.rows_kept:,}")
    counts = respondent_counts(published)
    cols[3].metric("Respondents reported", respondents_text(counts.reported, published.minimum or 0),
                   help="The respondents every page counts (all waves, no filter).")
    if counts.left_out > 0:
        st.caption(md(counts.why(published.minimum or 0)))
    for reason, count in r.excluded.items():
        st.markdown(f"- {count:,} excluded: {md(reason)}")
    if r.personal_dropped:
        st.markdown("**Dropped as personal data:** "
                    + md("; ".join(f"{c} ({why})" for c, why in r.personal_dropped.items())))
    for note in r.notes:
        st.caption(md(note))
    if r.problems:
        problems_shown(r.problems, f"{len(r.problems)} warning(s): the data were read as described below.")


def problems_shown(problems, heading: str) -> None:
    """Warnings under ``heading``: those about the whole file (no row) as whole sentences, those about
    rows in a table (:func:`ui.errors.problems_table`)."""
    whole = [problem for problem in problems if problem.row is None]
    st.warning(md(heading) + "".join(f"\n\n- {md(problem_sentence(problem))}" for problem in whole))
    problems_table([problem for problem in problems if problem.row is not None])


def disclosure_report(ctx: Context) -> None:
    """What publishing for the minimum group size generalised or left out, and what each reporting
    attribute costs (to turn off one that costs more than it tells)."""
    disclosure = ctx.full.disclosure
    for line in disclosure.summary():
        st.markdown("- " + md(line))
    costs = attribute_costs(ctx.dataset.survey, ctx.settings.min_group_size)
    if not costs.empty:
        st.markdown("**What each reporting attribute costs** — respondents with some attribute generalised, with "
                    "the attribute and without it (to drop a grouping, untick it in the mapping):")
        shown = costs.assign(**{"with": costs["with"].map("{:.1%}".format),
                                "without": costs["without"].map("{:.1%}".format)})
        st.dataframe(shown.rename(columns={"attribute": "Attribute", "with": "Generalised, with it",
                                           "without": "Generalised, without it"}),
                     hide_index=True, width="stretch")
    if not disclosure.changes.empty:
        with st.expander(f"Every value reported within another group, per wave ({len(disclosure.changes)})"):
            st.dataframe(disclosure.changes, hide_index=True, width="stretch")


_NONE = "(none)"  # the choice of no column


def _index_of(options, chosen):
    return options.index(chosen) if chosen in options else 0


def mapping_form(mapping, raw, sources: list[str], *, key: str):
    """The mapping to confirm or correct: how many of the 8 signs it maps, the items, the wave and who
    answered. Every input takes effect at once (the coverage and the mapping to download follow
    each edit); "Use this data" applies it. Returns (submitted, one validated mapping per file —
    empty unless submitted and valid). ``key`` names the export and the starting mapping, so edits
    never carry over to another file."""
    keys = list(raw.keys)
    labels = dict(zip(raw.keys, raw.labels))
    roles = column_roles(mapping, keys, labels)

    def name(column):
        return column if column == _NONE else short_question(column, labels.get(column, ""), 60)

    coverage_box = st.container()  # filled once the items are read, shown above them
    edited = _items_editor(mapping, keys, labels, roles, key)
    _coverage(coverage_box, edited)
    mode, wave, values = _wave_inputs(mapping, keys, sources, key, name)
    attributes, respondent_id, groupings = _who_answered(mapping, keys, roles, key, name)
    mappings = _mappings(mapping, edited, mode, wave, values, attributes=attributes, respondent_id=respondent_id,
                         groupings=groupings, files=len(sources))
    return _apply_buttons(key, mappings, edited)


def _items_editor(mapping, keys, labels, roles, key):
    """The table of questions to tick as items; the full wording of those shortened, under it."""
    st.markdown("**Items** — tick the questions to analyse. Answer labels read `answer = value`, with "
                "`dont_know` or `missing` for answers that are not on the scale.")
    table = items_table(mapping, keys, labels)
    edited = st.data_editor(
        table, hide_index=True, width="stretch", height=min(len(table), 12) * 35 + 40, num_rows="fixed",
        key=f"{key}_items", disabled=["question", "note"],
        column_order=["use", "question", "item", "label", "scale", "direction", "answer_labels", "note",
                      "favourable_from", "low", "high"],
        column_config={
            "use": st.column_config.CheckboxColumn("Use", width=60, pinned=True),
            "question": st.column_config.TextColumn(
                "Question", width=400, pinned=True,
                help="Shortened to one line; the full wording is under the table."),
            "item": st.column_config.TextColumn("Item id", width=180,
                                                help="sign_1 … sign_8 for the 8 signs; any short name otherwise"),
            "label": st.column_config.TextColumn("Label", width=170, help="How charts name the item"),
            "scale": st.column_config.SelectboxColumn("Scale", options=list(SCALE_KINDS), width=90),
            "answer_labels": st.column_config.TextColumn("Answer labels", width=260),
            "direction": st.column_config.SelectboxColumn(
                "Direction", options=list(DIRECTION_CHOICES), format_func=DIRECTION_CHOICES.get, width=200,
                help="Which answers are favourable: the top boxes, the bottom boxes of a reverse-worded question "
                     "(\"How difficult …?\"), or none for a factual question (\"Have you seen …?\"), which then "
                     "takes no part in rankings, gaps or findings"),
            "favourable_from": st.column_config.NumberColumn(
                "Favourable from", width=125,
                help="Likert: the lowest value counted as favourable; for a reverse-worded item the highest"),
            "low": st.column_config.NumberColumn("Low", width=60),
            "high": st.column_config.NumberColumn("High", width=60),
            "note": st.column_config.TextColumn("Note", width=260,
                                                help="What to check about a suggestion, or why a column was not "
                                                     "suggested"),
        })
    if text := not_offered(roles):
        st.caption(md(text))
    cut = shortened_questions(edited)
    if len(cut):
        with st.expander(f"Full wording of the {len(cut)} question(s) shortened above"):
            st.table(cut.rename(columns={"question": "Shown as", "full_question": "Question in the export"})
                     .map(md), hide_index=True)  # st.table reads markdown in its cells
    return edited


def _coverage(box, edited) -> None:
    """How many of the 8 signs the items map, in ``box`` (above the items)."""
    coverage = sign_coverage(edited)
    headline, detail = coverage_text(coverage)
    mapped = int(coverage["mapped"].sum())
    alert = st.success if mapped == len(coverage) else st.warning if mapped else st.info
    with box:
        alert(f"**{md(headline)}.** {md(detail)}")


def _wave_inputs(mapping, keys, sources, key, name):
    """Where the wave comes from: the mode, then its column, period and whole-file choice, or the
    wave of each file."""
    st.markdown("**Wave** — the survey period each response belongs to")
    mode = st.radio("Where the wave comes from", WAVE_MODES, horizontal=True,
                    index=WAVE_MODES.index(wave_mode(mapping.wave)), key=f"{key}_wave_mode")
    options = wave_columns(mapping, keys, mode)
    chosen = suggested_wave_column(mapping, keys, mode)
    index = options.index(chosen) if chosen in options else None
    values, column, period, whole_file = [], None, None, False
    if mode == WAVE_MODES[0]:
        column = st.columns([2, 3])[0].selectbox("Wave column", options, index=index, format_func=name,
                                                 key=f"{key}_wave_column",
                                                 placeholder="Choose the column that holds the wave")
        st.caption("Each distinct value of this column is one wave, e.g. 2025-Q1 or Spring 2025.")
    elif mode == WAVE_MODES[1]:
        left, middle, right = st.columns([2, 1, 2])
        column = left.selectbox("Date column", options, index=index, format_func=name, key=f"{key}_wave_date",
                                placeholder="Choose the date of a response")
        period = middle.selectbox("Cut into", PERIODS, index=_index_of(PERIODS, mapping.wave.period),
                                  key=f"{key}_wave_period")
        whole_file = right.radio("Each file gives", (True, False), index=0 if mapping.wave.whole_file else 1,
                                 format_func=lambda whole: ("one wave: the period most of its responses fall in"
                                                            if whole else "a wave per period its responses fall in"),
                                 key=f"{key}_wave_whole")
    else:
        cols = st.columns(3)
        values = [cols[i % len(cols)].text_input(
            md(f"Wave of {source}"), key=f"{key}_wave_value_{i}",
            value=mapping.wave.value if len(sources) == 1 and mapping.wave.value else f"Wave {i + 1}")
            for i, source in enumerate(sources)]
    return mode, {"column": column, "period": period, "whole_file": whole_file}, values


def _who_answered(mapping, keys, roles, key, name):
    """The attributes (division, business unit, role …), the respondent id and other groupings."""
    role = dict(zip(roles["column"], roles["role"]))
    st.markdown("**Who answered**")
    offered = groupable(roles)
    cols = st.columns(len(ATTRIBUTES) + 1)
    attributes = {}
    for col, attribute in zip(cols, ATTRIBUTES):
        chosen = mapping.attributes.get(attribute)
        choices = [_NONE, *offered]
        attributes[attribute] = col.selectbox(grouping_text(attribute).capitalize(), choices, format_func=name,
                                              index=_index_of(choices, chosen), key=f"{key}_{attribute}")
    ids = [_NONE, *sorted((c for c in keys if role[c] not in ("item", "metadata", "personal")),
                          key=lambda c: role[c] != "respondent_id")]
    respondent = cols[-1].selectbox("Respondent id", ids, format_func=name, key=f"{key}_respondent_id",
                                    index=_index_of(ids, mapping.respondent_id))
    groupings = st.multiselect("Other groupings to compare by", offered,
                               default=[g for g in mapping.groupings if g in offered], format_func=name,
                               key=f"{key}_groupings",
                               help="Any other categorical column, e.g. tenure, site or age band")
    attributes = {a: (c if c != _NONE else None) for a, c in attributes.items()}
    respondent_id = respondent if respondent != _NONE else None
    return attributes, respondent_id, groupings


def _mappings(mapping, edited, mode, wave, values, *, files, **chosen):
    """One mapping per file as edited (``wave``: the wave rule's column, period and whole-file
    choice; ``values``: each file's wave); none, and the error shown, while it is not valid."""
    try:
        if mode == WAVE_MODES[2]:
            return [edited_mapping(mapping, edited, **chosen, wave=wave_rule(mode, value=value or f"Wave {i + 1}"))
                    for i, value in enumerate(values)]
        return [edited_mapping(mapping, edited, **chosen, wave=wave_rule(mode, **wave))] * files
    except Exception as error:  # noqa: BLE001 — shown, and nothing can be loaded until it is fixed
        show_error(error)
        return []


def _apply_buttons(key, mappings, edited):
    """"Use this data" and the mapping to download; (submitted, the mappings to use)."""
    buttons = st.container(horizontal=True, vertical_alignment="center")
    with buttons.form(f"{key}_apply", border=False, width="content"):
        submitted = st.form_submit_button("Use this data", type="primary")
    buttons.download_button("Download this mapping (JSON)", mappings[0].to_json() if mappings else "",
                          file_name="cxcommit-mapping.json", mime="application/json", key=f"{key}_download",
                          disabled=not mappings, on_click="ignore",
                          help="As edited here: load it with the next wave's export")
    if not submitted:
        return False, []
    if not edited["use"].fillna(False).astype(bool).any():
        st.error("No question is ticked as an item, so there would be nothing to analyse. Tick the rated questions "
                 "(yes/no, Likert, 0–10) under Use.")
        return True, []
    return True, mappings


def raw_summary(raw) -> None:
    """What reading a file detected, before any mapping: layout, encoding, size, columns left out."""
    where = f"sheet {raw.sheet!r}" if raw.sheet else f"{raw.encoding}, delimiter {raw.delimiter!r}"
    st.caption(md(f"{raw.source}: {FORMAT_NAMES.get(raw.format, raw.format)} layout, {where}, {raw.header_rows} "
                  f"header row(s), {raw.n_rows:,} responses, {len(raw.keys)} columns"
                  + (f"; {raw.skipped_rows} malformed row(s) left out" if raw.skipped_rows else "")))
    if raw.skipped_rows or raw.merged_rows:  # said before the data can be used
        st.warning(md(raw.loss_text()))
    if raw.omitted:
        st.caption("Not loaded: " + md("; ".join(f"{column} ({why})" for column, why in raw.omitted.items())))


CHOICE_CHARS = 40  # a grouping's name in the radio of groupings, cut with "…" (a question can be a grouping)


def grouping_choice(ctx: Context, label: str, preferred: tuple[str, ...], key: str, *, container=None) -> str | None:
    """A radio of the groupings to compare (the preferred ones first, then any other grouping with two
    or more values, never the wave); None, with a note saying what to map, when there is none."""
    survey = ctx.survey
    choices = groupings_to_compare(survey, preferred)
    if not choices:
        st.info(f"There is no grouping to compare with these data{' and filters' if ctx.filtered else ''}. Map a "
                "division, business unit, region or role column on the **Data** page"
                + (", or widen the filters." if ctx.filtered else "."))
        return None
    names = dict(zip(choices, shorten_all([label_of(survey, g) for g in choices], CHOICE_CHARS)))
    return (container or st).radio(label, choices, format_func=lambda g: md(names[g]),
                                   horizontal=True, key=key, bind="query-params")
