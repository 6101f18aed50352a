"""The command line's arguments: ``python -m cxcommit check | summary | analyze | report | mapping
suggest | demo``.

Light to import (names and defaults only: no table, no analysis is loaded), so that ``--help`` and
argparse's own refusals answer at once.
"""
from __future__ import annotations

import argparse

from cxcommit.io.formats import FORMATS
from cxcommit.settings import Settings
from cxcommit.stats.methods import CI_METHOD_NAMES, P_ADJUST_NAMES
from cxcommit.story.kinds import KINDS

VIEWS = ("rates", "index", "variation", "gaps", "trends", "pay", "relations", "findings")


def _input_options(parser: argparse.ArgumentParser, format_flag: tuple[str, ...], stored: bool = False) -> None:
    if stored:  # a file, or a survey of the workspace with all its waves
        parser.add_argument("file", nargs="?", help="the export: CSV, TSV, .xlsx or a .zip holding one (or --survey)")
        parser.add_argument("--survey", help="a survey stored in the workspace, with all its waves, instead of a file")
    else:
        parser.add_argument("file", help="the export: CSV, TSV, .xlsx or a .zip holding one")
    parser.add_argument(*format_flag, dest="input_format", choices=FORMATS, default=None,
                        help="layout of the export (default: detected)")
    parser.add_argument("--sheet", help="Excel sheet to read (default: the first with data)")


def _settings_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", help="mapping JSON (default: the suggested mapping)")
    parser.add_argument("--min-group-size", type=int, default=Settings.min_group_size,
                        help="smallest group shown (default 5, at least 3)")
    parser.add_argument("--dont-know", choices=["not_yes", "missing"], default=Settings.dont_know,
                        help="how a \"don't know\" to a yes/no item counts: not_yes (in the base, not a yes; "
                             "the default) or missing (left out of the base)")
    parser.add_argument("--keep-test-responses", action="store_true",
                        help="keep Qualtrics preview/test responses")
    parser.add_argument("--keep-personal-data", action="store_true",
                        help="do not drop identifier columns (names, emails, IP addresses, ...)")


def _difference_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-difference", type=float, default=Settings.min_difference * 100, metavar="POINTS",
                        help="smallest difference between two shares that matters, in percentage points (default 5; "
                             "0 to 50): a difference is called significant only when it holds after adjusting for "
                             "the number of tests and is at least this large")


def _workspace_commands(commands) -> None:
    workspace = commands.add_parser("workspace", help="the surveys and waves kept between sessions (shared with the "
                                                      "dashboard): add, list, remove, rename, delete, log, "
                                                      "export, import, people")
    actions = workspace.add_subparsers(dest="workspace_command", required=True)
    add = actions.add_parser("add", help="add an export's waves to a survey (made if new; its saved mapping is used)")
    _input_options(add, ("--input-format",))
    add.add_argument("--survey", required=True, help="the survey to add the waves to")
    add.add_argument("--wave", help="the wave every response of the file is in (default: from the export)")
    add.add_argument("--mapping", help="mapping JSON (default: the survey's saved mapping, else the suggested one)")
    add.add_argument("--metrics", help="unit metrics (business unit × wave) to keep with the survey")
    add.add_argument("--replace", action="store_true", help="replace waves the survey already has")
    add.add_argument("--keep-test-responses", action="store_true", help="keep Qualtrics preview/test responses")
    add.add_argument("--keep-personal-data", action="store_true",
                     help="do not drop identifier columns (names, emails, IP addresses, ...)")
    listing = actions.add_parser("list", help="the surveys, their waves and respondents")
    listing.add_argument("--format", dest="output", choices=["table", "json"], default="table")
    remove = actions.add_parser("remove", help="remove one wave of a survey (the survey goes with its last wave)")
    remove.add_argument("--survey", required=True)
    remove.add_argument("--wave", required=True)
    rename = actions.add_parser("rename", help="rename a survey")
    rename.add_argument("--survey", required=True)
    rename.add_argument("--to", required=True, help="the new name")
    delete = actions.add_parser("delete", help="delete a survey with all its waves")
    delete.add_argument("--survey", required=True)
    delete.add_argument("--yes", action="store_true", required=True, help="confirm: every wave of the survey goes")
    log = actions.add_parser("log", help="the audit log: who added, replaced, removed or exported what")
    log.add_argument("--limit", type=int, default=50)
    export = actions.add_parser("export", help="write the whole workspace (surveys, waves, unit metrics, settings, "
                                               "people, audit log) to one .zip file, to import on another machine")
    export.add_argument("--out", required=True, help="the file to write, e.g. workspace.zip")
    bring = actions.add_parser("import", help="read a file `workspace export` wrote into this workspace (none of its "
                                              "surveys may be here already)")
    bring.add_argument("file", help="the .zip file `workspace export` wrote")
    _people_commands(actions)


