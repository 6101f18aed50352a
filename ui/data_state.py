"""The Data page's states: the data in use (said at the top, with the switch that opens the loading
form), an import waiting for a decision because its exclusions leave fewer respondents than the
minimum group size, and the choice of what to do with test responses."""
from __future__ import annotations

import streamlit as st

from cxcommit.model.exclusions import exclusions_text, keeps_tests_hint, too_few_text
from cxcommit.privacy.suppression import respondents_text
from cxcommit.text import escape_markdown as md
from ui.data import Dataset, release_uploads, use

LOADER_OPEN = "_loader_open"  # the switch that shows the loading form under data in use
PENDING = "_pending_import"  # an import with too few respondents: (dataset, mapping JSON), not in use yet
JUST_LOADED = "_just_loaded"
_CLOSE_LOADER = "_close_loader"
# Settings.test_responses, as the Data page offers it
TEST_CHOICES = {"auto": "auto: leave out, unless every response is one",
                "exclude": "leave out", "keep": "keep (to look at a file not yet fielded)"}


def in_use(dataset: Dataset, size: int, minimum: int) -> None:
    """What the pages analyse: the source, respondents (as the privacy rules allow), waves, unit
    metrics and what the import excluded."""
    report = dataset.survey.report
    excluded = exclusions_text(report.excluded)
    source = f"the survey “{dataset.label}” from the workspace" if dataset.stored else dataset.label
    st.markdown("**In use:** " + md(
        f"{source} — {respondents_text(size, minimum)} respondents reported, waves {', '.join(report.waves)}"
        + (f"; unit metrics from {dataset.metrics.source}" if dataset.metrics else "; no unit metrics")
        + (f". Left out at import: {excluded}." if excluded and not dataset.is_demo else "")))
    too_few = too_few_text(report, size, minimum)
    if too_few and not dataset.is_demo:
        st.warning(md(too_few) + " The other pages show nothing about them.")


def commit(dataset: Dataset, mapping_json: str, minimum: int) -> None:
    """Use an import at once, or (when its exclusions leave fewer than ``minimum`` respondents) hold
    it for the user to decide: :func:`pending_choice` explains and asks. Reruns the page."""
    if dataset.survey.size < minimum:
        st.session_state[PENDING] = (dataset, mapping_json)
    else:
        _use(dataset, mapping_json)
    st.rerun()


def pending_choice(minimum: int) -> None:
    """The import held by :func:`commit`: why it leaves too few respondents (the exclusions named)
    and the choice to use it anyway or not; with test responses among the exclusions, how to keep them."""
    if PENDING not in st.session_state:
        return
    dataset, mapping_json = st.session_state[PENDING]
    report = dataset.survey.report
    hint = (" To look at the file anyway, choose **keep** under *Test and preview responses* below and use "
            "the data again." if keeps_tests_hint(report) else "")
    st.warning(md(too_few_text(report, dataset.survey.size, minimum) or "") + " Every page would show nothing "
               f"about them (minimum group size {minimum}); the data in use stay until you decide.{hint}")
    use_it, drop_it = st.columns(2)
    if use_it.button("Use these data anyway", key="pending_use"):
        _use(dataset, mapping_json)
        st.rerun()
    if drop_it.button("Don't use them", key="pending_drop"):
        del st.session_state[PENDING]
        st.rerun()


def loading(dataset: Dataset) -> bool:
    """Whether the loading form shows: always over the demo; over data of one's own when the switch
    under "In use" is on (it turns off when data are used)."""
    if st.session_state.pop(_CLOSE_LOADER, False):  # set while the switch was drawn: applied before it is
        st.session_state[LOADER_OPEN] = False
        release_uploads()  # their data are in use
    return dataset.is_demo or st.toggle("Change the data: load other exports, a mapping or unit metrics",
                                        key=LOADER_OPEN)


def close_loader() -> None:
    """Close the loading form on the next run (the data it loaded are in use)."""
    st.session_state[_CLOSE_LOADER] = True


def _use(dataset: Dataset, mapping_json: str) -> None:
    use(dataset)
    st.session_state.pop(PENDING, None)
    st.session_state[JUST_LOADED] = (dataset.label, mapping_json)
    st.session_state[_CLOSE_LOADER] = True
