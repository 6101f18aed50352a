"""The frame around every page: navigation, the data in use, filters and settings in the sidebar
(kept in the URL), and presentation mode.

``dashboard.py`` calls :func:`main`, which routes to the page. A page calls :func:`context` for
what to show. Opened by its direct URL on a freshly started server, Streamlit may run a page
file on its own, without ``dashboard.py``; :func:`context` then runs :func:`main` itself, so the
page appears in its frame either way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from cxcommit import Settings, Survey, UnitMetrics
from cxcommit.analyses.groups import left_out
from cxcommit.charts.options import ChartOptions
from cxcommit.io.columns import ATTRIBUTES
from cxcommit.model.exclusions import keeps_tests_hint, too_few_text
from cxcommit.privacy.publish import publish
from cxcommit.privacy.scope import LOCAL_ACCESS, Access
from cxcommit.privacy.suppression import respondents_text
from cxcommit.privacy.view import view
from cxcommit.settings import setting_link_text
from cxcommit.story.report_text import view_of
from cxcommit.text import WORD_BREAK, escape_markdown as md, file_label
from cxcommit.vocabulary import grouping_label, left_out_text, one_group
from ui.data import (DEMO_PARAM, LINK_PARAM, SURVEY, Dataset, current, data_chosen, data_notice, demo_dataset,
                     link_params, opened_dataset, use)
from ui.errors import guarded, show_error
from ui.sessions import remembered
from ui.settings_panel import SETTING_PARAMS, sidebar_settings
from ui.signin import gate
from ui.workspace import access_of, scope_line, scope_of
from ui.titles import PAGES, nav_title

ROOT = Path(__file__).resolve().parent.parent
ROUTED = "_routed"


@dataclass(frozen=True)
class Context:
    """What a page shows: the filtered survey and the unfiltered one (both published for the
    minimum group size), unit metrics, settings, the filters chosen and how to draw."""

    dataset: Dataset
    full: Survey
    survey: Survey
    settings: Settings
    filters: dict[str, list[str]] = field(default_factory=dict)
    presentation: bool = False
    dark: bool = False
    access: Access = LOCAL_ACCESS  # what the person may do, and see (a viewer's divisions: ``full`` is their scope)
    metrics: UnitMetrics | None = None  # the unit metrics shown: the dataset's, a scoped viewer's units' only

    @property
    def chart_options(self) -> ChartOptions:
        """What every chart function takes: the minimum group size, the confidence, presentation mode and dark theme."""
        return ChartOptions.from_settings(self.settings, presentation=self.presentation, dark=self.dark)

    @property
    def filtered(self) -> bool:
        """Whether a filter is set: only then may a page say "widen the filters"."""
        return any(self.filters.values())

    @property
    def minimum_hides(self) -> bool:
        """Whether the minimum group size set, not the data, hides the respondents left: fewer than it,
        but as many as the default minimum (:class:`cxcommit.Settings`) would show (counted in the survey
        published for the default: one published for the minimum set holds no row when it hides them all)."""
        default = Settings().min_group_size
        if self.survey.size >= self.settings.min_group_size or self.settings.min_group_size <= default:
            return False
        if self.access.is_scoped:  # counted in the whole survey: nothing of it is said to a scoped viewer
            return False
        chosen = {name: values for name, values in self.filters.items() if values}
        return view(publish(self.dataset.survey, default), **chosen).size >= default

    @property
    def respondents(self) -> str:
        """How many respondents the filters leave; "fewer than N" under the minimum group size."""
        return respondents_text(self.survey.size, self.settings.min_group_size)

    def caption(self) -> str:
        """Which data, filters, waves and minimum group size a chart reflects (plain text: it names
        filter values; escape it for markdown)."""
        return view_of(self.survey, self.settings, self.filters).caption(
            "Demo data" if self.dataset.is_demo else None, lambda name: label_of(self.full, name))


def page_url(file: str) -> str:
    """The path a page is served at: the first page at the root, the others at their file's name."""
    return "" if file == PAGES[0][0] else Path(file).stem


def one_of(survey: Survey, name: str) -> str:
    """How to name one group of a grouping in a sentence: "business unit", "division"."""
    return one_group(label_of(survey, name))


