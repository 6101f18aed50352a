"""Bad input gets a clear message (what, where, what to do) and never a traceback."""
import io
import re
import zipfile

import openpyxl
import pytest

from cxcommit import (DataValidationError, FileReadError, MappingError, Settings, apply_mapping, load_mapping,
                      load_survey, read_unit_metrics, suggest_mapping, read_raw)
from cxcommit.mapping.mapping_file import mapping_from_dict
from conftest import ROOT, cli, cli_process

GOOD = "respondent_id,division,sign_1,nps\nR1,Sales,Yes,9\nR2,Sales,No,7\nR3,Service,Yes,10\n"


def _xlsx(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# name, file bytes, expected exception (or None), text the message must contain
ERRORS = [
    ("empty file", b"", FileReadError, "is empty (0 bytes)"),
    ("only white space", b"  \n\n", FileReadError, "is empty"),
    ("png image", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, FileReadError, "is a PNG image, not a survey export"),
    ("random binary", bytes(range(256)) * 40, FileReadError, "does not look like a text table"),
    ("old excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, FileReadError, "old Excel 97–2003 (.xls)"),
    ("pdf", b"%PDF-1.7\n...", FileReadError, "is a PDF document"),
    ("only headers", b"respondent_id,division,sign_1\n", FileReadError, "has header rows but no responses"),
    ("qualtrics headers only",
     b'Q1,Q2\nQuestion one,Question two\n"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}"\n',
     FileReadError, "has header rows but no responses (Qualtrics layout, 3 header row(s))"),
    ("one column", b"just some text\nand more text\n", FileReadError, "has only one column"),
    ("zip with two exports", _zip({"a.csv": GOOD.encode(), "b.csv": GOOD.encode()}), FileReadError,
     "zip archive with 2 exports"),
    ("damaged workbook", b"PK\x03\x04" + b"\x00" * 60, FileReadError, "damaged"),
]


@pytest.mark.parametrize("name, data, error, text", ERRORS, ids=[e[0] for e in ERRORS])
def test_unreadable_files_raise_a_clear_error(name, data, error, text):
    with pytest.raises(error) as caught:
        load_survey(data, name="export.csv")
    assert text in caught.value.message
    assert caught.value.hint  # always says what to do


# name, file bytes, check on the survey
def _warnings(survey):
    return [(p.row, p.column, p.problem, p.value) for p in survey.report.problems]


READABLE = [
    ("semicolon delimiter", GOOD.replace(",", ";").encode(),
     lambda s: s.report.delimiter == ";" and s.report.rows_kept == 3),
    ("tab delimiter", GOOD.replace(",", "\t").encode(), lambda s: s.report.delimiter == "\t"),
    ("crlf line ends", GOOD.replace("\n", "\r\n").encode(), lambda s: s.report.rows_kept == 3),
    ("utf-16 with bom", GOOD.encode("utf-16"), lambda s: s.report.encoding == "utf-16 with BOM"),
    ("utf-16 without bom", GOOD.encode("utf-16-le"), lambda s: s.report.encoding == "utf-16-le"),
    ("cp1252", "respondent_id,division,sign_1\nR1,Gesch\u00e4ftskunden,Yes\nR2,Caf\u00e9,No\n".encode("cp1252"),
     lambda s: s.report.encoding == "cp1252" and "Café" in list(s.responses["division"])),
    ("mixed encodings",
     "respondent_id,division,sign_1\nR1,Caf\u00e9 \u00fcber,Yes\nR2,Na\u00efve,No\n".encode("utf-8")
     + "R3,Caf\u00e9,Yes\n".encode("cp1252"),
     lambda s: s.report.encoding == "mixed: utf-8 and cp1252" and "Café" in list(s.responses["division"])
     and any(p.value == "line 4" for p in s.report.problems)),
    ("mixed encodings, as many lines cp1252",  # one unit, not "Zürich" and "ZĂĽrich" (more such lines: the same)
     b"respondent_id,division,sign_1\n" + b"".join(f"R{i},Z\u00fcrich,Yes\n".encode("utf-8") for i in range(2))
     + b"".join(f"S{i},Z\u00fcrich,No\n".encode("cp1252") for i in range(2)),
     lambda s: s.report.encoding == "mixed: utf-8 and cp1252" and set(s.responses["division"]) == {"Zürich"}),
    ("title lines above the header", ("Employee survey 2026\nExported 2026-11-01\n" + GOOD).encode(),
     lambda s: s.report.header_rows == 3 and "skipped 2 title line(s) above the header row" in s.report.notes
     and s.report.rows_kept == 3),
    ("quoted newlines", b'respondent_id,division,sign_1\nR1,"Sales\nNorth",Yes\nR2,Service,No\n',
     lambda s: "Sales North" in list(s.responses["division"]) and s.report.rows_kept == 2),
    ("duplicate columns", b"respondent_id,sign_1,sign_1\nR1,Yes,No\nR2,No,No\n",
     lambda s: (None, "sign_1", "two columns have this name; column 3 is called 'sign_1 (2)'", None) in _warnings(s)),
    ("duplicate respondent ids", b"respondent_id,sign_1\nR1,Yes\nR2,No\nR1,No\n",
     lambda s: s.report.rows_kept == 2
     and s.report.excluded == {"duplicate respondent id in the same wave (first kept)": 1}
     and (4, "respondent_id", "same respondent id as an earlier row in the same wave; the later row was left out",
          "R1") in _warnings(s)),
    ("ragged row", b"respondent_id,division,sign_1\nR1,Sales,Yes\nR2,Sales,No,extra,fields\nR3,Service,Yes\n",
     lambda s: s.report.rows_kept == 2 and s.report.rows_in_file == 3
     and (3, None, "row has 5 fields where the header has 3; the row was left out", None) in _warnings(s)),
    ("zip with one export", _zip({"export.csv": GOOD.encode()}),
     lambda s: s.report.rows_kept == 3 and "read export.csv from the zip archive export.csv" in s.report.notes),
    ("xlsx with several sheets", _xlsx({"Responses": [["respondent_id", "sign_1"], ["R1", "Yes"], ["R2", "No"]],
                                         "Summary": [["total", 2]], "Notes": [["made by hand"]]}),
     lambda s: s.report.sheet == "Responses" and any(
         "the workbook has 3 sheets; read 'Responses', not 'Summary', 'Notes'" in p.problem for p in s.report.problems)),
    ("xlsx with formulas", _xlsx({"Data": [["respondent_id", "nps"], ["R1", 9], ["R2", "=A1+1"], ["R3", 7]]}),
     lambda s: (3, "B", "cell holds a formula without a saved result; read as empty. Open the file in Excel and "
                "save it, or export CSV", "=A1+1") in _warnings(s)),
]


@pytest.mark.parametrize("name, data, check", READABLE, ids=[r[0] for r in READABLE])
def test_awkward_but_readable_files(name, data, check):
    """What was read is checked on the survey as imported (every row); the published one that
    load_survey returns comes from the same reading, and from files of 2 or 3 rows publishes nobody."""
    raw = read_raw(data, "export.csv")
    survey = apply_mapping(raw, suggest_mapping(raw))
    assert check(survey)
    published = load_survey(data, name="export.csv")
    assert published.report == survey.report
    assert survey.size < 5 and published.size == 0 and len(published.responses) == 0


def test_unknown_answer_labels_are_reported_with_row_column_and_value():
    mapping = suggest_mapping(read_raw(GOOD.encode(), "wave1.csv"))
    wave2 = b"respondent_id,division,sign_1,nps\nR1,Sales,Yes,9\nR2,Sales,Yess,15\nR3,Sales,Yess,8\n"
    survey = load_survey(wave2, mapping=mapping, name="wave2.csv")
    warnings = _warnings(survey)
    assert (3, "sign_1", "answer label not in the mapping; read as missing. Add it to the item's labels to count it "
            "(2 answers)", "Yess") in warnings
    assert (3, "nps", "number outside the scale (0–10 likelihood (NPS)); read as missing (1 answer)", "15") in warnings
    assert survey.size == 0  # 3 respondents: no group of 5 to publish
    read = apply_mapping(read_raw(wave2, "wave2.csv"), mapping).responses  # every row as imported
    assert read["sign_1"].isna().sum() == 2 and read["sign_1"].notna().sum() == 1


def test_mapping_that_names_missing_columns():
    mapping = suggest_mapping(read_raw(GOOD.encode(), "wave1.csv"))
    with pytest.raises(MappingError) as caught:
        load_survey(b"respondent_id,Division,sign_one,nps\nR1,Sales,Yes,9\n", mapping=mapping, name="wave2.csv")
    assert "The mapping names 2 column(s) that are not in wave2.csv: 'division', 'sign_1'." == caught.value.message
    assert [(p.column, p.problem) for p in caught.value.problems] == [
        ("division", "the mapping names this column but the file has none like it; closest: 'Division'"),
        ("sign_1", "the mapping names this column but the file has none like it; closest: 'sign_one'"),
    ]


@pytest.mark.parametrize("text, message", [
    ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2."),
    ('{"items": []}', "is not a cxcommit mapping (version 1)."),
])
def test_broken_mapping_files(tmp_path, text, message):
    path = tmp_path / "mapping.json"
    path.write_text(text)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.message.endswith(message)


def test_every_problem_of_a_mapping_is_reported_at_once():
    data = {"cxcommit_mapping": 1, "format": "sps", "attributes": {"department": "Dept"},
            "items": [{"column": "Q1", "item": "a", "scale": "stars"},
                      {"column": "Q2", "item": "b", "scale": "likert", "low": 1, "high": 5, "labels": {"Top": 9}},
                      {"column": "Q3", "item": "b", "scale": "yes_no", "labels": {"Yes": "true"}}]}
    with pytest.raises(MappingError) as caught:
        mapping_from_dict(data)
    problems = [p.problem for p in caught.value.problems]
    assert len(problems) == 6, problems
    assert "unknown scale; use one of yes_no, likert, nps, numeric" in problems
    assert "answer label 'Top' maps to 9, outside the scale 5-point (1–5, favourable ≥ 4)" in problems


def test_all_rows_excluded_is_an_error():
    data = (b'StartDate,Status,Q1\nStart,Response Type,Question\n"{""ImportId"":""startDate""}",'
            b'"{""ImportId"":""status""}","{""ImportId"":""QID1""}"\n2026-01-01,Survey Preview,Yes\n')
    with pytest.raises(DataValidationError) as caught:
        load_survey(data, name="preview.csv", settings=Settings(test_responses="exclude"))
    assert "No responses are left in preview.csv after excluding 1 row(s)" in caught.value.message


def test_unit_metrics_problems():
    with pytest.raises(DataValidationError) as caught:
        read_unit_metrics(b"unit_name,when,nps\nA,2026-Q1,10\n", "metrics.csv")
    assert caught.value.message == "metrics.csv has no business unit column and no wave column."
    with pytest.raises(DataValidationError) as caught:
        read_unit_metrics(b"business_unit,wave,nps\nA,2026-Q1,10\nA,2026-Q1,12\n", "metrics.csv")
    assert [p.row for p in caught.value.problems] == [2, 3]
    metrics = read_unit_metrics(b"Business Unit,Wave,Incentive share %\nA,2026-Q1,12%\nB,2026-Q1,140\nC,2026-Q1,n/a\n")
    assert metrics.frame["Incentive share %"].tolist()[0] == 12
    assert [(p.row, p.problem) for p in metrics.problems] == [
        (3, "percentage outside 0–100; read as missing"), (4, "not a number; read as missing")]


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"a,b\n"])
def test_cli_prints_a_message_and_exits_1_without_traceback(tmp_path, data):
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    # through python -m cxcommit once (the exit code the shell sees); in this process for the rest
    for run, command in ((cli_process, ["check", path]), (cli, ["summary", path]), (cli, ["mapping", "suggest", path])):
        result = run(*command)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("Error: ") and "What to do: " in result.stderr
        assert "Traceback" not in result.stderr


