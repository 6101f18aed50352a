"""An attacker's files: bombs, huge and malformed exports. Each gets a clear message (wording pinned),
reading it stays within a stated memory bound (measured in a child process under an address-space
cap, so that a regression fails instead of taking the machine down), and the dashboard keeps the data
in use. Files are made in a temporary folder and deleted after each test."""
import io
import json
import re
import resource
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from conftest import ROOT
from cxcommit import FileReadError, apply_mapping, read_raw, suggest_mapping
from cxcommit.errors import FileTooLargeError
from cxcommit.io.limits import ReadLimits, scan_text

CAP = 4_000_000_000  # address space of the child that reads (Arrow and numpy reserve far more than they use)
SLACK = 30  # MB: the allocator's and threads' own variation between runs


@pytest.fixture
def folder(tmp_path):
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)  # big files never outlive their test


def read_in_child(path, **limits) -> dict:
    """Read ``path`` in a fresh Python under an address-space cap; what it gave and its peak memory (MB)."""
    code = """
import json, resource, sys
from cxcommit import read_raw
from cxcommit.io.allocator import use_system_allocator
from cxcommit.io.limits import ReadLimits
use_system_allocator()  # as the command line and the dashboard run
out = {}
try:
    raw = read_raw(sys.argv[1], limits=ReadLimits(**json.loads(sys.argv[2])))
    out.update(rows=raw.n_rows, columns=len(raw.keys), notes=raw.notes)
except Exception as error:
    out.update(error=type(error).__name__, message=getattr(error, "message", str(error)))
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""
    result = subprocess.run([sys.executable, "-c", code, str(path), json.dumps(limits)], capture_output=True, text=True,
                            cwd=ROOT, timeout=300,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP)))
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory) -> float:
    """Peak memory of a child reading a three-row export: Python, pyarrow, openpyxl and cxcommit."""
    path = tmp_path_factory.mktemp("base") / "small.xlsx"
    book = openpyxl.Workbook()
    for row in [["id", "unit", "sign_1"], ["R1", "A", "Yes"], ["R2", "B", "No"]]:
        book.active.append(row)
    book.save(path)
    return read_in_child(path)["peak_mb"]


def _zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _zeros_zip(path, lines: int):
    """A zip of a CSV of zeros (10 columns), written in pieces: 52,428,800 lines make a 2.5 MB zip of 1 GB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("export.csv", "w", force_zip64=True) as member:
            member.write(b"a,b,c,d,e,f,g,h,i,j\n")
            block = b"0,0,0,0,0,0,0,0,0,0\n" * 52_428
            for _ in range(lines // 52_428):
                member.write(block)
    return path


def _workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _patched(workbook: bytes, change) -> bytes:
    """The workbook with its first worksheet's XML changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


ROWS = [["id", "unit", "sign_1"], ["R1", "A", "Yes"], ["R2", "B", "No"]]


# --- bombs ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_zip_bomb_is_refused_while_unpacking_in_bounded_memory(folder, baseline_mb):
    """The issue's bomb: a 2.5 MB zip of a 1 GB CSV of zeros (52,428,800 rows) took the server to 16.8 GB."""
    path = _zeros_zip(folder / "bomb.zip", 52_428_800)
    assert path.stat().st_size < 3_000_000
    out = read_in_child(path)
    assert out["error"] == "FileTooLargeError"
    assert out["message"] == ("export.csv in the zip archive bomb.zip has more than 10,000,000 lines, each a response "
                              "(or a line break inside an answer); cxcommit reads at most 10,000,000 rows (max_rows).")
    assert out["peak_mb"] < baseline_mb + 100, out  # unpacked 4 MB at a time, stopped at the limit


def test_a_zip_member_over_the_size_limit_is_refused_before_unpacking(folder, baseline_mb):
    path = _zeros_zip(folder / "bomb.zip", 2_000_000)  # 40 MB of zeros in a small zip
    out = read_in_child(path, max_bytes=10_000_000)
    assert out["message"] == ("export.csv in the zip archive bomb.zip unpacks to 39.8 MB; cxcommit reads at most "
                              "10.0 MB (max_bytes).")
    assert out["peak_mb"] < baseline_mb + 2 * SLACK, out


def test_a_zip_inside_a_zip_is_refused(folder):
    inner = _zip(folder / "inner.zip", {"export.csv": b"id,unit\nR1,A\n"}).read_bytes()
    path = _zip(folder / "outer.zip", {"export.csv": inner})
    with pytest.raises(FileReadError) as caught:
        read_raw(path)
    assert caught.value.message == "export.csv is a zip archive inside a zip archive; cxcommit opens one level of archive."
    assert caught.value.hint == "Unzip the archives and read the export inside."


def test_a_workbook_claiming_the_whole_sheet_is_read_by_its_cells(folder, baseline_mb):
    """A 5 KB workbook whose sheet claims A1:XFD1048576 and has an empty last row: openpyxl's read-only
    rows padded every row, empty ones up to the last included, to 16,384 columns (MemoryError at 3 GB)."""
    data = _patched(_workbook(ROWS), lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>',
                                                         xml).replace(b"</sheetData>", b'<row r="1048576"/></sheetData>'))
    path = folder / "claims.xlsx"
    path.write_bytes(data)
    assert len(data) < 6000
    out = read_in_child(path)
    assert (out.get("error"), out["rows"], out["columns"]) == (None, 2, 3)
    assert out["peak_mb"] < baseline_mb + 2 * SLACK, out


