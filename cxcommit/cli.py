"""Command line: ``python -m cxcommit check | summary | analyze | report | mapping suggest | demo``.

Errors in the user's input are printed as a message with what to do (exit 1), never a traceback;
arguments argparse itself refuses (an unknown choice) exit 2 with its usage line. The output's
arguments (``--out``, ``--logo``, ``--accent``) are checked before the export is read.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import replace
from pathlib import Path

from cxcommit.adjust import P_ADJUST
from cxcommit.columns import attribute_for, is_respondent_id, is_wave_column
from cxcommit.commitment import commitment_index
from cxcommit.demo import write_demo
from cxcommit.errors import CxcommitError, MappingError, OutOfMemoryError, SettingsError
from cxcommit.findings import findings
from cxcommit.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.formats import FORMATS
from cxcommit.importer import apply_mapping
from cxcommit.publish import publish
from cxcommit.intervals import CI_METHODS
from cxcommit.mapping import Mapping, load_mapping
from cxcommit.readers import RawTable, read_raw
from cxcommit.pay import metrics_coverage, pay_alignment, pay_relations
from cxcommit.rates import rates
from cxcommit.pptx_deck import Cover, check_logo, check_logo_size, write_deck
from cxcommit.report_text import (describe_error, describe_metrics, describe_survey, format_summary, format_table,
                                  view_lines)
from cxcommit.scales import parse_number
from cxcommit.settings import Settings
from cxcommit.slides import KINDS, deck
from cxcommit.suggest import profile, suggest_mapping
from cxcommit.summary import default_grouping, item_summary
from cxcommit.table_export import to_csv_bytes
from cxcommit.text import without_controls
from cxcommit.theme import QUALITATIVE
from cxcommit.trends import trends
from cxcommit.unit_metrics import read_unit_metrics
from cxcommit.variation import variation


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
    analyze = commands.add_parser("analyze", help="an analysis view: rates, index, variation, gaps, trends, pay, "
                                                  "relations or findings")
    _input_options(analyze, ("--input-format",))
    _settings_options(analyze)
    analyze.add_argument("--view", required=True, choices=list(VIEWS))
    analyze.add_argument("--by", help="grouping (default depends on the view); rates also take two: --by division role",
                         nargs="+")
    analyze.add_argument("--metrics", help="unit-metrics table (business unit × wave) for pay, relations, findings")
    analyze.add_argument("--items", nargs="+", help="item ids (default: all)")
    analyze.add_argument("--gap", choices=["perception", "target", "best"], default="perception",
                         help="which gap the gaps view shows (default perception: executives vs employees)")
    analyze.add_argument("--division", nargs="+", help="only these divisions")
    analyze.add_argument("--wave", nargs="+", help="only these waves")
    analyze.add_argument("--format", dest="output", choices=["table", "csv", "json"], default="table")
    analyze.add_argument("--confidence", type=float, default=Settings.confidence)
    analyze.add_argument("--ci-method", choices=list(CI_METHODS), default=Settings.ci_method)
    analyze.add_argument("--p-adjust", choices=list(P_ADJUST), default="holm")
    report = commands.add_parser("report", help="write the slide deck (.pptx, native charts) or the one-file "
                                                "HTML report for the filters given")
    _input_options(report, ("--input-format",))
    _settings_options(report)
    report.add_argument("--metrics", help="unit-metrics table (business unit × wave): adds pay and outcome slides")
    report.add_argument("--division", nargs="+", help="only these divisions")
    report.add_argument("--wave", nargs="+", help="only these waves")
    report.add_argument("--out", required=True, help="the file to write: deck.pptx or report.html")
    report.add_argument("--slides", nargs="+", choices=list(KINDS), help="which slides (default: all that have data)")
    report.add_argument("--title", default="Executive commitment to customer experience")
    report.add_argument("--logo", help="a PNG or JPEG shown on every slide")
    report.add_argument("--accent", default=QUALITATIVE[0], help="accent colour, e.g. '#0072B2'")
    mapping = commands.add_parser("mapping", help="work with mapping files")
    mapping_commands = mapping.add_subparsers(dest="mapping_command", required=True)
    suggest = mapping_commands.add_parser("suggest", help="print a suggested mapping as JSON")
    _input_options(suggest, ("--format", "--input-format"))
    demo = commands.add_parser("demo", help="regenerate the demo data")
    demo.add_argument("--out", default="data", help="folder to write to (default: data)")
    return parser


VIEWS = ("rates", "index", "variation", "gaps", "trends", "pay", "relations", "findings")


def _settings(args) -> Settings:
    return Settings(
        min_group_size=args.min_group_size,
        confidence=getattr(args, "confidence", Settings.confidence),
        ci_method=getattr(args, "ci_method", Settings.ci_method),
        test_responses="keep" if args.keep_test_responses else "auto",
        drop_personal_data=not args.keep_personal_data,
    )


def _read(args, settings: Settings) -> tuple[RawTable, Mapping | None]:
    """The export, read once, and the mapping given on the command line (if any)."""
    mapping = load_mapping(args.mapping) if args.mapping else None
    fmt = args.input_format or (mapping.format if mapping else "auto")
    return _raw(args, fmt, lean=settings.drop_personal_data), mapping


def _raw(args, fmt: str, lean: bool = True) -> RawTable:
    """The export; ``--sheet`` given for a file that is no workbook is an error, not ignored."""
    raw = read_raw(args.file, fmt=fmt, sheet=args.sheet, lean=lean)
    if args.sheet and raw.sheet is None:
        raise SettingsError(f"--sheet {args.sheet!r}: {raw.source} is not an Excel workbook, so it has no sheets.",
                            hint="Leave out --sheet for a CSV or text file.")
    return raw


def looks_like_unit_metrics(raw: RawTable) -> bool:
    """A table of business unit × wave with only numbers besides: a unit-metrics file."""
    roles = {attribute_for(k, k) for k in raw.keys} | {"wave" for k in raw.keys if is_wave_column(k)}
    if not {"business_unit", "wave"} <= roles or any(is_respondent_id(k) for k in raw.keys):
        return False
    others = [k for k in raw.keys if not is_wave_column(k) and attribute_for(k, k) not in ("business_unit", "division")]
    return bool(others) and all(
        all(parse_number(v.rstrip("%")) is not None for v in profile(raw, k).sample) for k in others)


def run(args) -> int:
    if args.command == "demo":
        if Path(args.out).exists() and not Path(args.out).is_dir():
            raise SettingsError(f"--out {args.out!r} is a file; the demo data are written into a folder.",
                                hint="Give a folder, e.g. --out data.")
        try:
            paths = write_demo(args.out)
        except OSError as error:
            raise SettingsError(f"--out {args.out!r}: the demo data cannot be written there "
                                f"({error.strerror or error}).",
                                hint="Give a folder that exists or can be created, and that you can write to.") from None
        for path in paths:
            print(f"wrote {path}")
        return 0
    if args.command == "mapping":
        raw = _raw(args, args.input_format or "auto")
        sys.stdout.write(suggest_mapping(raw).to_json())
        return 0
    settings = _settings(args)
    if args.command == "report":  # the arguments of the output, checked before any work
        out, cover = _report_target(args), _cover(args)
    raw, mapping = _read(args, settings)
    if args.command == "check" and mapping is None and looks_like_unit_metrics(raw):
        _say(describe_metrics(read_unit_metrics(args.file)))
        return 0
    survey = publish(apply_mapping(raw, mapping or suggest_mapping(raw), settings), settings.min_group_size)
    if args.command == "check":
        chosen = args.input_format or (mapping.format if mapping else "auto")
        _say(describe_survey(survey, detected=chosen == "auto"))
        return 0
    if args.command == "report":
        return _report(args, survey, settings, out, cover)
    if args.command == "analyze":
        table = _analyze(args, survey, settings)
    else:
        table = item_summary(survey, by=args.by, settings=settings, items=args.items)
    if args.output == "json":
        sys.stdout.write(table.to_json(orient="records", indent=2, force_ascii=False) + "\n")
    elif args.output == "csv":  # as the dashboard's CSV: no text a spreadsheet would run as a formula
        sys.stdout.write(to_csv_bytes(table).decode("utf-8-sig"))
    elif args.command == "analyze":
        _say(format_table(table))
    else:
        _say(format_summary(table, settings.min_group_size))
    return 0


def _filtered(args, survey):
    """``survey`` filtered by ``--division`` and ``--wave``; a value that matches nothing is an error
    naming the values there are (a filter that silently kept no one would report on nobody)."""
    filters = {name: values for name, values in (("division", args.division), ("wave", args.wave)) if values}
    for name, values in filters.items():
        what = name.replace("_", " ")
        if name not in survey.groupings:
            raise SettingsError(f"--{name}: {Path(args.file).name} has no {what} to filter by.",
                                hint=f"Leave out --{name}, or map a {what} column (see `check`).")
        known = list(survey.codes(name)[1])
        unknown = [value for value in values if value not in known]
        if unknown:
            shown = ", ".join(map(repr, known[:30])) + (f" … and {len(known) - 30} more" if len(known) > 30 else "")
            close = [match for value in unknown for match in difflib.get_close_matches(value, known, n=1, cutoff=0.6)]
            raise SettingsError(
                f"--{name} {' '.join(map(repr, unknown))}: no {what} of that name in {Path(args.file).name}.",
                hint=(f"Did you mean {' '.join(map(repr, close))}? " if close else "")
                + f"The {what}s are: {shown}." + (" Names are matched exactly (case and spaces)."
                                                 if name != "wave" else ""))
    return survey.filter(**filters) if filters else survey


def _metrics(args, survey=None):
    """The unit metrics of ``--metrics``; where they do not cover the survey shown, a note on stderr
    says what is left out (:func:`cxcommit.pay.metrics_coverage`)."""
    metrics = read_unit_metrics(args.metrics) if args.metrics else None
    for note in metrics_coverage(survey, metrics) if survey is not None else ():
        print(f"Note: {note}", file=sys.stderr)
    return metrics


def _analyze(args, survey, settings: Settings):
    survey = _filtered(args, survey)
    metrics = _metrics(args, survey if args.view in ("pay", "relations", "findings") else None)
    by = args.by or []
    one = by[0] if by else default_grouping(survey, "division" if args.view == "pay" else "business_unit")
    view = args.view
    if view == "rates":
        return rates(survey, by or None, items=args.items, settings=settings, p_adjust=args.p_adjust)
    if view == "index":
        return commitment_index(survey, by or None, settings=settings)
    if view == "variation":
        return variation(survey, _needs(one, "variation"), items=args.items, settings=settings, p_adjust=args.p_adjust)
    if view == "gaps":
        gap = {"perception": perception_gap, "target": gap_to_target, "best": gap_to_best}[args.gap]
        return gap(survey, _needs(one, "gaps"), items=args.items, settings=settings)
    if view == "trends":
        return trends(survey, args.by[0] if args.by else None, items=args.items, settings=settings)
    if view == "pay":
        return pay_alignment(survey, metrics, one, settings=settings)
    if view == "relations":
        if metrics is None:
            raise SettingsError("The relations view needs unit metrics.", hint="Add --metrics UNIT_METRICS.csv.")
        return pay_relations(survey, metrics, settings=settings)
    return findings(survey, metrics, by=one, settings=settings)


def _report_target(args) -> Path:
    """``--out`` checked before any work: a .pptx or .html file in a folder that exists."""
    out = Path(args.out)
    if out.suffix.lower() not in (".pptx", ".html", ".htm"):
        raise SettingsError(f"--out {args.out!r}: the report is written as .pptx (a slide deck) or .html.",
                            hint="Name the file deck.pptx or report.html.")
    if out.is_dir():
        raise SettingsError(f"--out {args.out!r} is a folder.", hint="Give a file name, e.g. deck.pptx.")
    folder = out.parent
    if not folder.is_dir():
        raise SettingsError(f"--out {args.out!r}: the folder {str(folder)!r} does not exist.",
                            hint="Create the folder first, or write to one that exists.")
    return out


def _cover(args) -> Cover:
    """The title slide with ``--logo`` (read and checked) and ``--accent``; its details come with the survey."""
    return Cover(args.title, (), _logo(args.logo), args.accent)


def _logo(path: str | None) -> bytes | None:
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise SettingsError(f"--logo {path!r}: there is no such file." if not file.exists()
                            else f"--logo {path!r} is not a file.", hint="Check the path, or leave out --logo.")
    check_logo_size(file.stat().st_size, f"The logo {file.name}")  # before reading it
    try:
        data = file.read_bytes()
    except OSError as error:
        raise SettingsError(f"--logo {path!r} cannot be read: {error.strerror or error}.",
                            hint="Check the file's permissions, or leave out --logo.") from None
    return check_logo(data, f"The logo {file.name}")


def _report(args, survey, settings: Settings, out: Path, cover: Cover) -> int:
    """The deck or HTML report into ``out`` (checked before the export was read, as ``cover``)."""
    survey = _filtered(args, survey)
    metrics = _metrics(args, survey)
    lines = view_lines(survey, settings, Path(args.file).name)
    slides = deck(survey, metrics, settings=settings, caption=" · ".join(lines), presentation=False)
    if args.slides:
        slides = [s for s in slides if s.kind in args.slides]
    if not slides:
        raise MappingError("There is nothing to put on a slide: no analysis has a number to show with these data "
                           "and filters.",
                           hint="The slides need rated questions mapped to items (ideally the 8 signs) and a grouping "
                                "such as division, unit or role; `check` shows what was mapped. Widen the filters "
                                "if they leave too few respondents.")
    if out.suffix.lower() == ".pptx":
        content = write_deck(slides, replace(cover, details=tuple(lines)), min_group_size=settings.min_group_size)
    else:
        from cxcommit.html_report import html_report

        content = html_report(slides, title=args.title, caption=" · ".join(lines)).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as error:
        raise SettingsError(f"--out {args.out!r} cannot be written: {error.strerror or error}.",
                            hint="Choose a file in a folder you can write to, and close the file if it is open "
                                 "in another program.") from None
    print(f"wrote {out} ({len(slides)} slides)")
    return 0


def _needs(by: str | None, view: str) -> str:
    if by is None:
        raise SettingsError(f"The {view} view compares groups, but this survey has no grouping with two or more values.",
                            hint="Map a column such as Department or Region as a grouping, or name one with --by.")
    return by


def _say(text: str, file=None) -> None:
    """Print ``text`` (which may quote names and values from the data) without control characters:
    an escape sequence in a name would otherwise drive the terminal."""
    print(without_controls(text), file=file or sys.stdout)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except CxcommitError as error:
        _say(describe_error(error), file=sys.stderr)
        return 1
    except MemoryError:
        _say(describe_error(OutOfMemoryError.during(f"running {args.command}")), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.
        return 0
    except KeyboardInterrupt:  # Ctrl+C: stopped by the user, nothing to report
        print("Stopped.", file=sys.stderr)
        return 130
