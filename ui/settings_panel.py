"""The sidebar's settings (minimum group size, confidence, interval method, "don't know", the
smallest difference that matters), kept in the URL, starting from the workspace's."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from cxcommit import Settings, SettingsError
from cxcommit.privacy.scope import Access
from cxcommit.settings import MAX_MIN_DIFFERENCE_POINTS, MAX_MIN_GROUP_SIZE, MIN_GROUP_SIZE_FLOOR, setting_from_text
from cxcommit.stats.intervals import CI_METHODS
from cxcommit.text import escape_markdown as md
from ui.errors import show_error
from ui.workspace import keep_as_defaults, workspace_settings

SETTING_PARAMS = ("min_group_size", "confidence", "ci_method", "dont_know", "min_difference")
POINTS = 100  # the sidebar shows min_difference in percentage points; Settings holds a fraction


def sidebar_settings(access: Access) -> Settings:
    """The sidebar's settings; a new session starts from the workspace's (:func:`ui.workspace.workspace_settings`)
    and takes them from the link, and a value there that is refused or changed
    (:func:`cxcommit.settings.setting_from_text`: never a smaller minimum group size than asked, nor, but
    for an administrator, than the workspace's) is said above the page for as long as it is in use. An
    administrator may make the settings in use the workspace's."""
    from_url = st.session_state.get("_url_filters", {})
    defaults = workspace_settings()
    floor = MIN_GROUP_SIZE_FLOOR if access.can("settings") else defaults.min_group_size
    notes = st.session_state.setdefault("_setting_notes", {})  # name -> (value used, what was done)
    _start(defaults, floor, from_url, notes)
    with st.sidebar.expander("Settings"):
        st.number_input("Minimum group size", min_value=floor, max_value=MAX_MIN_GROUP_SIZE, step=1,
                        key="setting:min_group_size",
                        help="No number about a group with fewer answers is shown, charted or exported.")
        levels = tuple(sorted({0.9, 0.95, 0.99, st.session_state["setting:confidence"]}))  # a link's own level too
        st.selectbox("Confidence level", levels, key="setting:confidence", format_func=lambda c: f"{c:.1%}"
                     if round(c * 100, 1) % 1 else f"{c:.0%}")
        st.selectbox("Interval method", tuple(CI_METHODS), key="setting:ci_method",
                     format_func=lambda m: m.replace("_", "–").title())
        st.selectbox("“Don't know” counts as", ("not_yes", "missing"), key="setting:dont_know",
                     format_func={"not_yes": "not yes (in the base)", "missing": "missing (left out)"}.get)
        st.number_input("Smallest difference that matters (points)", min_value=0.0,
                        max_value=float(MAX_MIN_DIFFERENCE_POINTS), step=1.0, format="%.1f", key="setting:min_difference",
                        help="A difference is called significant only when it holds after adjusting for the number "
                             "of tests and is at least this many percentage points.")
        keep = access.can("settings") and st.button(
            "Make these the workspace's settings", key="settings_keep",
            help="Every session starts from them; nobody but an administrator may set a smaller minimum group size.")
    values = {name: st.session_state[f"setting:{name}"] for name in SETTING_PARAMS}
    values["min_difference"] = round(values["min_difference"] / POINTS, 10)
    for name, (value, note) in list(notes.items()):
        if values[name] == value:
            st.warning(md(note), icon="⚠️")
        else:  # changed since: the note no longer applies
            del notes[name]
    try:
        settings = Settings(**values)
    except SettingsError as error:  # cannot happen with the widgets' own values; said, never silent
        show_error(error, what="The settings could not be used, the defaults are: ")
        return defaults
    if keep:  # the workspace's import settings (not in the sidebar) stay as they are
        keep_as_defaults(replace(defaults, **values))
    return settings


def _start(defaults: Settings, floor: int, from_url: dict, notes: dict) -> None:
    """A new session's settings: the link's, else the workspace's; a link's minimum group size under
    ``floor`` is raised to it. What was refused or changed goes into ``notes`` (name -> (value, note))."""
    for name in SETTING_PARAMS:
        key, default = f"setting:{name}", getattr(defaults, name)
        if key in st.session_state:
            continue
        value, note = setting_from_text(name, from_url[name]) if name in from_url else (default, None)
        if name == "min_group_size" and value < floor:
            value, note = floor, f"The link asks for a minimum group size of {value}; this workspace's is {floor}, which is used."
        st.session_state[key] = round(value * POINTS, 6) if name == "min_difference" else value
        if note:
            notes[name] = (value, note)
