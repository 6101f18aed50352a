"""The workspace (cxcommit.store) on SQLite and on a real PostgreSQL server: what is added comes back
exactly as imported, waves are added, replaced, removed and renamed as the user says, nothing is
half-stored, and hostile names and values are stored as text."""
from __future__ import annotations


import pandas as pd
import pytest
import sqlalchemy as sa

from conftest import REALDATA
from cxcommit import apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends
from cxcommit.demo import import_demo, load_demo_metrics
from cxcommit.errors import MappingError, WorkspaceError
from cxcommit.model.combine import combine_surveys
from cxcommit.privacy.publish import publish
from cxcommit.store import Workspace

HOSTILE = "'); DROP TABLE waves; --"


@pytest.fixture(scope="module")
def demo():
    return import_demo()


def wave_of(survey, *labels):
    """The survey's waves ``labels`` as one survey of their own, as if imported from their own file."""
    return combine_surveys([survey.filter(wave=list(labels))])


def same_rows(one, other) -> None:
    """Two imported surveys hold the same respondents with the same answers and groups (row order aside)."""
    def table(survey):
        frame = survey.responses.drop(columns=["respondent_id"], errors="ignore")
        frame = frame.astype({c: "object" for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
        return frame.sort_values(["wave", "source_row"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(table(one), table(other), check_like=True)
    assert [i.id for i in one.items] == [i.id for i in other.items]
    assert [i.scale for i in one.items] == [i.scale for i in other.items]
    assert dict(one.groupings) == dict(other.groupings)


def test_a_survey_comes_back_as_imported(database_url, demo):
    workspace = Workspace.open(database_url)
    added = workspace.add("Pulse", demo, by="ana@example.org")
    assert added.created and [label for label, _ in added.waves] == list(demo.report.waves)
    back = workspace.load("Pulse")
    same_rows(back, demo)
    assert back.report.waves == demo.report.waves and back.report.rows_kept == demo.size
    for by in ("division", "business_unit", "role"):
        pd.testing.assert_frame_equal(rates(publish(back, 5), by), rates(publish(demo, 5), by))
    assert workspace.latest() == "Pulse"
    [stored] = workspace.surveys()
    assert stored.respondents == demo.size and {w.added_by for w in stored.waves} == {"ana@example.org"}


def test_waves_added_one_at_a_time_make_the_trend(database_url, demo):
    workspace = Workspace.open(database_url)
    labels = list(demo.report.waves)
    for label in labels:
        workspace.add("Pulse", wave_of(demo, label))
    back = workspace.load("Pulse")
    assert back.report.waves == tuple(labels)
    same_rows(back, demo)
    pd.testing.assert_frame_equal(trends(publish(back, 5), "division"), trends(publish(demo, 5), "division"))


def test_a_stored_wave_is_refused_unless_replaced(database_url, demo):
    workspace = Workspace.open(database_url)
    first = wave_of(demo, demo.report.waves[0])
    workspace.add("Pulse", first)
    with pytest.raises(WorkspaceError, match="already has wave") as refused:
        workspace.add("Pulse", first)
    assert "--replace" in refused.value.hint
    assert workspace.load("Pulse").size == first.size  # nothing was added twice
    replaced = workspace.add("Pulse", first, replace=True, by="ben@example.org")
    assert replaced.replaced == (demo.report.waves[0],)
    assert workspace.load("Pulse").size == first.size
    assert [e.action for e in workspace.audit()] == ["replaced", "added"]


def test_remove_rename_and_delete(database_url, demo):
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", demo)
    first, *rest = demo.report.waves
    workspace.remove_wave("Pulse", first, by="ana@example.org")
    assert workspace.load("Pulse").report.waves == tuple(rest)
    with pytest.raises(WorkspaceError, match="has no wave") as missing:
        workspace.remove_wave("Pulse", first)
    assert rest[0] in missing.value.hint
    workspace.rename("Pulse", "CX pulse")
    with pytest.raises(WorkspaceError, match="no survey called 'Pulse'") as gone:
        workspace.load("Pulse")
    assert "CX pulse" in gone.value.hint
    workspace.add("Other", wave_of(demo, first))
    with pytest.raises(WorkspaceError, match="already a survey called"):
        workspace.rename("Other", "CX pulse")
    for label in rest:
        workspace.remove_wave("CX pulse", label)
    assert [s.name for s in workspace.surveys()] == ["Other"]  # its last wave took the survey with it
    workspace.delete("Other")
    assert workspace.surveys() == [] and workspace.latest() is None
    with sa.create_engine(database_url).connect() as connection:  # no table of theirs is left behind
        assert not [t for t in sa.inspect(connection).get_table_names() if t.startswith(("responses_", "groups_"))]
    actions = [e.action for e in workspace.audit()]
    assert actions[0] == "deleted" and "renamed" in actions and actions.count("removed") == len(demo.report.waves)


def test_a_later_wave_may_add_and_drop_questions(database_url, demo):
    workspace = Workspace.open(database_url)
    early, late = demo.report.waves[0], demo.report.waves[-1]
    first = wave_of(demo, early)
    first = type(first)(first.responses.drop(columns=["nps"]), tuple(i for i in first.items if i.id != "nps"),
                        first.groupings, first.mapping, first.report,
                        levels={i.id: first.item_levels(i.id) for i in first.items if i.id != "nps"})
    workspace.add("Pulse", first)
    second = wave_of(demo, late)
    workspace.add("Pulse", second)
    back = workspace.load("Pulse")
    nps = pd.Series(back.values("nps"))
    waves = back.responses["wave"].astype(str)
    assert nps[waves == early].isna().all() and nps[waves == late].notna().sum() == second.responses["nps"].notna().sum()


def test_a_question_on_another_scale_is_refused(database_url, demo):
    from dataclasses import replace as changed

    from cxcommit.instrument.scales import make_scale

    workspace = Workspace.open(database_url)
    workspace.add("Pulse", wave_of(demo, demo.report.waves[0]))
    later = wave_of(demo, demo.report.waves[1])
    broken = changed(later, items=tuple(changed(i, scale=make_scale("numeric", 0, 10)) if i.id == "nps" else i
                                        for i in later.items))
    with pytest.raises(MappingError, match="other scales"):
        workspace.add("Pulse", broken)
    assert [w.label for w in workspace.surveys()[0].waves] == [demo.report.waves[0]]


def test_people_are_kept_apart_by_a_key_not_their_ids(database_url):
    raw = read_raw(REALDATA / "carpentries_instructor_training_post2018.csv")
    survey = apply_mapping(raw, suggest_mapping(raw))
    assert survey.report.repeat_respondents == 1
    workspace = Workspace.open(database_url)
    for label in survey.report.waves:  # each wave on its own: the person is found across additions
        workspace.add("Training", wave_of(survey, label))
    back = workspace.load("Training")
    assert back.report.repeat_respondents == 1 and back.persons is not None
    ids = {str(v).strip() for v in survey.responses["respondent_id"].dropna()} - {""}
    with sa.create_engine(database_url).connect() as connection:
        stored = [str(v) for table in sa.inspect(connection).get_table_names()
                  for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')) for v in row]
    assert ids and not ids & set(stored)


def test_unit_metrics_are_kept_with_the_survey(database_url, demo):
    workspace = Workspace.open(database_url)
    workspace.add("Pulse", demo)
    assert workspace.metrics("Pulse") is None
    metrics = load_demo_metrics()
    workspace.set_metrics("Pulse", metrics)
    back = workspace.metrics("Pulse")
    assert (back.metrics, back.headcount, back.source) == (metrics.metrics, metrics.headcount, metrics.source)
    pd.testing.assert_frame_equal(back.frame, metrics.frame[list(back.frame.columns)], check_dtype=False)
    assert workspace.surveys()[0].metrics == metrics.source


def test_hostile_names_and_values_are_stored_as_text(database_url, tmp_path):
    export = tmp_path / "hostile.csv"
    export.write_text("ResponseId,Division,Business Unit,Wave,Q1\n" + "".join(
        f"R{i},{HOSTILE if i % 2 else 'Ops'},\"{HOSTILE}\",2026-Q1,{'Yes' if i % 3 else 'No'}\n" for i in range(12)),
        encoding="utf-8")
    raw = read_raw(export)
    survey = apply_mapping(raw, suggest_mapping(raw))
    workspace = Workspace.open(database_url)
    workspace.add(HOSTILE, survey, by=HOSTILE)
    back = workspace.load(HOSTILE)
    assert HOSTILE in back.codes("division")[1] and back.codes("business_unit")[1] == [HOSTILE]
    assert [s.name for s in workspace.surveys()] == [HOSTILE] and workspace.audit()[0].who == HOSTILE
    with sa.create_engine(database_url).connect() as connection:
        assert "waves" in sa.inspect(connection).get_table_names()


def test_a_wrong_or_unreachable_database_is_said_plainly(tmp_path):
    with pytest.raises(WorkspaceError, match="cannot be read"):
        Workspace.open("not a url at all")
    with pytest.raises(WorkspaceError, match="cannot be used") as unknown:
        Workspace.open("nosuchdb://user:secret@host/db")
    assert "secret" not in str(unknown.value)
    with pytest.raises(WorkspaceError, match="cannot be reached") as unreachable:
        Workspace.open(f"postgresql+psycopg://ana:secret@/cxcommit?host={tmp_path}/no-server&connect_timeout=2")
    assert "secret" not in str(unreachable.value) and "***" in str(unreachable.value)
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(WorkspaceError, match="cannot be created"):
        Workspace.open(f"sqlite:///{blocked}/sub/cxcommit.db")


def test_the_schema_is_what_the_migrations_make(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from cxcommit.store.tables import metadata

    workspace = Workspace.open(database_url)
    with workspace.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": lambda name, kind, _: not (
            kind == "table" and name.startswith(("responses_", "groups_")))})
        assert compare_metadata(context, metadata) == []


def test_a_workspace_made_with_the_first_schema_keeps_its_waves(database_url, demo, monkeypatch):
    from cxcommit.store import migrate, wave_columns
    from cxcommit.store.engine import connect

    engine = connect(database_url)
    migrate.upgrade(engine, "0001")
    with engine.connect() as connection:
        assert migrate.revision(connection) == "0001"
        assert "audit_log" not in sa.inspect(connection).get_table_names()
    old = Workspace(engine)
    with old.engine.connect().execution_options(cxcommit_write=True) as connection, connection.begin():
        from cxcommit.store.adding import add_waves
        from cxcommit.store.workspace import _now
        with monkeypatch.context() as before:  # the first schema kept no copy of a wave's columns
            before.setattr(wave_columns, "write", lambda *_: None)
            add_waves(connection, "Pulse", demo, by="local", now=_now(), replace=False)
    engine.dispose()
    upgraded = Workspace.open(database_url)
    with upgraded.engine.connect() as connection:
        assert migrate.revision(connection) == migrate.head()
        copies = connection.execute(sa.select(sa.func.count()).select_from(sa.table("wave_columns"))).scalar()
        assert copies == len(demo.report.waves)  # made by the migration for every wave stored
    same_rows(upgraded.load("Pulse"), demo)
    assert [w.label for w in upgraded.surveys()[0].waves] == list(demo.report.waves)


def test_the_head_revision_named_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    from cxcommit.store import migrate

    assert migrate.head() == ScriptDirectory.from_config(migrate.config()).get_current_head()
    assert migrate.revisions()[0] == migrate.head()


def test_a_grouping_added_with_a_later_wave_leaves_what_was_published_of_earlier_waves(database_url, demo):
    """The attack left open by per-survey publishing: the same people published under two sets of
    reporting attributes (division alone, then division and unit) differ by a small unit's people.
    A stored wave keeps the groupings it was stored with: a later wave that brings a new grouping
    leaves every number of the earlier waves as it was, so the two publications differ only in the
    new waves and nothing can be subtracted."""
    workspace = Workspace.open(database_url)
    early, late = list(demo.report.waves[:4]), list(demo.report.waves[4:])
    first = wave_of(demo, *early)
    dropped = ["business_unit", "role", "region"]
    first = type(first)(first.responses.drop(columns=dropped), first.items,
                        {k: v for k, v in first.groupings.items() if k not in dropped}, first.mapping, first.report,
                        levels=dict(first.levels))
    workspace.add("Pulse", first)
    before = publish(workspace.load("Pulse"), 5)
    workspace.add("Pulse", wave_of(demo, *late))
    after = publish(workspace.load("Pulse"), 5)
    assert set(dropped) <= set(after.groupings)  # the later waves are reported by unit, role and region
    columns = ["item", "division", "wave", "n", "k", "n_dont_know"]
    then = rates(before, ["division", "wave"])[columns].reset_index(drop=True)
    now = rates(after.filter(wave=early), ["division", "wave"])[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(now, then)
    for name in dropped:  # the earlier waves' people are one blank group of each new grouping
        assert after.filter(wave=early).responses[name].isna().all()


def test_a_wave_added_leaves_the_paired_changes_between_earlier_waves(database_url):
    """The seventh attack, as it was made: waves of a panel where people repeat added to the workspace
    one at a time; after each, the trends' changes between the waves before are what they were, to
    the last digit (pairing is decided wave by wave: cxcommit.privacy.pairing)."""
    from test_pairing_privacy import five_wave_panel, imported

    panel = imported(five_wave_panel())
    labels = list(panel.report.waves)
    columns = ["item", "group", "wave", "n", "k", "change_prev_low", "change_prev_high", "change_prev_p",
               "change_prev_method", "change_first_low", "change_first_high", "change_first_p"]
    workspace = Workspace.open(database_url)
    before = None
    for label in labels:
        workspace.add("Panel", wave_of(panel, label))
        now = trends(publish(workspace.load("Panel"), 5), "division")[columns]
        if before is not None:
            earlier = now[now["wave"].isin(before["wave"].unique())].reset_index(drop=True)
            pd.testing.assert_frame_equal(earlier, before.reset_index(drop=True))
        before = now
    assert (before["change_prev_method"] == "cluster-robust (people in both waves)").sum() > 100


def test_a_wave_stored_later_but_dated_earlier_leaves_the_pairing_of_the_others(database_url):
    """The eighth attack: the panel's last four quarters stored, then its first, dated before them.
    Runs decided in time order started again at the first quarter and moved the pairs between the
    later quarters by one or two people, whose answers the intervals then gave. Runs are decided in
    the order waves were stored: the later quarters' changes are what they were."""
    from test_pairing_privacy import five_wave_panel, imported

    panel = imported(five_wave_panel())
    first, *later = list(panel.report.waves)
    columns = ["item", "group", "wave", "n", "k", "prev_wave", "change_prev_low", "change_prev_high",
               "change_prev_p", "change_prev_method"]
    workspace = Workspace.open(database_url)
    workspace.add("Panel", wave_of(panel, *later))
    before = trends(publish(workspace.load("Panel"), 5), "division")[columns]
    assert (before["change_prev_method"] == "cluster-robust (people in both waves)").sum() > 50
    workspace.add("Panel", wave_of(panel, first))
    back = workspace.load("Panel")
    assert back.report.waves == tuple(panel.report.waves) and back.report.waves_stored[-1] == first
    after = trends(publish(back, 5), "division")[columns]
    then = before[before["prev_wave"].notna()].reset_index(drop=True)  # changes between later quarters
    now = after.merge(then[["item", "group", "wave"]], on=["item", "group", "wave"])
    assert (now["prev_wave"] != first).all() and len(then) > 200
    pd.testing.assert_frame_equal(now, then)
    workspace.remove_wave("Panel", first)  # the wave stored last, removed: back to what it was
    pd.testing.assert_frame_equal(trends(publish(workspace.load("Panel"), 5), "division")[columns], before)