def test_cli_names_a_missing_file(tmp_path):
    result = cli("check", tmp_path / "nope.csv")
    assert result.returncode == 1 and "There is no file" in result.stderr


@pytest.mark.slow
def test_a_100_mb_file_is_read(tmp_path):
    body = (ROOT / "data" / "demo_responses.csv").read_text().split("\n", 1)[1]
    lines = [line.split(",", 1)[1] for line in body.splitlines()]  # without respondent ids
    header = (ROOT / "data" / "demo_responses.csv").read_text().split("\n", 1)[0].split(",", 1)[1]
    chunk = "\n".join(lines) + "\n"
    copies = 100_000_000 // len(chunk.encode()) + 1
    path = tmp_path / "big.csv"
    with path.open("w") as handle:
        handle.write(header + "\n")
        for _ in range(copies):
            handle.write(chunk)
    assert path.stat().st_size > 100_000_000
    survey = load_survey(path)
    assert survey.report.rows_kept == copies * len(lines)
    assert survey.has_signs


def _demo_with_wave(wave: dict, content: bytes | None = None):
    """The demo export (or ``content``) applied with its suggested mapping and the wave rule ``wave``."""
    from dataclasses import replace
    from cxcommit import read_raw, suggest_mapping
    from cxcommit.mapping.schema import WaveRule
    content = content if content is not None else (ROOT / "data" / "demo_responses.csv").read_bytes()
    raw = read_raw(content, name="demo_responses.csv")
    return apply_mapping(raw, replace(suggest_mapping(raw), wave=WaveRule(**wave)))