def left_out_note(survey: Survey, by: str | None) -> str:
    """The note under a breakdown by ``by`` leaving out those who left it blank; empty if none did."""
    return left_out_text(left_out(survey, by), label_of(survey, by)) if by else ""


def label_of(survey: Survey, name: str) -> str:
    """A grouping's label on the page (:func:`cxcommit.vocabulary.grouping_label`)."""
    return grouping_label(name, survey.groupings.get(name, name))


def main() -> None:
    """The entrypoint: page config, navigation, the sidebar, then the chosen page."""
    st.set_page_config(page_title="cxcommit — executive commitment to CX", page_icon="📊", layout="wide")
    person = st.session_state["_person"] = gate()  # with sign-in configured, nothing runs before someone signs in
    st.session_state["_access"] = access_of(person)  # nothing runs either for someone the workspace does not list
    st.session_state["_chart_keys"] = {}  # ui.views: charts given download buttons in this run
    survey = current().survey  # the pages are named in its words
    pages = [st.Page(str(ROOT / "pages" / file), title=nav_title(file, survey), url_path=Path(file).stem,
                     default=(i == 0)) for i, (file, _) in enumerate(PAGES)]
    page = st.navigation(pages, position="hidden" if _presenting() else "sidebar")
    ctx = st.session_state["_context"] = _frame()
    _presentation_button(page.url_path)
    if ctx.survey.size < ctx.settings.min_group_size and page.url_path != "data":
        # Not even which groups they fall in: a chart of hidden groups would still say that.
        st.title(page.title)
        if ctx.presentation:  # no sidebar while presenting: say how to leave first
            from ui.present import nothing_to_present
            nothing_to_present(ctx, f"Fewer than {ctx.settings.min_group_size} respondents are left to present: "
                                    "nothing about them is shown.")
            return
        st.info(too_few_shown(ctx))
        return
    st.session_state[ROUTED] = True
    try:
        page.run()
    finally:
        st.session_state[ROUTED] = False


def too_few_shown(ctx: Context) -> str:
    """Why a page shows nothing (markdown): the filters chosen leave too few respondents; or, with no
    filter set or too few in the data themselves, the import's exclusions (named), else the minimum
    group size is above the data's size."""
    minimum = ctx.settings.min_group_size
    if ctx.full.size >= minimum and ctx.filtered:
        return (f"These filters leave fewer than {minimum} respondents: nothing about them is shown. Widen the "
                "filters" + (" or lower the minimum group size under **Settings**" if ctx.minimum_hides else "")
                + " in the sidebar.")
    report = ctx.full.report
    if not any(report.excluded.values()):
        return (f"The data hold fewer respondents than the minimum group size, {minimum:,}: nothing about them is "
                "shown. Lower it under **Settings** in the sidebar, or load more data on the **Data** page.")
    hint = (" Keep the test responses on the **Data** page to look at the file anyway."
            if keeps_tests_hint(report) else "")
    return (f"{md(too_few_text(report, ctx.full.size, minimum))} Nothing about them is shown (minimum group size "
            f"{minimum}).{hint} "
            + ("Lower the minimum group size under **Settings** in the sidebar, or load other data on the **Data** "
               "page." if ctx.minimum_hides else "Load other data on the **Data** page."))


def context() -> Context:
    """The context built by :func:`main` in this run; if the page was started on its own, run the
    whole frame (which runs this page inside it) and stop."""
    if not st.session_state.get(ROUTED):
        main()
        st.stop()
    return st.session_state["_context"]


def _presenting() -> bool:
    return st.query_params.get("present") == "1"


PRESENT_PARAMS = ("present", "slide", "from")  # in the URL while presenting: the mode, the slide, where from


def _kept_params() -> dict[str, list[str]]:
    """The URL's filters and settings, without presentation mode's own parameters."""
    return {name: st.query_params.get_all(name) for name in st.query_params if name not in PRESENT_PARAMS}


def _presentation_button(origin: str) -> None:
    """The sidebar's way into presentation mode, from the page at ``origin`` (its URL path), which
    :func:`leave_presentation` returns to."""
    if st.sidebar.button("▶ Presentation mode", width="stretch",
                         help="Hide the controls and step through the charts, one per screen"):
        here = {"from": origin} if origin in {page_url(f) for f, _ in PAGES} - {"", "present"} else {}
        st.switch_page(str(ROOT / "pages" / "present.py"),
                       query_params={**_kept_params(), "present": "1", "slide": "1", **here})


