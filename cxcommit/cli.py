"""Command line: ``python -m cxcommit check | summary | mapping suggest | demo``.

Errors in the user's input are printed as a message with what to do (exit 1), never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cxcommit.columns import attribute_for, is_respondent_id, is_wave_column
from cxcommit.demo import write_demo
from cxcommit.errors import CxcommitError
from cxcommit.formats import FORMATS
from cxcommit.importer import apply_mapping
from cxcommit.intervals import CI_METHODS
from cxcommit.mapping import load_mapping
from cxcommit.readers import RawTable, read_raw
from cxcommit.report_text import describe_error, describe_metrics, describe_survey, format_summary
from cxcommit.scales import parse_number
from cxcommit.settings import Settings
from cxcommit.suggest import suggest_mapping, value_counts
from cxcommit.summary import item_summary
from cxcommit.unit_metrics import read_unit_metrics


def _input_options(parser: argparse.ArgumentParser, format_flag: tuple[str, ...]) -> None:
    parser.add_argument("file", help="the export: CSV, TSV, .xlsx or a .zip holding one")
    parser.add_argument(*format_flag, dest="input_format", choices=FORMATS, default=None,
                        help="layout of the export (default: detected)")
    parser.add_argument("--sheet", help="Excel sheet to read (default: the first with data)")


def _settings_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mapping", help="mapping JSON (default: the suggested mapping)")
    parser.add_argument("--min-group-size", type=int, default=Settings.min_group_size,
                        help="smallest group shown (default 5, at least 3)")
    parser.add_argument("--keep-test-responses", action="store_true",
                        help="keep Qualtrics preview/test responses")
    parser.add_argument("--keep-personal-data", action="store_true",
                        help="do not drop identifier columns (names, emails, IP addresses, ...)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cxcommit",
                                     description="Read survey exports and summarise executive commitment to CX.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="read a file and report what was detected, kept and dropped")
    _input_options(check, ("--format", "--input-format"))
    _settings_options(check)
    summary = commands.add_parser("summary", help="n, favourable share, Wilson interval and mean per item and group")
    _input_options(summary, ("--input-format",))
    _settings_options(summary)
    summary.add_argument("--by", help="grouping: division, business_unit, role, region, wave or any export column")
    summary.add_argument("--items", nargs="+", help="item ids to include (default: all)")
    summary.add_argument("--format", dest="output", choices=["table", "csv", "json"], default="table")
    summary.add_argument("--confidence", type=float, default=Settings.confidence)
    summary.add_argument("--ci-method", choices=list(CI_METHODS), default=Settings.ci_method)
    mapping = commands.add_parser("mapping", help="work with mapping files")
    mapping_commands = mapping.add_subparsers(dest="mapping_command", required=True)
    suggest = mapping_commands.add_parser("suggest", help="print a suggested mapping as JSON")
    _input_options(suggest, ("--format", "--input-format"))
    demo = commands.add_parser("demo", help="regenerate the demo data")
    demo.add_argument("--out", default="data", help="folder to write to (default: data)")
    return parser


def _settings(args) -> Settings:
    return Settings(
        min_group_size=args.min_group_size,
        confidence=getattr(args, "confidence", Settings.confidence),
        ci_method=getattr(args, "ci_method", Settings.ci_method),
        test_responses="keep" if args.keep_test_responses else "auto",
        drop_personal_data=not args.keep_personal_data,
    )


def _load(args, settings: Settings):
    mapping = load_mapping(args.mapping) if args.mapping else None
    fmt = args.input_format or (mapping.format if mapping else "auto")
    raw = read_raw(args.file, fmt=fmt, sheet=args.sheet)
    return raw, apply_mapping(raw, mapping or suggest_mapping(raw), settings), fmt == "auto"


def looks_like_unit_metrics(raw: RawTable) -> bool:
    """A table of business unit × wave with only numbers besides: a unit-metrics file."""
    roles = {attribute_for(k, k) for k in raw.keys} | {"wave" for k in raw.keys if is_wave_column(k)}
    if not {"business_unit", "wave"} <= roles or any(is_respondent_id(k) for k in raw.keys):
        return False
    others = [k for k in raw.keys if not is_wave_column(k) and attribute_for(k, k) not in ("business_unit", "division")]
    return bool(others) and all(
        all(parse_number(v.rstrip("%")) is not None for v in value_counts(raw, k)) for k in others)


def run(args) -> int:
    if args.command == "demo":
        for path in write_demo(args.out):
            print(f"wrote {path}")
        return 0
    if args.command == "mapping":
        raw = read_raw(args.file, fmt=args.input_format or "auto", sheet=args.sheet)
        sys.stdout.write(suggest_mapping(raw).to_json())
        return 0
    settings = _settings(args)
    if args.command == "check" and not args.mapping:
        raw = read_raw(args.file, fmt=args.input_format or "auto", sheet=args.sheet)
        if looks_like_unit_metrics(raw):
            print(describe_metrics(read_unit_metrics(args.file)))
            return 0
    raw, survey, detected = _load(args, settings)
    if args.command == "check":
        print(describe_survey(survey, detected))
        return 0
    table = item_summary(survey, by=args.by, settings=settings, items=args.items)
    if args.output == "json":
        sys.stdout.write(table.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    elif args.output == "csv":
        sys.stdout.write(table.to_csv(index=False))
    else:
        print(format_summary(table, settings.min_group_size))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except CxcommitError as error:
        print(describe_error(error), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.
        return 0