def test_a_worksheet_that_unpacks_past_the_limit_is_refused_before_reading(folder, baseline_mb):
    rows = ROWS + [[f"R{i}", "A" * 50, "Yes"] for i in range(20_000)]
    path = folder / "big.xlsx"
    path.write_bytes(_workbook(rows))
    out = read_in_child(path, max_memory_bytes=1_000_000)
    assert re.fullmatch(r"big\.xlsx: its worksheet sheet1\.xml unpacks to \d\.\d MB; cxcommit reads at most 1\.0 MB "
                        r"\(max_memory_bytes\)\.", out["message"]), out
    assert out["peak_mb"] < baseline_mb + 2 * SLACK, out


def test_worksheets_that_unpack_past_the_limit_together_are_refused_before_reading(folder, baseline_mb):
    """Empty sheets are read one after another until one holds data: each within the limit, three of
    them were read for a minute. Their total is bounded."""
    book = openpyxl.Workbook()
    for index in range(3):
        sheet = book.active if index == 0 else book.create_sheet()
        for row in range(1, 6_000):  # cells holding empty text: no data, but XML to read
            sheet.cell(row=row, column=1, value=" " * 40)
    book.create_sheet("Responses")
    for row in ROWS:
        book["Responses"].append(row)
    path = folder / "sheets.xlsx"
    book.save(path)
    sizes = [info.file_size for info in zipfile.ZipFile(path).infolist() if info.filename.startswith("xl/worksheets/")]
    limit = max(sizes) + 1_000
    assert sum(sizes) > limit
    out = read_in_child(path, max_memory_bytes=limit)
    assert re.fullmatch(r"sheets\.xlsx has worksheets that unpack to \d+\.\d [KM]B together; cxcommit reads at most "
                        r"\d+\.\d KB \(max_memory_bytes\)\.", out["message"]), out
    assert read_raw(path, limits=ReadLimits(max_memory_bytes=sum(sizes) + 1_000)).n_rows == 2


def test_a_workbook_over_the_row_column_and_cell_limits_is_refused_as_it_is_read():
    rows = ROWS + [[f"R{i}", "A", "Yes"] for i in range(300)]
    cases = [
        (dict(max_rows=100), "x.xlsx has more than 100 rows in sheet 'Sheet'; cxcommit reads at most 100 rows (max_rows)."),
        (dict(max_cells=500), "x.xlsx has 167 rows of 3 columns in sheet 'Sheet': 501 cells; cxcommit reads at most "
                              "500 cells (max_cells)."),
    ]
    for limits, message in cases:
        with pytest.raises(FileTooLargeError) as caught:
            read_raw(_workbook(rows), "x.xlsx", limits=ReadLimits(**limits))
        assert caught.value.message == message
    wide = _patched(_workbook(ROWS), lambda xml: xml.replace(b"</row>", b'<c r="GR1" t="inlineStr"><is><t>x</t></is></c></row>', 1))
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(wide, "x.xlsx", limits=ReadLimits(max_columns=100))
    assert caught.value.message == ("x.xlsx has a cell in column 200 (row 1 of sheet 'Sheet'); cxcommit reads at most "
                                    "100 columns (max_columns).")


