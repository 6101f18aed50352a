"""Exporting the tables behind the charts: formulas neutralised, numbers exact, suppressed rows empty."""
import csv
import io
import math
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from cxcommit import SIGN_IDS, Settings, load_demo_metrics, load_survey
from cxcommit.analyses.commitment import commitment_index, index_over_waves
from cxcommit.analyses.findings import findings
from cxcommit.analyses.gaps import gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations, unit_table
from cxcommit.analyses.rates import rates
from cxcommit.analyses.variation import variation
from cxcommit.demo import load_demo
from cxcommit.export.workbook_tables import analysis_tables
from cxcommit.export.table_export import (FORMULA_STARTS, safe_cells, sheet_names, to_csv_bytes,
                                          to_xlsx_bytes)
from conftest import REALDATA, ROOT

HIDING = Settings(min_group_size=30, dont_know="missing")  # with load_demo(30): suppressed rows (no executives are reported, so no perception gap; the index, which scores whoever answered 6 of the 8 signs yes or no, is shown), and pay alignment carrying unit metrics


def published(settings: Settings):
    """The demo published for the settings' minimum group size (an analysis asking for more than its survey was
    published for raises)."""
    return load_demo(settings.min_group_size)


@pytest.fixture(scope="module")
def metrics():
    return load_demo_metrics()


def library_tables(survey, metrics, settings):
    """The tables the charts draw, each from its library function called directly."""
    signs = list(SIGN_IDS)
    return {
        "Findings": findings(survey, metrics, settings=settings),
        "Commitment by division": commitment_index(survey, "division", settings=settings),
        "Signs by division": rates(survey, "division", items=signs, settings=settings),
        "Variation across units": variation(survey, "business_unit", items=signs, settings=settings),
        "Perception gap": perception_gap(survey, None, items=signs, settings=settings),
        "Gap to full commitment": gap_to_target(survey, None, items=signs, settings=settings),
        "Pay alignment by division": pay_alignment(survey, metrics, "division", settings=settings),
        "Commitment over waves": index_over_waves(survey, "division", settings=settings),
        "Pay and outcomes by unit": unit_table(survey, metrics, settings),
        "Pay and outcomes correlations": pay_relations(survey, metrics, settings=settings),
    }


def is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def numeric_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]


def hidden_rows(table: pd.DataFrame) -> np.ndarray:
    return table["suppressed"].to_numpy(dtype=bool) if "suppressed" in table else np.zeros(len(table), dtype=bool)


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, na_values=[""])


# --- formulas neutralised ------------------------------------------------------------------------------------

