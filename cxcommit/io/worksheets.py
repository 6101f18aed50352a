"""A worksheet's cells, streamed from its XML with expat and turned into text columns a batch of
rows at a time, each cell checked against the limits as it is read."""
from __future__ import annotations

import xml.parsers.expat
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import pyarrow as pa

from cxcommit.errors import FileReadError, Problem
from cxcommit.io.limits import ReadLimits, size_text, too_large
from cxcommit.io.read_checks import SHOWN, SMALLER, Job


def cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


@dataclass(frozen=True)
class Book:
    """What reading a workbook's cells needs: its archive, its worksheets' XML files by sheet name,
    its shared strings and how it stores dates."""

    archive: zipfile.ZipFile
    sheets: dict
    shared_strings: list
    epoch: object
    date_formats: set
    timedelta_formats: set


def open_book(source, data_only: bool = True) -> Book:
    """A workbook opened as ``openpyxl.load_workbook(read_only=True)`` does, without reading any
    worksheet: openpyxl's read-only sheets parse their XML on opening for the size they claim, the
    whole sheet where it claims none (9 s of a 100,000-row sheet read twice)."""
    from openpyxl.reader.excel import ExcelReader  # imported here: only Excel uploads pay for it
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(source, read_only=True, data_only=data_only)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    sheets = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()
              if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
    return Book(reader.archive, sheets, reader.shared_strings, reader.wb.epoch, reader.wb._date_formats,
                 reader.wb._timedelta_formats)


_ROWS_PER_BATCH = 20_000
EXCEL_CELL_CHARS = 32_767  # the most text Excel puts in one cell
_CELL_PARTS = 10_000  # elements inside one cell (rich-text runs): more is no spreadsheet's
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TAGS = {_MAIN + tag: tag for tag in ("row", "c", "v", "f", "is", "t", "rPh")}


