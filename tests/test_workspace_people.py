"""The people of a team's workspace (cxcommit.store.people) and ``python -m cxcommit workspace people``,
on SQLite and on PostgreSQL: roles and their actions, emails as one address whatever the case, the
last admin kept, every change in the audit log. What a scoped viewer sees: tests/test_scope_privacy.py."""
from __future__ import annotations

import json
import threading

import pytest

from conftest import cli
from cxcommit.cli.parser import build_parser
from cxcommit.errors import SettingsError, WorkspaceError
from cxcommit.privacy.scope import ACTIONS, LOCAL_ACCESS, ROLES, Access
from cxcommit.store import Workspace

ANA, BOB, VIC = "ana@example.org", "bob@example.org", "vic@example.org"


@pytest.fixture
def workspace(database_url):
    return Workspace.open(database_url)


@pytest.mark.parametrize("role, allowed", [
    ("admin", set(ACTIONS)),
    ("analyst", {"see", "present", "add", "map", "export"}),
    ("viewer", {"see", "present"}),
])
def test_each_role_may_do_what_the_issue_gives_it(role, allowed):
    assert {action for action in ACTIONS if Access(role).can(action)} == allowed
    assert Access("viewer", ("Digital",)).can("see") and not Access("viewer", ("Digital",)).can("export")


def test_the_laptop_user_may_do_everything_and_sees_everything():
    assert all(LOCAL_ACCESS.can(action) for action in ACTIONS) and not LOCAL_ACCESS.is_scoped


@pytest.mark.parametrize("role, divisions, message", [
    ("boss", (), "'boss' is not a role"),
    ("analyst", ("Digital",), "Only a viewer can be limited to divisions; an analyst sees every division"),
    ("viewer", ("Digital", "  "), "A division in a person's access is empty"),
])
def test_an_access_that_cannot_be_is_refused(role, divisions, message):
    with pytest.raises(SettingsError, match=message):
        Access(role, divisions)


def test_an_unknown_action_is_a_bug_not_a_refusal():
    with pytest.raises(ValueError, match="Unknown action 'delet'; the actions are: see, present"):
        Access("admin").can("delet")


def test_divisions_are_trimmed_and_kept_once_in_the_order_given():
    assert Access("viewer", (" Wealth  Management", "Digital", "Wealth Management")).divisions == (
        "Wealth Management", "Digital")
    assert Access("viewer", "Digital").divisions == ("Digital",)  # one name, not its letters


def test_people_are_added_changed_and_removed_by_one_address(workspace):
    assert workspace.people() == [] and workspace.access(ANA) is None
    assert workspace.set_person("  Ana@Example.ORG ", "admin", by="setup") == Access("admin")
    workspace.set_person(VIC, "viewer", ["Digital", "Insurance"], by=ANA)
    workspace.set_person(BOB, "analyst", by=ANA)
    assert [(p.email, str(p.access), p.added_by) for p in workspace.people()] == [
        (ANA, "admin", "setup"), (BOB, "analyst", ANA), (VIC, "viewer of Digital, Insurance", ANA)]
    assert workspace.access("ANA@example.org ") == Access("admin")
    assert workspace.access(VIC) == Access("viewer", ("Digital", "Insurance"))
    workspace.set_person(VIC, "viewer", ["Retail Banking"], by=ANA)  # changed, not added twice
    assert workspace.access(VIC).divisions == ("Retail Banking",) and len(workspace.people()) == 3
    workspace.remove_person(BOB.upper(), by=ANA)
    assert workspace.access(BOB) is None
    log = [(e.who, e.action, e.detail) for e in reversed(workspace.audit())]
    assert log == [("setup", "set access", f"{ANA} as admin"),
                   (ANA, "set access", f"{VIC} as viewer of Digital, Insurance"),
                   (ANA, "set access", f"{BOB} as analyst"),
                   (ANA, "set access", f"{VIC}: viewer of Digital, Insurance -> viewer of Retail Banking"),
                   (ANA, "removed access", f"{BOB} (analyst)")]


@pytest.mark.parametrize("email", ["", "   ", None, "ana", "ana@", "@example.org", "a na@example.org",
                                   "ana@exa\x00mple.org", "ana@\texample.org", "a@b@example.org", "x" * 320 + "@example.org"])
def test_an_empty_or_malformed_email_is_nobody(workspace, email):
    workspace.set_person(ANA, "admin")
    assert workspace.access(email) is None
    if email is not None and email.strip():
        with pytest.raises(WorkspaceError, match="is not an email address"):
            workspace.set_person(email, "admin")
    assert [p.email for p in workspace.people()] == [ANA]