FORMULAS = [
    ("=1+1", "'=1+1"),
    ("+SUM(A1)", "'+SUM(A1)"),
    ("-2+3", "'-2+3"),  # a negative-looking sum stored as text
    ("@cmd", "'@cmd"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("Retail Banking", "Retail Banking"),
    ("a=b-c", "a=b-c"),  # only the first character matters
    ("'=already quoted", "'=already quoted"),
    (" =1+1", "' =1+1"),  # white space first: some programs trim it, then run the formula
    (" =5+5", "' =5+5"),
    ("\t=1+2", "'\t=1+2"),
    ("\n=1+2", "'\n=1+2"),
    ("\u00a0\u3000+1", "'\u00a0\u3000+1"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(1)", "'@SUM(1)"),
    ("{=1+1}", "{=1+1}"),
    ("", ""),
]


@pytest.mark.parametrize("text, expected", FORMULAS)
@pytest.mark.parametrize("dtype", [object, "str", "category"])
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(text, expected, dtype):
    frame = pd.DataFrame({"group": pd.Series([text, "Digital"], dtype=dtype), "n": [12, -3]})
    safe = safe_cells(frame)
    assert safe["group"].tolist() == [expected, "Digital"]
    assert safe["n"].tolist() == [12, -3]
    assert frame["group"].tolist() == [text, "Digital"]  # the input is not changed


@pytest.mark.parametrize("text, expected", FORMULAS)
def test_column_names_are_neutralised_too(text, expected):
    assert list(safe_cells(pd.DataFrame({text or "x": [1], "p": [0.5]})).columns) == [expected or "x", "p"]


@pytest.mark.parametrize("text, expected", FORMULAS)
def test_csv_and_xlsx_write_the_neutralised_text(text, expected):
    frame = pd.DataFrame({"group": [text], "diff": [-0.25]})
    assert csv_rows(to_csv_bytes(frame)) == [["group", "diff"], [expected, "-0.25"]]
    sheet = read_xlsx(to_xlsx_bytes({"t": frame}))["t"]
    cell = sheet["A2"]
    assert cell.value == (expected or None)  # openpyxl reads an empty text back as None
    assert cell.data_type == "s" if expected else cell.data_type != "f"
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-0.25, "n")


CONTROLS = [
    ("Nul\x00unit", "Nulunit"),
    ("\x1b[31mred", "[31mred"),
    ("a\x7fb\x85c\ufffed\uffff", "abcd"),
    ("\x00=1+1", "'=1+1"),  # a formula start brought to the front by the removal is neutralised
    ("tab\tand\nline", "tab\tand\nline"),
]


@pytest.mark.parametrize("text, expected", CONTROLS)
def test_control_characters_are_removed_from_csv_and_xlsx(text, expected):
    """No spreadsheet file can hold them: an XLSX refused to be written ("Char 0x0 out of allowed
    range"), a CSV carried them to Excel."""
    frame = pd.DataFrame({text: [text], "n": [7]})
    assert csv_rows(to_csv_bytes(frame)) == [[expected, "n"], [expected, "7"]]
    sheet = read_xlsx(to_xlsx_bytes({"t": frame}))["t"]
    assert (sheet["A1"].value, sheet["A2"].value, sheet["A2"].data_type) == (expected, expected, "s")


def test_numbers_booleans_and_nulls_stay_as_they_are():
    frame = pd.DataFrame({
        "diff": [-0.25, np.nan, 3.0], "n": [-3, 0, 7], "k": pd.array([-1, None, 2], dtype="Int64"),
        "p": pd.array([0.5, None, -0.1], dtype="Float64"), "significant": [True, False, True],
        "mixed": pd.Series([-2, None, "=x"], dtype=object), "label": pd.Series(["a", None, "-b"], dtype="str"),
    })
    safe = safe_cells(frame)
    pd.testing.assert_frame_equal(safe.drop(columns=["mixed", "label"]), frame.drop(columns=["mixed", "label"]))
    assert safe["mixed"].iat[0] == -2 and safe["mixed"].iat[1] is None and safe["mixed"].iat[2] == "'=x"
    assert safe["label"].iat[0] == "a" and pd.isna(safe["label"].iat[1]) and safe["label"].iat[2] == "'-b"
    assert csv_rows(to_csv_bytes(frame))[1:] == [["-0.25", "-3", "-1", "0.5", "True", "-2", "a"],
                                                 ["", "0", "", "", "False", "", ""],
                                                 ["3.0", "7", "2", "-0.1", "True", "'=x", "'-b"]]
    sheet = read_xlsx(to_xlsx_bytes({"t": frame}))["t"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [-0.25, -3, -1, 0.5, True, -2, "a"], [None, 0, None, None, False, None, None],
        [3, 7, 2, -0.1, True, "'=x", "'-b"]]
    assert [c.data_type for c in sheet[2]] == ["n", "n", "n", "n", "b", "n", "s"]


def test_categories_that_collide_once_neutralised_become_plain_text():
    frame = pd.DataFrame({"group": pd.Categorical(["=a", "'=a", None])})
    assert safe_cells(frame)["group"].tolist()[:2] == ["'=a", "'=a"]
    assert pd.isna(safe_cells(frame)["group"].iat[2])


texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=10)
risky_texts = st.one_of(texts, st.builds(str.__add__, st.sampled_from(FORMULA_STARTS + ("'", " ", "\n")), texts))
cells = st.one_of(st.none(), risky_texts, st.integers(-10**9, 10**9),
                  st.floats(allow_nan=False, allow_infinity=False, width=64))


@st.composite
def frames(draw):
    names = draw(st.lists(risky_texts, min_size=1, max_size=4, unique_by=lambda t: t.strip()))
    names = [name if name.strip() else f"c{i}" for i, name in enumerate(names)]  # a blank name reads back as none
    rows = draw(st.integers(0, 5))
    return pd.DataFrame({name: pd.Series(draw(st.lists(cells, min_size=rows, max_size=rows)), dtype=object)
                         for name in names})