class _SheetReader:
    """The cells of a worksheet, read with expat as its XML streams in: no element tree is built, so
    memory holds one batch of rows whatever the worksheet holds. Values are typed as openpyxl types
    them (shared and inline strings, numbers, dates by the cell's style, booleans, errors); formulas
    are noted with whether they have a saved result."""

    def __init__(self, book: Book, sheet_name: str, name: str, limits: ReadLimits):
        self.book, self.sheet_name, self.name, self.limits = book, sheet_name, name, limits
        self.rows: list[tuple[int, dict, list]] = []
        self.number, self.column, self.cells, self.formulas = 0, 0, {}, []
        self.cell: dict | None = None
        self.text: list[str] | None = None
        self.inline: list[str] = []
        self.in_phonetic = False
        self.parts = 0
        self.text_bytes = 0  # of the cells' text read so far
        self.shared_formulas: dict = {}
        self.columns: dict[str, int] = {}  # column letters -> number, as met
        self.expat = xml.parsers.expat.ParserCreate(namespace_separator="}")
        self.expat.buffer_text = True
        self.expat.StartElementHandler = self.start
        self.expat.EndElementHandler = self.end
        self.expat.CharacterDataHandler = self.characters

    def start(self, tag: str, attrs: dict) -> None:
        tag = _TAGS.get(tag, tag)
        if self.cell is not None:
            self.parts += 1
            if self.parts > _CELL_PARTS:
                raise FileReadError(f"{self.name} has a cell (row {self.number:,} of sheet {self.sheet_name!r}) made "
                                    f"of more than {_CELL_PARTS:,} parts, which no spreadsheet program writes.",
                                    hint="Open it in Excel and save it as CSV (UTF-8), then read that.")
            if tag in ("v", "f") or (tag == "t" and not self.in_phonetic):
                self.text = []
                if tag == "f":
                    self.cell["f"] = attrs
            elif tag == "rPh":
                self.in_phonetic = True
        elif tag == "c":
            self.cell, self.parts, self.inline = {"r": attrs.get("r"), "t": attrs.get("t", "n"),
                                                  "s": attrs.get("s")}, 0, []
        elif tag == "row":
            declared = attrs.get("r")
            self.number = int(float(declared)) if declared else self.number + 1
            self.column, self.cells, self.formulas = 0, {}, []

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, tag: str) -> None:
        tag = _TAGS.get(tag, tag)
        if tag in ("v", "f", "t") and self.text is not None:
            text, self.text = "".join(self.text), None
            if tag == "t":
                self.inline.append(text)
            else:
                self.cell[tag + "_text"] = text
        elif tag == "rPh":
            self.in_phonetic = False
        elif tag == "c" and self.cell is not None:
            self._end_cell(self.cell)
            self.cell = None
        elif tag == "row":
            self.rows.append((self.number, self.cells, self.formulas))

    def _end_cell(self, cell: dict) -> None:
        from openpyxl.utils.cell import column_index_from_string

        reference = cell["r"]
        if reference:
            letters = reference.rstrip("0123456789")
            self.column = self.columns.get(letters) or self.columns.setdefault(letters, column_index_from_string(letters))
        else:
            self.column += 1
        if self.column > self.limits.max_columns:
            raise too_large(self.name, f"has a cell in column {self.column:,} (row {self.number:,} of sheet "
                            f"{self.sheet_name!r})", "max_columns", self.limits, "Delete the columns the survey "
                            "does not need, or save the sheet as CSV (UTF-8) and read that.", "columns")
        value = self._value(cell)
        if isinstance(value, str):
            self._count_text(value)
        if value is not None:
            self.cells[self.column] = value
        if "f" in cell:
            self.formulas.append((self.column, self._formula(cell, reference), value is not None))

    def _count_text(self, text: str) -> None:
        """A cell's text checked as it is read: at most Excel's 32,767 characters (a shared string can be
        referenced by every cell, so a small file could otherwise make gigabytes of cells), and all of
        the sheet's text together at most ``max_memory_bytes`` (counted in UTF-8 bytes)."""
        from openpyxl.utils import get_column_letter

        if len(text) > EXCEL_CELL_CHARS:
            raise FileReadError(
                f"{self.name} has a cell of {len(text):,} characters (cell {get_column_letter(self.column)}"
                f"{self.number} of sheet {self.sheet_name!r}); an Excel cell holds at most {EXCEL_CELL_CHARS:,}, "
                "so the workbook was not saved by Excel as it is.",
                hint="Open it in Excel and save it as CSV (UTF-8), then read that; or export the survey again.")
        self.text_bytes += len(text) if text.isascii() else len(text.encode("utf-8", errors="replace"))
        if self.text_bytes > self.limits.max_memory_bytes:
            raise too_large(self.name, f"has more than {size_text(self.limits.max_memory_bytes)} of text in its cells "
                            f"(by row {self.number:,} of sheet {self.sheet_name!r})", "max_memory_bytes", self.limits,
                            SMALLER)

    def _value(self, cell: dict):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        kind, text = cell["t"], cell.get("v_text")
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline else None
        if not text:
            return None
        if kind == "s":
            return self.book.shared_strings[int(text)]
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            style = int(cell["s"]) if cell["s"] else 0
            if style in self.book.date_formats:
                try:
                    return from_excel(number, self.book.epoch, timedelta=style in self.book.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text result) and "e" (an error such as #N/A)

    def _formula(self, cell: dict, reference: str | None) -> str:
        from openpyxl.formula.translate import Translator

        attrs, formula = cell["f"], "=" + (cell.get("f_text") or "")
        if attrs.get("t") == "shared":
            index = attrs.get("si")
            if index in self.shared_formulas and reference:
                return self.shared_formulas[index].translate_formula(reference)
            if formula != "=" and reference:
                self.shared_formulas[index] = Translator(formula, reference)
        return formula


def _sheet_rows(book: Book, sheet_name: str, name: str, job: Job):
    """The rows of a worksheet as ``(row number, {column number: value}, [(column, formula, has a
    saved result)])``, only cells that are there: a worksheet's claimed size (its dimension, which
    openpyxl pads every row to, and whose empty rows it hands out one by one) is never used. Read as
    a stream, 1 MB at a time; each cell is checked against ``max_columns`` as it is read, and progress
    is reported by the share of XML read."""
    info = book.archive.getinfo(book.sheets[sheet_name])
    reader = _SheetReader(book, sheet_name, name, job.limits)
    done = 0
    with book.archive.open(info) as member:
        while True:
            chunk = member.read(1 << 20)
            done += len(chunk)
            try:
                reader.expat.Parse(chunk, not chunk)
            except xml.parsers.expat.ExpatError as exc:
                raise FileReadError(f"{name} has a damaged worksheet ({sheet_name!r}: {exc}).",
                                    hint="Open it in Excel and save it again as .xlsx, or export CSV.") from None
            yield from reader.rows
            reader.rows.clear()
            if not chunk:
                break
            if job.progress is not None:
                job.progress(min(done / max(info.file_size, 1), 1.0), f"Reading {name}: row {reader.number:,}")


def sheet_table(book: Book, sheet_name: str, name: str, job: Job) -> tuple[pa.Table | None, list[Problem]]:
    """A worksheet's non-empty rows as a table of text columns f0.. (None if it has none), and the
    problems of its formulas. Rows are turned into Arrow columns a batch at a time."""
    limits = job.limits
    batches, rows, width, count, problems, with_result = [], [], 0, 0, [], 0

    def flush():
        if rows:
            batches.append([pa.array([row.get(i + 1) for row in rows], pa.string()) for i in range(width)])
            rows.clear()

    for number, cells, formulas in _sheet_rows(book, sheet_name, name, job):
        if formulas:
            with_result += _note_formulas(formulas, number, problems)
        texts = {column: cell_text(value) for column, value in cells.items()}
        texts = {column: text for column, text in texts.items() if text is not None}
        if not texts:
            continue
        count += 1
        if count > limits.max_rows:
            raise too_large(name, f"has more than {limits.max_rows:,} rows in sheet {sheet_name!r}", "max_rows",
                            limits, SMALLER, "rows")
        right = max(texts)
        if right > width:
            flush()
            width = right
        if count * width > limits.max_cells:
            raise too_large(name, f"has {count:,} rows of {width:,} columns in sheet {sheet_name!r}: "
                            f"{count * width:,} cells", "max_cells", limits, SMALLER, "cells")
        rows.append(texts)
        if len(rows) >= _ROWS_PER_BATCH:
            flush()
    flush()
    if not count:
        return None, []
    if with_result:
        problems.append(Problem(f"{with_result} cell(s) hold formulas; their saved results were read",
                                severity="warning"))
    return _joined(batches, width), problems


def _note_formulas(formulas: list[tuple[int, str, bool]], number: int, problems: list[Problem]) -> int:
    """Each formula of a row without a saved result, as a problem (up to 1,000 in all); the number
    of those with one."""
    from openpyxl.utils import get_column_letter

    with_result = 0
    for column, formula, has_result in formulas:
        if has_result:
            with_result += 1
        elif len(problems) < SHOWN:
            problems.append(Problem(
                "cell holds a formula without a saved result; read as empty. Open the file in "
                "Excel and save it, or export CSV", row=number, column=get_column_letter(column),
                value=formula[:80], severity="warning"))
    return with_result


def _joined(batches: list[list[pa.Array]], width: int) -> pa.Table:
    """Batches of text columns as one table of ``width`` columns f0..; a batch narrower than the
    table (read before a wider row) is filled with empty cells."""
    columns = []
    for i in range(width):
        chunks = [batch[i] if i < len(batch) else pa.nulls(len(batch[0]), pa.string()) for batch in batches]
        columns.append(pa.chunked_array(chunks, pa.string()))
    return pa.table(columns, names=[f"f{i}" for i in range(width)])
