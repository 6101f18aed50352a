"""The workspace as the dashboard uses it (:mod:`cxcommit.store`): one per process, opened on the
database ``CXCOMMIT_DATABASE_URL`` names (else the default SQLite file), and one copy in memory of each
stored survey being viewed, shared by every session that views it and replaced once its data change
(another analyst added a wave, through this process or another one sharing the database).

A workspace that cannot be opened (a wrong URL, a database that is down) is said once per session and
the dashboard goes on without it: the demo, or the file named on the command line, is shown.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable

import streamlit as st

from cxcommit import CxcommitError, Settings
from cxcommit.store import Workspace
from cxcommit.store.engine import database_url
from ui.errors import log, show_error
from cxcommit.privacy.scope import LOCAL_ACCESS, Access, scoped, scoped_metrics
from cxcommit.text import escape_markdown as md
from ui.signin import LOCAL, Person, refuse

RETRY_SECONDS = 30.0  # a workspace that could not be opened is tried again after this long, not on every run
SHARED_SURVEYS = 4  # stored surveys kept in memory for every session, the most recently opened


@st.cache_resource(show_spinner=False)
def _opened(url: str) -> Workspace:
    return Workspace.open(url)


_failed: dict[str, tuple[float, Exception]] = {}  # url -> (when, why) it last could not be opened


def workspace() -> Workspace | None:
    """This process's workspace; None (said once in this session) when it cannot be opened."""
    url = database_url()
    failed = _failed.get(url)
    if failed is None or time.monotonic() - failed[0] > RETRY_SECONDS:
        try:
            store = _opened(url)
            _failed.pop(url, None)
            return store
        except CxcommitError as error:
            failed = _failed[url] = (time.monotonic(), error)
    if not st.session_state.get("_workspace_said"):
        st.session_state["_workspace_said"] = True
        show_error(failed[1], what="The workspace cannot be used, so nothing is kept between sessions: ")
    return None


@st.cache_resource(show_spinner=False)
def _shared() -> tuple[OrderedDict, threading.Lock]:
    """The stored surveys in memory, by workspace and name: (version, survey, unit metrics); and the lock under which
    one session reads a survey while the others wait for it."""
    return OrderedDict(), threading.Lock()


def stored(store: Workspace, name: str):
    """The stored survey ``name`` (as imported) and its unit metrics, from the copy in memory if it is
    current, else read (once, whichever session asks first) and kept for every session; and its version."""
    version = store.version(name)
    held, lock = _shared()
    key = (store.where, name)
    with lock:
        found = held.get(key)
        if found is None or found[0] != version:
            with st.spinner(f"Opening {name} from the workspace…"):
                found = held[key] = (version, store.load(name), store.metrics(name))
            while len(held) > SHARED_SURVEYS:
                held.popitem(last=False)
        held.move_to_end(key)
    return found


def who() -> str:
    """Who does what, as the audit log names them: the signed-in person's e-mail, or "local"."""
    return st.session_state.get("_person", LOCAL).email or LOCAL.email


def audited(make: Callable[[], bytes], what: str, source: str, filters: dict[str, list[str]]) -> Callable[[], bytes]:
    """``make``, recording in the audit log (when there is a workspace) that this person exported ``what``
    of ``source`` with ``filters``, once the file is made."""
    person = who()  # read now: the file is made in a callback

    def made() -> bytes:
        content = make()
        store = workspace()
        if store is not None:
            chosen = "; ".join(f"{name}: {', '.join(values)}" for name, values in filters.items() if values)
            try:
                store.log(person, "exported", source, what + (f" (filters {chosen})" if chosen else ""))
            except CxcommitError:  # the file is the user's either way; the log says why not in the server log
                log.exception("the audit log could not record an export")
        return content
    return made


def access_of(person: Person) -> Access:
    """What ``person`` may do and see: everything on a laptop (no sign-in); else what the workspace's
    people table gives them. Someone it does not list, or a workspace that cannot be read, gets the
    page saying so and nothing else (fail closed)."""
    if person.local:
        return LOCAL_ACCESS
    store = workspace()
    found = None
    if store is not None:
        try:
            found = store.access(person.email)
        except CxcommitError:
            log.exception("the workspace's people could not be read")
    if found is None:
        refuse(lambda: _no_access(person))
    return found


def _no_access(person: Person) -> None:
    st.title("No access yet")
    st.markdown(md(f"You are signed in as {person.email or person.name or 'someone without an e-mail address'}, "
                   "but this workspace does not list you.") + " Ask its administrator to add you (an administrator "
                "adds people on the **Data** page, or with `python -m cxcommit workspace people add EMAIL --role "
                "viewer`).")
    if st.button("Sign out", key="no_access_sign_out"):
        st.logout()


def scope_of(dataset, full, access: Access):
    """What a viewer scoped to divisions sees of the published survey, and its unit metrics
    (:func:`cxcommit.privacy.scope.scoped`); nothing of it, said, when their divisions are not there."""
    if not access.is_scoped:
        return full, dataset.metrics
    scope = scoped(full, access)
    if scope.note:
        st.info(md(scope.note), icon="ℹ️")
    if scope.survey is None:
        st.title("Nothing to show")
        st.markdown(md(f"{dataset.label} has nothing you may see: you see {str(access)}.") + " Open another survey "
                    "on the **Data** page, or ask the workspace's administrator.")
        st.stop()
    return scope.survey, scoped_metrics(dataset.metrics, scope)


def scope_line(sidebar, access: Access) -> None:
    """For a viewer scoped to divisions, which ones, under the data's name."""
    if access.is_scoped:
        sidebar.markdown(md(f"You see: {', '.join(access.divisions)}"), help="Your access to this workspace covers "
                         "these divisions only; its administrator can change it.")


def workspace_settings() -> Settings:
    """The workspace's settings (the defaults without a workspace)."""
    store = workspace()
    if store is None:
        return Settings()
    try:
        return store.settings()
    except CxcommitError:
        log.exception("the workspace's settings could not be read")
        return Settings()


def keep_as_defaults(settings: Settings) -> None:
    """For an administrator: make ``settings`` (the sidebar's) the workspace's, every session's start."""
    store = workspace()
    if store is not None:
        store.save_settings(settings, by=who())
        st.toast("Saved as the workspace's settings.")
