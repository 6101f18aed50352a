"""The data a session works on: a survey stored in the workspace (one copy per process, shared by
every session, :mod:`ui.workspace`), the demo, the file named on the command line (read once per
process with a progress bar, read-only, shared by every session), or uploaded exports looked at
without keeping them (held by the session that loaded them and freed with it, :mod:`ui.sessions`).

A new session opens on the survey its link names, else the file named on the command line, else the
workspace's latest survey, else the demo."""
from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from cxcommit import CxcommitError, Mapping, Settings, Survey, UnitMetrics, load_demo_metrics, suggest_mapping
from cxcommit.demo import import_demo
from cxcommit.errors import SettingsError
from cxcommit.io.readers import RawTable, read_raw
from cxcommit.io.unit_metrics import read_unit_metrics
from cxcommit.model.combine import combine_surveys
from cxcommit.model.importer import apply_mapping
from cxcommit.text import escape_markdown as md
from ui.errors import kept
from ui.sessions import remembered, watch
from ui.workspace import stored, workspace

DEMO = "demo"
RAW_EXPORTS = "_raw_exports"  # the uploads read: upload id -> raw table
_UPLOADS_RELEASED = "_uploads_released"  # how many times uploads were released (names the uploader)


@dataclass(frozen=True)
class Dataset:
    """What the session analyses: a key naming its content, a label, the survey as imported (every
    row; the frame publishes it for the minimum group size, :func:`cxcommit.privacy.publish.publish`,
    before any page sees it) and unit metrics."""

    key: str
    label: str
    survey: Survey
    metrics: UnitMetrics | None
    stored: str | None = None  # the survey's name in the workspace, if it is one stored there

    @property
    def is_demo(self) -> bool:
        return self.key == DEMO


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
    return h.hexdigest()[:16]


def demo_dataset() -> Dataset:
    return Dataset(DEMO, "Demo data (a fictional bank-and-insurance group)", import_demo(), load_demo_metrics())


def read_export(key: str, upload, drop_personal_data: bool) -> RawTable:
    """An uploaded export, read once per session and upload (``key``: the upload's id). Kept in the
    session, not shared: importing encodes columns inside the table.

    The upload is written to a temporary file and read from there as a file named on the command
    line is: a large export as a stream (:mod:`cxcommit.io.csv_stream`), not decoded in memory beside
    the upload's bytes."""
    raws = st.session_state.setdefault(RAW_EXPORTS, {})
    if key not in raws:
        bar, progress = _reading(upload.name)
        try:
            with tempfile.TemporaryDirectory(prefix="cxcommit-upload-") as folder:
                path = Path(folder) / "export"
                upload.seek(0)
                with path.open("wb") as spool:
                    shutil.copyfileobj(upload, spool, 1 << 20)
                raws[key] = read_raw(path, upload.name, lean=drop_personal_data, progress=progress)
        finally:
            bar.empty()
    return raws[key]


def exports_uploader() -> str:
    """The key of the exports' uploader: a new one each time uploads are released."""
    return f"upload_exports_{st.session_state.get(_UPLOADS_RELEASED, 0)}"


def release_uploads() -> None:
    """Once the uploaded exports' data are in use: Streamlit's copy of each file (its bytes, held
    until the session ends) and what was read of it are dropped, and the uploader starts empty."""
    raws = st.session_state.pop(RAW_EXPORTS, {})
    run = get_script_run_ctx()
    if run is not None:
        for file_id in raws:
            run.uploaded_file_mgr.remove_file(run.session_id, file_id)
    st.session_state[_UPLOADS_RELEASED] = st.session_state.get(_UPLOADS_RELEASED, 0) + 1


def forget_exports(keep: set[str]) -> None:
    """Drop the read exports of this session that are no longer uploaded."""
    raws = st.session_state.get(RAW_EXPORTS, {})
    for key in [k for k in raws if k not in keep]:
        del raws[key]


def import_exports(raws: tuple[RawTable, ...], mappings: tuple[Mapping, ...], settings: Settings) -> Survey:
    """Several exports imported with their mappings and combined into one survey."""
    return combine_surveys([apply_mapping(raw, mapping, settings) for raw, mapping in zip(raws, mappings)])