def _shared_string_bomb(characters: int, rows: int) -> bytes:
    """A workbook whose shared-string table holds one long string that every row refers to (the
    attacker's 99 KB file held 100 MB in one string: 100 MB of cell text per row). Written by hand:
    openpyxl cuts strings to Excel's 32,767 characters and writes them inline."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    package = "http://schemas.openxmlformats.org/package/2006/"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    rows_xml = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>2</v></c><c r="B{r}"><v>1</v></c></row>'
                       for r in range(2, rows + 2))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<Types xmlns="{package}content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kinds}worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}sharedStrings+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{package}relationships"><Relationship Id="rId1" '
                         f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{office}"><sheets><sheet name="Sheet" '
                         'sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{package}relationships"><Relationship Id="rId1" Type="{office}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{office}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'))
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}"><si><t>unit</t></si><si><t>sign_1</t></si>'
                         f'<si><t>{"x" * characters}</t></si></sst>')
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v>'
            f'</c></row>{rows_xml}</sheetData></worksheet>'))
    return out.getvalue()


def test_a_cell_longer_than_excel_allows_and_too_much_cell_text_are_refused_as_read():
    with pytest.raises(FileReadError) as caught:
        read_raw(_shared_string_bomb(40_000, 3), "x.xlsx")
    assert caught.value.message == ("x.xlsx has a cell of 40,000 characters (cell A2 of sheet 'Sheet'); an Excel "
                                    "cell holds at most 32,767, so the workbook was not saved by Excel as it is.")
    assert caught.value.hint == ("Open it in Excel and save it as CSV (UTF-8), then read that; or export the survey "
                                 "again.")
    assert read_raw(_shared_string_bomb(32_767, 3), "x.xlsx").n_rows == 3
    with pytest.raises(FileTooLargeError) as caught:  # one 30,000-character shared string in 20 rows: 600 KB
        read_raw(_shared_string_bomb(30_000, 20), "x.xlsx", limits=ReadLimits(max_memory_bytes=400_000))
    assert caught.value.message == ("x.xlsx has more than 400.0 KB of text in its cells (by row 15 of sheet 'Sheet'); "
                                    "cxcommit reads at most 400.0 KB (max_memory_bytes).")


@pytest.mark.parametrize("how", ["path", "bytes"])
def test_reading_the_worst_shape_within_the_limits_stays_within_the_stated_bound(folder, baseline_mb, how):
    """The README's bound: reading takes at most about three times the text and 8 bytes per cell. The worst
    shape is all empty cells (one byte each): 20 MB of them, 20,000,000 cells, read from disk or from
    memory (an upload), with max_bytes at 20 MB."""
    path = folder / "empty.csv"
    path.write_text(",".join("abcdefghij") + "\n" + ",,,,,,,,,\n" * 1_999_000)
    size, cells = path.stat().st_size, 10 * 1_999_000
    code = """
import json, resource, sys
from pathlib import Path
from cxcommit import read_raw
from cxcommit.io.allocator import use_system_allocator
from cxcommit.io.limits import ReadLimits
use_system_allocator()  # as the command line and the dashboard run
path = Path(sys.argv[1])
source = path if sys.argv[2] == "path" else path.read_bytes()
raw = read_raw(source, "empty.csv", limits=ReadLimits(max_bytes=20_000_000))
print(json.dumps({"rows": raw.n_rows, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
    result = subprocess.run([sys.executable, "-c", code, str(path), how], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP)))
    out = json.loads(result.stdout)
    assert out["rows"] == 1_999_000
    held = size / 1e6 if how == "bytes" else 0  # the upload itself, held by the caller
    assert out["peak_mb"] < baseline_mb + SLACK + held + (3 * size + 8 * cells) / 1e6, out


def test_reading_a_wide_file_stays_within_the_stated_bound(folder, baseline_mb):
    """The README's bound for wide files: 16,000 empty columns, 3,000 rows (48 MB of text in a 90 KB zip)
    peaked at 1.5 GB, with pyarrow's 2 KB per column for each parser block; blocks now grow with the width."""
    width, rows = 16_000, 3_000
    with zipfile.ZipFile(folder / "wide.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("export.csv", "w", force_zip64=True) as member:
            member.write(",".join(f"Q{i}" for i in range(width)).encode() + b"\n")
            member.write((b"," * (width - 1) + b"\n") * rows)
    found = read_in_child(folder / "wide.zip")
    assert (found["rows"], found["columns"]) == (rows, width)
    size, cells = width * (rows + 1), width * rows
    assert found["peak_mb"] < baseline_mb + SLACK + (3 * size + 8 * cells + 10_000 * width) / 1e6, found


def test_running_out_of_memory_while_reading_is_a_message(monkeypatch):
    import pyarrow as pa
    import cxcommit.io.readers as readers

    def exhausted(*args, **kwargs):
        raise pa.ArrowMemoryError("malloc of size 1000 failed")

    monkeypatch.setattr(readers, "_read_bytes", exhausted)
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(b"a,b\n1,2\n", "x.csv")
    assert caught.value.message == ("x.csv (8 bytes) could not be read: this machine ran out of memory while reading "
                                    "it, within the read limits in force (10,000,000 rows, 16,384 columns, "
                                    "200,000,000 cells).")


def test_a_file_of_short_lines_in_two_encodings_is_decoded_line_by_line(folder, baseline_mb):
    """UTF-8 with one cp1252 line and 2,000,000 short lines: the lines were held as a list of bytes and
    another of str (+267 MB for an 8 MB file); now within the same bound."""
    path = folder / "mixed.csv"
    path.write_bytes("id,unit\nR0,Café\nR1,Zürich\n".encode() + b"R2,Caf\xe9\n" + b"0,0\n" * 2_000_000)
    size, cells = path.stat().st_size, 2 * 2_000_003
    out = read_in_child(path)  # a small file: read whole into memory, decoded there
    assert out["rows"] == 2_000_003
    assert out["peak_mb"] < baseline_mb + SLACK + (3 * size + 8 * cells) / 1e6, out


# --- huge and malformed text ----------------------------------------------------------------------

def test_a_csv_with_100000_columns(folder, baseline_mb):
    path = folder / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)) + "\n")
    out = read_in_child(path)
    assert out["message"] == ("wide.csv has 100,000 columns (comma-separated fields in its first line); cxcommit reads "
                              "at most 16,384 columns (max_columns).")
    assert out["peak_mb"] < baseline_mb + 2 * SLACK, out


