"""Presentation mode's way out, drawn whatever the data: an Exit button that Esc presses, and what to
do when there is nothing to present (the sidebar and its filters are hidden while presenting)."""
from __future__ import annotations

import streamlit as st

from ui.shell import Context, leave_presentation


def exit_button(*, key: str = "present-exit", width: str = "stretch") -> None:
    """The Exit button (Esc presses it): back to the page the presentation started from, filters kept."""
    if st.button("Exit", key=key, width=width, shortcut="Esc", help="Leave the presentation (Esc)"):
        leave_presentation()


def nothing_to_present(ctx: Context, why: str) -> None:
    """Say why there is nothing to present and what to do, with the way out beside it."""
    st.info(f"{why} Press Esc or Exit to leave the presentation"
            + (", then widen the filters in the sidebar." if any(ctx.filters.values()) else
               ", then load more data on the **Data** page."))
    exit_button(key="present-exit-empty", width="content")