@hsettings(max_examples=80, deadline=None)
@given(frames())
def test_no_text_cell_leaves_with_a_formula_start(frame):
    safe = safe_cells(frame)
    for before, after in zip(list(frame.columns), list(safe.columns)):
        assert not after.startswith(FORMULA_STARTS) and after in (before, "'" + before)
        for old, new in zip(frame[before], safe[after]):
            if isinstance(old, str):
                assert not new.startswith(FORMULA_STARTS) and new in (old, "'" + old)
            else:
                assert new is old  # numbers and nulls untouched

    rows = csv_rows(to_csv_bytes(frame))
    assert len(rows) == len(frame) + 1 and all(len(row) == frame.shape[1] for row in rows)
    assert not any(name.startswith(FORMULA_STARTS) for name in rows[0])
    for row, values in zip(rows[1:], frame.itertuples(index=False)):
        for text, value in zip(row, values):
            if isinstance(value, str):
                assert not text.startswith(FORMULA_STARTS)
            elif value is None:
                assert text == ""
            else:
                assert float(text) == value  # numbers are written in full

    sheet = read_xlsx(to_xlsx_bytes({"t": frame}))["t"]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.data_type == "s" and not cell.value.startswith(FORMULA_STARTS)


# --- the tables behind the charts ----------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [Settings(), HIDING], ids=["default", "min30"])
def test_the_tables_are_the_library_tables(metrics, settings):
    survey = published(settings)
    tables = analysis_tables(survey, metrics, settings=settings)
    expected = library_tables(survey, metrics, settings)
    assert list(tables) == list(expected)
    for name, table in tables.items():
        library = expected[name]
        assert list(table.columns) == list(library.columns), name  # the library's vocabulary
        hidden = hidden_rows(library)
        for column in library.columns:
            if column in numeric_columns(library):
                shown = table[column][~hidden].reset_index(drop=True)
                pd.testing.assert_series_equal(shown, library[column][~hidden].reset_index(drop=True),
                                               check_dtype=False, obj=f"{name}: {column}")
                assert table[column][hidden].isna().all(), (name, column)
            else:
                pd.testing.assert_series_equal(table[column], library[column], obj=f"{name}: {column}")


def test_the_library_already_hides_the_survey_numbers_of_suppressed_rows(metrics):
    """What the export has to empty itself on the demo data: only numbers that do not come from the
    answers, pay_alignment's unit-metric columns (its chart hides them for a hidden wave too)."""
    carried = {}
    for settings in (Settings(), HIDING):
        for name, table in library_tables(published(settings), metrics, settings).items():
            hidden = hidden_rows(table)
            for column in numeric_columns(table):
                if table[column][hidden].notna().any():
                    carried.setdefault(name, set()).add(column)
    # no number from the answers is carried; pay alignment's unit metrics may be (none on the demo since
    # small units are pooled into "Other units …", which have no metrics): the export empties them itself
    assert set(carried) <= {"Pay alignment by division"}
    assert carried.get("Pay alignment by division", set()) <= {"incentive_share", "units"}


def test_an_analysis_these_data_cannot_give_is_left_out(tmp_path):
    responses = pd.read_csv(ROOT / "data" / "demo_responses.csv").drop(columns=["role"])
    responses.to_csv(tmp_path / "no_roles.csv", index=False)
    tables = analysis_tables(load_survey(tmp_path / "no_roles.csv"))
    assert "Perception gap" not in tables  # needs a role grouping: raises NotApplicable
    assert {"Commitment by division", "Signs by division", "Pay alignment by division"} <= set(tables)

    starwars = analysis_tables(load_survey(REALDATA / "surveymonkey_538_starwars.csv"))  # no signs, no units
    assert list(starwars) == ["Findings", "Items by region", "Variation across regions", "Gap to target"]


def test_a_filter_that_leaves_nobody_gives_only_hidden_rows(demo):
    tables = analysis_tables(demo.filter(division=["No such division"]))
    assert tables and all(hidden_rows(t).all() for t in tables.values() if "suppressed" in t)
    assert all(t[numeric_columns(t)].isna().all().all() for t in tables.values() if "suppressed" in t)


def test_a_workbook_without_tables_says_so():
    book = read_xlsx(to_xlsx_bytes({}))
    assert book.sheetnames == ["No tables"] and book.active["A1"].value == "No tables to export."


# --- XLSX ----------------------------------------------------------------------------------------------------

def valid_sheet_name(name: str) -> bool:
    return (0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) and not name.startswith("'")
            and not name.endswith("'") and name.lower() != "history")


