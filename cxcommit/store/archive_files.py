"""The workspace file (:mod:`cxcommit.store.archive`): a .zip holding ``manifest.json`` and one CSV per
table, written and read here.

Each CSV is a table of the workspace as stored, every value exact: text always in double quotes and
a blank (NULL) as an empty, unquoted field, so that an empty text and a blank stay apart; numbers
written as the shortest text that reads back as the same number; times in UTC (``2026-12-02
06:35:53.123456Z``). A text that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or
``'`` is written with a ``'`` in front (as a spreadsheet shows text that is not a formula), which
reading takes off again: a value such as ``=cmd|`` is never a formula in a program that opens the CSV.
CSV rather than Parquet: any program reads it, and what a table unpacks to bounds the work of
reading it (Parquet's own encodings can unpack a few bytes into millions of values).

A file is read within the read limits (:class:`cxcommit.io.limits.ReadLimits`), checked before the
work they bound, as an export in a .zip is: the file's size, what each table claims to unpack to
(zip stops there, and a false claim fails its checksum) and all of them together, then each table's
lines and cells before it is parsed.
"""
from __future__ import annotations

import io
import json
import time
import zipfile
import zlib
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa

from cxcommit.errors import WorkspaceError
from cxcommit.io.limits import ReadLimits, count_line_ends, too_large
from cxcommit.io.read_checks import check_size
import cxcommit.store.migrate as migrate

FORMAT = "cxcommit workspace"  # what the manifest says the file is
VERSION = 1  # the file's layout: a newer one is refused
MANIFEST = "manifest.json"
MANIFEST_BYTES = 16 * 1024 ** 2  # the most the manifest may unpack to
TOGETHER = 16  # the tables together unpack to at most this many times max_bytes
ESCAPE_NOTE = ("Text beginning with =, +, -, @, a tab, a carriage return or ' has a ' put in front, taken off on "
               "import; an empty field is blank (NULL), \"\" an empty text.")
_ESCAPED = r"^([=+\-@\t\r'])"
KINDS = {"int": pa.int64(), "float": pa.float64(), "text": pa.string(), "time": pa.timestamp("us", "UTC")}
TODO = "Export the workspace again on the machine it came from, and copy the file whole."


def column_types(table: sa.Table) -> dict[str, pa.DataType]:
    """The Arrow type of each column of one of the workspace's own tables."""
    types = {}
    for column in table.columns:
        if isinstance(column.type, sa.DateTime):
            types[column.name] = KINDS["time"]
        elif isinstance(column.type, sa.Integer):
            types[column.name] = KINDS["int"]
        elif isinstance(column.type, sa.Float):
            types[column.name] = KINDS["float"]
        else:
            types[column.name] = KINDS["text"]
    return types


def kind_names(schema: pa.Schema) -> dict[str, str]:
    """Each column's kind as the manifest names it (int, float, text, time)."""
    names = {kind: name for name, kind in KINDS.items()}
    return {field.name: names[field.type] for field in schema}