def read_metrics(key: str, content: bytes, name: str) -> UnitMetrics:
    """Uploaded unit metrics, read once per session and upload (``key``: the upload's id). Kept in the
    session (the last one read), never in a process-wide cache: they go with the session."""
    return remembered("metrics", key, lambda: read_unit_metrics(content, name), size=1)


def opened_file() -> tuple[str | None, str | None]:
    """An export (and unit metrics) named on the command line:
    ``streamlit run dashboard.py -- --data FILE [--metrics FILE]``."""
    args = sys.argv[1:]
    def value(flag):
        return args[args.index(flag) + 1] if flag in args and args.index(flag) + 1 < len(args) else None
    return value("--data"), value("--metrics")


def _reading(name: str):
    """A progress bar for reading ``name``, and the reader's callback to it. The bar is where a long
    read can be stopped: Streamlit's stop (or a rerun) is raised from its update, which the reader
    calls from the script's thread, and the read ends there."""
    bar = st.progress(0.0, text=md(f"Reading {name}…"))
    return bar, lambda share, text: bar.progress(share, text=md(text))


FileDataset = tuple[Dataset | None, tuple[tuple[str, Exception], ...]]


@st.cache_resource(show_spinner=False)
def _file_datasets() -> tuple[dict, threading.Lock]:
    """The files named on the command line as read, by path and modification times (the last two),
    shared by every session, and the lock under which one session reads them while others wait."""
    return {}, threading.Lock()


def _file_dataset(path: str, metrics: str | None, stamps: tuple) -> FileDataset:
    """The export (and unit metrics) named on the command line, read once per file and change
    (``stamps``: their modification times), with a progress bar, and what could not be used: an
    export that cannot be read gives no dataset, unit metrics that cannot be read give the export
    without them. Failures are kept too, so that a bad file is not read again on every run."""
    read, lock = _file_datasets()
    key = (path, metrics, stamps)
    with lock:
        if key not in read:
            bar, progress = _reading(Path(path).name)
            try:
                read[key] = _read_file_dataset(path, metrics, stamps, progress)
            finally:
                bar.empty()
            while len(read) > 2:
                del read[next(iter(read))]
        return read[key]


def _read_file_dataset(path: str, metrics: str | None, stamps: tuple, progress) -> FileDataset:
    problems: list[tuple[str, Exception]] = []
    try:
        raw = read_raw(path, progress=progress)
        survey = apply_mapping(raw, suggest_mapping(raw))
    except Exception as error:  # noqa: BLE001 — shown by the frame (ui.errors.show_error), never as a traceback
        return None, ((f"--data {Path(path).name}", kept(error, "the export named by --data could not be read")),)
    loaded = None
    if metrics:
        try:
            loaded = read_unit_metrics(metrics)
        except Exception as error:  # noqa: BLE001 — as above; the export is used without them
            problems.append((f"--metrics {Path(metrics).name}",
                             kept(error, "the unit metrics named by --metrics could not be read")))
    return Dataset(digest(path, str(stamps)), Path(path).name, survey, loaded), tuple(problems)


def _stamp(path: str | None) -> float | None:
    try:
        return Path(path).stat().st_mtime if path else None
    except OSError:  # missing or unreadable: read_raw says so
        return None


def opened_dataset() -> tuple[Dataset | None, tuple[tuple[str, Exception], ...]]:
    """The dataset named on the command line (None if none is, or it cannot be read) and the
    problems with what was named: the argument (``--data FILE``) and the error, for the page
    (:func:`ui.errors.show_error`)."""
    path, metrics = opened_file()
    if not path:
        if metrics:
            return None, ((f"--metrics {Path(metrics).name}",
                           SettingsError("Unit metrics go with an export named by --data.",
                                         hint="Start the dashboard with --data EXPORT --metrics METRICS, or load "
                                              "both on the Data page.")),)
        return None, ()
    return _file_dataset(path, metrics, (_stamp(path), _stamp(metrics)))