def test_one_200_mb_line_without_a_line_break(folder, baseline_mb):
    path = folder / "line.csv"
    with path.open("wb") as handle:
        handle.write(b"a,b,")
        for _ in range(200):
            handle.write(b"z" * 1_000_000)
    out = read_in_child(path)
    assert out["message"] == ("line.csv has a line of 200.0 MB (line 1); cxcommit reads at most 1.0 MB "
                              "(max_line_bytes).")
    assert out["peak_mb"] < baseline_mb + 2 * SLACK, out  # read 4 MB at a time


def test_a_long_line_in_the_middle_is_found_with_its_number():
    data = b"a,b\n" + b"1,2\n" * 1000 + b"3," + b"x" * 5000 + b"\n" + b"4,5\n"
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(data, "x.csv", limits=ReadLimits(max_line_bytes=4096))
    assert caught.value.message == "x.csv has a line of 5.0 KB (line 1,002); cxcommit reads at most 4.1 KB (max_line_bytes)."
    assert "CXCOMMIT_MAX_LINE_BYTES" in caught.value.hint


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 10_000])
def test_the_scan_finds_exactly_the_lines_over_the_limit(size):
    data = b"a,b\n" + b"1,2\n" * 3 + b"x" * size + b"\n"
    scan = scan_text(data, 4096)
    assert scan.lines == 5 and scan.long_line == ((5, size) if size > 4096 else None)
    assert scan_text(io.BytesIO(data), 4096) == scan


def test_rows_and_cells_over_the_limits_are_refused_before_parsing():
    data = b"a,b\n" + b"1,2\n" * 200
    with pytest.raises(FileTooLargeError) as caught:  # counted before the text is decoded
        read_raw(data, "x.csv", limits=ReadLimits(max_rows=100))
    assert caught.value.message == ("x.csv has 201 lines, each a response (or a line break inside an answer); "
                                    "cxcommit reads at most 100 rows (max_rows).")
    with pytest.raises(FileTooLargeError) as caught:  # and again below the header rows found
        read_raw(b"a,b\n" + b"1,2\n" * 105, "x.csv", limits=ReadLimits(max_rows=100))
    assert caught.value.message == ("x.csv has 105 lines below its header, each a response (or a line break inside an "
                                    "answer); cxcommit reads at most 100 rows (max_rows).")
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(data, "x.csv", limits=ReadLimits(max_cells=300))
    assert caught.value.message == "x.csv has 200 lines of 2 columns: up to 400 cells; cxcommit reads at most 300 cells (max_cells)."
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(data, "x.csv", limits=ReadLimits(max_bytes=500))
    assert caught.value.message == "x.csv is 804 bytes; cxcommit reads at most 500 bytes (max_bytes)."
    assert caught.value.hint.startswith("Export fewer responses or columns at a time (for example one wave per file)")
    assert caught.value.hint.endswith("set the environment variable CXCOMMIT_MAX_BYTES (now 500) before starting the "
                                      "dashboard or the command line.")


def _cr_zip(path, megabytes: int):
    """A zip of a CSV of empty 8-column rows ended by lone CRs, with a LF only every 500 KB (the attacker's
    shape): counted by LF it has 2 lines per MB, parsed it has 62,500 rows per MB."""
    block = b",,,,,,,\r" * 62_500 + b"\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("export.csv", "w", force_zip64=True) as member:
            member.write(b"c0,c1,c2,c3,c4,c5,c6,c7\n")
            for _ in range(megabytes * 2):
                member.write(block)
    return path