def test_sheet_names_are_valid_and_unique():
    keys = ["Signs by division", "signs by division", "a/b", "[x]", "'quoted'", "What? *", "a:b\\c", "",
            "History", "y" * 40, "y" * 40, "y" * 31 + "'", "'"]
    names = sheet_names(keys)
    assert all(valid_sheet_name(n) for n in names), names
    assert len({n.lower() for n in names}) == len(keys)
    book = read_xlsx(to_xlsx_bytes({k: pd.DataFrame({"n": [1]}) for k in dict.fromkeys(keys)}))
    assert book.sheetnames == sheet_names(list(dict.fromkeys(keys)))


@pytest.mark.parametrize("settings", [Settings(), HIDING], ids=["default", "min30"])
def test_xlsx_holds_the_library_numbers_row_by_row(metrics, settings):
    survey = published(settings)
    tables = analysis_tables(survey, metrics, settings=settings)
    expected = library_tables(survey, metrics, settings)
    book = read_xlsx(to_xlsx_bytes(tables))
    assert book.sheetnames == list(tables) and all(valid_sheet_name(n) for n in book.sheetnames)
    compared = 0
    for name in book.sheetnames:
        sheet, library = book[name], expected[name]
        header = [c.value for c in sheet[1]]
        assert header == list(library.columns)
        assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2"
        assert sheet.max_row == len(library) + 1
        assert all(8 <= sheet.column_dimensions[c.column_letter].width <= 60 for c in sheet[1])
        hidden = hidden_rows(library)
        for i, row in enumerate(sheet.iter_rows(min_row=2)):
            for column, cell in zip(header, row):
                assert cell.data_type != "f", (name, cell.coordinate)
                value, want = cell.value, library[column].iat[i]
                if is_number(value):
                    assert not hidden[i] and not pd.isna(want), (name, cell.coordinate)
                    # openpyxl writes a float with 16 significant digits (openpyxl.compat.strings.safe_string)
                    assert value == float("%.16g" % want), (name, cell.coordinate, value, want)
                    compared += 1
                elif value is None:
                    assert pd.isna(want) or (hidden[i] and column in numeric_columns(library)), (name, cell.coordinate)
                else:
                    assert value == want, (name, cell.coordinate)
    assert compared > 500


def test_xlsx_shows_shares_as_percentages_and_keeps_them_numbers(demo, metrics):
    tables = analysis_tables(demo, metrics)
    book = read_xlsx(to_xlsx_bytes(tables))
    signs = book["Signs by division"]
    header = [c.value for c in signs[1]]
    p, n = signs.cell(2, header.index("p") + 1), signs.cell(2, header.index("n") + 1)
    assert p.number_format == "0.0%" and 0 < p.value < 1 and n.number_format == "General"
    relations = book["Pay and outcomes correlations"]  # ci of r, not of a share
    ci = relations.cell(2, [c.value for c in relations[1]].index("ci_low") + 1)
    assert ci.number_format == "General"


# --- suppressed rows -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["min30", "filtered"])
def hidden_case(request, demo, metrics):
    if request.param == "min30":
        return analysis_tables(published(HIDING), metrics, settings=HIDING)
    # 5 executives of Retail Banking in 2026-Q3 (one class of the minimum), fewer than 5 of whom answered signs 7 and
    # 8: those answers are withheld, so signs 7-8, pay alignment and the perception gap (no staff) are hidden (the
    # index scores them on the 6 signs they answered)
    frame = demo.frame
    chosen = frame[(frame["division"] == "Retail Banking") & (frame["role"] == "Executive") & (frame["wave"] == "2026-Q3")]
    assert len(chosen) == 5 and chosen[["sign_7", "sign_8"]].count().tolist() == [0, 0]
    return analysis_tables(demo.filter(division=["Retail Banking"], role=["Executive"], wave=["2026-Q3"]), metrics)


def test_suppressed_rows_leave_without_numbers_in_xlsx(hidden_case):
    assert sum(hidden_rows(t).sum() for t in hidden_case.values()) >= 8
    book = read_xlsx(to_xlsx_bytes(hidden_case))
    for name, table in zip(book.sheetnames, hidden_case.values()):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        for row, hidden in zip(sheet.iter_rows(min_row=2), hidden_rows(table)):
            if hidden:
                values = dict(zip(header, (c.value for c in row)))
                assert not [c for c, v in values.items() if is_number(v)], (name, values)
                assert values["suppressed"] is True and values["suppression"] == "small"  # the only reason left