def leave_presentation() -> None:
    """Back to the page presentation mode was started from (the Overview if it was started on the
    Present page or opened by a link without ``from``), the filters and settings kept."""
    origin = st.query_params.get("from", "")
    file = next((f for f, _ in PAGES if page_url(f) == origin and f != "present.py"), PAGES[0][0])
    st.switch_page(str(ROOT / "pages" / file), query_params=_kept_params())


def _frame() -> Context:
    dataset = current()
    notice = data_notice()
    if notice is not None:
        show_error(notice, what="The survey named cannot be shown: ")
        st.info(md(f"Showing {dataset.label} instead."), icon="ℹ️")
    if not data_chosen():  # the session opened on what it was given: say what the command line named
        _opened_problems(dataset)
    if "_url_read" not in st.session_state:  # a new session: the URL says which filters and settings
        st.session_state["_url_read"] = True
        st.session_state["_url_filters"] = {name: st.query_params.get_all(name) for name in st.query_params}
    filter_area = st.sidebar.container()  # above the settings, which are read first
    settings = sidebar_settings(st.session_state.get("_access", LOCAL_ACCESS))
    dataset, full = _published(dataset, settings)
    access = st.session_state.get("_access", LOCAL_ACCESS)
    full, metrics = scope_of(dataset, full, access)
    filters = _filters(dataset, full, filter_area)
    survey = full
    with guarded("The filters could not be applied: "):
        chosen = {name: values for name, values in filters.items() if values}
        if chosen:
            survey = remembered("filtered", (dataset.key, settings.min_group_size, repr(sorted(chosen.items()))),
                                lambda: view(full, **chosen))
    _write_url(filters, settings, link_params(dataset))
    presentation = _presenting()
    if presentation:
        _presentation_style()
    return Context(dataset, full, survey, settings, filters, presentation, st.context.theme.type == "dark", access,
                   metrics)


def _published(dataset: Dataset, settings: Settings) -> tuple[Dataset, Survey]:
    """The dataset and its survey published for the minimum group size (kept in the imported survey
    per minimum). Data that cannot be published is said above the page and put aside: the demo is
    shown instead, and the Data page stays usable to load something else."""
    try:
        return dataset, publish(dataset.survey, settings.min_group_size)
    except st.errors.StreamlitAPIException:
        raise
    except Exception as error:  # noqa: BLE001 — the boundary: said on the page, never a traceback
        if dataset.is_demo:
            raise
        show_error(error, what=f"{dataset.label} cannot be shown: ")
        st.info("Showing the built-in demo data instead. Load another export on the **Data** page.", icon="ℹ️")
        if st.session_state.get("dataset") is dataset:
            del st.session_state["dataset"]
        if dataset.stored and st.session_state.get(SURVEY) == dataset.stored:
            del st.session_state[SURVEY]
        demo = demo_dataset()
        return demo, publish(demo.survey, settings.min_group_size)


def _opened_problems(dataset: Dataset) -> None:
    """What is wrong with the export or unit metrics named on the command line, as an upload's
    error would say it (no traceback, nothing of the file beyond the reader's message), and what
    is shown instead."""
    named, problems = opened_dataset()
    for argument, error in problems:
        # every visitor sees this: the message and what to do, never the file's lines (in the server log)
        show_error(error, what=f"{argument} (on the command line) is not used: ", logged=True, problems=False)
    if problems and named is None:
        st.info("Showing the built-in demo data instead. Load an export on the **Data** page, or start the "
                "dashboard again with a readable file.", icon="ℹ️")


def _options(survey: Survey, name: str, filters: dict[str, list[str]]) -> list[str]:
    """A filter's choices; business units narrowed to the divisions chosen."""
    if name == "business_unit" and filters.get("division") and "division" in survey.groupings:
        return list(view(survey, division=filters["division"]).codes("business_unit")[1])
    return list(survey.codes(name)[1])


