"""``python -m cxcommit workspace add | list | remove | rename | delete | log | export | import | people``:
the workspace the dashboard opens on (:mod:`cxcommit.store`), for the monthly job, to move it to another
machine, and the people who may use it when they sign in. Who did what is recorded as the account
running the command."""
from __future__ import annotations

import getpass
import json

from cxcommit.cli.inputs import read_export
from cxcommit.cli.output import say
from cxcommit.io.unit_metrics import read_unit_metrics
from cxcommit.mapping.mapping_file import load_mapping
from cxcommit.settings import Settings
from cxcommit.store import Workspace
from cxcommit.store.archive import export_workspace, import_workspace
from cxcommit.store.people import normal_email


def who() -> str:
    """The person running the command, as the audit log names them."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):  # no user name for this uid (a container)
        return "command line"


def workspace(args) -> int:
    store = Workspace.open()
    command = args.workspace_command
    if command == "add":
        return add(args, store)
    if command == "list":
        return listing(args, store)
    if command == "people":
        return people(args, store)
    if command == "export":
        say(export_workspace(store, args.out, by=who()).summary())
        return 0
    if command == "import":
        for line in import_workspace(store, args.file, by=who()).summary():
            say(line)
        say(f"Workspace: {store.where}")
        return 0
    if command == "log":
        for entry in store.audit(args.limit):
            say(f"{entry.at:%Y-%m-%d %H:%M} {entry.who}: {entry.action} {entry.survey or ''} — {entry.detail}")
        return 0
    if command == "remove":
        store.remove_wave(args.survey, args.wave, by=who())
        say(f"Removed wave {args.wave} of {args.survey!r}.")
    elif command == "rename":
        store.rename(args.survey, args.to, by=who())
        say(f"Renamed {args.survey!r} to {args.to!r}.")
    else:
        store.delete(args.survey, by=who())
        say(f"Deleted {args.survey!r} with all its waves.")
    return 0


def add(args, store: Workspace) -> int:
    """Read the export, check it against the survey, say what is missing or new, and store its waves."""
    settings = Settings(test_responses="keep" if args.keep_test_responses else "auto",
                        drop_personal_data=not args.keep_personal_data)  # what reading and importing use
    mapping = load_mapping(args.mapping) if args.mapping else None
    raw = read_export(args, args.input_format or (mapping.format if mapping else "auto"), lean=settings.drop_personal_data)
    metrics = read_unit_metrics(args.metrics) if args.metrics else None  # read before anything is stored
    intake = store.prepare(args.survey, raw, mapping=mapping, wave=args.wave, settings=settings)
    for line in intake.summary():
        say(line)
    added = store.add(intake.name, intake.survey, by=who(), replace=args.replace)
    if metrics is not None:
        store.set_metrics(intake.name, metrics, by=who())
    say(("Made the survey " if added.created else "Added to ") + f"{added.survey!r}: "
        + ", ".join(f"wave {label} ({n:,} respondents)" for label, n in added.waves)
        + (f"; replaced {', '.join(added.replaced)}" if added.replaced else "")
        + (f"; unit metrics from {metrics.source}" if metrics is not None else "") + f". Workspace: {store.where}")
    return 0


def listing(args, store: Workspace) -> int:
    surveys = store.surveys()
    if args.output == "json":
        say(json.dumps([{"survey": s.name, "respondents": s.respondents, "unit_metrics": s.metrics,
                         "waves": [{"wave": w.label, "respondents": w.respondents, "file": w.source,
                                    "added_at": w.added_at.isoformat(), "added_by": w.added_by} for w in s.waves]}
                        for s in surveys], ensure_ascii=False, indent=2))
        return 0
    if not surveys:
        say(f"The workspace ({store.where}) holds no survey yet: add one with "
            "`python -m cxcommit workspace add FILE --survey NAME`.")
        return 0
    for survey in surveys:
        say(f"{survey.name}: {len(survey.waves)} wave(s), {survey.respondents:,} respondents"
            + (f", unit metrics from {survey.metrics}" if survey.metrics else ""))
        for wave in survey.waves:
            say(f"  {wave.label}: {wave.respondents:,} respondents, from {wave.source}, added by {wave.added_by} "
                f"on {wave.added_at:%Y-%m-%d %H:%M}")
    return 0


def people(args, store: Workspace) -> int:
    """``workspace people add | list | remove``: who may use the workspace when people sign in."""
    if args.people_command == "list":
        return people_listing(args, store)
    if args.people_command == "add":
        done = f"may use the workspace as {store.set_person(args.email, args.role, args.divisions, by=who())}"
    else:
        store.remove_person(args.email, by=who())
        done = "may no longer use the workspace"
    say(f"{normal_email(args.email)} {done}.")
    return 0


def people_listing(args, store: Workspace) -> int:
    everyone = store.people()
    if args.output == "json":
        say(json.dumps([{"email": p.email, "role": p.access.role, "divisions": list(p.access.divisions),
                         "added_at": p.added_at.isoformat(), "added_by": p.added_by} for p in everyone],
                       ensure_ascii=False, indent=2))
        return 0
    if not everyone:
        say("Nobody has been given access yet, so when people sign in nobody may use the workspace. Add its first "
            "admin with `python -m cxcommit workspace people add EMAIL --role admin`.")
    for person in everyone:
        say(f"{person.email}: {person.access} (added by {person.added_by} on {person.added_at:%Y-%m-%d %H:%M})")
    return 0
