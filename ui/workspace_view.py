"""The Data page's workspace: where the data are kept, the stored surveys to open, the waves of the
one in use (remove, rename, delete: each confirmed, each in the audit log), and an import stored after
what it adds, lacks and replaces has been said."""
from __future__ import annotations

import streamlit as st

from cxcommit.store.intake import Intake
from cxcommit.text import escape_markdown as md
from ui.data import Dataset, use_stored
from ui.data_state import close_loader
from ui.errors import guarded
from ui.workspace import who

KEEP, LOOK = "Keep them in the workspace", "Only look at them (nothing is kept)"
NEW = "A new survey…"
TO_STORE = "_to_store"  # an import checked against its survey, waiting for "Store"
STORED = "_just_stored"


def keep_choice(store, dataset: Dataset, first_name: str) -> str | None:
    """Where the data about to be loaded go: the name of the stored survey to add them to (one of the
    workspace's, or a new one named here), or None to look at them without keeping them."""
    if store is None:
        return None
    how = st.radio("These data", (KEEP, LOOK), horizontal=True, key="keep_how", index=0 if dataset.stored else 1,
                   help="Kept data open again in the next session, for everyone who uses this workspace, and each "
                        "new wave adds to its survey's trend.")
    if how == LOOK:
        return None
    names = [s.name for s in store.surveys()]
    default = names.index(dataset.stored) if dataset.stored in names else 0
    chosen = st.selectbox("Add them to the survey", [*names, NEW], index=default, key="keep_survey",
                          help="A survey's saved mapping reads its next wave: only what changed needs checking.")
    if chosen != NEW:
        return chosen
    return st.text_input("Name of the new survey", value=first_name, key="keep_new_name", max_chars=200).strip() or None


def hold(intake: Intake, metrics) -> None:
    """Keep a checked import for :func:`store_step` to store once the user says so."""
    st.session_state[TO_STORE] = (intake, metrics)
    st.rerun()


def store_step(store) -> None:
    """An import waiting to be stored: what it adds, lacks and would replace, and the buttons."""
    if TO_STORE not in st.session_state or store is None:
        return
    intake, metrics = st.session_state[TO_STORE]
    with st.container(border=True):
        st.markdown(f"**Store in the workspace as “{md(intake.name)}”?**")
        st.markdown("\n".join(f"- {md(line)}" for line in intake.summary()))
        replace = bool(intake.stored) and st.checkbox(
            f"Replace the stored wave(s) {', '.join(intake.stored)} with this file's", key="store_replace")
        go, cancel = st.columns(2)
        if go.button(f"Store in “{intake.name}”", type="primary", key="store_go",
                     disabled=bool(intake.stored) and not replace):
            with guarded(f"{intake.name}: "), st.spinner("Storing the responses…"):
                added = store.add(intake.name, intake.survey, by=who(), replace=replace)
                if metrics is not None:
                    store.set_metrics(intake.name, metrics, by=who())
                del st.session_state[TO_STORE]
                st.session_state[STORED] = added
                use_stored(intake.name)
                close_loader()
                st.rerun()
        if cancel.button("Don't store them", key="store_cancel"):
            del st.session_state[TO_STORE]
            st.rerun()


def just_stored() -> None:
    added = st.session_state.pop(STORED, None)
    if added is not None:
        st.success(md(("Made the survey " if added.created else "Stored in ") + f"“{added.survey}”: "
                      + ", ".join(f"wave {label} ({n:,} respondents)" for label, n in added.waves)
                      + (f"; replaced {', '.join(added.replaced)}" if added.replaced else "")
                      + ". Every page and trend uses it, and it opens again in the next session."))


def panel(store, dataset: Dataset, access) -> None:
    """The workspace's surveys (open one), and the survey in use: its waves; renaming it for those who
    add waves, removing a wave or deleting it for administrators."""
    if store is None:
        return
    surveys = store.surveys()
    with st.expander(f"Workspace: {len(surveys)} survey(s) kept", expanded=False):
        st.caption(md(f"Kept in {store.where}."))
        if not surveys:
            st.markdown("Nothing is kept yet: load an export below and keep it in the workspace.")
        for survey in surveys:
            line = st.container(horizontal=True, vertical_alignment="center")
            stored = f", {survey.respondents:,} respondents stored" if access.can("add") else ""  # see _manage
            line.markdown(f"**{md(survey.name)}** — {len(survey.waves)} wave(s) "
                          f"({md(', '.join(w.label for w in survey.waves))}){stored}"
                          + (f", unit metrics from {md(survey.metrics)}" if survey.metrics else ""), width="stretch")
            if survey.name == dataset.stored:
                line.markdown("*in use*", width="content")
            elif line.button("Open", key=f"open:{survey.name}"):
                use_stored(survey.name)
                st.rerun()
        current = next((s for s in surveys if s.name == dataset.stored), None)
        if current is not None:
            _manage(store, current, access)


def _manage(store, survey, access) -> None:
    """The survey in use: its waves as stored, and removing one, renaming and deleting (confirmed).
    The respondents stored per wave are the files' rows, the import report's count: shown to those
    who add waves (who hold the files) only, as less the published respondents they tell how many a
    wave's numbers leave out, a count under the minimum."""
    st.markdown(f"**Waves of {md(survey.name)}**")
    adds = access.can("add")
    st.dataframe([{"Wave": w.label, **({"Respondents": w.respondents} if adds else {}), "File": w.source,
                   "Added by": w.added_by, "Added": f"{w.added_at:%Y-%m-%d %H:%M}"} for w in survey.waves],
                 hide_index=True)
    if access.can("add"):
        _rename(store, survey)
    if not access.can("delete"):
        return
    remove, delete = st.tabs(["Remove a wave", "Delete the survey"])
    with remove:
        wave = st.selectbox("Wave", [w.label for w in survey.waves], key="remove_wave", width=320)
        sure = st.checkbox(f"Remove wave {wave} and its responses from the workspace", key="remove_sure")
        if st.button("Remove", disabled=not sure, key="remove_go"):
            with guarded():
                store.remove_wave(survey.name, wave, by=who())
                st.rerun()
    with delete:
        typed = st.text_input(f"Type “{survey.name}” to delete it with all its waves", key="delete_name", width=480)
        if st.button("Delete", type="primary", disabled=typed.strip() != survey.name, key="delete_go"):
            with guarded():
                store.delete(survey.name, by=who())
                st.session_state.pop("survey", None)
                st.rerun()


def _rename(store, survey) -> None:
    line = st.container(horizontal=True, vertical_alignment="bottom")
    new = line.text_input("Rename the survey", value=survey.name, key="rename_to", max_chars=200, width=480)
    if line.button("Rename", key="rename_go", disabled=not new.strip() or new.strip() == survey.name):
        with guarded():
            store.rename(survey.name, new, by=who())
            use_stored(" ".join(new.split()))
            st.rerun()