def test_rows_ended_by_a_lone_cr_count_against_the_limits_before_parsing(folder, baseline_mb):
    # the parser ends a row at \r\n, \n and a lone \r: every count before parsing does too
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(b"a,b\n" + b"1,2\r" * 150 + b"1,2\r\n" * 50, "x.csv", limits=ReadLimits(max_rows=100))
    assert caught.value.message == ("x.csv has 201 lines, each a response (or a line break inside an answer); "
                                    "cxcommit reads at most 100 rows (max_rows).")
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(b"a,b\n" + b"1,2\r" * 150, "x.csv", limits=ReadLimits(max_cells=200))
    assert caught.value.message == "x.csv has 150 lines of 2 columns: up to 300 cells; cxcommit reads at most 200 cells (max_cells)."
    assert scan_text(b"a\rb\r\nc\n\rd", 100).lines == 4 == scan_text(io.BytesIO(b"a\rb\r\nc\n\rd"), 100).lines
    # a zip unpacked to disk (over 20 MB) is counted while unpacking: 25 MB, 1.6 million rows, 50 LFs
    found = read_in_child(_cr_zip(folder / "cr.zip", 25), max_rows=1_000_000)
    assert found["message"] == ("export.csv in the zip archive cr.zip has more than 1,000,000 lines, each a response "
                                "(or a line break inside an answer); cxcommit reads at most 1,000,000 rows (max_rows).")
    assert found["peak_mb"] < baseline_mb + 60


def test_a_header_with_very_long_names():
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(("id," + "n" * 20_000 + ",sign_1\n1,2,3\n").encode(), "x.csv")
    assert caught.value.message == (
        "x.csv has a column name of 20,000 characters (column 2, starting 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'); "
        "cxcommit reads at most 10,000 characters (max_name_chars).")
    with pytest.raises(FileTooLargeError) as caught:  # past the csv module's own field limit
        read_raw(("id," + "n" * 200_000 + ",sign_1\n1,2,3\n").encode(), "x.csv")
    assert caught.value.message == ("x.csv has a column name longer than 131,072 characters in its first line; "
                                    "cxcommit reads at most 10,000 characters (max_name_chars).")


def test_a_field_over_the_csv_modules_limit_and_a_lone_cr_in_a_quoted_cell_are_read():
    """Both ended in _csv.Error ('field larger than field limit (131072)', 'new-line character seen in
    unquoted field') while sniffing the delimiter."""
    raw = read_raw(("id,comment,sign_1\nR1," + "y" * 200_000 + ",Yes\nR2,short,No\n").encode(), "x.csv")
    assert raw.n_rows == 2 and len(raw.strings("comment")[0].as_py()) == 200_000
    raw = read_raw(b'id,comment,sign_1\nR1,"x\ry",Yes\nR2,z,No\n', "x.csv")
    assert raw.strings("comment").to_pylist() == ["x\ry", "z"] and raw.delimiter == ","


def test_a_row_longer_than_the_parsers_block_gets_a_message():
    """pyarrow's 'straddling object straddles two block boundaries' on a 5 MB cell of short lines."""
    cell = "\n".join("w" * 500_000 for _ in range(10))
    data = ("a,b,c\n" + "1,2,3\n" * 100 + '1,"' + cell + '",3\n' + "4,5,6\n" * 100).encode()
    with pytest.raises(FileReadError) as caught:
        read_raw(data, "x.csv")
    assert caught.value.message == ("x.csv has a row longer than 2.1 MB, counting the line breaks inside its quoted "
                                    "cells: a quote (\") probably opens a cell that is never closed.")


def test_lines_within_a_raised_limit_fit_the_parsers_block(folder, monkeypatch):
    import cxcommit.io.readers as readers

    monkeypatch.setattr(readers, "LEAN_BYTES", 10_000)
    path = folder / "long.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 1000 + b"4," + b"z" * 3_000_000 + b",6\n" + b"7,8,9\n" * 1000)
    raw = read_raw(path, limits=ReadLimits(max_line_bytes=4_000_000))
    assert raw.n_rows == 2001


# --- nothing lost in silence ----------------------------------------------------------------------

def _stray_quote(rows: int, at: int) -> bytes:
    lines = ["id,unit,sign_1"] + [f"R{i},Unit {i % 5},Yes" for i in range(rows)]
    lines[at] = lines[at].replace("Unit", '"Unit')
    return ("\n".join(lines) + "\n").encode()