def test_the_last_admin_is_neither_removed_nor_demoted(workspace):
    workspace.set_person(ANA, "admin")
    workspace.set_person(VIC, "viewer", ["Digital"])
    with pytest.raises(WorkspaceError, match=f"{ANA} is the workspace's last admin and cannot be removed") as error:
        workspace.remove_person(ANA)
    assert "Make someone else an admin first" in error.value.hint
    with pytest.raises(WorkspaceError, match="last admin and cannot be made a viewer"):
        workspace.set_person(ANA, "viewer", ["Digital"])
    assert workspace.access(ANA) == Access("admin")
    workspace.set_person(BOB, "admin")  # with a second admin, either may go
    workspace.set_person(ANA, "analyst")
    with pytest.raises(WorkspaceError, match="last admin"):
        workspace.remove_person(BOB)
    assert [e.action for e in workspace.audit()].count("removed access") == 0


def test_two_admins_demoting_each_other_at_once_leave_one(workspace, database_url):
    workspace.set_person(ANA, "admin")
    workspace.set_person(BOB, "admin")
    outcomes, start = [], threading.Barrier(2)

    def demote(email):
        other = Workspace.open(database_url)
        start.wait()
        try:
            other.set_person(email, "viewer")
            outcomes.append("done")
        except WorkspaceError as error:
            outcomes.append(str(error))
        finally:
            other.engine.dispose()

    threads = [threading.Thread(target=demote, args=(email,)) for email in (ANA, BOB)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("done") == 1 and sum("last admin and cannot be made a viewer" in o for o in outcomes) == 1
    assert [p.access.role for p in workspace.people()].count("admin") == 1


def test_a_viewer_of_no_survey_division_is_kept_as_given(workspace):
    """The workspace does not check divisions against a survey (a division may come in a later wave):
    what a scope without the survey's divisions sees is nothing (tests/test_scope_privacy.py)."""
    workspace.set_person(VIC, "viewer", ["Atlantis"])
    assert workspace.access(VIC).divisions == ("Atlantis",)


# --- the command line ---------------------------------------------------------------------------

@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("CXCOMMIT_DATABASE_URL", database_url)
    return cli


def test_the_first_admin_of_a_team_is_added_from_the_command_line(run):
    empty = run("workspace", "people", "list")
    assert empty.returncode == 0 and "Nobody has been given access yet" in empty.stdout
    assert "people add EMAIL --role admin" in empty.stdout
    added = run("workspace", "people", "add", " Ana@Example.org", "--role", "admin")
    assert added.returncode == 0 and added.stdout == f"{ANA} may use the workspace as admin.\n"
    viewer = run("workspace", "people", "add", VIC, "--role", "viewer", "--division", "Digital",
                 "--division", "Retail Banking")
    assert viewer.stdout == f"{VIC} may use the workspace as viewer of Digital, Retail Banking.\n"
    listing = run("workspace", "people", "list").stdout.splitlines()
    assert listing[0].startswith(f"{ANA}: admin (added by ") and listing[1].startswith(
        f"{VIC}: viewer of Digital, Retail Banking (added by ")
    stored = json.loads(run("workspace", "people", "list", "--format", "json").stdout)
    assert [(p["email"], p["role"], p["divisions"]) for p in stored] == [
        (ANA, "admin", []), (VIC, "viewer", ["Digital", "Retail Banking"])]
    assert run("workspace", "people", "remove", VIC).stdout == f"{VIC} may no longer use the workspace.\n"
    log = run("workspace", "log").stdout
    assert f"removed access  — {VIC} (viewer of Digital, Retail Banking)" in log and f"set access  — {ANA} as admin" in log


@pytest.mark.parametrize("args, code, message", [
    (["add", "bad", "--role", "viewer"], 1, "'bad' is not an email address"),
    (["add", BOB, "--role", "analyst", "--division", "Digital"], 1, "Only a viewer can be limited to divisions"),
    (["add", BOB, "--role", "boss"], 2, "invalid choice: 'boss'"),
    (["remove", BOB], 1, f"{BOB} is not among the workspace's people"),
    (["remove", ANA], 1, "last admin and cannot be removed"),
])
def test_the_command_line_refuses_plainly(run, args, code, message):
    assert run("workspace", "people", "add", ANA, "--role", "admin").returncode == 0
    refused = run("workspace", "people", *args)
    assert refused.returncode == code and message in refused.stderr
    assert [p["email"] for p in json.loads(run("workspace", "people", "list", "--format", "json").stdout)] == [ANA]


def test_the_command_line_offers_the_roles_there_are():
    parser = build_parser()
    people = parser._subparsers._group_actions[0].choices["workspace"]._subparsers._group_actions[0].choices["people"]
    add = people._subparsers._group_actions[0].choices["add"]
    [role] = [action for action in add._actions if action.dest == "role"]
    assert tuple(role.choices) == ROLES