LINK_PARAM = "data"  # the URL parameter naming the stored survey shown
DEMO_PARAM = "demo"  # the URL parameter saying the demo is shown (when the workspace has surveys)
SURVEY = "survey"  # the session's stored survey, by name: read again whenever it changes
NOTICE = "_data_notice"
DEMO_LINK = "_demo_link"  # whether the URL says the demo is shown (see :func:`link_params`)
CHOSEN = "_data_chosen"  # set once the session chose its data (see :func:`data_chosen`)


def current() -> Dataset:
    """The session's dataset: the stored survey it chose (as stored now: a wave added since is in it),
    or the data it loaded without keeping them; in a new session, the survey its link names, else the
    file named on the command line, else the workspace's latest survey, else the demo."""
    if SURVEY in st.session_state:
        found = _stored_dataset(st.session_state[SURVEY])
        if found is not None:
            return found
        del st.session_state[SURVEY]
    if "dataset" in st.session_state:
        return st.session_state["dataset"]
    return _opening()


def _opening() -> Dataset:
    """What a new session opens on (see :func:`current`); the demo, once opened, stays the session's
    (a survey stored meanwhile does not replace it under the user)."""
    if st.query_params.get(DEMO_PARAM) == "1":
        return _opened_demo()
    named = st.query_params.get(LINK_PARAM)
    if named:
        found = _stored_dataset(named)
        if found is not None:
            st.session_state[SURVEY] = named
            return found
    dataset, _ = opened_dataset()
    if dataset is not None or opened_file()[0]:
        return dataset or demo_dataset()
    store = workspace()
    latest = store.latest() if store is not None else None
    if latest is not None:
        found = _stored_dataset(latest)
        if found is not None:
            st.session_state[SURVEY] = latest
            return found
    return _opened_demo()


def _opened_demo() -> Dataset:
    demo = demo_dataset()
    _hold_demo(demo)
    return demo


def _hold_demo(demo: Dataset) -> None:
    """The demo as the session's data, linked as the demo where a new session would open on something
    else (decided once, not on every run)."""
    st.session_state.pop(SURVEY, None)
    st.session_state["dataset"] = demo
    st.session_state[DEMO_LINK] = bool(opened_file()[0] or _workspace_has_surveys())


def _stored_dataset(name: str) -> Dataset | None:
    """The stored survey ``name`` as a dataset; None, with a notice for the page, when it cannot be
    shown (no such survey, the workspace unreachable)."""
    store = workspace()
    if store is None:
        return None
    try:
        version, survey, metrics = stored(store, name)
    except CxcommitError as error:
        st.session_state[NOTICE] = error
        return None
    return Dataset(f"stored:{version[0]}:{version[1]}", name, survey, metrics, stored=name)


def use(dataset: Dataset) -> None:
    """Analyse ``dataset`` in this session: a stored survey by its name (so that a wave added later is
    seen), other data (the demo, uploads looked at without keeping them) as they are."""
    if dataset.stored:
        use_stored(dataset.stored)
        return
    st.session_state.pop(NOTICE, None)
    st.session_state[CHOSEN] = True
    if dataset.is_demo:
        _hold_demo(dataset)
        return
    st.session_state.pop(SURVEY, None)
    st.session_state["dataset"] = dataset
    watch()


def use_stored(name: str) -> None:
    """Analyse the stored survey ``name`` in this session."""
    st.session_state.pop(NOTICE, None)
    st.session_state.pop("dataset", None)
    st.session_state[SURVEY] = name
    st.session_state[CHOSEN] = True


def data_chosen() -> bool:
    """Whether the session chose its data (on the Data page or the sidebar) rather than opening on
    what the link, the command line or the workspace gave."""
    return bool(st.session_state.get(CHOSEN))


def link_params(dataset: Dataset) -> dict[str, str]:
    """What the URL says of the data shown: a stored survey by name, the demo (when the workspace would
    open on something else), or nothing (data loaded without keeping them cannot be linked)."""
    if dataset.stored:
        return {LINK_PARAM: dataset.stored}
    if dataset.is_demo and st.session_state.get(DEMO_LINK):
        return {DEMO_PARAM: "1"}
    return {}


def _workspace_has_surveys() -> bool:
    store = workspace()
    return store is not None and store.latest() is not None


def data_notice() -> Exception | None:
    """Why the data a link or the session named cannot be shown (said once, on the page it opened)."""
    return st.session_state.pop(NOTICE, None)
