"""The one exception hierarchy of cxcommit.

Every problem a user can cause is raised as a :class:`CxcommitError`: the file or the mapping
is wrong (:class:`FileReadError`, :class:`DataValidationError`, :class:`MappingError`), a setting is
invalid (:class:`SettingsError`), or an analysis does not apply to these data
(:class:`NotApplicable`: not a failure, a slide or table is left out). The CLI and the dashboard each turn it into a message in exactly one
place; any other exception is a bug and stays loud.

An error carries every problem found at once as a table with the columns
``row, column, problem, value, severity`` (``row`` is the row number a spreadsheet shows for
the file, header rows included; empty where a problem is not about one row).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PROBLEM_COLUMNS = ["row", "column", "problem", "value", "severity"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it is, and the value seen."""

    problem: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # "error" stops the import, "warning" is reported and the data kept


def problems_frame(problems: list[Problem] | tuple[Problem, ...]) -> pd.DataFrame:
    """Problems as a table with the columns ``row, column, problem, value, severity``."""
    import pandas as pd  # when a table is asked for: raising an error (and the CLI's --help) loads no pandas

    rows = [
        {"row": p.row, "column": p.column, "problem": p.problem, "value": p.value, "severity": p.severity}
        for p in problems
    ]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


def problem_sentence(problem: Problem) -> str:
    """One problem in a sentence: where it is (row, column), what it is, and the value seen — for a
    problem about the whole file (no row), which a table would show with an empty row and cut short.

    >>> problem_sentence(Problem("all 25 responses are test responses", column="Status", value="survey test"))
    "column 'Status': all 25 responses are test responses (value: survey test)"
    >>> problem_sentence(Problem("not a date", row=7))
    'row 7: not a date'
    """
    where = ", ".join(part for part in (f"row {problem.row}" if problem.row is not None else "",
                                        f"column {problem.column!r}" if problem.column else "") if part)
    value = f" (value: {problem.value})" if problem.value else ""
    return f"{where + ': ' if where else ''}{problem.problem}{value}"


class CxcommitError(Exception):
    """A problem with the user's input: says what is wrong, where, and what to do.

    ``message`` is one or two plain sentences, ``hint`` what to do about it, ``problems``
    every individual finding (may be empty).
    """

    def __init__(self, message: str, *, hint: str = "", problems: tuple[Problem, ...] | list[Problem] = ()):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems = tuple(problems)

    @property
    def problem_table(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class FileReadError(CxcommitError):
    """The file cannot be read as a table: empty, binary, undecodable, no data rows, ..."""


class DataValidationError(CxcommitError):
    """The table was read but its content breaks rules that make analysis impossible."""


class MappingError(CxcommitError):
    """A mapping file or a mapping choice is invalid (unknown column, item, scale, label, ...)."""


class NotApplicable(CxcommitError):
    """An analysis does not apply to these data (the perception gap without a role grouping, the
    commitment index without the 8 signs): nothing is wrong with the input, there is just no such
    number to show. The deck and the workbook leave the slide or table out; a page says it as a note."""


class SettingsError(CxcommitError):
    """A setting or an argument has a value outside what is allowed."""


class WorkspaceError(CxcommitError):
    """The workspace cannot do what was asked: its database cannot be reached or opened, a survey or
    wave named does not exist or already does, or another person changed it at the same moment.
    Nothing stored was changed."""


class ImagesUnavailableError(CxcommitError):
    """Chart images cannot be drawn here: kaleido or a Chrome/Chromium browser is missing or
    does not start. ``hint`` says how to enable them. Interactive charts are unaffected."""


class FileTooLargeError(FileReadError):
    """The file is over one of the read limits (:class:`cxcommit.io.limits.ReadLimits`): the message names
    the limit and the file's figure, the hint what to do (a smaller export, or a higher limit)."""


class OutOfMemoryError(CxcommitError):
    """The machine ran out of memory during a piece of work (after a file was read within its limits:
    an import, an analysis, a download). Nothing loaded was changed."""

    @classmethod
    def during(cls, what: str = "") -> "OutOfMemoryError":
        doing = f" while {what}" if what else ""
        return cls(f"This machine ran out of memory{doing}. Nothing you loaded was changed.",
                   hint="Try again when the machine is less busy, filter to fewer respondents, or use a smaller "
                        "export (fewer rows or columns). On a shared server, lower the read limits (for example "
                        "CXCOMMIT_MAX_CELLS) so that such files are refused before they are read.")


class ChartImageError(CxcommitError):
    """One chart could not be drawn as an image although images work here (plotly.js refused the
    figure, e.g. for a character in a label it cannot draw). Interactive charts are unaffected."""