@pytest.mark.parametrize("wave, message, hint", [
    ({"column": "division", "period": "quarter"},
     "No response has a wave: the column 'division' holds no date in any of the 5,458 rows of demo_responses.csv.",
     "Choose the column that holds the date of each response, or take the wave from a column as it is "
     '(a mapping file: "wave": {"column": "Wave"}), or name one wave for the whole file ("wave": {"value": "2026-Q3"}).'),
    ({"column": "nps", "period": "quarter"},
     "No response has a wave: the column 'nps' holds no date in any of the 5,458 rows of demo_responses.csv.",
     None),
    ({"column": "comment", "period": "month", "whole_file": True},
     "No response has a wave: the column 'comment' holds no date in any of the 5,458 rows of demo_responses.csv.",
     None),
    ({"column": "wave"},
     "No response has a wave: the wave column 'wave' is blank in all 5,458 rows of demo_responses.csv.",
     "Choose the column that names each response's wave, or name one wave for the whole file "
     '(a mapping file: "wave": {"value": "2026-Q3"}).'),
    ({"column": "wave", "period": "quarter"},
     "No response has a wave: the wave column 'wave' is blank in all 5,458 rows of demo_responses.csv.", None),
])
def test_a_wave_rule_that_gives_no_response_a_wave_is_refused(wave, message, hint):
    content = None
    if wave["column"] == "wave":  # the wave column blank in every row
        content = re.sub(rb"(?m)^(R\d+),\d{4}-Q\d,", rb"\1,,", (ROOT / "data" / "demo_responses.csv").read_bytes())
    with pytest.raises(DataValidationError) as caught:
        _demo_with_wave(wave, content)
    assert caught.value.message == message
    if wave["column"] == "division":  # the values are in the table of problems, not in the message
        assert (caught.value.problems[0].row, caught.value.problems[0].value) == (2, "Retail Banking")
    if hint:
        assert caught.value.hint == hint


