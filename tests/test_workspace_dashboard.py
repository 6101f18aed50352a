"""The dashboard on a workspace (AppTest, on SQLite and PostgreSQL): it opens on the latest survey,
a link names a survey, the Data page opens, stores, removes, renames and deletes, and every session
shares one copy of a stored survey."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import REALDATA, ROOT
from cxcommit.demo import import_demo
from cxcommit.store import Workspace

TIMEOUT = 120
HOSTILE = "'); DROP TABLE waves; --"


@pytest.fixture
def store(database_url, monkeypatch):
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", database_url)
    workspace = Workspace.open(database_url)
    yield workspace
    workspace.engine.dispose()


def app(**params) -> AppTest:
    test = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    test.query_params.update(params)
    return test.run()


def sidebar(test: AppTest) -> str:
    return "\n".join(m.value for m in test.sidebar.markdown).replace("\u200b", "").replace("\\", "")  # escaped


def on_page(test: AppTest, page: str) -> AppTest:
    return test.switch_page(f"pages/{page}").run()


def button(test: AppTest, label: str):
    return next(b for b in test.button if b.label == label)


def test_an_empty_workspace_opens_on_the_demo(store):
    test = app()
    assert not test.exception and "Demo data" in sidebar(test) and "data" not in test.query_params


def test_it_opens_on_the_latest_survey_and_a_link_names_one(store):
    demo = import_demo()
    store.add("CX pulse", demo)
    store.add(HOSTILE, demo.filter(wave=["2026-Q3"]))
    test = app()
    assert not test.exception, test.exception
    assert HOSTILE in sidebar(test) and test.query_params["data"] == HOSTILE
    linked = app(data="CX pulse", division="Digital")
    assert "CX pulse" in sidebar(linked) and linked.query_params["division"] in ("Digital", ["Digital"])
    assert "2025-Q2" in [o for m in linked.sidebar.multiselect for o in m.options]
    demo_link = app(demo="1")
    assert "Demo data" in sidebar(demo_link) and demo_link.query_params["demo"] == "1"
    next(b for b in linked.sidebar.button if b.label == "Show the demo data").click().run()  # one click away
    assert "Demo data" in sidebar(linked) and linked.query_params["demo"] == "1"


def test_sessions_share_one_copy_and_see_a_wave_added_since(store):
    demo = import_demo()
    store.add("CX pulse", demo.filter(wave=["2026-Q2"]))
    first, second = app(), app()
    from ui.workspace import _shared
    held = [found for key, found in _shared()[0].items() if key[1] == "CX pulse" and key[0] == store.where]
    assert len(held) == 1 and not second.exception  # both sessions opened the same copy
    store.add("CX pulse", demo.filter(wave=["2026-Q3"]))
    first.run()
    assert not first.exception
    on_page(first, "data.py")
    assert "waves 2026-Q2, 2026-Q3" in "\n".join(m.value for m in first.markdown)


def test_the_data_page_stores_an_upload_after_saying_what_it_adds(store):
    store.add("CX pulse", import_demo().filter(wave=["2026-Q3"]))
    test = on_page(app(), "data.py")
    test.toggle[0].set_value(True).run()
    path = REALDATA / "qualtrics_student_satisfaction_choicetext2023.csv"
    uploader = next(u for u in test.get("file_uploader") if u.label.startswith("Survey exports"))
    uploader.set_value([(path.name, path.read_bytes(), "text/csv")]).run()
    keep = next(r for r in test.radio if r.label == "These data")
    assert keep.value.startswith("Keep")  # adding to the survey in use is the usual job
    next(s for s in test.selectbox if s.label == "Add them to the survey").set_value("A new survey…").run()
    next(t for t in test.text_input if t.label == "Name of the new survey").set_value("Students").run()
    next(b for b in test.get("form_submit_button") if b.label == "Use this data").click().run()
    assert not test.exception, test.exception
    box = "\n".join(m.value for m in test.markdown)
    assert "Store in the workspace as “Students”?" in box and "25 respondents in wave(s)" in box
    assert [s.name for s in store.surveys()] == ["CX pulse"]  # nothing stored before the user says so
    button(test, "Store in “Students”").click().run()
    assert not test.exception, test.exception
    assert any("Made the survey “Students”" in s.value for s in test.success)
    assert [s.name for s in store.surveys()][0] == "Students" and test.query_params["data"] == "Students"


def test_the_survey_in_use_is_managed_with_confirmation(store):
    demo = import_demo()
    store.add("CX pulse", demo)
    test = on_page(app(), "data.py")
    assert button(test, "Remove").disabled
    next(s for s in test.selectbox if s.label == "Wave").set_value("2025-Q2").run()
    next(c for c in test.checkbox if c.label.startswith("Remove wave 2025-Q2")).check().run()
    button(test, "Remove").click().run()
    assert not test.exception and "2025-Q2" not in store.waves("CX pulse")
    next(t for t in test.text_input if t.label == "Rename the survey").set_value("Pulse").run()
    button(test, "Rename").click().run()
    assert [s.name for s in store.surveys()] == ["Pulse"] and test.query_params["data"] == "Pulse"
    assert button(test, "Delete").disabled
    next(t for t in test.text_input if t.label.startswith("Type “Pulse”")).set_value("Pulse").run()
    button(test, "Delete").click().run()
    assert not test.exception and store.surveys() == []
    assert "Demo data" in sidebar(test)
    assert [e.who for e in store.audit()][:3] == ["local"] * 3


def test_a_workspace_that_cannot_be_opened_is_said_and_the_demo_shown(monkeypatch, tmp_path):
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", f"postgresql+psycopg://ana:secret@/x?host={tmp_path}&connect_timeout=2")
    test = app()
    assert not test.exception
    assert any("cannot be reached" in e.value and "secret" not in e.value for e in test.error)
    assert "Demo data" in sidebar(test)


def test_an_export_is_in_the_audit_log(store):
    def script():
        import streamlit as st

        from ui.workspace import audited
        st.session_state["made"] = audited(lambda: b"deck", "the slide deck", "CX pulse", {"division": ["Digital"]})()

    test = AppTest.from_function(script, default_timeout=TIMEOUT).run()
    assert not test.exception and test.session_state["made"] == b"deck"
    [entry] = store.audit()
    assert (entry.who, entry.action, entry.survey) == ("local", "exported", "CX pulse")
    assert entry.detail == "the slide deck (filters division: Digital)"


def test_the_workspaces_settings_start_every_session_and_floor_the_minimum(store):
    from cxcommit import Settings

    store.save_settings(Settings(min_group_size=8, min_difference=0.1), by="ana@example.org")
    test = app()
    assert not test.exception
    minimum = next(n for n in test.sidebar.number_input if n.label == "Minimum group size")
    assert minimum.value == 8 and minimum.min == 3  # an administrator (the laptop's user) may go lower

    def script():
        import streamlit as st

        from cxcommit.privacy.scope import Access
        from ui.settings_panel import sidebar_settings
        st.session_state["_url_filters"] = {"min_group_size": ["3"]}
        st.session_state["used"] = sidebar_settings(Access("analyst")).min_group_size

    analyst = AppTest.from_function(script, default_timeout=TIMEOUT).run()
    assert not analyst.exception and analyst.session_state["used"] == 8
    assert any("this workspace's is 8" in w.value for w in analyst.warning)
    assert next(n for n in analyst.sidebar.number_input if n.label == "Minimum group size").min == 8
    assert store.audit()[0].action == "changed settings"
    # an administrator makes the sidebar's settings the workspace's
    next(n for n in test.sidebar.number_input if n.label == "Minimum group size").set_value(6).run()
    next(b for b in test.sidebar.button if b.label == "Make these the workspace's settings").click().run()
    assert not test.exception
    kept = store.settings()
    assert (kept.min_group_size, kept.min_difference) == (6, 0.1)
