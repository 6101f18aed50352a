"""Command line: ``python -m cxcommit check | summary | analyze | report | workspace … | mapping suggest | demo``.

Errors in the user's input are printed as a message with what to do (exit 1), never a traceback;
arguments argparse itself refuses (an unknown choice) exit 2 with its usage line.

Each command's modules are imported when it runs, not before: the parser alone is light, so that
``--help`` and argparse's refusals answer at once (importing the analyses, the charts and the
exports takes about a second), and ``demo`` or ``check`` load no chart.
"""
from __future__ import annotations

import sys

from cxcommit.cli.output import say
from cxcommit.cli.parser import build_parser
from cxcommit.errors import CxcommitError, OutOfMemoryError


def run(args) -> int:
    """Run the command ``args`` names, its modules imported now (see the module)."""
    if getattr(args, "survey", None) and args.command in ("summary", "analyze", "report"):
        from cxcommit.cli.stored import Stored  # only for a stored survey: the database's modules

        args.stored = Stored(args.survey)
    if args.command == "demo":
        from cxcommit.cli.demo import demo  # per command: see the module

        return demo(args)
    if args.command == "mapping":
        from cxcommit.cli.check import suggest  # per command

        return suggest(args)
    if args.command == "check":
        from cxcommit.cli.check import check  # per command

        return check(args)
    if args.command == "workspace":
        from cxcommit.cli.workspace import workspace  # per command

        return workspace(args)
    if args.command == "report":
        from cxcommit.cli.report import report  # per command

        return report(args)
    if args.command == "analyze":
        from cxcommit.cli.views import analyze  # per command

        return analyze(args)
    from cxcommit.cli.tables import summary  # per command

    return summary(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from cxcommit.io.allocator import use_system_allocator  # after parsing: it loads Arrow

    use_system_allocator()  # process-wide, so set by the entry point (see cxcommit.io.allocator)
    try:
        return run(args)
    except CxcommitError as error:
        from cxcommit.story.report_text import describe_error  # only when there is an error to describe

        say(describe_error(error), file=sys.stderr)
        return 1
    except MemoryError:
        from cxcommit.story.report_text import describe_error  # as above

        say(describe_error(OutOfMemoryError.during(f"running {args.command}")), file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.
        return 0
    except KeyboardInterrupt:  # Ctrl+C: stopped by the user, nothing to report
        print("Stopped.", file=sys.stderr)
        return 130
