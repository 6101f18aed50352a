"""The session closer's bookkeeping (ui/sessions.py), on a stand-in for Streamlit's runtime: a closed
session's memory is given back once what it held is gone, not on a fixed count of sweeps that can
run out while a script run or the runtime still holds it. The real server is tested in
test_sessions.py."""
from __future__ import annotations

import gc

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
    closer = sessions._Closer(grace=3.0)

    def sweep(after: float = 1.5) -> int:
        clock[0] += after
        return closer.sweep()

    closer.step, closer.releases, closer.clock = sweep, releases, clock
    return closer


def test_a_closed_sessions_memory_is_given_back_only_once_its_data_are_gone(closer):
    session = Session(dataset=Data(), chosen=True)
    Runtime.active.add("tab")
    closer.watch("tab", session)
    held_elsewhere = session.session_state.values["dataset"]  # a script run still under way holds it
    assert closer.step() == 0 and not Runtime.closed  # connected: nothing happens
    Runtime.active.discard("tab")
    assert closer.step() == 0  # gone 1.5 s of the 3 s grace
    assert closer.step(2.0) == 1 and Runtime.closed == ["tab"] and Runtime.uploaded_file_mgr.removed == ["tab"]
    assert session.session_state.values == {}
    for _ in range(20):  # far longer than the sweeps that give memory back: still held, nothing to give
        closer.step()
    assert closer.releases == []
    del held_elsewhere  # the run ends
    gc.collect()
    for _ in range(sessions.RELEASE_SWEEPS + 3):
        closer.step()
    assert len(closer.releases) == sessions.RELEASE_SWEEPS


def test_data_held_for_good_is_logged_and_no_longer_waited_for(closer, caplog):
    session = Session(dataset=Data())
    closer.watch("tab", session)
    kept = session.session_state.values["dataset"]
    closer.step(4.0)
    with caplog.at_level("WARNING", logger="cxcommit.dashboard"):
        while closer.clock[0] < 1004.0 + sessions.HELD_WARNING_SECONDS + 2:
            closer.step()
    assert [r.getMessage() for r in caplog.records if "still holds its Data" in r.getMessage()]
    for _ in range(sessions.RELEASE_SWEEPS + 3):
        closer.step()
    assert len(closer.releases) == sessions.RELEASE_SWEEPS and closer._held == []
    assert kept is not None


def test_a_session_that_reconnects_is_not_closed(closer):
    session = Session(dataset=Data())
    closer.watch("tab", session)
    closer.step(2.0)
    Runtime.active.add("tab")  # a reload reconnects within the grace time
    for _ in range(10):
        assert closer.step() == 0
    assert Runtime.closed == [] and "dataset" in session.session_state.values