def write_table(archive: zipfile.ZipFile, file: str, table: pa.Table) -> None:
    """Write ``table`` into ``archive`` as the CSV ``file`` (see the module)."""
    columns = [pc.replace_substring_regex(column, pattern=_ESCAPED, replacement=r"'\1")
               if pa.types.is_string(column.type) else column for column in table.columns]
    info = zipfile.ZipInfo(file, time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        pacsv.write_csv(pa.table(columns, names=table.column_names), member)


class Reader:
    """A workspace file opened to be read: its manifest checked, and each table read on request."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.name, self.limits = path.name, limits
        try:
            check_size(self.name, path.stat().st_size, limits)
            self.archive = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise WorkspaceError(f"There is no file {str(path)!r}.", hint="Check the path and the file name.") from None
        except IsADirectoryError:
            raise WorkspaceError(f"{str(path)!r} is a folder, not a workspace file.",
                                 hint="Name the .zip file `workspace export` wrote.") from None
        except (zipfile.BadZipFile, EOFError):
            raise self.damaged("it is not a zip file, or a damaged one") from None
        try:
            self.manifest = self._manifest()
            self.files = self._files()
        except BaseException:
            self.archive.close()
            raise

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *_) -> None:
        self.archive.close()

    def damaged(self, what: str) -> WorkspaceError:
        return WorkspaceError(f"{self.name} cannot be imported as a cxcommit workspace: {what}. Nothing was imported.",
                              hint=TODO)

    def _manifest(self) -> dict:
        if MANIFEST not in self.archive.namelist():
            raise WorkspaceError(f"{self.name} is not a cxcommit workspace file: it has no {MANIFEST}. Nothing was "
                                 "imported.", hint="Import a file written by `python -m cxcommit workspace export`; "
                                                   "add a survey's export with `workspace add`.")
        info = self.archive.getinfo(MANIFEST)
        if info.file_size > MANIFEST_BYTES:
            raise self.damaged(f"its {MANIFEST} unpacks to {info.file_size:,} bytes")
        try:
            manifest = json.loads(self._read(info))
        except ValueError:
            raise self.damaged(f"its {MANIFEST} is not JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise WorkspaceError(f"{self.name} is not a cxcommit workspace file: its {MANIFEST} does not say "
                                 f"{FORMAT!r}. Nothing was imported.", hint=TODO)
        return self._check_versions(manifest)

    def _check_versions(self, manifest: dict) -> dict:
        version, schema = manifest.get("version"), manifest.get("schema")
        if not isinstance(version, int) or not isinstance(schema, str) or not all(
                isinstance(manifest.get(name), list) for name in ("tables", "surveys")):
            raise self.damaged(f"its {MANIFEST} has no version, schema, list of tables or of surveys")
        newer = "Update cxcommit on this machine to the version the file was written with, then import it again."
        if version > VERSION:
            raise WorkspaceError(f"{self.name} was written by a newer cxcommit (file format {version}; this one reads "
                                 f"up to {VERSION}). Nothing was imported.", hint=newer)
        if schema not in migrate.revisions():
            raise WorkspaceError(f"{self.name} was written by a newer cxcommit: its workspace schema {schema!r} is "
                                 f"unknown here (this one knows up to {migrate.head()!r}). Nothing was imported.",
                                 hint=newer)
        return manifest

    def _files(self) -> dict[str, dict]:
        """The manifest's tables by file, each within the limits, and all of them together."""
        files, total = {}, 0
        for entry in self.manifest["tables"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) \
                    or not isinstance(entry.get("rows"), int):
                raise self.damaged(f"its {MANIFEST} lists a table without its file or rows")
            try:
                info = self.archive.getinfo(entry["file"])
            except KeyError:
                raise self.damaged(f"it has no {entry['file']}, which its {MANIFEST} lists") from None
            check_size(f"{entry['file']} in {self.name}", info.file_size, self.limits, "unpacks to")
            total += info.file_size
            files[entry["file"]] = entry
        if total > TOGETHER * self.limits.max_bytes:
            raise too_large(self.name, f"holds tables that unpack to {total:,} bytes together", "max_bytes",
                            self.limits, "Export a workspace with fewer surveys.")
        return files

    def _read(self, info: zipfile.ZipInfo | str) -> bytes:
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            name = info if isinstance(info, str) else info.filename
            raise self.damaged(f"{name} in it cannot be unpacked ({' '.join(str(error).split())})") from None

    def has(self, file: str) -> bool:
        return file in self.files

    def table(self, file: str, types: dict[str, pa.DataType], *, optional: bool = False) -> pa.Table:
        """The table ``file`` with the columns ``types``, as written (see the module). A table the file's
        schema did not have yet (``optional``, and the file older than this schema) is empty."""
        if file not in self.files:
            if optional and self.manifest["schema"] != migrate.head():
                return pa.table({name: pa.array([], type=kind) for name, kind in types.items()})
            raise self.damaged(f"its {MANIFEST} does not list {file}")
        data = self._read(file)
        self._check_lines(file, data, len(types))
        try:
            table = pacsv.read_csv(io.BytesIO(data), parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False), convert_options=pacsv.ConvertOptions(
                column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise self.damaged(f"{file} in it cannot be read ({' '.join(str(error).split())[:300]})") from None
        del data
        if table.column_names != list(types):
            raise self.damaged(f"{file} in it has the columns {', '.join(table.column_names)}, not "
                               f"{', '.join(types)}")
        if table.num_rows != self.files[file]["rows"]:
            raise self.damaged(f"{file} in it has {table.num_rows:,} rows, its {MANIFEST} says "
                               f"{self.files[file]['rows']:,}")
        return pa.table([pc.replace_substring_regex(column, pattern="^'", replacement="", max_replacements=1)
                         if pa.types.is_string(column.type) else column for column in table.columns],
                        names=table.column_names)

    def _check_lines(self, file: str, data: bytes, width: int) -> None:
        """Before parsing: each row takes a line, so the lines bound the rows and cells."""
        lines, what = count_line_ends(data), f"{file} in {self.name}"
        if lines > self.limits.max_rows + 1:
            raise too_large(what, f"has {lines:,} lines", "max_rows", self.limits,
                            "Export a workspace with fewer responses.", "rows")
        if lines * width > self.limits.max_cells:
            raise too_large(what, f"has {lines:,} lines of {width:,} columns", "max_cells", self.limits,
                            "Export a workspace with fewer responses.", "cells")