def test_responses_without_a_wave_are_left_out_and_counted():
    lines = (ROOT / "data" / "demo_responses.csv").read_bytes().split(b"\n")
    blanked = [lines[0]] + [line.replace(b",2025-Q2,", b",,", 1) if i < 100 else line
                            for i, line in enumerate(lines[1:])]
    survey = _demo_with_wave({"column": "wave"}, b"\n".join(blanked))
    assert survey.report.excluded == {"no wave (the wave column 'wave' is blank)": 100}
    assert survey.size == 5458 - 100 and survey.frame["wave"].notna().all()
    listed = [p for p in survey.report.problems if p.problem.startswith("no wave")]
    assert len(listed) == 50 and (listed[0].row, listed[0].column) == (2, "wave")


def test_publishing_a_survey_without_responses_or_waves_is_refused():
    import pandas as pd
    from cxcommit.demo import import_demo
    from cxcommit.privacy.publish import publish
    from cxcommit.model.survey import Survey
    demo = import_demo()
    frame = demo.frame.copy()
    frame["wave"] = pd.Categorical([None] * 3 + list(frame["wave"][3:]), categories=frame["wave"].cat.categories)
    for survey, message in (
            (Survey(frame, demo.items, demo.groupings, demo.mapping, demo.report, levels=demo.levels),
             "3 of 5,458 response(s) have no wave, so their groups cannot be counted."),
            (Survey(frame.iloc[:0], demo.items, demo.groupings, demo.mapping, demo.report),
             "The survey has no response, so there is nothing to publish.")):
        with pytest.raises(DataValidationError) as caught:
            publish(survey, 5)
        assert caught.value.message == message


