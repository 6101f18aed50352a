"""Data: load exports (several waves at once) and unit metrics, check what was detected, confirm
or correct the mapping, and save it for next time."""
from dataclasses import replace

import streamlit as st

from cxcommit import load_mapping, suggest_mapping
from cxcommit.io.formats import FORMAT_NAMES
from cxcommit.mapping.mapping_file import MAX_MAPPING_BYTES
from cxcommit.store.intake import check, fit
from cxcommit.privacy.suppression import respondents_text
from cxcommit.text import escape_markdown as md
from ui.data import (Dataset, current, demo_dataset, digest, exports_uploader, forget_exports, import_exports,
                     read_export, read_metrics, use)
from ui.data_state import JUST_LOADED, TEST_CHOICES, commit, in_use, loading, pending_choice
from ui.errors import guarded, show_error
from ui.shell import context
from ui.views import disclosure_report, import_report, mapping_form, problems_shown, raw_summary
from ui.workspace import who, workspace
from ui.workspace_admin import admin
from ui.workspace_view import hold, just_stored, keep_choice, panel, store_step


def suggestion(key: str, raw):
    """The suggested mapping of an upload, made once: every edit in the mapping form reruns the page."""
    made = st.session_state.get("_suggested")
    if made is None or made[0] != key:
        made = st.session_state["_suggested"] = (key, suggest_mapping(raw))
    return made[1]


