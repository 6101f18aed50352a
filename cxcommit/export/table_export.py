"""The tables behind the charts, as files a spreadsheet opens: CSV and XLSX.

Exported text is made safe to open: a cell that a spreadsheet program would run as a formula
(text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, also after leading
white space) gets a leading apostrophe, as the OWASP guidance on CSV injection advises
(https://owasp.org/www-community/attacks/CSV_Injection). Numbers stay numbers. Control
characters, which no spreadsheet file can hold, are removed from the text written.

Privacy: the tables come from the library, which computes them from publishable data only
(:mod:`cxcommit.privacy.publish`: every cell holds no answers or at least the minimum). The writers add nothing back: a row marked ``suppressed`` leaves with
its ``suppressed``/``suppression`` cells and no number at all.
"""
from __future__ import annotations

import csv
import io
import math
import numbers
import re
from datetime import date, datetime

import numpy as np
import pandas as pd

from cxcommit.text import without_controls
from cxcommit.vocabulary import SHARE_COLUMNS

__all__ = ["FORMULA_STARTS", "hide_suppressed", "safe_cells", "sheet_names", "to_csv_bytes", "to_xlsx_bytes"]

# Text starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Columns holding a share (0–1) or a difference of shares: shown as percentages in the XLSX, kept as numbers.
_SHARE_COLUMNS = SHARE_COLUMNS | {"fully_committed", "sign_7"}
_INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_SHEET_NAME_LENGTH = 31
_WIDTH = (8, 60)  # narrowest and widest column, in characters


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` in which no text cell would run as a formula in a spreadsheet.

    Text (cells, categories, column names and index labels) starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return, or with one of them after white space (`` =1+1``,
    ``"\\n@x"``), gets a leading apostrophe ``'``. Numbers, booleans and
    nulls are left as they are, so a negative number stays a number; other text is unchanged.
    ``frame`` itself is not changed.

    >>> frame = pd.DataFrame({"=x": ["=1+1", "-2+3", "Retail", None], "diff": [-0.25, 0.5, None, 1]})
    >>> safe_cells(frame).to_dict("list")
    {"'=x": ["'=1+1", "'-2+3", 'Retail', nan], 'diff': [-0.25, 0.5, nan, 1.0]}
    """
    result = frame.copy()
    result.columns = _safe_labels(frame.columns)
    result.index = _safe_labels(frame.index)
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = list(column.cat.categories)
            safe = [_safe_value(c) for c in categories]
            if safe == categories:
                continue
            if len(set(safe)) == len(safe):
                result.isetitem(position, column.cat.rename_categories(safe))
            else:  # two categories would read the same once neutralised: plain text then
                result.isetitem(position, column.astype(object).map(_safe_value, na_action="ignore"))
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            values = column.to_numpy(dtype=object, copy=True)
            risky = np.fromiter((_runs_as_formula(v) for v in values), bool, len(values))
            if risky.any():
                values[risky] = ["'" + v for v in values[risky]]
                result.isetitem(position, pd.Series(values, index=result.index, dtype=column.dtype))
    return result


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV: UTF-8 with a byte-order mark (so Excel reads accents right), ``\\n``
    line ends, a header row, no index.

    Cells go through :func:`safe_cells`, control characters removed; the numbers of a row marked
    ``suppressed`` are left empty, as are nulls. Numbers are written in full (Python's shortest
    round-trip form), booleans as ``True``/``False``. A field holding a line break, a carriage
    return, a comma or a quote is quoted.

    >>> to_csv_bytes(pd.DataFrame({"group": ["Café", "=cmd"], "p": [0.5, None]}))
    b"\\xef\\xbb\\xbfgroup,p\\nCaf\\xc3\\xa9,0.5\\n'=cmd,\\n"
    """
    table = safe_cells(hide_suppressed(frame))
    rows = _Rows()
    # A record terminator of "\r\n" makes the csv module quote every field holding "\r" or "\n";
    # each record's terminator is then written as "\n".
    writer = csv.writer(rows, lineterminator="\r\n")
    writer.writerow([_text(_label_text(name)) for name in table.columns])
    columns = [_csv_texts(table.iloc[:, position]) for position in range(table.shape[1])]
    writer.writerows(zip(*columns))
    return "".join(rows).encode("utf-8-sig")


def to_xlsx_bytes(tables: dict[str, pd.DataFrame], notes: tuple[str, ...] = ()) -> bytes:
    """An Excel workbook with one sheet per table, in order; first, given ``notes`` (what the tables
    reflect: :func:`cxcommit.story.report_text.workbook_notes`), a sheet "Notes" with one a row.

    Sheet names are the keys made valid for Excel: at most 31 characters, none of ``[]:*?/\\``,
    not starting or ending with an apostrophe, unique (ignoring case; a repeat gets `` (2)``).
    Each sheet has a bold header row, frozen, and columns about as wide as their content.
    Cells go through :func:`safe_cells`; the numbers of a row marked ``suppressed`` are left
    empty. Text is stored as text (never as a formula); numbers as numbers, shares with a
    percentage format (the value stays 0.42, shown as 42.0%); nulls as empty cells. Characters
    that XML cannot hold (control characters other than tab, line feed, carriage return) are
    replaced by U+FFFD. Without any table, the workbook has one sheet saying so.

    >>> import openpyxl
    >>> book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Rates: by unit?": pd.DataFrame({"p": [0.42]})})))
    >>> book.sheetnames, book.active["A2"].value, book.active["A2"].number_format
    (['Rates_ by unit_'], 0.42, '0.0%')
    """
    from openpyxl import Workbook  # here: a workbook is rarely asked for, and openpyxl is slow to import

    book = Workbook()
    book.remove(book.active)
    names = sheet_names(["Notes", *tables] if notes else list(tables))
    if notes:
        _write_sheet(book.create_sheet(names.pop(0)), safe_cells(pd.DataFrame({"Notes": list(notes)})))
    for name, frame in zip(names, tables.values()):
        _write_sheet(book.create_sheet(name), safe_cells(hide_suppressed(frame)))
    if not tables:
        sheet = book.create_sheet("No tables")
        sheet["A1"] = "No tables to export."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_names(keys: list[str]) -> list[str]:
    """Valid, unique Excel sheet names for ``keys``, in order.

    >>> sheet_names(["Signs by division", "Gap: target [%]", "signs by DIVISION", "History"])
    ['Signs by division', 'Gap_ target _%_', 'signs by DIVISION (2)', 'History (table)']
    >>> sheet_names(["Commitment over waves by business unit"] * 2)
    ['Commitment over waves by busine', 'Commitment over waves by bu (2)']
    """
    used: set[str] = set()
    names = []
    for key in keys:
        base = _INVALID_SHEET_CHARACTERS.sub("_", str(key)).strip().strip("'")
        if base.lower() == "history":  # reserved by Excel
            base += " (table)"
        base = base[:_SHEET_NAME_LENGTH].rstrip("' ") or "Table"
        name, count = base, 1
        while name.lower() in used:
            count += 1
            suffix = f" ({count})"
            name = base[:_SHEET_NAME_LENGTH - len(suffix)].rstrip("' ") + suffix
        used.add(name.lower())
        names.append(name)
    return names


# --- helpers -------------------------------------------------------------------------------------------------

def _runs_as_formula(value) -> bool:
    """Whether ``value`` is text a spreadsheet could run as a formula: starting with one of
    :data:`FORMULA_STARTS`, or with one of them after white space (some programs trim it)."""
    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value.lstrip().startswith(FORMULA_STARTS))


def _safe_value(value):
    """``value`` with an apostrophe in front if it is text that would run as a formula."""
    return "'" + value if _runs_as_formula(value) else value


def _text(value: str) -> str:
    """Text as written to a file: control characters removed, then neutralised (removing them may
    bring a formula start to the front)."""
    return _safe_value(without_controls(value))


def _safe_labels(index: pd.Index) -> pd.Index:
    """Column names or index labels, neutralised like cells (the same object when none needs it)."""
    if isinstance(index, pd.MultiIndex):
        if not any(_runs_as_formula(v) for label in index for v in label):
            return index
        return pd.MultiIndex.from_tuples([tuple(_safe_value(v) for v in label) for label in index], names=index.names)
    if not any(_runs_as_formula(v) for v in index):
        return index
    return pd.Index([_safe_value(v) for v in index], name=index.name)


def _label_text(name) -> str:
    """A column name as header text (levels of a multi-level name joined with " / ")."""
    return " / ".join(map(str, name)) if isinstance(name, tuple) else str(name)


def hide_suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every number of a row marked ``suppressed`` (null: suppressed) emptied.

    Integer columns become nullable (``Int64``) where that happens; nothing changes otherwise."""
    if "suppressed" not in frame.columns:
        return frame
    hidden = frame["suppressed"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    if not hidden.any():
        return frame
    result = frame
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if name == "suppressed" or pd.api.types.is_bool_dtype(column.dtype):
            continue
        if pd.api.types.is_numeric_dtype(column.dtype):
            if not column[hidden].notna().any():
                continue
            if pd.api.types.is_integer_dtype(column.dtype):
                column = column.astype("Int64")
            emptied = column.mask(hidden)
        elif column.dtype == object:
            values = column.to_numpy(dtype=object, copy=True)
            numeric = np.fromiter((_is_number(v) for v in values), bool, len(values)) & hidden
            if not numeric.any():
                continue
            values[numeric] = None
            emptied = pd.Series(values, index=frame.index, dtype=object)
        else:
            continue
        if result is frame:
            result = frame.copy()
        result.isetitem(position, emptied)
    return result


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))


def _is_null(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


class _Rows(list):
    """A file for :func:`csv.writer` that keeps each record, its ``\\r\\n`` ending written as ``\\n``."""

    def write(self, text: str) -> None:
        self.append(text[:-2] + "\n")


def _csv_texts(column: pd.Series) -> list[str]:
    """A column's cells as CSV text: empty for a null, numbers in full, other values as text."""
    texts = []
    for value in column.to_numpy(dtype=object):
        if _is_null(value):
            texts.append("")
        elif isinstance(value, str):
            texts.append(_text(value))
        elif isinstance(value, (bool, np.bool_)):
            texts.append(str(bool(value)))
        elif isinstance(value, numbers.Integral):
            texts.append(str(int(value)))
        elif isinstance(value, numbers.Real):
            texts.append(repr(float(value)))
        else:  # dates and anything else: as text, made safe again
            texts.append(_text(str(value)))
    return texts


def _xlsx_value(value):
    """A cell's value as openpyxl should store it: None, bool, int, float, datetime or text."""
    if _is_null(value):
        return None
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None  # XLSX holds no infinity
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (datetime, date)) and getattr(value, "tzinfo", None) is None:
        return value
    return _text(str(value))


def _write_sheet(sheet, table: pd.DataFrame) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    shares = set(_SHARE_COLUMNS) | ({"ci_low", "ci_high"} if {"p", "gap"} & set(table.columns) else set())
    for col, name in enumerate(table.columns, start=1):
        header = _xlsx_value(_label_text(name))
        cell = sheet.cell(row=1, column=col, value=header)
        cell.data_type, cell.font = "s", bold
        width = _text_width(header)
        share = name in shares
        for row, value in enumerate(table.iloc[:, col - 1].to_numpy(dtype=object), start=2):
            value = _xlsx_value(value)
            if value is None:
                continue
            cell = sheet.cell(row=row, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula or an error code
                width = max(width, _text_width(value))
            elif isinstance(value, float) and share:
                cell.number_format = "0.0%"
                width = max(width, len(f"{value:.1%}"))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                width = max(width, len(f"{value:.6g}"))
            else:
                width = max(width, len(str(value)))
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, _WIDTH[0]), _WIDTH[1])
    sheet.freeze_panes = "A2"


def _text_width(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)

