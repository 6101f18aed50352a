"""Presentation mode: no sidebar or controls, larger type, one chart per screen in the deck's order.

Keys (a presentation clicker sends PageUp/PageDown): → PageDown Space N next, ← PageUp P previous,
Home/End first/last, Esc exit. They are the buttons' own shortcuts (``st.button(shortcut=...)``):
Streamlit binds them while the buttons are on the page, unbinds them when they leave it, and
ignores them while the focus is in a text field. The keys beyond one per visible button are
buttons in a container the presentation style hides.
"""
import streamlit as st

from cxcommit.story.screen import Screen, chart_height, fit, for_screen, heading_level
from cxcommit.text import escape_markdown as md
from ui.errors import guarded
from ui.present import NAVIGATION_KEY, clamped_caption, exit_button, nothing_to_present, pinned_navigation
from ui.shell import context
from ui.views import slides_of

ctx = context()
if not ctx.presentation:
    st.title("Present")
    st.markdown("Presentation mode hides the sidebar and every control, enlarges the type and shows one chart "
                "per screen, in the order of the deck, with the filters chosen now.")
    st.markdown("Step through it with the arrow keys, PageUp/PageDown (a presentation clicker), Space, N and P, "
                "Home and End; Esc ends it.")
    if st.button("Start presenting", type="primary"):
        st.query_params["present"] = "1"
        st.query_params["slide"] = "1"
        st.rerun()
    st.caption(md(ctx.caption()))
    st.stop()


# The browser's window size, for fitting the slide to it: reported on first showing and on resize
# (only when it differs from what the page was drawn for, so reporting it cannot loop).
_screen_size = st.components.v2.component("cxcommit.screen_size", js="""
export default function ({ data, setStateValue }) {
    let last = JSON.stringify(data), timer = null;
    const report = () => {
        const size = [window.innerWidth, window.innerHeight];
        if (JSON.stringify(size) !== last) { last = JSON.stringify(size); setStateValue("size", size); }
    };
    const later = () => { clearTimeout(timer); timer = setTimeout(report, 300); };
    report();
    window.addEventListener("resize", later);
    return () => { clearTimeout(timer); window.removeEventListener("resize", later); };
}
""")


def turn(by: int, last: int) -> None:
    """Move ``by`` slides from the one in the URL now (not the one drawn: a clicker pressed twice
    before the page is redrawn moves two), staying within 1..``last``."""
    try:
        now = int(st.query_params.get("slide", "1"))
    except ValueError:
        now = 1
    st.query_params["slide"] = str(min(max(now + by, 1), last))


def screen() -> Screen:
    """The screen as last reported by the browser (1920×1080 until it has been)."""
    size = st.session_state.get("present-screen", {}).get("size")
    return Screen(*map(int, size)) if size and len(size) == 2 and min(size) > 0 else Screen()


navigable = False  # until the slide and its buttons are drawn: otherwise Exit alone, so nothing traps
with guarded():
    slides = slides_of(ctx, presentation=True, dark=ctx.dark)
    if not slides:
        nothing_to_present(ctx, "These data give no slide to present.")
        st.stop()
    try:
        number = min(max(int(st.query_params.get("slide", "1")), 1), len(slides))
    except ValueError:
        number = 1
    last = len(slides)
    shown_on = screen()
    slide = for_screen(slides[number - 1], shown_on)
    st.markdown(f"{'#' * heading_level(slide)} {md(slide.heading)}")
    if slide.figure is not None:
        st.plotly_chart(fit(slide.figure, chart_height(slide, shown_on)), width="stretch",
                        config={"displayModeBar": False})
    for line in slide.bullets:
        st.markdown(f"- {md(line)}")
    st.caption(md(slide.caption))
    clamped_caption()
    pinned_navigation(ctx.dark)
    back, position, forward, leave = st.container(key=NAVIGATION_KEY).columns([1, 2, 1, 1],
                                                                             vertical_alignment="center")
    back.button("◀ Previous", disabled=number == 1, width="stretch", shortcut="Left", on_click=turn, args=(-1, last))
    position.markdown(f"{number} / {last}", text_alignment="center")
    forward.button("Next ▶", disabled=number == last, width="stretch", shortcut="Right", on_click=turn,
                   args=(1, last))
    with leave:
        exit_button()
    with st.container(key="present-keys"):  # hidden by the presentation style
        for shortcut, by in (("PageDown", 1), ("Space", 1), ("N", 1), ("PageUp", -1), ("P", -1), ("Home", -last),
                             ("End", last)):
            st.button(shortcut, key=f"present-key-{shortcut}", shortcut=shortcut, on_click=turn, args=(by, last),
                      disabled=number == (last if by > 0 else 1))
        _screen_size(key="present-screen", data=[shown_on.width, shown_on.height], on_size_change=lambda: None)
    navigable = True
if not navigable:
    exit_button(key="present-exit-after-error", width="content")
