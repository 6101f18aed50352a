"""What a browser session holds, and giving it back when the session ends.

Loaded data live in the session (``st.session_state``) and nowhere else: process-wide registries
hold them only weakly, and what a session computes from them is remembered in the session, a few
entries deep (:func:`remembered`). So replacing the data frees the old, and closing the tab frees
the session's.

Streamlit keeps a closed tab's session for ``server.disconnectedSessionTTL`` seconds (a network blip
or a reload can reconnect to it); after that it forgets the session only when another browser
connects, and without closing it, so the session's uploads stay in memory. :func:`watch` closes a
session half that time after its tab went away, through the runtime's thread-safe close, and
returns the memory to the system.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
import weakref
from collections import OrderedDict
from typing import Callable, TypeVar

import pyarrow as pa
import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

log = logging.getLogger("cxcommit.dashboard")
T = TypeVar("T")

SWEEP_SECONDS = 5.0  # how often ended sessions are looked for, at most
RELEASE_SWEEPS = 6  # sweeps after a close, or after some of a closed session's data went, that give memory back
HELD_SECONDS = 60.0  # how long a closed session's values are followed


def remembered(name: str, key: object, make: Callable[[], T], *, size: int = 8) -> T:
    """``make()``, remembered in this session under ``name`` and ``key`` (the ``size`` most recent)."""
    store: OrderedDict = st.session_state.setdefault(f"_remembered:{name}", OrderedDict())
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = store[key] = make()
    while len(store) > size:
        store.popitem(last=False)
    return value


def watch() -> None:
    """Close this session, and free what it holds, once its tab has been gone for half the time
    Streamlit keeps it for a reconnect."""
    run = get_script_run_ctx()
    if run is not None and Runtime.exists():
        session = Runtime.instance().get_app_session(run.session_id)
        if session is not None:
            _closer().watch(run.session_id, session)


@st.cache_resource(show_spinner=False)
def _closer() -> _Closer:
    # Half the time Streamlit keeps the session: once that has passed it forgets the session without
    # closing it (its uploads stay in memory), and a close finds nothing to close.
    closer = _Closer(float(st.get_option("server.disconnectedSessionTTL")) / 2)
    threading.Thread(target=closer.run, name="cxcommit-session-closer", daemon=True).start()
    return closer


class _Closer:
    """Closes watched sessions whose tab has been gone for ``grace`` seconds (swept by its thread)."""

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.every = max(0.2, min(SWEEP_SECONDS, grace / 2))  # closes by 1.5 × grace, before Streamlit forgets it
        self._seen: dict[str, float] = {}  # session id -> when it was last connected
        self._sessions: dict[str, weakref.ref] = {}
        self._lock = threading.Lock()
        self._release_sweeps = 0  # sweeps left that give freed memory back
        self._held: list[tuple[weakref.ref, float]] = []  # a closed session's values, and when it closed

    def watch(self, session_id: str, session) -> None:
        with self._lock:
            self._seen[session_id] = time.monotonic()
            self._sessions[session_id] = weakref.ref(session)

    def run(self) -> None:
        """Sweep every ``every`` seconds, for ever (the closer's thread)."""
        while True:
            time.sleep(self.every)
            try:
                self.sweep()
            except Exception:  # noqa: BLE001 — a failed sweep must not end the thread
                log.exception("closing ended sessions failed")

    def sweep(self) -> int:
        """Close the watched sessions gone longer than ``grace``; how many were closed."""
        if not Runtime.exists():
            return 0
        runtime = Runtime.instance()
        now = time.monotonic()
        with self._lock:
            ended = []
            for session_id, seen in list(self._seen.items()):
                if runtime.is_active_session(session_id):
                    self._seen[session_id] = now
                elif now - seen > self.grace:
                    ended.append((session_id, self._sessions.pop(session_id)()))
                    del self._seen[session_id]
        for session_id, session in ended:
            self._close(runtime, session_id, session, now)
        self._give_back(bool(ended), now)
        return len(ended)

    def _close(self, runtime, session_id: str, session, now: float) -> None:
        # Thread-safe: on a session that is not connected it marks it closed and closes it on the
        # runtime's event loop (its uploads go with it); a signed-in tab has ended, so its user goes too.
        runtime.clear_user_info_for_session(session_id)
        # Should Streamlit have forgotten the session already (a busy machine), the close finds
        # nothing: its uploads and state go anyway (both thread-safe; the runtime's loop can also
        # hold a closed session until the next browser connects).
        runtime.uploaded_file_mgr.remove_session_files(session_id)
        if session is not None:
            self._held += [(ref, now) for ref in _weak_values(session.session_state)]
            session.session_state.clear()

    def _give_back(self, closed: bool, now: float) -> None:
        """Memory is given back on each of the few sweeps after a close, and again after some of a
        closed session's data go later (their last reference dropped on the runtime's event loop, at
        the end of a script run still under way, or at a garbage collection: later on a busy
        machine). A closed session's values are followed for ``HELD_SECONDS``: some are shared with
        other sessions (the local access, a stored survey) and never go."""
        if self._held:
            gc.collect()
        alive = [(ref, closed_at) for ref, closed_at in self._held if ref() is not None]
        if closed or len(alive) < len(self._held):  # a close, or some data went (not: stopped being followed)
            self._release_sweeps = RELEASE_SWEEPS
        self._held = [(ref, closed_at) for ref, closed_at in alive if now - closed_at <= HELD_SECONDS]
        if self._release_sweeps:
            self._release_sweeps -= 1
            _release_memory()


def _weak_values(state) -> list[weakref.ref]:
    """Weak references to the values of a session's state that take one (its loaded data do)."""
    refs = []
    for value in dict(state.filtered_state).values():
        try:
            refs.append(weakref.ref(value))
        except TypeError:  # int, str, dict…: nothing large, or held by something that is
            pass
    return refs


def _release_memory() -> None:
    """Give freed memory back to the system: Python's, Arrow's pool and the C allocator's."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim is not None:
            trim(0)
