"""Pieces of page layout shared by several pages (no numbers are computed here)."""
from __future__ import annotations

import streamlit as st

from cxcommit.commitment import commitment_index
from cxcommit.text import pct
from ui.shell import Context


def show_chart(ctx: Context, figure, note: str = "") -> None:
    """A chart across the page and, under it, which data, filters and minimum group size it reflects."""
    st.plotly_chart(figure, width="stretch")
    st.caption(ctx.caption() + (f" · {note}" if note else ""))


def demo_notice(ctx: Context) -> None:
    if ctx.dataset.is_demo and not ctx.presentation:
        st.info("**Demo data** — a fictional bank-and-insurance group. Load your own exports on the "
                "**Data** page.", icon="ℹ️")


def latest_vs_previous(ctx: Context) -> None:
    """Respondents, mean signs met and share fully committed in the latest wave, with the change
    since the previous wave."""
    cols = st.columns(4)
    hidden = ctx.respondents == "a hidden number of"
    cols[0].metric("Respondents", "Hidden" if hidden else ctx.respondents.capitalize(),
                   help=f"Other filters would change this count by fewer than {ctx.settings.min_group_size} "
                        "respondents, which would reveal them." if hidden else None)
    if ctx.survey.size < ctx.settings.min_group_size:
        st.info(f"These filters leave fewer than {ctx.settings.min_group_size} respondents: nothing about them is shown.")
        return
    units = ctx.survey.codes("business_unit")[1] if "business_unit" in ctx.survey.groupings else []
    cols[1].metric("Business units", f"{len(units)}")
    if not ctx.survey.has_signs:
        return
    by_wave = commitment_index(ctx.survey, "wave", settings=ctx.settings)
    shown = by_wave[~by_wave["suppressed"]]
    if shown.empty:
        return
    last = shown.iloc[-1]
    previous = shown.iloc[-2] if len(shown) > 1 else None
    cols[2].metric(f"Mean signs met, {last['group']}", f"{last['mean_signs']:.2f} of 8",
                   delta=None if previous is None else f"{last['mean_signs'] - previous['mean_signs']:+.2f} since {previous['group']}")
    cols[3].metric(f"Fully committed (all 8), {last['group']}", pct(last["p"]) or "—",
                   delta=None if previous is None else f"{(last['p'] - previous['p']) * 100:+.1f} points")


def group_detail(ctx: Context, by: str, group: str, items: list[str] | None) -> None:
    """One group's numbers: its share on each item with interval and difference to the rest."""
    from cxcommit.rates import rates
    from cxcommit.report_text import detail_table

    table = rates(ctx.survey, by, items=items, settings=ctx.settings)
    part = table[table["group"] == group]
    st.subheader(f"{group}")
    if part.empty or part["suppressed"].all():
        st.info(f"{group} has fewer than {ctx.settings.min_group_size} answers with these filters: nothing is shown.")
        return
    st.dataframe(detail_table(part), hide_index=True, width="stretch")


def import_report(survey) -> None:
    """What the import detected, kept, excluded and dropped."""
    from cxcommit.formats import FORMAT_NAMES

    r = survey.report
    st.markdown(f"**{r.source}** — {FORMAT_NAMES.get(r.format, r.format)}"
                + (f", sheet {r.sheet!r}" if r.sheet else f", {r.encoding}, delimiter {r.delimiter!r}")
                + f", {r.header_rows} header row(s)")
    cols = st.columns(3)
    cols[0].metric("Rows in the file(s)", f"{r.rows_in_file:,}")
    cols[1].metric("Respondents kept", f"{r.rows_kept:,}")
    cols[2].metric("Excluded", f"{sum(r.excluded.values()):,}")
    for reason, count in r.excluded.items():
        st.markdown(f"- {count:,} excluded: {reason}")
    if r.personal_dropped:
        st.markdown("**Dropped as personal data:** " + "; ".join(f"{c} ({why})" for c, why in r.personal_dropped.items()))
    for note in r.notes:
        st.caption(note)
    if r.problems:
        st.warning(f"{len(r.problems)} warning(s): the rows and columns below were read as described.")
        st.dataframe(r.warnings, hide_index=True, width="stretch")


