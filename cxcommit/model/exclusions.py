"""What the import left out, in words: the rows an export lost to exclusions (test and preview
responses, duplicate respondent ids, rows without a wave, malformed rows) and whether what is left
is too few respondents to show anything about (the minimum group size)."""
from __future__ import annotations

from cxcommit.model.survey import ImportReport


def is_test_exclusion(reason: str) -> bool:
    """Whether an exclusion reason (a key of :attr:`ImportReport.excluded`) is the survey tool's
    test, preview or spam responses, which the ``test_responses`` setting can keep."""
    return reason.startswith("Qualtrics ")


def exclusions_text(excluded: dict[str, int]) -> str:
    """The exclusions of an import as one phrase, largest first (empty when none).

    >>> exclusions_text({"duplicate respondent id in the same wave (first kept)": 2,
    ...                  "Qualtrics preview/test/spam response (Status 1)": 60})
    '60 × Qualtrics preview/test/spam response (Status 1); 2 × duplicate respondent id in the same wave (first kept)'
    """
    ranked = sorted(excluded.items(), key=lambda pair: -pair[1])
    return "; ".join(f"{count:,} × {reason}" for reason, count in ranked if count)


def too_few_text(report: ImportReport, size: int, minimum: int) -> str | None:
    """Why an import leaves too few respondents to show anything, naming the exclusions that caused
    it; None when ``size`` (the respondents kept) reaches ``minimum`` (the minimum group size). The
    number kept is never given below the minimum: it says "fewer than N".

    >>> from cxcommit.model.survey import ImportReport
    >>> report = ImportReport("dummy.csv", "qualtrics", None, None, None, 3, 61, 1,
    ...                       excluded={"Qualtrics preview/test/spam response (Status 1)": 60})
    >>> too_few_text(report, 1, 5)
    'Of the 61 rows in dummy.csv, fewer than 5 respondents are left after the import excluded 60 × Qualtrics preview/test/spam response (Status 1).'
    >>> too_few_text(report, 7, 5) is None
    True
    """
    if size >= minimum:
        return None
    causes = exclusions_text(report.excluded)
    rows = f"Of the {report.rows_in_file:,} rows in {report.source}, fewer than {minimum} respondents are left"
    return rows + (f" after the import excluded {causes}." if causes else ": the export holds too few responses.")


def keeps_tests_hint(report: ImportReport) -> bool:
    """Whether keeping test responses (``test_responses=keep``) would bring rows back."""
    return any(is_test_exclusion(reason) for reason, count in report.excluded.items() if count)
