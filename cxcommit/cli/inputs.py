"""What the commands share: the settings given, the export read once, the filters ``--division``
and ``--wave``, and the unit metrics of ``--metrics``."""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

from cxcommit.analyses.pay import metrics_coverage
from cxcommit.errors import SettingsError
from cxcommit.io.readers import RawTable, read_raw
from cxcommit.io.unit_metrics import UnitMetrics, read_unit_metrics
from cxcommit.mapping.mapping_file import load_mapping
from cxcommit.mapping.schema import Mapping
from cxcommit.model.survey import Survey
from cxcommit.privacy.load import published_survey
from cxcommit.privacy.publish import publish
from cxcommit.privacy.view import view
from cxcommit.settings import MAX_MIN_DIFFERENCE_POINTS, Settings
from cxcommit.vocabulary import grouping_text


def settings_from(args) -> Settings:
    """The settings the command line gives; ``--min-difference`` is in percentage points (5: 0.05)."""
    return Settings(
        min_group_size=args.min_group_size,
        confidence=getattr(args, "confidence", Settings.confidence),
        ci_method=getattr(args, "ci_method", Settings.ci_method),
        min_difference=min_difference(getattr(args, "min_difference", None)),
        dont_know=getattr(args, "dont_know", Settings.dont_know),
        test_responses="keep" if args.keep_test_responses else "auto",
        drop_personal_data=not args.keep_personal_data,
    )


def min_difference(points: float | None) -> float:
    """``--min-difference`` (percentage points, 0 to 50) as the fraction :class:`Settings` holds; a
    value under 1 is taken as points too (0.05 is a twentieth of a point), and a note on stderr says so.

    >>> min_difference(5)
    0.05
    """
    if points is None:
        return Settings.min_difference
    if not 0 <= points <= MAX_MIN_DIFFERENCE_POINTS:  # NaN fails too
        raise SettingsError(f"--min-difference {points:g}: the smallest difference that matters is given in "
                            f"percentage points, from 0 to {MAX_MIN_DIFFERENCE_POINTS}.",
                            hint="E.g. --min-difference 5 for 5 points (the default); 0 calls every difference "
                                 "that holds after adjustment significant.")
    if 0 < points < 1:
        print(f"Note: --min-difference is in percentage points: {points:g} means {points:g} points, not "
              f"{points * 100:g}.", file=sys.stderr)
    return points / 100


def source_name(args) -> str:
    """What the command works on, as a message names it: the file's name or the stored survey's."""
    return f"the survey {args.survey!r}" if getattr(args, "survey", None) else Path(args.file).name


def survey_from(args, settings: Settings) -> Survey:
    """The published survey the command works on: the export named (read, mapped, imported) or, with
    ``--survey``, the survey stored in the workspace with every wave (``args.stored``:
    :class:`cxcommit.cli.stored.Stored`)."""
    if getattr(args, "survey", None):
        if args.file:
            raise SettingsError(f"Both a file ({Path(args.file).name}) and --survey {args.survey!r} are given.",
                                hint="Name either an export or a stored survey.")
        return publish(args.stored.survey(), settings.min_group_size)
    if not args.file:
        raise SettingsError("No export is named.", hint="Give the export's file, or --survey NAME for a survey stored "
                                                        "in the workspace (`python -m cxcommit workspace list`).")
    return published_survey(*read(args, settings), settings)


def read(args, settings: Settings) -> tuple[RawTable, Mapping | None]:
    """The export, read once, and the mapping given on the command line (if any)."""
    mapping = load_mapping(args.mapping) if args.mapping else None
    fmt = args.input_format or (mapping.format if mapping else "auto")
    return read_export(args, fmt, lean=settings.drop_personal_data), mapping


def read_export(args, fmt: str, lean: bool = True) -> RawTable:
    """The export; ``--sheet`` given for a file that is no workbook is an error, not ignored."""
    raw = read_raw(args.file, fmt=fmt, sheet=args.sheet, lean=lean)
    if args.sheet and raw.sheet is None:
        raise SettingsError(f"--sheet {args.sheet!r}: {raw.source} is not an Excel workbook, so it has no sheets.",
                            hint="Leave out --sheet for a CSV or text file.")
    return raw


def filtered(args, survey: Survey) -> Survey:
    """``survey`` filtered by ``--division`` and ``--wave``; a value that matches nothing is an error
    naming the values there are (a filter that silently kept no one would report on nobody)."""
    filters = {name: values for name, values in (("division", args.division), ("wave", args.wave)) if values}
    for name, values in filters.items():
        what = grouping_text(name)
        if name not in survey.groupings:
            raise SettingsError(f"--{name}: {source_name(args)} has no {what} to filter by.",
                                hint=f"Leave out --{name}, or map a {what} column (see `check`).")
        known = list(survey.codes(name)[1])
        unknown = [value for value in values if value not in known]
        if unknown:
            shown = ", ".join(map(repr, known[:30])) + (f" … and {len(known) - 30} more" if len(known) > 30 else "")
            close = [match for value in unknown for match in difflib.get_close_matches(value, known, n=1, cutoff=0.6)]
            raise SettingsError(
                f"--{name} {' '.join(map(repr, unknown))}: no {what} of that name in {source_name(args)}.",
                hint=(f"Did you mean {' '.join(map(repr, close))}? " if close else "")
                + f"The {what}s are: {shown}." + (" Names are matched exactly (case and spaces)."
                                                 if name != "wave" else ""))
    return view(survey, **filters)


def metrics(args, survey: Survey | None = None) -> UnitMetrics | None:
    """The unit metrics of ``--metrics``; where they do not cover the survey shown, a note on stderr
    says what is left out (:func:`cxcommit.analyses.pay.metrics_coverage`)."""
    metrics = read_unit_metrics(args.metrics) if args.metrics else None
    if metrics is None and getattr(args, "survey", None):  # those kept with the stored survey
        metrics = args.stored.metrics()
    for note in metrics_coverage(survey, metrics) if survey is not None else ():
        print(f"Note: {note}", file=sys.stderr)
    return metrics
