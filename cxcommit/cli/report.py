"""``report``: the slide deck (.pptx, native charts) or the one-file HTML report for the filters given.

The output's arguments (``--out``, ``--logo``, ``--accent``) are checked before the export is read.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cxcommit.charts.theme import QUALITATIVE
from cxcommit.cli.inputs import filtered, metrics, settings_from, survey_from
from cxcommit.errors import NotApplicable, SettingsError
from cxcommit.export.html_report import html_report
from cxcommit.export.pptx_cover import Cover, check_logo, check_logo_size
from cxcommit.export.pptx_deck import write_deck
from cxcommit.model.survey import Survey
from cxcommit.settings import Settings
from cxcommit.story.report_text import view_lines
from cxcommit.story.slides import deck, deck_title


def report(args) -> int:
    """Write the deck or the HTML report of ``--out``."""
    settings = settings_from(args)
    out, cover = _report_target(args), _cover(args)  # the arguments of the output, checked before any work
    survey = survey_from(args, settings)
    return _write_report(args, survey, settings, out, cover)


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
    accent = QUALITATIVE[0] if args.accent is None else args.accent  # the charts' first colour by default
    return Cover(args.title or "", (), _logo(args.logo), accent)  # no --title: the survey's (deck_title)


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


def _write_report(args, survey: Survey, settings: Settings, out: Path, cover: Cover) -> int:
    """The deck or HTML report into ``out`` (checked before the export was read, as ``cover``)."""
    survey = filtered(args, survey)
    unit_metrics = metrics(args, survey)
    lines = view_lines(survey, settings, args.survey or Path(args.file).name)
    slides = deck(survey, unit_metrics, settings=settings, caption=" · ".join(lines), presentation=False)
    if args.slides:
        slides = [s for s in slides if s.kind in args.slides]
    if not slides:
        raise NotApplicable("There is nothing to put on a slide: no analysis has a number to show with these data "
                           "and filters.",
                           hint="The slides need rated questions mapped to items (ideally the 8 signs) and a grouping "
                                "such as division, unit or role; `check` shows what was mapped. Widen the filters "
                                "if they leave too few respondents.")
    title = args.title or deck_title(survey)
    if out.suffix.lower() == ".pptx":
        content = write_deck(slides, replace(cover, title=title, details=tuple(lines)),
                             min_group_size=settings.min_group_size)
    else:
        content = html_report(slides, title=title, caption=" · ".join(lines)).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as error:
        raise SettingsError(f"--out {args.out!r} cannot be written: {error.strerror or error}.",
                            hint="Choose a file in a folder you can write to, and close the file if it is open "
                                 "in another program.") from None
    if args.survey:  # a stored survey's exports are in the workspace's audit log
        args.stored.exported(f"{out.name} ({len(slides)} slides; " + "; ".join(lines[1:3]) + ")")
    cover_too = out.suffix.lower() == ".pptx"  # a deck opens with its cover; the HTML report with a header
    print(f"wrote {out} ({len(slides) + cover_too} slides{', the cover included' if cover_too else ''})")
    return 0