def load(ctx, dataset: Dataset, store) -> None:
    """The loading form: exports, a saved mapping, unit metrics, the test-responses choice and the mapping."""
    exports = st.file_uploader("Survey exports: CSV, TSV, Excel (.xlsx) or ZIP — several files for several waves",
                               type=["csv", "tsv", "txt", "xlsx", "zip"], accept_multiple_files=True, key=exports_uploader())
    saved = st.file_uploader("A mapping saved earlier (JSON), optional", type=["json"], key="upload_mapping",
                             max_upload_size=MAX_MAPPING_BYTES // 2**20)
    metrics_file = st.file_uploader("Unit metrics (CSV or Excel: business unit, wave, incentive share, NPS, …), optional",
                                    type=["csv", "tsv", "txt", "xlsx"], key="upload_metrics")
    metrics = unit_metrics(metrics_file, dataset, bool(exports), store)
    raws = read_uploads(exports or [], ctx.settings.drop_personal_data)
    test_responses = st.selectbox(
        "Test and preview responses (Qualtrics)", tuple(TEST_CHOICES), format_func=TEST_CHOICES.get,
        key="test_responses", help="Qualtrics marks preview, test and spam responses in its Status column.")
    if raws:
        target = keep_choice(store, dataset, raws[0][1].source.rsplit(".", 1)[0])
        map_and_use(raws, saved, metrics, replace(ctx.settings, test_responses=test_responses), store, target)


def unit_metrics(metrics_file, dataset: Dataset, with_exports: bool, store):
    """The unit metrics to go with the data: an upload's, else those in use (never the demo's)."""
    metrics = None if dataset.is_demo else dataset.metrics  # the demo's unit metrics never go with your data
    if metrics_file is None:
        return metrics
    with guarded(f"{metrics_file.name}: "):
        metrics = read_metrics(metrics_file.file_id, metrics_file.getvalue(), metrics_file.name)
        if metrics.problems:
            problems_shown(metrics.problems, f"{metrics_file.name}: {len(metrics.problems)} warning(s); the rest was read.")
        if not with_exports and dataset.stored and metrics is not dataset.metrics:
            store.set_metrics(dataset.stored, metrics, by=who())
            st.success(md(f"Unit metrics from {metrics_file.name} are kept with {dataset.stored}: "
                          f"{', '.join(metrics.metrics)}."))
        elif not with_exports and not dataset.is_demo and metrics is not dataset.metrics:
            use(Dataset(digest(dataset.key, metrics.source), dataset.label, dataset.survey, metrics))
            st.success(md(f"Unit metrics loaded from {metrics_file.name}: {', '.join(metrics.metrics)}."))
        elif not with_exports and dataset.is_demo:
            st.info(md(f"{metrics_file.name} is read ({', '.join(metrics.metrics)}); it will go with the exports "
                       "you load."))
    return metrics


def read_uploads(exports, drop_personal_data: bool) -> list:
    """The uploaded exports read, (upload id, raw table) each, with what was read of each; one that
    cannot be read is said and left out."""
    raws = []
    for upload in exports:
        key = upload.file_id  # names this upload: no need to hash a large file on every rerun
        status = st.status(md(f"Reading {upload.name} ({upload.size / 1e6:.1f} MB)…"), expanded=True)  # its progress bar
        try:
            with status:
                raw = read_export(key, upload, drop_personal_data)
                status.update(label=md(f"{upload.name}: {FORMAT_NAMES.get(raw.format, raw.format)} export, "
                                       f"{raw.n_rows:,} rows"), state="complete", expanded=False)
            raws.append((key, raw))
            raw_summary(raw)
        except Exception as error:  # noqa: BLE001 — shown by the one error view; the data in use stays
            status.update(label=md(f"{upload.name} could not be read"), state="error")
            show_error(error, what="" if upload.name in str(error) else f"{upload.name}: ")
    forget_exports({key for key, _ in raws})
    return raws


def chosen_mapping(saved):
    """The mapping file uploaded, read (None, and said, when it cannot be used)."""
    if saved is None:
        return None
    mapping = None
    with guarded(f"{saved.name}: "):
        mapping = load_mapping(saved.getvalue(), saved.name)
    if mapping is None:
        st.info(md(f"{saved.name} is not used: below is the suggested mapping instead. Fix the file and upload it "
                   "again, or check the suggestion."))
    return mapping


def map_and_use(raws: list, saved, metrics, settings, store, target: str | None) -> None:
    """The mapping (a saved one, else the survey's when adding to a stored survey, else the suggestion)
    to check; "Use this data" imports with it, and holds the import to be stored when it is to be kept."""
    mapping = chosen_mapping(saved)
    with guarded():
        first_key, first = raws[0]
        kept = store.mapping(target) if target and store is not None else None
        st.subheader("Mapping" + (f" (from {md(saved.name)})" if mapping is not None else
                                  f" (kept with {md(target)})" if kept is not None else " (suggested — check it)"))
        mapping = mapping or (fit(kept, first)[0] if kept is not None else suggestion(first_key, first))
        submitted, mappings = mapping_form(mapping, first, [raw.source for _, raw in raws],
                                           key="mapping_" + digest(first_key, mapping.to_json()))
        if submitted and mappings:
            use_import(raws, mappings, metrics, settings, store, target, kept)


def use_import(raws: list, mappings: list, metrics, settings, store, target: str | None, kept) -> None:
    """Import the exports with their mappings; hold the import to be stored in ``target`` (said first,
    stored when the user says so: ui.workspace_view.store_step), or use it at once without keeping it."""
    with st.status("Mapping and validating the responses…") as status:
        survey = import_exports(tuple(raw for _, raw in raws), tuple(mappings), settings)
        status.update(label=f"{respondents_text(survey.size, settings.min_group_size)} respondents ready",
                      state="complete")
    if target:
        hold(check(target, survey, [raw for _, raw in raws], mappings, saved=kept,
                   stored_waves=store.waves(target), as_saved=kept is not None), metrics)
        return
    key = digest(*(k for k, _ in raws), *(m.to_json() for m in mappings), repr(settings))
    commit(Dataset(key, " + ".join(raw.source for _, raw in raws), survey, metrics), mappings[0].to_json(),
           settings.min_group_size)


ctx = context()
st.title("Data")
dataset = current()
store = workspace()
in_use(dataset, ctx.full.size, ctx.settings.min_group_size)
just_stored()
just_loaded = JUST_LOADED in st.session_state
if just_loaded:
    label, mapping_json = st.session_state.pop(JUST_LOADED)
    st.success(md(f"Now analysing {label}. The filters and every page use it."))
    st.download_button("Download the mapping used (JSON)", mapping_json, file_name="cxcommit-mapping.json",
                       mime="application/json", key="download_used")
if not dataset.is_demo and ctx.access.can("add"):  # the file's report, for those who load files: its rows kept
    # less the respondents reported tell how many fit no group, a count under the minimum
    with st.expander("What the import found", expanded=not st.session_state.get(exports_uploader())):
        import_report(dataset.survey, ctx.full)
with st.expander(f"Small groups: what is reported within “Other …” (minimum {ctx.settings.min_group_size})",
                 expanded=just_loaded):
    disclosure_report(ctx)
panel(store, dataset, ctx.access)
if not dataset.is_demo and st.button("Show the demo data"):
    use(demo_dataset())
    st.rerun()

if ctx.access.can("add"):
    pending_choice(ctx.settings.min_group_size)
    if loading(dataset):
        load(ctx, dataset, store)
    store_step(store)  # under "Use this data", where the user is
admin(store, ctx.access)  # people, the audit log, the workspace file: below the everyday work