def test_suppressed_rows_leave_without_numbers_in_csv(hidden_case):
    for name, table in hidden_case.items():
        rows = csv_rows(to_csv_bytes(table))
        header, hidden = rows[0], hidden_rows(table)
        numbers = [header.index(c) for c in numeric_columns(table)]
        for row, is_hidden in zip(rows[1:], hidden):
            if is_hidden:
                assert [row[i] for i in numbers] == [""] * len(numbers), (name, row)
                assert row[header.index("suppressed")] == "True" and row[header.index("suppression")]


def test_the_writers_empty_the_numbers_of_any_suppressed_row():
    frame = pd.DataFrame({"group": ["A", "B"], "n": [3, 40], "incentive_share": [12.5, 30.0],
                          "units": [2, 4], "mixed": pd.Series([7, 8], dtype=object), "suppressed": [True, False],
                          "suppression": ["small", None]})
    assert csv_rows(to_csv_bytes(frame))[1:] == [["A", "", "", "", "", "True", "small"],
                                                 ["B", "40", "30.0", "4", "8", "False", ""]]
    sheet = read_xlsx(to_xlsx_bytes({"t": frame}))["t"]
    assert [c.value for c in sheet[2]] == ["A", None, None, None, None, True, "small"]
    assert frame["n"].tolist() == [3, 40]  # the input is not changed


# --- CSV -----------------------------------------------------------------------------------------------------

def test_csv_is_utf8_with_a_bom_and_newline_line_ends():
    data = to_csv_bytes(pd.DataFrame({"group": ["Café Crème", "Zürich", "two\r\nlines"], "p": [0.5, 0.25, None]}))
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == 5 and data.count(b"\r") == 1
    assert data.decode("utf-8-sig").splitlines()[:3] == ["group,p", "Café Crème,0.5", "Zürich,0.25"]


def test_csv_round_trip_with_pandas(demo, metrics):
    tricky = pd.DataFrame({"group": ["a\rb", "x\ny", 'q"q', "a,b", "=1+1", "-2"], "diff": [-0.5, 1e-20, 0.1 + 0.2,
                                                                                        None, -3.0, 2.0]})
    tables = {**analysis_tables(published(HIDING), metrics, settings=HIDING), "tricky": tricky}
    assert len(tables) > 5
    for name, table in tables.items():
        back, want = read_csv(to_csv_bytes(table)), safe_cells(table)
        assert list(back.columns) == list(want.columns), name
        for column in want.columns:
            if column in numeric_columns(want):
                assert np.array_equal(back[column].to_numpy(dtype=float), want[column].to_numpy(dtype=float, na_value=np.nan),
                                      equal_nan=True), (name, column)
            else:
                expected = [None if pd.isna(v) else v for v in want[column]]
                got = [None if isinstance(v, float) and math.isnan(v) else v for v in back[column]]
                assert got == expected, (name, column)


def test_an_analysis_that_fails_fails_the_workbook_instead_of_dropping_its_table(monkeypatch):
    from dataclasses import replace

    import cxcommit.export.workbook_tables as workbook_tables
    from cxcommit.story.chapters import CHAPTERS

    def broken(plan):
        raise ValueError("a bug in an analysis")

    monkeypatch.setattr(workbook_tables, "CHAPTERS", tuple(replace(c, analysis=broken) if c.kind == "signs" else c
                                                       for c in CHAPTERS))
    with pytest.raises(ValueError, match="a bug"):
        workbook_tables.analysis_tables(load_demo())


def test_the_workbook_opens_with_its_notes():
    from cxcommit.story.report_text import workbook_notes

    digital = load_demo().filter(division="Digital")
    notes = workbook_notes(digital, Settings(min_difference=0.1), "Demo data")
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"Notes": pd.DataFrame({"p": [0.5]})}, notes)))
    assert book.sheetnames == ["Notes", "Notes (2)"]  # a table of that name keeps its own sheet
    column = [row[0].value for row in book["Notes"].iter_rows()]
    assert column == ["Notes", *notes]
    assert "“difference to the rest” compares with the rest of this filtered view, not with all respondents" in notes
    assert any(note.startswith("Significant: ") and note.endswith("and at least 10 points.") for note in notes)
    assert any("Methods: docs/methods.md §" in note for note in notes)
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"T": pd.DataFrame({"p": [0.5]})}))).sheetnames == ["T"]