def test_a_stray_quote_that_swallows_most_rows_is_refused_with_its_row_and_line():
    """One stray quote at row 3 of 800: '3 in the file; 2 kept, 1 excluded', 797 rows gone with a note."""
    with pytest.raises(FileReadError) as caught:
        read_raw(_stray_quote(800, 3), "export.csv")
    assert caught.value.message == (
        "export.csv: a quote (\") in row 4 opens a cell that runs on over 797 more lines that look like rows, so 798 "
        "of 800 rows would be lost. Row 4 reads: 'R2,\"Unit 2,Yes'.")
    assert caught.value.hint == ("Open the file in a text editor and remove that quote, or double it (\"\") if it "
                                 "belongs to the answer; then read the file again. Or export the survey again.")


def test_a_stray_quote_that_swallows_a_few_rows_is_counted_and_said_before_use():
    raw = read_raw(_stray_quote(20, 16), "export.csv")
    assert (raw.n_rows, raw.skipped_rows, raw.merged_rows) == (15, 1, 4)
    assert raw.loss_text() == (
        "export.csv: 1 malformed row(s) were left out and 4 line(s) that look like rows were read inside another "
        "row's quoted cell (a stray quote) (row 17), of 20 rows. The import report lists each; to keep them, correct "
        "the file and read it again.")
    report = apply_mapping(raw, suggest_mapping(raw)).report
    assert (report.rows_in_file, report.rows_kept) == (20, 15)
    assert report.excluded == {"malformed row (wrong number of fields)": 1,
                               "line read inside another row's quoted cell (a stray quote)": 4}


def test_a_stray_quote_closed_rows_later_is_found_in_the_cell():
    lines = ["id,unit,sign_1"] + [f"R{i},Unit {i % 5},Yes" for i in range(20)]
    lines[5], lines[9] = 'R4,"Unit 4,Yes', 'R8,Unit 3",Yes'
    raw = read_raw(("\n".join(lines) + "\n").encode(), "export.csv")
    assert (raw.n_rows, raw.merged_rows) == (16, 4)
    assert [(p.row, p.column, p.value) for p in raw.problems] == [(6, "unit", "Unit 4,Yes")]


def test_a_stray_quote_in_a_large_file_is_refused_too(folder, monkeypatch):
    import cxcommit.io.readers as readers

    monkeypatch.setattr(readers, "LEAN_BYTES", 10_000)
    path = folder / "big.csv"
    path.write_bytes(_stray_quote(3000, 3))
    with pytest.raises(FileReadError) as caught:
        read_raw(path)
    assert caught.value.message.startswith("big.csv: a quote (\") in row 4 opens a cell that runs on over 2,997 more "
                                           "lines that look like rows")


def test_answers_with_line_breaks_are_not_taken_for_stray_quotes():
    data = b'id,comment,sign_1\nR1,"first line\nsecond line, with a comma",Yes\nR2,"a\nb\nc",No\nR3,x,Yes\n'
    raw = read_raw(data, "x.csv")
    assert (raw.n_rows, raw.skipped_rows, raw.merged_rows, raw.problems) == (3, 0, 0, [])


def test_mostly_malformed_rows_are_refused():
    data = b"id,unit,sign_1\nR1,A,Yes\n" + b"R2,B\n" * 10
    with pytest.raises(FileReadError) as caught:
        read_raw(data, "x.csv")
    assert caught.value.message == ("x.csv: 10 of 11 rows have a different number of fields than the header (3); the "
                                    "first is row 3 (listed with the others).")
    assert (caught.value.problems[0].row, caught.value.problems[0].value) == (3, "R2,B")  # the line, in the table


def test_nul_bytes_after_the_first_64_kb_are_removed_and_named(folder):
    body = "".join(f"R{i},Unit {i % 5},Yes\n" for i in range(5000))
    path = folder / "nul.csv"
    path.write_bytes(b"id,unit,sign_1\n" + body.encode() + b"R9999,Un\x00it 1,Y\x00es\n")
    raw = read_raw(path)
    assert raw.strings("unit")[-1].as_py() == "Unit 1" and raw.strings("sign_1")[-1].as_py() == "Yes"
    assert [(p.row, p.column, p.problem) for p in raw.problems] == [
        (5002, "sign_1", "cell held a NUL character (byte 0); it was removed"),
        (5002, "unit", "cell held a NUL character (byte 0); it was removed")]
    assert "removed NUL characters (byte 0) from 2 cell(s); nothing else in them was changed" in raw.notes