def test_cli_refuses_a_wave_column_that_gives_no_wave(tmp_path):
    import json
    suggested = cli("mapping", "suggest", "data/demo_responses.csv")
    assert suggested.returncode == 0, suggested.stderr
    mapping = json.loads(suggested.stdout)
    mapping["wave"] = {"column": "nps", "period": "quarter"}
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    for command in ("summary", "check"):
        result = cli(command, "data/demo_responses.csv", "--mapping", path)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith("Error: No response has a wave: the column 'nps' holds no date")


RESERVED_METRICS = ((ROOT / "data" / "demo_unit_metrics.csv").read_text().replace(
    "csat_pct\n", "csat_pct,n,group,sign_7,mean_signs\n").replace("\n", ",250,1,2,3\n")
    .replace("csat_pct,n,group,sign_7,mean_signs,250,1,2,3\n", "csat_pct,n,group,sign_7,mean_signs\n"))


def test_unit_metrics_named_as_cxcommits_own_columns_are_renamed_and_used():
    from cxcommit.demo import load_demo
    from cxcommit.analyses.pay import pay_alignment, pay_relations, unit_table
    metrics = read_unit_metrics(RESERVED_METRICS.encode(), "metrics.csv")
    assert metrics.metrics == ("exec_incentive_cx_pct", "customer_nps", "csat_pct", "n (unit metric)",
                               "group (unit metric)", "sign_7 (unit metric)", "mean_signs (unit metric)")
    assert [(p.column, p.problem) for p in metrics.problems][:2] == [
        ("n", "metric renamed to 'n (unit metric)': cxcommit's own tables use the name 'n'"),
        ("group", "metric renamed to 'group (unit metric)': cxcommit's own tables use the name 'group'")]
    survey = load_demo()
    units = unit_table(survey, metrics)
    assert set(units["n (unit metric)"].dropna()) == {250} and units["n"].sum() > 4000  # respondents, not 250s
    relations = pay_relations(survey, metrics)
    assert ("exec_incentive_cx_pct", "n (unit metric)") in set(zip(relations["x"], relations["y"]))
    assert not pay_alignment(survey, metrics)["incentive_share"].isna().all()


def test_unit_metrics_with_two_business_unit_columns_are_refused():
    text = (ROOT / "data" / "demo_unit_metrics.csv").read_text()
    lines = [line + "," + line.split(",")[0] for line in text.splitlines()]
    lines[0] = lines[0].rsplit(",", 1)[0] + ",Business Unit"
    with pytest.raises(DataValidationError) as caught:
        read_unit_metrics("\n".join(lines).encode(), "metrics.csv")
    assert caught.value.message == "metrics.csv has more than one business unit column ('business_unit', 'Business Unit')."
    assert caught.value.hint.startswith("Keep one business unit column and one wave column")


