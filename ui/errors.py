"""The one place where errors become messages on the page.

Library errors (:class:`~cxcommit.CxcommitError`) show their message, what to do, and the table of
problems (row, column, problem, value). Messages are plain text that may quote the data (a file
name, a column, a value): they are shown escaped, never read as markdown. Anything else is a
bug: the page says so in plain words and the traceback goes to the server log, never to the page.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from cxcommit import CxcommitError, MappingError
from cxcommit.text import escape_markdown as md

log = logging.getLogger("cxcommit.dashboard")


def show_error(error: Exception, *, what: str = "", missing: str = "error") -> None:
    """Show ``error`` as a message (and its problems as a table), after ``what`` (plain text, e.g.
    the file's name). ``missing="info"``: a :class:`~cxcommit.MappingError` (the data lack what an
    analysis needs) is explained, not shown as a failure."""
    if isinstance(error, MappingError) and missing == "info" and not error.problems:
        st.info(md(what + error.message) + (f"\n\n**To see it:** {md(error.hint)}" if error.hint else ""))
        return
    if isinstance(error, CxcommitError):
        st.error(md(what + error.message) + (f"\n\n**What to do:** {md(error.hint)}" if error.hint else ""))
        if error.problems:
            st.caption(f"{len(error.problems)} problem(s) found — where they are:")
            st.dataframe(error.problem_table, hide_index=True, width="stretch")
        return
    log.exception("unexpected error in the dashboard")
    st.error(md(f"{what}Something went wrong that cxcommit did not expect ({type(error).__name__}). "
                "Nothing you loaded was changed. The details are in the server log; please report them."))


@contextmanager
def guarded(what: str = "", missing: str = "info"):
    """Run a block of a page; an error in it shows as a message instead of stopping the page
    (what the data lack for an analysis as a note: ``missing="info"``; see :func:`show_error`)."""
    try:
        yield
    except st.errors.StreamlitAPIException:
        raise
    except Exception as error:  # noqa: BLE001 — the one boundary between the app and its user
        show_error(error, what=what, missing=missing)  # st.rerun/st.stop raise BaseException and pass through
