"""Reading an Excel .xlsx workbook: opening it without reading any worksheet, checking what it
unpacks to, choosing the first sheet with data and reading its layout."""
from __future__ import annotations

import zipfile

import pyarrow as pa

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.csv_parse import Cancelled
from cxcommit.io.formats import detect_format, read_layout
from cxcommit.io.limits import ReadLimits, size_text, too_large
from cxcommit.io.raw_table import RawTable, finish
from cxcommit.io.read_checks import Job, check_names, check_size, check_table
from cxcommit.io.worksheets import Book, open_book, sheet_table


def read_xlsx(archive: zipfile.ZipFile, name: str, fmt: str, sheet: str | None, job: Job) -> RawTable:
    """The named sheet of a workbook, or its first sheet with data, read as a raw table."""
    _check_parts(archive, name, job.limits)
    try:
        book = open_book(archive.fp, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise FileReadError(f"{name} could not be opened as an Excel workbook ({type(exc).__name__}).",
                            hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
    names = list(book.sheets)
    if sheet is not None and sheet not in names:
        raise FileReadError(f"{name} has no sheet {sheet!r}.", hint=f"Its sheets are: {', '.join(names)}.")
    table, chosen, formulas = _first_sheet_with_data(book, names, sheet, name, job)
    if table is None:
        raise FileReadError(f"{name} has no data in {'sheet ' + repr(sheet) if sheet else 'any sheet'}.",
                            hint="Check that the responses were exported into the workbook.")
    notes, problems = [], []
    if len(names) > 1:
        others = ", ".join(repr(n) for n in names if n != chosen)
        problems.append(Problem(
            f"the workbook has {len(names)} sheets; read {chosen!r}, not {others}. "
            "To read another sheet, choose it by name (--sheet)", severity="warning"))
    problems += formulas
    width = table.num_columns
    records = [["" if c is None else c for c in row.values()] for row in table.slice(0, 4).to_pylist()]
    detected = detect_format(records) if fmt == "auto" else fmt
    layout = read_layout(records, detected)
    check_names(name, layout, job.limits)
    body = table.slice(layout.header_rows)
    check_table(name, body.num_rows, width, job.limits)
    result = finish(body, layout, name, detected, header_rows=layout.header_rows, notes=notes)
    result.sheet = chosen
    result.problems[:0] = problems
    return result


def _first_sheet_with_data(book: Book, names: list[str], sheet: str | None, name: str,
                           job: Job) -> tuple[pa.Table | None, str | None, list[Problem]]:
    """The named sheet, or else the first that holds data: its table (None if none does), its name
    and the problems of its formulas. The workbook is closed afterwards."""
    table, chosen, formulas = None, sheet, []
    try:
        for sheet_name in ([sheet] if sheet else names):
            table, formulas = sheet_table(book, sheet_name, name, job)
            if table is not None:
                chosen = sheet_name
                break
    except (FileReadError, Cancelled):
        raise
    except Exception as exc:  # a damaged worksheet: openpyxl raises many types
        raise FileReadError(f"{name} could not be read as an Excel workbook ({type(exc).__name__}: {exc}).",
                            hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
    finally:
        book.archive.close()
    return table, chosen, formulas


def _check_parts(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """What a workbook unpacks to, checked before anything is unpacked: its worksheets (read as a
    stream, one after another until one holds data) within ``max_memory_bytes`` together, and the parts read
    whole into memory (shared strings, styles and the rest, each held as Python objects several times
    their size) within an eighth of it together."""
    whole, sheets = 0, 0
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            check_size(f"{name}: its worksheet {info.filename.rsplit('/', 1)[1]}", info.file_size, limits,
                       "unpacks to", "max_memory_bytes")
            sheets += info.file_size
        else:
            whole += info.file_size
    if sheets > limits.max_memory_bytes:
        raise too_large(name, f"has worksheets that unpack to {size_text(sheets)} together", "max_memory_bytes", limits,
                        "Save the sheet with the responses alone as a workbook or as CSV (UTF-8), then read that.")
    if whole * 8 > limits.max_memory_bytes:
        raise too_large(name, f"has parts besides its worksheets (shared strings, styles) that unpack to "
                        f"{size_text(whole)}, over an eighth of the limit for a file", "max_memory_bytes", limits,
                        "Open it in Excel and save it as CSV (UTF-8), then read that.")