def _data_name(sidebar, dataset: Dataset) -> None:
    """The data in use: its file name wraps between its parts (a zero-width space after each "_",
    "-" and ".", each part escaped on its own), never mid-word; where a part is cut short, the full
    name on hover. Other data than the demo: the demo one click away."""
    name, cut = file_label(dataset.label)
    sidebar.markdown("**Data:** " + WORD_BREAK.join(md(part) for part in name.split(WORD_BREAK)),
                     help=md(dataset.label) if cut else None)
    if not dataset.is_demo and sidebar.button("Show the demo data", key="sidebar_demo", type="tertiary",
                                              help="The built-in demo; the Data page opens your surveys again"):
        use(demo_dataset())
        st.rerun()


def _filters(dataset: Dataset, survey: Survey, sidebar) -> dict[str, list[str]]:
    """The sidebar's filters (in ``sidebar``), offering the published values of ``survey``."""
    filters: dict[str, list[str]] = {}
    _data_name(sidebar, dataset)
    scope_line(sidebar, st.session_state.get("_access", LOCAL_ACCESS))
    sidebar.markdown("**Filters**")
    from_url = st.session_state.get("_url_filters", {})
    standard = [name for name in survey.groupings if name == "wave" or name in ATTRIBUTES]
    for name in standard:
        _filter(sidebar, dataset, survey, name, _options(survey, name, filters), filters, from_url)
    others = {name: _options(survey, name, filters) for name in survey.groupings if name not in standard}
    others = {name: options for name, options in others.items() if len(options) >= 2}  # a single value: no filter
    if others:  # an export's other questions used as groupings: out of the way until wanted
        chosen = any(st.session_state.get(_filter_key(dataset, name)) or from_url.get(name) for name in others)
        more = sidebar.expander(f"More filters ({len(others)})", expanded=chosen) if len(others) > 2 else sidebar
        for name, options in others.items():
            _filter(more, dataset, survey, name, options, filters, from_url)
    return filters


def _filter_key(dataset: Dataset, name: str) -> str:
    return f"filter:{dataset.stored or dataset.key}:{name}"  # a stored survey's filters stay as waves are added


def _filter(place, dataset: Dataset, survey: Survey, name: str, options: list[str], filters: dict[str, list[str]],
            from_url: dict) -> None:
    """One grouping's filter in ``place`` (left out when it has a single value, but for the wave); its
    choice into ``filters``."""
    if len(options) < 2 and name != "wave":
        return
    key = _filter_key(dataset, name)
    if key not in st.session_state:
        st.session_state[key] = [v for v in from_url.get(name, []) if v in options]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    filters[name] = place.multiselect(md(label_of(survey, name)), options, key=key, placeholder="All")


def _write_url(filters: dict[str, list[str]], settings: Settings, data: dict[str, str]) -> None:
    """Mirror the filters, non-default settings and the data shown (``data``: :func:`ui.data.link_params`)
    in the URL, so that a reload or a copied link reopens this view."""
    wanted: dict[str, list[str] | str] = {name: values for name, values in filters.items() if values}
    wanted.update(data)
    for name in SETTING_PARAMS:
        if getattr(settings, name) != getattr(Settings(), name):
            wanted[name] = setting_link_text(name, getattr(settings, name))
    if _presenting():
        wanted["present"] = "1"
        wanted.update({name: st.query_params[name] for name in ("slide", "from") if name in st.query_params})
    # One parameter at a time: replacing them all would also drop the pages' own choices, which
    # their widgets keep in the URL themselves (bind="query-params").
    for name in dict.fromkeys([*filters, *SETTING_PARAMS, *PRESENT_PARAMS, LINK_PARAM, DEMO_PARAM]):
        value = wanted.get(name)
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get_all(name) != (value if isinstance(value, list) else [value]):
            st.query_params[name] = value


def _presentation_style() -> None:
    """Presentation mode: no sidebar or toolbar, larger type (1rem is 20px), little padding, so that
    a slide fits the screen (:class:`cxcommit.story.slides.Screen` holds these sizes: change both together).
    Style only: ``st.html`` puts it where it takes no room on the page."""
    st.html("""<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
        [data-testid="stToolbar"], [data-testid="stLayoutWrapper"]:has(> .st-key-present-keys)
        {display: none !important;}
        .block-container {padding-top: 1.5rem; padding-bottom: 1rem; max-width: 100%;}
        html, body, [data-testid="stMarkdownContainer"] p {font-size: 1.25rem;}
        </style>""")
