"""Export: the slide deck, the one-file report and the tables behind the charts, for the filters
chosen now. Files are made when a download button is clicked."""
import streamlit as st

from cxcommit.errors import CxcommitError, ImagesUnavailableError
from cxcommit.export.html_report import html_report
from cxcommit.export.images import HINT as IMAGES_HINT, chart_images_zip, images_available
from cxcommit.export.pptx_cover import MAX_LOGO_BYTES, Cover, check_logo
from cxcommit.export.pptx_deck import write_deck
from cxcommit.export.table_export import to_csv_bytes, to_xlsx_bytes
from cxcommit.export.workbook_tables import analysis_tables
from cxcommit.story.report_text import view_lines, workbook_notes
from cxcommit.story.slides import deck_title
from cxcommit.text import escape_markdown as md, slugify
from ui.errors import download_button, guarded, show_error
from ui.shell import context
from ui.views import demo_notice, slides_of
from ui.workspace import audited

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ctx = context()
st.title("Export")
demo_notice(ctx)
st.caption(md(ctx.caption()))


with guarded():
    lines = view_lines(ctx.survey, ctx.settings, ctx.dataset.label)
    source = ctx.dataset.stored or ctx.dataset.label  # what the audit log names
    slides = slides_of(ctx, presentation=False)
    chosen_values = " ".join(v for values in ctx.filters.values() for v in values)
    stem = "cxcommit" + (f"-{slugify(chosen_values, max_length=60)}" if chosen_values else "")
    if not slides:
        st.info(f"Nothing here can be charted with these data{' and filters' if ctx.filtered else ''}, so there is "
                "nothing to export. Map rated questions and a grouping on the **Data** page"
                + (", or widen the filters." if ctx.filtered else "."))
        st.stop()

    st.subheader("Slide deck (PowerPoint)")
    st.markdown("Native PowerPoint charts whose data you can edit, a title slide saying what the deck reflects, "
                "a takeaway title and a footnote on each slide. Hidden groups stay hidden.")
    titles = {s.kind: s.title for s in slides}
    chosen = st.multiselect("Slides", list(titles), default=list(titles), format_func=titles.get, key="export_slides")
    left, middle, right = st.columns([3, 2, 1])
    title = left.text_input("Title", deck_title(ctx.survey), key="export_title")
    logo = middle.file_uploader("Logo (optional, PNG or JPEG)", type=["png", "jpg", "jpeg"], key="export_logo",
                                max_upload_size=MAX_LOGO_BYTES // 2**20)
    accent = right.color_picker("Accent colour", "#0072B2", key="export_accent")
    logo_bytes = logo.getvalue() if logo else None
    logo_error = None
    if logo is not None:  # checked on upload: the deck waits until the logo can go on a slide
        try:
            check_logo(logo_bytes, f"The logo {logo.name}")
        except CxcommitError as error:
            logo_error = error
            show_error(error)
    download_button(
        "Download the deck (.pptx)", audited(lambda: write_deck([s for s in slides if s.kind in chosen],
                                                                Cover(title, lines, logo_bytes, accent),
                                                                min_group_size=ctx.settings.min_group_size),
                                             "the slide deck", source, ctx.filters),
        key="export_deck", what="The deck", type="primary", disabled=not chosen or logo_error is not None,
        file_name=f"{stem}.pptx", mime=PPTX, icon=":material/slideshow:",
        help="Replace or remove the logo first." if logo_error is not None else None)

    st.subheader("One-file report (HTML)")
    st.markdown("Every chart, interactive, in one file that opens in any browser without a network; prints one "
                "chart per page.")
    download_button("Download the report (.html)",
                    audited(lambda: html_report(slides, title=title, caption=" · ".join(lines)).encode("utf-8"),
                            "the HTML report", source, ctx.filters),
                    key="export_html", what="The report", file_name=f"{stem}.html", mime="text/html",
                    icon=":material/article:")

    if not ctx.access.can("export"):
        st.caption("The chart images and the tables behind the charts are for analysts and administrators.")
        st.stop()
    st.subheader("Chart images (PNG, SVG)")
    if images_available():
        st.markdown("Each chart's image is also under the **Download** button beside it on its page.")
        fmt = st.radio("Format", ("png", "svg"), horizontal=True, format_func=str.upper, key="export_image_format")
        download_button(f"Download every chart (.zip of {fmt.upper()})", audited(lambda: chart_images_zip(slides, fmt), "the chart images", source,
                                                                            ctx.filters),
                        key=f"export_images_{fmt}", what="The chart images", file_name=f"{stem}-charts.zip",
                        mime="application/zip", icon=":material/image:")
    else:
        error = ImagesUnavailableError("Chart images cannot be drawn on this computer.", hint=IMAGES_HINT)
        show_error(error)

    st.subheader("Tables (Excel, CSV)")
    st.markdown("The tables behind the charts, with the library's columns; hidden rows have no numbers. Text that "
                "a spreadsheet would run as a formula is written as text.")
    tables = analysis_tables(ctx.survey, ctx.metrics, settings=ctx.settings)
    notes = workbook_notes(ctx.survey, ctx.settings, ctx.dataset.label)
    download_button("Download all tables (.xlsx)", audited(lambda: to_xlsx_bytes(tables, notes), "the workbook",
                                                           source, ctx.filters), key="export_xlsx",
                    what="The workbook", file_name=f"{stem}.xlsx", mime=XLSX, icon=":material/table:")
    name = st.selectbox("One table as CSV", list(tables), key="export_table")
    download_button(f"Download “{name}” (.csv)", audited(lambda: to_csv_bytes(tables[name]), f"the table “{name}”",
                                                        source, ctx.filters), key="export_csv",
                    what=f"The table “{name}”", file_name=f"{stem}-{slugify(name)}.csv", mime="text/csv",
                    icon=":material/download:")
