"""The session closer's bookkeeping (ui/sessions.py), on a stand-in for Streamlit's runtime: a closed
session's memory is given back right after the close and again once what it still held is gone (a
script run or the runtime can hold it after a fixed count of sweeps has run out); values shared with
other sessions are not waited for. The real server is tested in test_sessions.py."""
from __future__ import annotations

import pytest

from ui import sessions


class Data:
    """A session's loaded data (weakly referable, as a Dataset is)."""


class State:
    def __init__(self, **values):
        self.values = dict(values)

    @property
    def filtered_state(self):
        return self.values

    def clear(self):
        self.values.clear()


class Session:
    def __init__(self, **values):
        self.session_state = State(**values)


class Files:
    def __init__(self):
        self.removed = []

    def remove_session_files(self, session_id):
        self.removed.append(session_id)


class Runtime:
    active: set = set()
    closed: list = []
    uploaded_file_mgr = Files()

    @classmethod
    def exists(cls):
        return True

    @classmethod
    def instance(cls):
        return cls

    @classmethod
    def is_active_session(cls, session_id):
        return session_id in cls.active

    @classmethod
    def clear_user_info_for_session(cls, session_id):
        cls.closed.append(session_id)


@pytest.fixture
def closer(monkeypatch):
    clock = [1000.0]
    releases = []
    Runtime.active, Runtime.closed, Runtime.uploaded_file_mgr = set(), [], Files()
    monkeypatch.setattr(sessions, "Runtime", Runtime)
    monkeypatch.setattr(sessions.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(sessions, "_release_memory", lambda: releases.append(clock[0]))
    monkeypatch.setattr(sessions.gc, "collect", lambda: 0)  # the test collects itself, where it matters
    closer = sessions._Closer(grace=3.0)

    def sweep(after: float = 1.5) -> int:
        clock[0] += after
        return closer.sweep()

    closer.step, closer.releases, closer.clock = sweep, releases, clock
    return closer


def test_a_closed_sessions_memory_is_given_back_after_the_close_and_again_once_its_data_are_gone(closer):
    session = Session(dataset=Data(), chosen=True)
    Runtime.active.add("tab")
    closer.watch("tab", session)
    held_elsewhere = session.session_state.values["dataset"]  # a script run still under way holds it
    assert closer.step() == 0 and not Runtime.closed  # connected: nothing happens
    Runtime.active.discard("tab")
    assert closer.step() == 0  # gone 1.5 s of the 3 s grace
    assert closer.step(2.0) == 1 and Runtime.closed == ["tab"] and Runtime.uploaded_file_mgr.removed == ["tab"]
    assert session.session_state.values == {}
    for _ in range(20):  # longer than the sweeps that give memory back after the close
        closer.step()
    assert len(closer.releases) == sessions.RELEASE_SWEEPS
    del held_elsewhere  # the run ends: what the session held goes
    for _ in range(sessions.RELEASE_SWEEPS + 3):
        closer.step()
    assert len(closer.releases) == 2 * sessions.RELEASE_SWEEPS


def test_values_shared_with_other_sessions_are_followed_for_a_minute_only(closer):
    shared = Data()  # e.g. the local access, a stored survey: never freed
    session = Session(dataset=Data(), access=shared)
    closer.watch("tab", session)
    closer.step(4.0)
    assert [ref() for ref, _ in closer._held] == [shared]  # the session's own data went at once
    while closer.clock[0] < 1004.0 + sessions.HELD_SECONDS + 2:
        closer.step()
    assert closer._held == []
    for _ in range(sessions.RELEASE_SWEEPS):
        closer.step()
    released = len(closer.releases)
    for _ in range(20):
        closer.step()
    assert len(closer.releases) == released  # nothing more to wait for, nothing more given back


def test_a_session_that_reconnects_is_not_closed(closer):
    session = Session(dataset=Data())
    closer.watch("tab", session)
    closer.step(2.0)
    Runtime.active.add("tab")  # a reload reconnects within the grace time
    for _ in range(10):
        assert closer.step() == 0
    assert Runtime.closed == [] and "dataset" in session.session_state.values