def mapping_form(mapping, table, raw, sources: list[str]):
    """The mapping as a form; returns (submitted, one validated mapping per file — empty if invalid)."""
    from cxcommit.columns import ATTRIBUTES
    from cxcommit.mapping import PERIODS
    from cxcommit.mapping_table import edited_mapping
    from cxcommit.scales import SCALE_KINDS
    from ui.errors import show_error

    keys = list(raw.keys)
    none = "(none)"

    def name(key):
        label = raw.label_of(key) if key in keys else key
        return key if key == none or label == key else f"{key} — {label[:60]}"

    with st.form("mapping"):
        st.markdown("**Wave**")
        by_column = st.radio("Where the wave comes from", ("A column", "One value per file"), horizontal=True,
                             index=0 if mapping.wave.column else 1)
        left, right = st.columns(2)
        wave_column = left.selectbox("Wave column", keys, format_func=name,
                                     index=keys.index(mapping.wave.column) if mapping.wave.column in keys else 0)
        period = right.selectbox("Cut dates into", (none, *PERIODS), index=(0 if mapping.wave.period is None
                                                                              else 1 + PERIODS.index(mapping.wave.period)))
        values = [st.text_input(f"Wave of {source}", value=mapping.wave.value if len(sources) == 1 and mapping.wave.value
                                else f"Wave {i + 1}", key=f"wave_value_{i}") for i, source in enumerate(sources)]
        st.markdown("**Who answered**")
        cols = st.columns(len(ATTRIBUTES) + 1)
        attributes = {}
        for col, attribute in zip(cols, ATTRIBUTES):
            chosen = mapping.attributes.get(attribute)
            attributes[attribute] = col.selectbox(attribute.replace("_", " ").capitalize(), (none, *keys), format_func=name,
                                                  index=1 + keys.index(chosen) if chosen in keys else 0)
        respondent = cols[-1].selectbox("Respondent id", (none, *keys), format_func=name,
                                        index=1 + keys.index(mapping.respondent_id) if mapping.respondent_id in keys else 0)
        st.markdown("**Items** — tick the questions to analyse; answer labels read `answer = value`, "
                    "with `dont_know` or `missing` for answers that are not on the scale.")
        edited = st.data_editor(table, hide_index=True, width="stretch", num_rows="fixed", key="mapping_items",
                                disabled=["column"], column_config={
                                    "use": st.column_config.CheckboxColumn("Use"),
                                    "column": st.column_config.TextColumn("Column in the file"),
                                    "item": st.column_config.TextColumn("Item id", help="sign_1 … sign_8 for the 8 signs"),
                                    "scale": st.column_config.SelectboxColumn("Scale", options=list(SCALE_KINDS)),
                                    "favourable_from": st.column_config.NumberColumn("Favourable from"),
                                    "answer_labels": st.column_config.TextColumn("Answer labels", width="large")})
        submitted = st.form_submit_button("Use this data", type="primary")
    if not submitted:
        return False, []
    if not edited["use"].fillna(False).astype(bool).any():
        st.error("No question is ticked as an item, so there would be nothing to analyse. Tick the rated questions "
                 "(yes/no, Likert, 0–10) under Use.")
        return True, []
    attributes = {a: (c if c != none else None) for a, c in attributes.items()}
    respondent_id = respondent if respondent != none else None
    try:
        if by_column == "A column":
            wave = {"column": wave_column, **({"period": period} if period != none else {})}
            return True, [edited_mapping(mapping, edited, attributes=attributes, wave=wave,
                                         respondent_id=respondent_id)] * len(sources)
        return True, [edited_mapping(mapping, edited, attributes=attributes, wave={"value": value.strip() or f"Wave {i + 1}"},
                                     respondent_id=respondent_id) for i, value in enumerate(values)]
    except Exception as error:  # noqa: BLE001 — shown, and nothing is loaded
        show_error(error)
        return True, []


def raw_summary(raw) -> None:
    """What reading a file detected, before any mapping: layout, encoding, size, columns left out."""
    from cxcommit.formats import FORMAT_NAMES

    where = f"sheet {raw.sheet!r}" if raw.sheet else f"{raw.encoding}, delimiter {raw.delimiter!r}"
    st.caption(f"{raw.source}: {FORMAT_NAMES.get(raw.format, raw.format)} layout, {where}, {raw.header_rows} header "
               f"row(s), {raw.n_rows:,} responses, {len(raw.keys)} columns"
               + (f"; {raw.skipped_rows} malformed row(s) left out" if raw.skipped_rows else ""))
    if raw.omitted:
        st.caption("Not loaded: " + "; ".join(f"{column} ({why})" for column, why in raw.omitted.items()))


def grouping_choice(ctx: Context, label: str, preferred: tuple[str, ...], key: str, *, container=None) -> str | None:
    """A radio of the groupings to compare (the preferred ones first, then any other grouping with two
    or more values, never the wave); None, with a note saying what to map, when there is none."""
    from ui.shell import label_of

    survey = ctx.survey
    others = [g for g in survey.groupings if g not in preferred and g != "wave"]
    choices = [g for g in (*preferred, *others) if g in survey.groupings and len(survey.codes(g)[1]) >= 2]
    if not choices:
        st.info("There is no grouping to compare with these data and filters. Map a division, business unit, "
                "region or role column on the **Data** page, or widen the filters.")
        return None
    return (container or st).radio(label, choices, format_func=lambda g: label_of(survey, g)[:40], horizontal=True,
                                   key=key)
