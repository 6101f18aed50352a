"""A large text export is read as a stream, block by block, its answers coded as they come
(cxcommit.io.csv_stream): what it gives equals the careful reading of the same file from memory, on
files made to cross every boundary (small blocks, coding a few blocks at a time) and to hold what
goes wrong in real files."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import cxcommit.io.csv_stream as csv_stream
import cxcommit.io.readers as readers
import cxcommit.io.text_export as text_export
from cxcommit import read_raw
from cxcommit.errors import FileTooLargeError
from cxcommit.io.limits import ReadLimits

HEADER = "ResponseId,Wave,Division,Business Unit,Role,sign_1,sign_2,NPS,Shop\n"


def _rows(count: int, seed: int = 5) -> list[str]:
    rng = np.random.default_rng(seed)
    answers = ["Yes", "No", "Don't know", ""]
    return [f"R{i},2026-Q{1 + i % 2},Div {i % 3},Unit {i % 11},{['Executive', 'Employee', ''][i % 3]},"
            f"{answers[rng.integers(4)]},{answers[rng.integers(4)]},{rng.integers(11)},Shop {rng.integers(150)}\n"
            for i in range(count)]


@pytest.fixture(autouse=True, params=["one part", "in parts"])
def small_blocks(monkeypatch, request):
    """Everything over 10 KB is read as a stream of 4 KB blocks, coded three blocks at a time; as one
    stream, or cut into parts of at least 8 KB, up to three, read at once."""
    monkeypatch.setattr(readers, "LEAN_BYTES", 10_000)
    monkeypatch.setattr(text_export, "HEAD_BYTES", 20_000)
    monkeypatch.setattr(text_export, "STREAM_BLOCK", 4096)
    monkeypatch.setattr(csv_stream, "BLOCKS_AT_A_TIME", 3)
    if request.param == "in parts":
        monkeypatch.setattr(csv_stream, "SPLIT_BYTES", 16_000)
        monkeypatch.setattr(csv_stream, "MAX_PARTS", 3)
        monkeypatch.setattr(csv_stream, "CORES", 3)
    else:
        monkeypatch.setattr(csv_stream, "MAX_PARTS", 1)


def _same_as_careful(path) -> object:
    streamed = read_raw(path)
    careful = read_raw(path.read_bytes(), path.name)  # from memory: the careful path, every column
    assert streamed.delimiter == careful.delimiter and streamed.encoding == careful.encoding
    assert streamed.n_rows == careful.n_rows
    assert (streamed.skipped_rows, streamed.merged_rows) == (careful.skipped_rows, careful.merged_rows)
    assert [(p.row, p.problem) for p in streamed.problems] == [(p.row, p.problem) for p in careful.problems]
    for key in streamed.keys:
        assert streamed.strings(key).to_pylist() == careful.strings(key).to_pylist(), key
        values, codes = streamed.encoded(key)
        decoded = [None if c < 0 else values[c] for c in codes]
        assert decoded == careful.strings(key).to_pylist(), key
    return streamed


def test_a_clean_file_read_as_a_stream_equals_the_careful_reading(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(_rows(3000)))
    raw = _same_as_careful(path)
    assert raw.table.column("sign_1").type.index_type.bit_width == 8  # one byte per answer
    assert raw.table.column("Shop").type.index_type.bit_width == 16  # 150 shops: two
    assert "ResponseId" in raw.keys and not pa.types.is_dictionary(raw.table.column("ResponseId").type)


def test_malformed_rows_stray_quotes_crlf_and_blank_lines_are_handled_as_the_careful_reading_does(tmp_path):
    rows = _rows(3000)
    rows[100] = rows[100].replace(",Div", ",extra,Div")  # a field too many
    rows[2000] = rows[2000].rstrip("\n").rsplit(",", 2)[0] + "\n"  # two fields short
    rows[1500] = "\n"  # a blank line
    path = tmp_path / "export.csv"
    path.write_bytes((HEADER + "".join(rows)).replace("\n", "\r\n").encode())
    raw = _same_as_careful(path)
    assert raw.skipped_rows == 2 and len({p.row for p in raw.problems if p.row}) == 2


def test_a_quoted_answer_with_line_breaks_far_into_the_file(tmp_path):
    rows = _rows(3000)
    rows[2500] = rows[2500].replace("Shop", '"Shop\non two lines', 1).rstrip("\n") + '"\n'
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(rows))
    raw = _same_as_careful(path)
    assert raw.n_rows == 3000 and raw.merged_rows == 0


def test_a_stray_quote_that_swallows_rows_is_named(tmp_path):
    rows = _rows(3000)
    rows[2800] = rows[2800].replace("Shop", '"Shop', 1)  # opens a cell never closed: runs on to the end
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(rows))
    raw = _same_as_careful(path)
    assert raw.merged_rows > 0


def test_nul_characters_after_the_first_lines_are_removed_and_named(tmp_path):
    rows = _rows(3000)
    rows[2900] = rows[2900].replace("Div", "D\x00iv", 1)
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(rows))
    raw = read_raw(path)
    assert raw.strings("Division")[2900].as_py() == "Div 2"
    assert [(p.row, p.column) for p in raw.problems] == [(2902, "Division")]
    assert raw.encoded("Division")[0].count("Div 2") == 1


def test_a_qualtrics_export_keeps_its_three_header_rows_out_of_the_answers(tmp_path):
    keys = HEADER.rstrip("\n").split(",")
    header = ",".join(keys) + "\n" + ",".join(f'"{k} question"' for k in keys) + "\n" \
        + ",".join('"{""ImportId"":""' + k + '""}"' for k in keys) + "\n"
    path = tmp_path / "export.csv"
    path.write_text(header + "".join(_rows(3000)))
    raw = _same_as_careful(path)
    assert raw.format == "qualtrics" and raw.header_rows == 3 and raw.row_number(0) == 4


def test_the_row_limit_stops_the_stream_before_the_end(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(_rows(3000)))
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(path, limits=ReadLimits(max_rows=1000))
    assert caught.value.message.startswith("export.csv has more than 1,000 rows")


def test_progress_is_reported_and_stopping_it_stops_the_read(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_stream, "_POLL", 0.0)
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(_rows(3000)))
    shares = []
    read_raw(path, progress=lambda share, text: shares.append((share, text)))
    assert shares and all(0 < s <= 1 and t == "Reading export.csv" for s, t in shares)
    assert shares == sorted(shares)

    class Stop(Exception):
        pass

    def stop(share, text):
        raise Stop()
    with pytest.raises(Stop):
        read_raw(path, progress=stop)


def test_a_utf8_byte_order_mark_is_read_as_a_stream_too(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "".join(_rows(3000))).encode())
    raw = _same_as_careful(path)
    assert raw.keys[0] == "ResponseId" and raw.encoding == "utf-8 with BOM"
    assert pa.types.is_dictionary(raw.table.column("sign_1").type)  # streamed: coded as read


def test_a_file_read_whole_into_memory_is_held_to_the_memory_limit_and_a_stream_is_not(tmp_path):
    text = HEADER + "".join(_rows(3000)).replace("Div 1", "Générale")
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))  # another encoding: decoded in memory
    with pytest.raises(FileTooLargeError) as caught:
        read_raw(path, limits=ReadLimits(max_memory_bytes=50_000))
    assert caught.value.message == (f"export.csv is {path.stat().st_size / 1e3:.1f} KB and is not plain UTF-8 text "
                                    "with its header on the first line, so it would be read whole into memory; "
                                    "cxcommit reads at most 50.0 KB (max_memory_bytes).")
    assert caught.value.hint.startswith("Save it as CSV (UTF-8) in a spreadsheet program")
    path.write_text(text)  # as UTF-8: read as a stream, whatever the memory limit
    assert read_raw(path, limits=ReadLimits(max_memory_bytes=50_000)).n_rows == 3000


@pytest.mark.parametrize("small_blocks", ["in parts"], indirect=True)
def test_a_file_read_in_parts_is_cut_at_line_ends_into_as_many_parts_as_cores(tmp_path, monkeypatch):
    cuts = []
    ranges = csv_stream._ranges
    monkeypatch.setattr(csv_stream, "_ranges", lambda path, size: cuts.append(ranges(path, size)) or cuts[-1])
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "".join(_rows(3000)))
    _same_as_careful(path)
    data = path.read_bytes()
    [parts] = [found for found in cuts if len(found) > 1]
    assert len(parts) == 3 and parts[0][0] == 0 and parts[-1][1] == len(data)
    assert all(data[start - 1:start] == b"\n" for start, _ in parts[1:])
    assert all(end == start for (_, end), (start, _) in zip(parts, parts[1:]))
