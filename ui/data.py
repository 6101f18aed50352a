"""The data a session works on: the demo or uploaded exports, loaded once per content and kept
read-only in Streamlit's resource cache (copy-free, unlike ``st.cache_data``)."""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from cxcommit import Mapping, Settings, Survey, UnitMetrics, load_demo, load_demo_metrics, load_survey
from cxcommit.combine import combine_surveys
from cxcommit.importer import apply_mapping
from cxcommit.readers import RawTable, read_raw
from cxcommit.unit_metrics import read_unit_metrics

DEMO = "demo"


@dataclass(frozen=True)
class Dataset:
    """What the session analyses: a key naming its content, a label, the survey and unit metrics."""

    key: str
    label: str
    survey: Survey
    metrics: UnitMetrics | None

    @property
    def is_demo(self) -> bool:
        return self.key == DEMO


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
    return h.hexdigest()[:16]


def demo_dataset() -> Dataset:
    return Dataset(DEMO, "Demo data (a fictional bank-and-insurance group)", load_demo(), load_demo_metrics())


def read_export(key: str, content: bytes, name: str, drop_personal_data: bool) -> RawTable:
    """An uploaded export, read once per session and upload (``key``: the upload's id). Kept in the
    session, not shared: importing encodes columns inside the table."""
    raws = st.session_state.setdefault("_raw_exports", {})
    if key not in raws:
        raws[key] = read_raw(content, name, lean=drop_personal_data)
    return raws[key]


def forget_exports(keep: set[str]) -> None:
    """Drop the read exports of this session that are no longer uploaded."""
    raws = st.session_state.get("_raw_exports", {})
    for key in [k for k in raws if k not in keep]:
        del raws[key]


@st.cache_resource(max_entries=8, show_spinner=False)
def import_exports(key: str, _raws: tuple[RawTable, ...], _mappings: tuple[Mapping, ...],
                   settings: Settings) -> Survey:
    """Several exports imported with their mappings and combined into one survey (``key``: the
    digest of their uploads' ids, mappings and settings)."""
    return combine_surveys([apply_mapping(raw, mapping, settings) for raw, mapping in zip(_raws, _mappings)])


@st.cache_resource(max_entries=8, show_spinner=False)
def read_metrics(key: str, _content: bytes, name: str) -> UnitMetrics:
    return read_unit_metrics(_content, name)


def opened_file() -> tuple[str | None, str | None]:
    """An export (and unit metrics) named on the command line:
    ``streamlit run dashboard.py -- --data FILE [--metrics FILE]``."""
    args = sys.argv[1:]
    def value(flag):
        return args[args.index(flag) + 1] if flag in args and args.index(flag) + 1 < len(args) else None
    return value("--data"), value("--metrics")


@st.cache_resource(max_entries=2, show_spinner="Reading the export named on the command line…")
def _file_dataset(path: str, metrics: str | None, stamp: float) -> Dataset:
    survey = load_survey(path)
    return Dataset(digest(path, str(stamp)), Path(path).name, survey, read_unit_metrics(metrics) if metrics else None)


def current() -> Dataset:
    """The session's dataset: what the user loaded, else the file named on the command line, else the demo."""
    if "dataset" in st.session_state:
        return st.session_state["dataset"]
    path, metrics = opened_file()
    if path:
        return _file_dataset(path, metrics, Path(path).stat().st_mtime)
    return demo_dataset()


def use(dataset: Dataset) -> None:
    st.session_state["dataset"] = dataset