def test_cli_views_and_report_take_unit_metrics_named_as_cxcommits_own_columns(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text(RESERVED_METRICS)
    for args in (["analyze", "--view", "relations"], ["analyze", "--view", "findings"], ["analyze", "--view", "pay"],
                 ["report", "--out", str(tmp_path / "deck.pptx")]):
        result = cli(args[0], "data/demo_responses.csv", *args[1:], "--metrics", path)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)


NO_INCENTIVE = "\n".join(",".join(line.split(",")[:3] + line.split(",")[4:])
                         for line in (ROOT / "data" / "demo_unit_metrics.csv").read_text().splitlines()) + "\n"


def test_unit_metrics_without_an_incentive_share_are_used_for_the_rest_and_the_missing_one_named():
    from cxcommit.demo import load_demo
    from cxcommit.analyses.findings import findings
    from cxcommit.analyses.pay import metrics_coverage, pay_alignment, pay_relations
    metrics = read_unit_metrics(NO_INCENTIVE.encode(), "m.csv")
    assert metrics.metrics == ("customer_nps", "csat_pct")
    survey = load_demo()
    assert metrics_coverage(survey, metrics) == (
        "The unit metrics (m.csv) have no incentive-share column (their metrics: customer_nps, csat_pct), so the "
        "incentive share tied to CX is left out; the other metrics are used. To show it, add a column of the share "
        "of executive incentive tied to CX with 'incentive' in its name.",)
    pay = pay_alignment(survey, metrics)
    assert pay["incentive_share"].isna().all() and pay["p"].notna().any()
    relations = pay_relations(survey, metrics)
    assert list(zip(relations["x"], relations["y"])) == [
        ("sign_7", "other_signs"), ("sign_7", "customer_nps"), ("mean_signs", "customer_nps"),
        ("sign_7", "csat_pct"), ("mean_signs", "csat_pct")]
    facts = findings(survey, metrics)
    assert list(facts["kind"]) == list(findings(survey)["kind"])  # as without metrics: none needs the incentive


def test_cli_views_take_unit_metrics_without_an_incentive_share(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(NO_INCENTIVE)
    for view in ("findings", "relations", "pay"):
        result = cli("analyze", "data/demo_responses.csv", "--view", view, "--metrics", path)
        assert result.returncode == 0, (view, result.stderr)
        assert result.stderr.startswith("Note: The unit metrics (m.csv) have no incentive-share column")


def test_text_saved_twice_as_utf8_is_repaired_and_said():
    """An export read once as Windows-1252 and saved again as UTF-8 ("CafÃ©", "donâ€™t") is a known
    double encoding: repaired, and each repair named as a warning."""
    from cxcommit.io.decoding import to_utf8

    raw = "id,unit,q\nR1,Café,I don’t know\nR2,Crème,yes\n".encode("utf-8").decode("cp1252").encode("utf-8")
    decoded = to_utf8(raw)
    assert decoded.data.decode("utf-8") == "id,unit,q\nR1,Café,I don’t know\nR2,Crème,yes\n"
    said = " ".join(p.problem for p in decoded.problems)
    assert "“Ã©” reads “é”" in said and "“â€™” reads “’”" in said
    plain = to_utf8("id,unit\nR1,Café\n".encode("utf-8"))
    assert plain.data == "id,unit\nR1,Café\n".encode("utf-8") and not plain.problems


def test_a_few_bytes_of_no_known_encoding_are_named_in_the_import_report():
    """The Star Wars export holds two bytes (8C E6) after a question that no encoding reads as text
    there: read as cp1252 ("Œæ"), and the import report says where, so that the reader checks it."""
    from conftest import REALDATA
    from cxcommit.io.decoding import to_utf8

    decoded = to_utf8((REALDATA / "surveymonkey_538_starwars.csv").read_bytes())
    assert decoded.encoding == "cp1252"
    [problem] = decoded.problems
    assert problem.severity == "warning" and problem.row == 1
    assert "bytes 8C E6" in problem.problem and "“Œæ”" in problem.problem
    assert problem.value.endswith("Expanded Universe?Œæ")
