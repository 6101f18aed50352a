"""The one place where errors become messages on the page.

Library errors (:class:`~cxcommit.CxcommitError`) show their message, what to do, and the table of
problems (row, column, problem, value); an analysis that does not apply to the data
(:class:`~cxcommit.NotApplicable`) is a note, not a failure (:func:`not_applicable`). Messages are
plain text that may quote the data (a file name, a column, a value): they are shown escaped, never
read as markdown. Anything else is a
bug: the page says so in plain words and the traceback goes to the server log, never to the page.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Callable

import streamlit as st

from cxcommit import CxcommitError, NotApplicable
from cxcommit.errors import OutOfMemoryError
from cxcommit.text import escape_markdown as md

log = logging.getLogger("cxcommit.dashboard")


def not_applicable(error: NotApplicable, *, what: str = "") -> None:
    """Say, as a note, that an analysis does not apply to these data, and how to make it apply."""
    st.info(md(what + error.message) + (f"\n\n**To see it:** {md(error.hint)}" if error.hint else ""))


def show_error(error: Exception, *, what: str = "", logged: bool = False, problems: bool = True) -> None:
    """Show ``error`` as a message (and its problems as a table), after ``what`` (plain text, e.g.
    the file's name); an analysis that does not apply to the data (:class:`~cxcommit.NotApplicable`)
    as a note (:func:`not_applicable`). ``logged``: an unexpected error whose
    traceback is already in the log. ``problems=False``: the table of problems (which quotes the
    file: rows, values) goes to the server log, not the page — for a file every visitor would see."""
    if isinstance(error, MemoryError):
        log.warning("out of memory in the dashboard", exc_info=error)
        error = OutOfMemoryError.during()
    if isinstance(error, NotApplicable):
        not_applicable(error, what=what)
        return
    if isinstance(error, CxcommitError):
        st.error(md(what + error.message) + (f"\n\n**What to do:** {md(error.hint)}" if error.hint else ""))
        if error.problems and not problems:
            log.warning("%s%s; problems:\n%s", what, error.message, error.problem_table.to_string(index=False))
            st.caption(f"{len(error.problems)} problem(s) found; they quote the file, so they are listed in the "
                       "server's log, not here.")
        elif error.problems:
            st.caption(f"{len(error.problems)} problem(s) found — where they are:")
            problems_table(error.problems)
        return
    if not logged:
        log.exception("unexpected error in the dashboard")
    st.error(md(f"{what}Something went wrong that cxcommit did not expect ({type(error).__name__}). "
                "Nothing you loaded was changed. The details are in the server log; please report them."))


WRAPPED_PROBLEMS = 20  # up to this many problems in a table that wraps their text; more scroll in a grid


def problems_table(problems) -> None:
    """Problems as a table of row, column, problem and value, a cell left empty where a problem has no
    row or column (a whole row, a whole column): wrapped so that each is read whole when there are
    few, in a scrolling grid (long texts cut, whole on hover) when there are many."""
    if not problems:
        return
    rows = [{"row": "" if p.row is None else f"{p.row:,}", "column": p.column or "", "problem": p.problem, "value": p.value or ""}
            for p in problems]
    if len(rows) > WRAPPED_PROBLEMS:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.table(rows, hide_index=True)


def kept(error: Exception, what: str) -> Exception:
    """``error``, caught to be shown later with :func:`show_error` (``logged=True``): a bug's traceback
    goes to the server log now, while it is at hand (``what``: what was being done)."""
    if not isinstance(error, CxcommitError):
        log.error("%s", what, exc_info=error)
    return error


@contextmanager
def guarded(what: str = ""):
    """Run a block of a page; an error in it shows as a message instead of stopping the page
    (an analysis that does not apply to the data as a note; see :func:`show_error`)."""
    try:
        yield
    except st.errors.StreamlitAPIException:
        raise
    except Exception as error:  # noqa: BLE001 — the one boundary between the app and its user
        show_error(error, what=what)  # st.rerun/st.stop raise BaseException and pass through


DOWNLOADS = "_downloads"  # per session: the state of each download button, by its key
START_WAIT = 5  # seconds a clicked button's run waits for its file to start being made
MAKE_WAIT = 150  # ... and then to be made (a chart image may start a browser: up to 60 s, then 60 s to draw)


@dataclass
class _Download:
    """What became of the files a download button made: counted as they start and finish, the
    last failure kept until the page has shown it. Written from Streamlit's download thread."""

    started: int = 0
    finished: int = 0
    shown: int = 0  # finished files whose outcome the page has shown
    error: BaseException | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)


def download_button(label: str, make: Callable[[], bytes], *, key: str, what: str, errors=None,
                    fragment: bool = True, **options) -> None:
    """A download button (``label``: plain text) whose file ``make()`` makes when it is clicked, and
    that says on the page why when it cannot: never a click that does nothing.

    The file is made in the click (Streamlit's deferred download). The click also runs the button's
    fragment again (``fragment=False``: the caller's own fragment; never the whole page, whose run
    would renew every other button's file and fail a click on one of them meanwhile); that run
    waits for the file and shows a failure with :func:`show_error`, prefixed "``what`` could not be
    made: " (a library error's message and hint; anything else as unexpected, its traceback in the
    server log), in ``errors`` (a container in the same fragment; default: under the button). A
    failure that ends later is shown by the next run. ``options`` go to ``st.download_button``
    (``file_name``, ``mime``, ``icon``, …).
    """
    if fragment:
        _download_fragment(label, make, key, what, options)
    else:
        _download(label, make, key, what, errors, options)


@st.fragment
def _download_fragment(label: str, make: Callable[[], bytes], key: str, what: str, options: dict) -> None:
    _download(label, make, key, what, None, options)


def _download(label: str, make: Callable[[], bytes], key: str, what: str, errors, options: dict) -> None:
    state = st.session_state.setdefault(DOWNLOADS, {}).setdefault(key, _Download())

    def made() -> bytes:
        with state.changed:
            state.started += 1
            state.changed.notify_all()
        try:
            return make()
        except Exception as error:  # noqa: BLE001 — kept for the page; Streamlit still sees the click fail
            state.error = kept(error, f"a download could not be made: {what}")
            raise
        finally:
            with state.changed:
                state.finished += 1
                state.changed.notify_all()

    if st.download_button(md(label), data=made, key=key, on_click="rerun", **options):  # this run follows a click
        with state.changed:  # the file is being made (or made already, or soon starts): wait for it
            if state.changed.wait_for(lambda: state.finished > state.shown or state.started > state.finished,
                                      timeout=START_WAIT):
                state.changed.wait_for(lambda: state.finished >= state.started, timeout=MAKE_WAIT)
    if state.finished > state.shown:
        state.shown = state.finished
        error, state.error = state.error, None
        if error is not None:
            with errors if errors is not None else nullcontext():
                show_error(error, what=f"{what} could not be made: ", logged=True)
