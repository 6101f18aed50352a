"""Presentation mode: no sidebar or controls, larger type, one chart per screen in the deck's order."""
import streamlit as st

from cxcommit.slides import deck
from ui.errors import guarded
from ui.shell import context

ctx = context()
if not ctx.presentation:
    st.title("Present")
    st.markdown("Presentation mode hides the sidebar and every control, enlarges the type and shows one chart "
                "per screen, in the order of the deck, with the filters chosen now.")
    if st.button("Start presenting", type="primary"):
        st.query_params["present"] = "1"
        st.query_params["slide"] = "1"
        st.rerun()
    st.caption(ctx.caption())
    st.stop()



@st.cache_resource(max_entries=16, show_spinner="Preparing the slides…")
def slides_for(key: str, filters: str, caption: str, settings, dark: bool, _survey, _metrics):
    """The deck for one dataset, filter and theme, built once: stepping through it only draws."""
    return deck(_survey, _metrics, settings=settings, caption=caption, presentation=True, dark=dark)


with guarded():
    slides = slides_for(ctx.dataset.key, repr(sorted(ctx.filters.items())), ctx.caption(), ctx.settings, ctx.dark,
                        ctx.survey, ctx.metrics)
    try:
        number = min(max(int(st.query_params.get("slide", "1")), 1), len(slides))
    except ValueError:
        number = 1
    slide = slides[number - 1]
    st.markdown(f"## {slide.title}")
    if slide.figure is not None:
        st.plotly_chart(slide.figure, width="stretch", config={"displayModeBar": False})
    for line in slide.bullets:
        st.markdown(f"- {line}")
    st.caption(slide.caption)
    back, position, forward, leave = st.columns([1, 2, 1, 1])
    if back.button("◀ Previous", disabled=number == 1, width="stretch"):
        st.query_params["slide"] = str(number - 1)
        st.rerun()
    position.markdown(f"<div style='text-align:center'>{number} / {len(slides)}</div>", unsafe_allow_html=True)
    if forward.button("Next ▶", disabled=number == len(slides), width="stretch"):
        st.query_params["slide"] = str(number + 1)
        st.rerun()
    if leave.button("Exit", width="stretch"):
        del st.query_params["present"]
        del st.query_params["slide"]
        st.rerun()