def _people_commands(actions) -> None:
    people = actions.add_parser("people", help="who may use the workspace when people sign in (a team "
                                               "deployment): add, list, remove")
    commands = people.add_subparsers(dest="people_command", required=True)
    add = commands.add_parser("add", help="give a person a role (added if new, changed if not): the way to add "
                                          "a team's first admin")
    add.add_argument("email", help="the address the person signs in with")
    add.add_argument("--role", required=True, choices=["admin", "analyst", "viewer"],
                     help="admin: settings, people, delete; analyst: add waves, map, export; viewer: see and present")
    add.add_argument("--division", dest="divisions", action="append", default=[], metavar="DIVISION",
                     help="a viewer sees only this division (repeat for several; default: every one)")
    listing = commands.add_parser("list", help="everyone, with their role and divisions")
    listing.add_argument("--format", dest="output", choices=["table", "json"], default="table")
    remove = commands.add_parser("remove", help="take a person's access away (never the last admin's)")
    remove.add_argument("email")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cxcommit",
                                     description="Read survey exports and summarise executive commitment to CX.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="read a file and report what was detected, kept and dropped")
    _input_options(check, ("--format", "--input-format"))
    _settings_options(check)
    summary = commands.add_parser("summary", help="n, favourable share, Wilson interval and mean per item and group")
    _input_options(summary, ("--input-format",), stored=True)
    _settings_options(summary)
    _difference_option(summary)
    summary.add_argument("--by", help="grouping: division, business_unit, role, region, wave or any export column")
    summary.add_argument("--items", nargs="+", help="item ids to include (default: all)")
    summary.add_argument("--format", dest="output", choices=["table", "csv", "json"], default="table")
    summary.add_argument("--confidence", type=float, default=Settings.confidence)
    summary.add_argument("--ci-method", choices=list(CI_METHOD_NAMES), default=Settings.ci_method)
    analyze = commands.add_parser("analyze", help="an analysis view: rates, index, variation, gaps, trends, pay, "
                                                  "relations or findings")
    _input_options(analyze, ("--input-format",), stored=True)
    _settings_options(analyze)
    _difference_option(analyze)
    analyze.add_argument("--view", required=True, choices=list(VIEWS))
    analyze.add_argument("--by", help="grouping (default depends on the view); rates also take two: --by division role",
                         nargs="+")
    analyze.add_argument("--metrics", help="unit-metrics table (business unit × wave) for pay, relations, findings")
    analyze.add_argument("--items", nargs="+", help="item ids (default: all)")
    analyze.add_argument("--gap", choices=["perception", "target", "best"], default="perception",
                         help="which gap the gaps view shows (default perception: executives vs their staff)")
    analyze.add_argument("--division", nargs="+", help="only these divisions")
    analyze.add_argument("--wave", nargs="+", help="only these waves")
    analyze.add_argument("--format", dest="output", choices=["table", "csv", "json"], default="table")
    analyze.add_argument("--confidence", type=float, default=Settings.confidence)
    analyze.add_argument("--ci-method", choices=list(CI_METHOD_NAMES), default=Settings.ci_method)
    analyze.add_argument("--p-adjust", choices=list(P_ADJUST_NAMES), default=None,
                         help="adjustment for the number of tests (default: bh for rates, a screen over every item "
                              "and group of the breakdown; holm for variation); see docs/methods.md")
    report = commands.add_parser("report", help="write the slide deck (.pptx, native charts) or the one-file "
                                                "HTML report for the filters given")
    _input_options(report, ("--input-format",), stored=True)
    _settings_options(report)
    _difference_option(report)
    report.add_argument("--metrics", help="unit-metrics table (business unit × wave): adds pay and outcome slides")
    report.add_argument("--division", nargs="+", help="only these divisions")
    report.add_argument("--wave", nargs="+", help="only these waves")
    report.add_argument("--out", required=True, help="the file to write: deck.pptx or report.html")
    report.add_argument("--slides", nargs="+", choices=list(KINDS), help="which slides (default: all that have data)")
    report.add_argument("--title", help="the title slide's title (default: from the survey: its subject with the "
                                        "8 signs, else its questions counted)")
    report.add_argument("--logo", help="a PNG or JPEG shown on every slide")
    report.add_argument("--accent", help="accent colour, e.g. '#0072B2'")
    mapping = commands.add_parser("mapping", help="work with mapping files")
    mapping_commands = mapping.add_subparsers(dest="mapping_command", required=True)
    suggest = mapping_commands.add_parser("suggest", help="print a suggested mapping as JSON")
    _input_options(suggest, ("--format", "--input-format"))
    _workspace_commands(commands)
    demo = commands.add_parser("demo", help="regenerate the demo data")
    demo.add_argument("--out", default="data", help="folder to write to (default: data)")
    return parser

