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
    minimum = "lower the minimum group size under **Settings**" if ctx.minimum_hides else ""
    if ctx.filtered:
        then = f"widen the filters{' or ' + minimum if minimum else ''} in the sidebar."
    else:
        then = f"{minimum} in the sidebar." if minimum else "load more data on the **Data** page."
    st.info(f"{why} Press Esc or Exit to leave the presentation, then {then}")
    exit_button(key="present-exit-empty", width="content")


NAVIGATION_KEY = "present-nav"


def pinned_navigation(dark: bool = False) -> None:
    """Style only: the row of Previous, the slide number, Next and Exit pinned to the bottom of the
    window, so that no slide, however tall on a small screen, pushes the way on or out off screen
    (the page leaves room under the slide for it); ``dark``: on Streamlit's dark background."""
    st.html("""<style>
        .st-key-present-nav {position: fixed; bottom: 0; left: 0; right: 0; z-index: 999990;
            padding: 0.4rem 5rem 0.6rem; border-top: 1px solid rgba(128, 128, 128, 0.25);}
        .block-container {padding-bottom: 3.8rem !important;}
        </style>""")
    if dark:  # the page's own background under the row, so the slide scrolling beneath does not show through
        st.html("<style>.st-key-present-nav {background: #0e1117;}</style>")
    else:
        st.html("<style>.st-key-present-nav {background: #ffffff;}</style>")


def clamped_caption() -> None:
    """Style only: the slide's caption (which data, filters and minimum it reflects) in at most three
    lines, as the slides are fitted (``cxcommit.story.screen.Screen.caption_lines``); the deck's
    footnote and the speaker notes have it whole."""
    st.html("""<style>
        [data-testid="stMain"] [data-testid="stCaptionContainer"] {display: -webkit-box; -webkit-line-clamp: 3;
            -webkit-box-orient: vertical; overflow: hidden;}
        </style>""")