def test_nul_bytes_in_a_large_file_are_removed_too(folder, monkeypatch):
    import cxcommit.io.readers as readers
    import cxcommit.io.text_export as text_export

    monkeypatch.setattr(readers, "LEAN_BYTES", 10_000)
    monkeypatch.setattr(text_export, "HEAD_BYTES", 20_000)
    path = folder / "nul.csv"
    path.write_bytes(b"id,unit,sign_1\n" + b"".join(f"R{i},Unit {i % 5},Yes\n".encode() for i in range(5000))
                     + b"R9999,Un\x00it 1,Yes\n")
    raw = read_raw(path, lean=False)
    assert raw.encoding == "utf-8" and raw.strings("unit")[-1].as_py() == "Unit 1"
    assert [(p.row, p.column) for p in raw.problems] == [(5002, "unit")]


# --- settings, progress, the dashboard -----------------------------------------------------------

def test_limits_come_from_the_environment_for_the_cli(folder):
    path = folder / "x.csv"
    path.write_bytes(b"id,unit,sign_1\n" + b"R1,A,Yes\n" * 50)
    result = subprocess.run([sys.executable, "-m", "cxcommit", "check", str(path)], capture_output=True, text=True,
                            cwd=ROOT, env={"PATH": "/usr/bin:/bin", "CXCOMMIT_MAX_ROWS": "20"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: x.csv has 51 lines, each a response (or a line break inside an answer); "
                                    "cxcommit reads at most 20 rows (max_rows).")
    assert "set the environment variable CXCOMMIT_MAX_ROWS (now 20)" in result.stderr


def test_limits_from_the_environment_are_checked():
    assert ReadLimits.from_env({"CXCOMMIT_MAX_BYTES": "4G", "CXCOMMIT_MAX_ROWS": "20_000_000"}) == ReadLimits(
        max_bytes=4 * 1024 ** 3, max_rows=20_000_000)
    with pytest.raises(Exception) as caught:
        ReadLimits.from_env({"CXCOMMIT_MAX_ROWS": "lots"})
    assert caught.value.message == "CXCOMMIT_MAX_ROWS must be a whole number (sizes may end in K, M or G); got 'lots'."
    with pytest.raises(Exception) as caught:
        ReadLimits(max_rows=0)
    assert caught.value.message == "The read limit max_rows must be a whole number of at least 1; got 0."


def _big_csv(rows: int) -> bytes:
    return b"id,unit,sign_1\n" + b"".join(f"R{i},Unit {i % 60},Yes\n".encode() for i in range(rows))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_progress_is_reported_and_an_exception_from_it_stops_the_read(kind, monkeypatch):
    import cxcommit.io.csv_parse as csv_parse

    monkeypatch.setattr(csv_parse, "_POLL", 0.001)
    data = _big_csv(600_000) if kind == "csv" else _workbook(ROWS + [[f"R{i}", "A", "Yes"] for i in range(6000)])
    seen = []
    raw = read_raw(data, f"x.{kind}", progress=lambda share, text: seen.append((share, text)))
    assert raw.n_rows > 5000 and seen and all(0 <= s <= 1 for s, _ in seen)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)
    assert seen[0][1].startswith("Reading x.")

    class Stop(BaseException):  # as Streamlit's StopException, which is not an Exception
        pass

    def stop(share, text):
        raise Stop()

    with pytest.raises(Stop):
        read_raw(data, f"x.{kind}", progress=stop)


def test_a_hostile_upload_shows_a_message_and_keeps_the_data_in_use():
    from test_dashboard import opened, upload

    from cxcommit.demo import load_demo

    test = opened("data.py")
    upload(test, [("export.csv", _stray_quote(800, 3)),
                  ("wide.csv", (",".join(f"c{i}" for i in range(20_000)) + "\n").encode())])
    assert not test.exception
    errors = [e.value for e in test.error]
    assert any("a quote (\") in row 4 opens a cell that runs on over 797 more lines" in e for e in errors), errors
    assert any("has 20,000 columns (comma-separated fields in its first line)" in e for e in errors), errors
    test.switch_page("pages/overview.py").run()
    waves = load_demo().frame["wave"]  # the demo still in use: its respondents in the latest wave, as the tile counts
    assert test.metric[0].value == f"{int((waves == waves.cat.categories[-1]).sum()):,}"


def _numbers_workbook(rows: int, columns: int = 10) -> bytes:
    """A workbook of ``rows`` rows of numbers under a header, its XML written directly (fast)."""
    letters = [chr(65 + i) for i in range(columns)]
    header = "".join(f'<c r="{c}1" t="inlineStr"><is><t>q{i}</t></is></c>' for i, c in enumerate(letters))
    body = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{(r * 7 + i) % 11}</v></c>' for i, c in enumerate(letters))
                   + "</row>" for r in range(2, rows + 2))
    return _patched(_workbook([["x"]]), lambda xml: re.sub(rb"<sheetData>.*</sheetData>",
                                                            f'<sheetData><row r="1">{header}</row>{body}</sheetData>'.encode(),
                                                            xml, flags=re.S))


