"""The Data page's parts for administrators and analysts: the people who may sign in (roles and a
viewer's divisions), the audit log, and the whole workspace as one file to take to another machine."""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from cxcommit.privacy.scope import ACTIONS, ROLES
from cxcommit.store.archive import export_workspace, import_workspace
from cxcommit.text import escape_markdown as md
from ui.errors import download_button, guarded
from ui.signin import LOCAL
from ui.workspace import who

ROLE_HELP = {role: ", ".join(what for what, roles in ACTIONS.values() if role in roles) for role in ROLES}


def admin(store, access) -> None:
    """What this person's role lets them manage here (nothing for a viewer)."""
    if store is None:
        return
    if access.can("people") and not st.session_state.get("_person", LOCAL).local:  # sign-in in use
        with st.expander("People: who may sign in, and what they see"):
            _people(store)
    if access.can("audit"):
        with st.expander("Audit log: who added, replaced, removed and exported what"):
            st.dataframe([{"When": f"{e.at:%Y-%m-%d %H:%M}", "Who": e.who, "What": e.action, "Survey": e.survey or "",
                           "Detail": e.detail} for e in store.audit(500)], hide_index=True)
    if access.can("settings"):  # every stored response, as imported: for administrators
        with st.expander("The whole workspace as one file"):
            _archive(store)


def _people(store) -> None:
    people = store.people()
    st.caption("Used when the dashboard asks people to sign in (a team deployment). " + " ".join(
        f"**{role.title()}**: {md(text)}." for role, text in ROLE_HELP.items()))
    if people:
        st.dataframe([{"E-mail": p.email, "Role": p.access.role, "Divisions": ", ".join(p.access.divisions) or "all",
                       "Added by": p.added_by} for p in people], hide_index=True)
    with st.form("person_form", border=False):
        line = st.container(horizontal=True, vertical_alignment="bottom")
        email = line.text_input("E-mail", key="person_email", max_chars=320, width=320)
        role = line.selectbox("Role", ROLES, index=2, key="person_role", width=160)
        divisions = line.text_input("A viewer's divisions (comma-separated; empty: all)", key="person_divisions",
                                    width=360)
        if st.form_submit_button("Add or change"):
            with guarded():
                store.set_person(email, role, [d.strip() for d in divisions.split(",") if d.strip()], by=who())
                st.rerun()
    if people:
        line = st.container(horizontal=True, vertical_alignment="bottom")
        gone = line.selectbox("Take access away from", [p.email for p in people], key="person_remove", width=320)
        if line.button("Remove", key="person_remove_go"):
            with guarded():
                store.remove_person(gone, by=who())
                st.rerun()


def _archive(store) -> None:
    st.markdown("Every survey, wave, unit metric, setting, person and the audit log, in one .zip file that "
                "`python -m cxcommit workspace import` (or an administrator here) reads on another machine. It "
                "holds every stored response as imported (no identifiers): keep it as safe as the exports.")
    person = who()

    def made() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "cxcommit-workspace.zip"
            export_workspace(store, target, by=person)
            return target.read_bytes()

    download_button("Download the workspace (.zip)", made, key="workspace_export", what="The workspace file",
                    file_name="cxcommit-workspace.zip", mime="application/zip", icon=":material/inventory_2:")
    upload = st.file_uploader("Import a workspace file (its surveys must not be here already)", type=["zip"],
                              key="workspace_import")
    if upload is not None and st.button("Import it", key="workspace_import_go"):
        with guarded(f"{upload.name}: "), tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "workspace.zip"
            source.write_bytes(upload.getvalue())
            st.success(md(" ".join(import_workspace(store, source, by=who()).summary())))