def test_a_workbook_written_directly_reads_as_written():
    raw = read_raw(_numbers_workbook(30), "x.xlsx")
    assert raw.keys == [f"q{i}" for i in range(10)] and raw.n_rows == 30
    assert raw.strings("q3").to_pylist()[:2] == [str((2 * 7 + 3) % 11), str((3 * 7 + 3) % 11)]


@pytest.mark.browser
def test_a_long_read_shows_progress_and_streamlits_stop_ends_it(folder, app_server, open_page):
    """Reading 150,000 rows of a workbook takes several seconds: the Data page shows a progress bar
    whose share grows, and the Stop button ends the read at its next update (the reader calls the
    bar from the script's thread) instead of letting it run on."""
    from server import wait_for_app

    path = folder / "long.xlsx"
    path.write_bytes(_numbers_workbook(150_000))
    url, page = app_server, open_page()
    page.goto(f"{url}/data")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(path))
    bar = page.locator('[data-testid="stProgress"] [role=progressbar]').first
    page.wait_for_function("""() => {
        const bar = document.querySelector('[data-testid="stProgress"] [role=progressbar]');
        return bar && Number(bar.getAttribute('aria-valuenow')) >= 5 }""", timeout=60_000)
    assert "Reading long.xlsx: row " in page.locator('[data-testid="stProgress"]').first.inner_text()
    share = int(bar.get_attribute("aria-valuenow"))
    assert share < 90, "the read must still be going on when it is stopped"
    page.get_by_role("button", name="Stop").first.click()
    page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
        .getAttribute('data-test-script-state') === 'notRunning'""", timeout=5_000)
    assert int(bar.get_attribute("aria-valuenow")) < 100


@pytest.mark.browser
def test_a_long_read_of_the_file_named_on_the_command_line_shows_progress(folder, open_page):
    """``--data FILE``: the first page shows the read's progress as an upload does, then the data."""
    from server import streamlit_server, wait_for_app

    path = folder / "named.xlsx"
    path.write_bytes(_numbers_workbook(60_000))  # long enough to see the bar, read to the end
    with streamlit_server(args=["--data", str(path)]) as url:
        page = open_page()
        page.goto(url)
        page.wait_for_function("""() => {
            const bar = document.querySelector('[data-testid="stProgress"] [role=progressbar]');
            return bar && Number(bar.getAttribute('aria-valuenow')) >= 5 }""", timeout=60_000)
        assert "Reading named.xlsx: row " in page.locator('[data-testid="stProgress"]').first.inner_text()
        wait_for_app(page, timeout=180_000)
        assert not page.locator('[data-testid="stProgress"]').count()
        assert "named.xlsx" in page.locator('[data-testid="stSidebar"]').inner_text().replace("\u200b", "")  # wraps at "."


def test_a_nul_in_the_header_is_said_to_be_in_the_header():
    raw = read_raw(b"respondent_id,divi\x00sion,sign_1\nR1,Sales,Yes\nR2,Service,No\n", "export.csv")
    assert "removed NUL characters (byte 0) from the header row (or a title line above it); no answer held one" \
        in raw.notes
    assert not any("0 cell(s)" in note for note in raw.notes)


@pytest.mark.parametrize("data, line", [
    (b'respondent_id,"division,sign_1\nR1,Sales,Yes\nR2,Service,No\n', 1),  # in the header
    (b'respondent_id,division,sign_1\nR1,"Sales,Yes\n', 2),  # in the only response
])
def test_a_quote_never_closed_is_named_with_its_line(data, line):
    with pytest.raises(FileReadError) as caught:
        read_raw(data, "export.csv")
    assert caught.value.message == (f'export.csv: a quote (") on line {line} opens a cell that is never closed, so '
                                    "every line after it would be read as that one cell.")
    assert caught.value.hint.startswith("Open the file in a text editor and remove that quote, or double it")


def test_a_text_export_with_many_nuls_early_is_read_and_they_are_named():
    """17 NULs in the first 64 KB are no more binary than one: removed and counted, like NULs later on."""
    data = b"respondent_id,division,sign_1\n" + b"".join(b"R%d,Sa\x00les,Yes\n" % i for i in range(17))
    raw = read_raw(data, "export.csv")
    assert raw.n_rows == 17 and "removed NUL characters (byte 0) from 17 cell(s); nothing else in them was changed" \
        in raw.notes
