"""Every message actionable: wrong mapping files, CLI arguments, logos, partial unit metrics, a
bad ``--data`` file and settings in the URL each get one clear message (what is wrong, where,
what is allowed, what to do), never a traceback, and the data in use stay usable."""
import html
import json
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, cli, cli_process
from cxcommit import MappingError, load_mapping

DEMO = ROOT / "data" / "demo_responses.csv"
DEMO_METRICS = ROOT / "data" / "demo_unit_metrics.csv"
TIMEOUT = 120


def clean_failure(result, exit_code: int = 1) -> str:
    """stderr of a CLI run that failed as designed: the exit code, one message, no traceback."""
    assert result.returncode == exit_code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("Error: "), result.stderr
    return result.stderr


def item(**fields):
    return {"column": "sign_1", "item": "sign_1", "scale": "yes_no", **fields}


def mapping(**fields):
    return json.dumps({"cxcommit_mapping": 1, **fields})


NOT_A_MAPPING = "is not a cxcommit mapping (version 1)."
# name, the file's text, the problems expected as (path in the JSON, problem); a str: the hint (the file is refused whole)
WRONG_MAPPINGS = [
    ("a list", "[1, 2]", 'It holds a list of 2 values; a mapping is a JSON object that starts with "cxcommit_mapping": 1.'),
    ("a string", '"sign_1"', "It holds the text 'sign_1'; a mapping is a JSON object"),
    ("a number", "42", "It holds the number 42; a mapping is a JSON object"),
    ("null", "null", "It holds null; a mapping is a JSON object"),
    ("version as text", '{"cxcommit_mapping": "1"}', 'It says "cxcommit_mapping": "1"; a mapping starts with'),
    ("no version", '{"items": []}', 'It has no "cxcommit_mapping" field; a mapping starts with'),
    ("items an object", mapping(items={"sign_1": "Q1"}),
     [("items", "must be a list of items (objects); got an object with 1 field")]),
    ("an item as text", mapping(items=["sign_1"]),
     [("items[0]", "must be an object with \"column\", \"item\" and \"scale\"; got the text 'sign_1'")]),
    ("a number as the column", mapping(items=[item(column=5)]),
     [("items[0].column", "must be text (a column's header as in the export); got the number 5")]),
    ("a number as the item id", mapping(items=[item(item=7)]),
     [("items[0].item", 'must be text (the item id, e.g. "sign_1"); got the number 7')]),
    ("a number as the scale", mapping(items=[item(scale=3)]),
     [("items[0].scale", "must be one of yes_no, likert, nps, numeric; got the number 3")]),
    ("text as the range", mapping(items=[item(scale="likert", low="1", high=5)]),
     [("items[0].low", "must be a number or null; got the text '1'")]),
    ("NaN as the range", '{"cxcommit_mapping": 1, "items": [{"column": "q", "item": "q", "scale": "numeric", '
                         '"low": NaN}]}',
     [("items[0].low", "must be a number or null; got NaN (not a number a mapping can hold)")]),
    ("labels as a list", mapping(items=[item(labels=["Yes", "No"])]),
     [("items[0].labels", 'must be an object of answer text → number, "dont_know" or "missing"; got a list of 2 '
                          'values')]),
    ("a label mapped to true", mapping(items=[item(labels={"Yes": True})]),
     [("items[0].labels", 'answer label \'Yes\' must map to a number, "dont_know" or "missing"')]),
    ("an item without a scale", mapping(items=[{"column": "sign_1", "item": "sign_1"}]),
     [("items[0]", 'each item needs "column", "item" and "scale"; this one has no "scale"')]),
    ("attributes as a list", mapping(attributes=["division"]),
     [("attributes", "must be an object of attribute → column; got a list of 1 value")]),
    ("a number as an attribute's column", mapping(attributes={"division": 3}),
     [("attributes.division", "must be text (a column's header as in the export); got the number 3")]),
    ("groupings as text", mapping(groupings="Gender"),
     [("groupings", "must be a list of column headers; got the text 'Gender'")]),
    ("numbers as groupings", mapping(groupings=[1, "Gender", None]),
     [("groupings[0]", "must be text (a column's header as in the export); got the number 1"),
      ("groupings[2]", "must be text (a column's header as in the export); got null")]),
    ("the wave as text", mapping(wave="2026-Q1"),
     [("wave", 'must be an object such as {"column": "Wave"} or {"value": "2026-Q3"}; got the text \'2026-Q1\'')]),
    ("whole_file as text", mapping(wave={"column": "EndDate", "period": "quarter", "whole_file": "yes"}),
     [("wave.whole_file", "must be true or false; got the text 'yes'")]),
    ("a wave with neither", mapping(wave={"period": "quarter"}),
     [("wave", 'give either "column" (where the wave is read) or "value" (one wave for the whole file)')]),
    ("a role as a list", mapping(role_values={"Boss": ["executive"]}),
     [("role_values.Boss", "must be one of executive, manager, employee or null; got a list of 1 value")]),
    ("missing codes as text", mapping(missing_codes=["-99", None]),
     [("missing_codes[0]", "must be a number; got the text '-99'"), ("missing_codes[1]", "must be a number; got null")]),
    ("personal as a list", mapping(personal=["Name"]),
     [("personal", "must be an object of column → reason; got a list of 1 value")]),
    ("a number as the format", mapping(format=2),
     [("format", "must be one of auto, generic, qualtrics, qualtrics_legacy, surveymonkey, google_forms, "
                 "microsoft_forms; got the number 2")]),
    ("a misspelt field", mapping(atributes={}),
     [("atributes", "unknown field; the fields are cxcommit_mapping, format, respondent_id, wave, attributes, "
                    "role_values, groupings, items, missing_codes, personal, ignored")]),
    ("deeply nested", "[" * 100_000 + "]" * 100_000, "A mapping is nested 4 levels at most"),
]


@pytest.mark.parametrize("name, text, expected", WRONG_MAPPINGS, ids=[case[0] for case in WRONG_MAPPINGS])
def test_a_wrong_mapping_file_lists_every_problem_with_where_it_is(tmp_path, name, text, expected):
    path = tmp_path / "mapping.json"
    path.write_text(text)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    error = caught.value
    if isinstance(expected, str):
        assert expected in error.hint, error.hint
        assert not error.problems
        if name != "deeply nested":
            assert error.message == f"{path} {NOT_A_MAPPING}"
        else:
            assert error.message == (f"{path} is nested too deeply to read: lists or objects inside each other "
                                     "thousands of levels deep.")
    else:
        assert error.message == f"{path} has {len(expected)} problem(s)."
        assert [(p.column, p.problem) for p in error.problems] == expected
        assert all(p.row is None for p in error.problems)


def test_every_problem_of_a_mapping_file_comes_at_once():
    text = mapping(format=2, groupings="Gender", items=[item(column=5), item(item="x", scale="stars")],
                   missing_codes="none")
    with pytest.raises(MappingError) as caught:
        load_mapping(text.encode(), "m.json")
    assert [p.column for p in caught.value.problems] == ["format", "groupings", "items[0].column", "items[1].scale",
                                                         "missing_codes"]


def test_a_huge_mapping_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_bytes(b" " * (16 * 2**20 + 1))
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.message == f"{path} is 16.0 MB; a mapping file is at most 16 MB."
    with pytest.raises(MappingError, match="a mapping file is at most 16 MB"):
        load_mapping(path.read_bytes(), "upload.json")


def test_a_folder_as_the_mapping_says_so(tmp_path):
    with pytest.raises(MappingError, match="is a folder, not a mapping file"):
        load_mapping(tmp_path)


@pytest.mark.parametrize("name, text, expected", WRONG_MAPPINGS[::2], ids=[case[0] for case in WRONG_MAPPINGS[::2]])
@pytest.mark.parametrize("command", [("check",), ("summary",), ("analyze", "--view", "rates")])
def test_the_cli_names_the_problems_of_a_wrong_mapping_file(tmp_path, name, text, expected, command):
    path = tmp_path / "mapping.json"
    path.write_text(text)
    err = clean_failure(cli(command[0], DEMO, *command[1:], "--mapping", path))
    if isinstance(expected, str):
        assert expected in err
    else:
        assert f"has {len(expected)} problem(s)." in err
        assert all(f"column {where!r}: {problem}" in err for where, problem in expected), err


def test_the_report_command_names_the_problems_of_a_wrong_mapping_file(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(mapping(items={"sign_1": "Q1"}))
    err = clean_failure(cli("report", DEMO, "--mapping", path, "--out", tmp_path / "deck.pptx"))
    assert "column 'items': must be a list of items (objects); got an object with 1 field" in err
    assert not (tmp_path / "deck.pptx").exists()


# --- the dashboard ---

def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)


def test_the_data_page_lists_the_problems_of_an_uploaded_mapping_and_keeps_the_data_in_use():
    test = app().run()
    test.switch_page("pages/data.py").run()
    exports = next(u for u in test.get("file_uploader") if u.label.startswith("Survey exports"))
    exports.set_value([(DEMO.name, DEMO.read_bytes(), "text/csv")]).run()
    saved = next(u for u in test.get("file_uploader") if u.label.startswith("A mapping saved earlier"))
    saved.set_value([("bad.json", mapping(items=[item(column=5)], groupings="Gender").encode(),
                      "application/json")]).run()
    assert not test.exception, test.exception
    errors = [e.value for e in test.error]
    assert errors and errors[0].startswith("bad.json: bad.json has 2 problem(s).\n\n**What to do:** Fix them"), errors
    table = next(frame.value for frame in test.table if "problem" in frame.value.columns)  # wrapped: read whole
    assert list(table["column"]) == ["groupings", "items[0].column"]
    assert list(table["problem"]) == ["must be a list of column headers; got the text 'Gender'",
                                      "must be text (a column's header as in the export); got the number 5"]
    assert any(i.value.startswith("bad.json is not used: below is the suggested mapping instead.") for i in test.info)
    assert "Mapping (suggested — check it)" in [s.value for s in test.subheader]
    test.switch_page("pages/overview.py").run()
    assert "Demo data" in test.info[0].value


@pytest.mark.parametrize("text", ["[1, 2]", "[" * 100_000 + "]" * 100_000])
def test_an_uploaded_mapping_that_is_not_one_says_so(text):
    test = app().run()
    test.switch_page("pages/data.py").run()
    exports = next(u for u in test.get("file_uploader") if u.label.startswith("Survey exports"))
    exports.set_value([(DEMO.name, DEMO.read_bytes(), "text/csv")]).run()
    saved = next(u for u in test.get("file_uploader") if u.label.startswith("A mapping saved earlier"))
    saved.set_value([("bad.json", text.encode(), "application/json")]).run()
    assert not test.exception, test.exception
    assert any(e.value.startswith("bad.json: bad.json ") and "**What to do:**" in e.value for e in test.error)


# --- the command line's arguments ---

def png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels (its data are a few bytes: a bomb when large)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def real_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(out, "PNG")
    return out.getvalue()


LOGO_HINT = "What to do: Use a PNG or JPEG of at most 10 MB and 25 megapixels (e.g. 5000 × 5000), or leave the logo out."
# name, the logo file's bytes (None: no file), the error's first line
BAD_LOGOS = [
    ("missing", None, "Error: --logo '{path}': there is no such file."),
    ("not an image", b"just some text, not a picture", "Error: The logo logo.png cannot be read as a PNG or JPEG image: "
                                                       "it is another kind of file, or damaged."),
    ("empty", b"", "Error: The logo logo.png is empty (0 bytes)."),
    ("a decompression bomb", png(100_000, 100_000), "Error: The logo logo.png claims 10,000,000,000 pixels; a logo is "
                                                    "at most 25 megapixels."),
    ("too many pixels", png(6_000, 6_000), "Error: The logo logo.png is 6,000 × 6,000 pixels; a logo is at most 25 "
                                           "megapixels."),
    ("damaged", real_png()[:-6] + b"broken", "Error: The logo logo.png is a damaged image"),
]


@pytest.mark.parametrize("name, data, first_line", BAD_LOGOS, ids=[case[0] for case in BAD_LOGOS])
def test_report_refuses_a_bad_logo_before_reading_the_export(tmp_path, name, data, first_line):
    logo = tmp_path / "logo.png"
    if data is not None:
        logo.write_bytes(data)
    err = clean_failure(cli("report", tmp_path / "no-export-needed.csv", "--out", tmp_path / "deck.pptx",
                            "--logo", logo))
    assert err.startswith(first_line.format(path=logo)), err
    if name != "missing":
        assert LOGO_HINT in err
    assert not (tmp_path / "deck.pptx").exists()


@pytest.mark.parametrize("accent", ["reddish", "#12345", "rgb(1, 2)", ""])
def test_report_names_the_colours_it_takes(tmp_path, accent):
    err = clean_failure(cli("report", DEMO, "--out", tmp_path / "deck.pptx", "--accent", accent))
    assert err == (f"Error: The accent colour {accent!r} is not a colour.\nWhat to do: Give it as #RRGGBB (e.g. "
                   "'#0072B2'), rgb(0, 114, 178) or a CSS colour name such as 'red', 'navy' or 'teal'.\n")


def test_report_takes_a_colour_name_and_a_good_logo(tmp_path):
    from pptx import Presentation

    (tmp_path / "logo.png").write_bytes(real_png())
    result = cli("report", DEMO, "--out", tmp_path / "deck.pptx", "--accent", "red", "--logo", tmp_path / "logo.png",
                 "--slides", "signs")
    assert result.returncode == 0, result.stderr
    deck = Presentation(str(tmp_path / "deck.pptx"))
    pictures = [shape for slide in deck.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == len(deck.slides)  # the logo on every slide
    assert "deck.pptx (2 slides, the cover included)" in result.stdout and len(deck.slides) == 2
    for page in deck.slides:
        filled = [s for s in page.shapes if s.shape_type == 1 and s.fill.type == 1]  # autoshape, solid fill
        assert any(str(s.fill.fore_color.rgb) == "FF0000" for s in filled)  # the accent bar in red


@pytest.mark.parametrize("out, first_line", [
    ("missing-folder/deck.pptx", "Error: --out '{tmp}/missing-folder/deck.pptx': the folder '{tmp}/missing-folder' "
                                 "does not exist.\nWhat to do: Create the folder first, or write to one that exists."),
    ("a-folder.pptx", "Error: --out '{tmp}/a-folder.pptx' is a folder."),
    ("deck.pdf", "Error: --out '{tmp}/deck.pdf': the report is written as .pptx (a slide deck) or .html."),
])
def test_report_checks_where_it_writes_before_any_work(tmp_path, out, first_line):
    (tmp_path / "a-folder.pptx").mkdir()
    err = clean_failure(cli("report", tmp_path / "no-export-needed.csv", "--out", tmp_path / out))
    assert err.startswith(first_line.format(tmp=tmp_path)), err


@pytest.mark.parametrize("command", [("report", "--out", "{tmp}/deck.pptx"), ("analyze", "--view", "rates")])
def test_a_filter_value_that_matches_nothing_lists_the_values_there_are(tmp_path, command):
    args = [part.format(tmp=tmp_path) for part in command]
    err = clean_failure(cli(args[0], DEMO, *args[1:], "--division", "Nope", "digital"))
    assert err == ("Error: --division 'Nope' 'digital': no division of that name in demo_responses.csv.\n"
                   "What to do: Did you mean 'Digital'? The divisions are: 'Commercial Banking', 'Digital', "
                   "'Insurance', 'Operations', 'Retail Banking', 'Wealth Management', 'Other divisions'. Names are "
                   "matched exactly (case and spaces).\n")
    err = clean_failure(cli(args[0], DEMO, *args[1:], "--wave", "2026-Q3", "1999"))
    assert err == ("Error: --wave '1999': no wave of that name in demo_responses.csv.\nWhat to do: The waves are: "
                   "'2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'.\n")
    assert not (tmp_path / "deck.pptx").exists()


def test_a_sheet_for_a_csv_file_is_an_error_not_ignored():
    for command in (["check"], ["mapping", "suggest"]):
        err = clean_failure(cli(*command, DEMO, "--sheet", "Responses"))
        assert err.startswith("Error: --sheet 'Responses': demo_responses.csv is not an Excel workbook, so it has "
                              "no sheets.\n")


def test_demo_into_a_file_or_an_impossible_folder_says_so(tmp_path):
    (tmp_path / "a-file").write_text("x")
    err = clean_failure(cli("demo", "--out", tmp_path / "a-file"))
    assert err.startswith(f"Error: --out '{tmp_path}/a-file' is a file; the demo data are written into a folder.")
    err = clean_failure(cli("demo", "--out", tmp_path / "a-file" / "inside"))
    assert err.startswith(f"Error: --out '{tmp_path}/a-file/inside': the demo data cannot be written there (Not a "
                          "directory).")


# Every subcommand with plausible wrong values: one message, exit 1 (2 for what argparse itself refuses), no traceback.
# What argparse refuses goes through python -m cxcommit (the exit code the shell sees); the rest in this process
# (test_cli and test_bad_input check that an error's exit 1 reaches the shell).
WRONG_ARGUMENTS = [
    (["check", DEMO, "--min-group-size", "2"], 1, "Error: min_group_size must be a whole number of at least 3; got 2."),
    (["check", DEMO, "--mapping", "{tmp}"], 1, "Error: {tmp} is a folder, not a mapping file."),
    (["check", DEMO, "--mapping", "{tmp}/none.json"], 1, "Error: There is no mapping file '{tmp}/none.json'."),
    (["summary", DEMO, "--by", "sign_1"], 1, "Error: There is no grouping 'sign_1' in this survey. 'sign_1' cannot "
                                             "be a grouping: it is the item sign_1."),
    (["summary", DEMO, "--items", "nope"], 1, "Error: There is no item 'nope' in this survey."),
    (["summary", DEMO, "--confidence", "2"], 1, "Error: confidence must be between 0.5 and 0.999; got 2.0."),
    (["summary", DEMO, "--ci-method", "nope"], 2, "usage: "),
    (["analyze", DEMO, "--view", "trends", "--by", "nope"], 1, "Error: There is no grouping 'nope' in this survey."),
    (["analyze", DEMO, "--view", "pay", "--metrics", "{tmp}/none.csv"], 1, "Error: There is no file '{tmp}/none.csv'."),
    (["analyze", DEMO, "--view", "relations"], 1, "Error: The relations view needs unit metrics."),
    (["mapping", "suggest", "{tmp}/none.csv"], 1, "Error: There is no file '{tmp}/none.csv'."),
    (["report", DEMO, "--out", "{tmp}/deck.pptx", "--slides", "nope"], 2, "usage: "),
]


@pytest.mark.parametrize("args, code, first_line", WRONG_ARGUMENTS, ids=[" ".join(map(str, a[:1] + a[2:]))
                                                                          for a, _, _ in WRONG_ARGUMENTS])
def test_every_subcommand_answers_wrong_arguments_with_a_message(tmp_path, args, code, first_line):
    result = (cli_process if code == 2 else cli)(*[str(a).format(tmp=tmp_path) for a in args])
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(first_line.format(tmp=tmp_path)), result.stderr


def test_the_cover_checks_its_logo_and_accent_in_the_library():
    from cxcommit import SettingsError
    from cxcommit.export.pptx_cover import Cover

    assert Cover(accent="navy").accent == "#000080" and Cover(accent=" 0072b2 ").accent == "#0072B2"
    assert Cover(logo=real_png()).logo == real_png()
    with pytest.raises(SettingsError, match=r"^The logo claims 10,000,000,000 pixels; a logo is at most 25 megapixels"):
        Cover(logo=png(100_000, 100_000))
    with pytest.raises(SettingsError, match="is a GIF image; a logo must be PNG or JPEG"):
        import io

        from PIL import Image

        gif = io.BytesIO()
        Image.new("RGB", (4, 4)).save(gif, "GIF")
        Cover(logo=gif.getvalue())


# --- downloads that cannot be made say why ---

needs_chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="chart images need Chromium")


@needs_chromium
def test_a_chart_plotly_cannot_draw_is_a_message_and_images_go_on_working(monkeypatch):
    import plotly.graph_objects as go

    import cxcommit.export.images
    from cxcommit.errors import ChartImageError
    from cxcommit.export.images import figure_image

    # figure_image removes control characters (printable_figure); without that, plotly.js refuses a NUL
    monkeypatch.setattr(cxcommit.export.images, "printable_figure", lambda figure: figure)
    refused = go.Figure(go.Bar(x=["Unit\x00A", "Unit B"], y=[1, 2]), layout_title_text="Commitment by unit")
    with pytest.raises(ChartImageError) as caught:
        figure_image(refused)
    assert caught.value.message == ("The chart “Commitment by unit” could not be drawn as an image: plotly.js "
                                    "reported “Error 525: plotly.js error”.")
    assert caught.value.hint.startswith("The interactive chart and the other downloads are not affected.")
    assert figure_image(go.Figure(go.Bar(x=["a"], y=[1])))[:8] == b"\x89PNG\r\n\x1a\n"  # the browser still draws


def opened(page: str) -> AppTest:
    test = app().run()
    test.switch_page(f"pages/{page}").run()
    return test


@pytest.mark.parametrize("name, data, message", [
    ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
     "The logo logo.png cannot be read as a PNG or JPEG image: it is another kind of file, or damaged."),
    ("bomb.png", png(100_000, 100_000), "The logo bomb.png claims 10,000,000,000 pixels; a logo is at most 25 "
                                        "megapixels."),
])
def test_the_export_page_says_what_is_wrong_with_a_logo_and_holds_the_deck(name, data, message):
    test = opened("export.py")
    logo = next(u for u in test.get("file_uploader") if u.label.startswith("Logo"))
    logo.set_value([(name, data, "image/png")]).run()
    assert not test.exception, test.exception
    assert [e.value for e in test.error] == [message + "\n\n**What to do:** Use a PNG or JPEG of at most 10 MB and "
                                             "25 megapixels (e.g. 5000 × 5000), or leave the logo out."]
    deck = next(b for b in test.get("download_button") if b.proto.label == "Download the deck (.pptx)")
    assert deck.proto.disabled and deck.proto.help == "Replace or remove the logo first."
    others = [b for b in test.get("download_button") if b.proto.label != "Download the deck (.pptx)"]
    assert others and not any(b.proto.disabled for b in others)  # the other files stay available
    logo.set_value([("logo.png", real_png(), "image/png")]).run()
    assert not test.error and not next(b for b in test.get("download_button")
                                       if b.proto.label == "Download the deck (.pptx)").proto.disabled


def test_a_download_that_failed_says_why_on_the_page():
    """The failure recorded by the click (in Streamlit's download thread) is shown by the page's next
    run, once, with the library's message, or as unexpected for anything else."""

    def page():
        import streamlit as st

        from cxcommit import SettingsError
        from ui.errors import DOWNLOADS, _Download, download_button

        if "seeded" not in st.session_state:
            st.session_state["seeded"] = True
            st.session_state[DOWNLOADS] = {
                "deck": _Download(started=1, finished=1, error=SettingsError("The logo is empty.", hint="Add one.")),
                "zip": _Download(started=1, finished=1, error=ZeroDivisionError("division by zero")),
                "csv": _Download(started=1, finished=1)}
        for key in ("deck", "zip", "csv"):
            download_button(f"Download {key}", lambda: b"", key=key, what=f"The {key}", file_name=f"x.{key}")

    test = AppTest.from_function(page, default_timeout=TIMEOUT)
    test.run()
    assert not test.exception
    assert [e.value for e in test.error] == [
        "The deck could not be made: The logo is empty.\n\n**What to do:** Add one.",
        "The zip could not be made: Something went wrong that cxcommit did not expect (ZeroDivisionError). Nothing "
        "you loaded was changed. The details are in the server log; please report them."]
    test.run()
    assert not test.error  # said once


def test_the_file_a_download_makes_records_its_failure_for_the_page(monkeypatch):
    """What ``download_button`` gives Streamlit to run on a click, run as Streamlit runs it (in
    another thread): it fails as before, and the failure is kept for the page."""
    import threading
    from types import SimpleNamespace

    from cxcommit import SettingsError
    from ui import errors

    given = {}
    fake = SimpleNamespace(session_state={}, download_button=lambda label, data, **options: given.update(made=data))
    monkeypatch.setattr(errors, "st", fake)

    def fail():
        raise SettingsError("The logo is empty.")

    errors.download_button("Download", fail, key="deck", what="The deck", fragment=False, file_name="deck.pptx")
    raised = []

    def click():
        try:
            given["made"]()
        except Exception as error:  # noqa: BLE001
            raised.append(error)

    worker = threading.Thread(target=click)
    worker.start()
    worker.join()
    state = fake.session_state[errors.DOWNLOADS]["deck"]
    assert [str(e) for e in raised] == ["The logo is empty."]  # Streamlit sees the failure too
    assert (state.started, state.finished, state.shown, str(state.error)) == (1, 1, 0, "The logo is empty.")


@pytest.mark.browser
def test_in_a_browser_a_chart_image_that_cannot_be_made_says_why(monkeypatch, open_page):
    """A Chromium that is found but does not start (``BROWSER_PATH=/bin/false``) is only noticed
    when an image is drawn: in the click. The page says so at once, on the Export page and under
    a chart."""
    from server import open_chart_menu, streamlit_server, wait_for_app

    monkeypatch.setenv("BROWSER_PATH", "/bin/false")  # read by the server this test starts
    with streamlit_server() as url:
        page = open_page(1440, 1000)
        page.goto(f"{url}/export")
        wait_for_app(page)
        page.get_by_role("button", name="Download every chart (.zip of PNG)").click()
        message = page.get_by_text("The chart images could not be made: Chart images are unavailable: the browser "
                                   "/bin/false did not start")
        message.wait_for(timeout=120_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.goto(f"{url}/")
        open_chart_menu(page)
        page.get_by_role("button", name="Image (.png)").click()
        page.get_by_text("could not be made: Chart images are unavailable").first.wait_for(timeout=120_000)
        assert "Traceback" not in page.content()


# --- unit metrics that cover only some waves or units, or hold blanks ---

def partial_metrics(tmp_path, name: str, keep=None, blank: dict | None = None) -> Path:
    """The demo's unit metrics with only some rows (``keep``: a function of the frame) and some
    values blanked (``blank``: column → every how many rows), written as CSV."""
    import pandas as pd

    frame = pd.read_csv(DEMO_METRICS)
    if keep is not None:
        frame = frame[keep(frame)]
    for column, step in (blank or {}).items():
        frame.loc[frame.index[::step], column] = None
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


PARTIAL = {  # name: (rows kept, values blanked, the notes expected)
    "two waves": (lambda f: f["wave"].isin(["2026-Q1", "2026-Q2"]), None, (
        "Unit metrics (two waves.csv) cover 2026-Q1, 2026-Q2; the incentive share and the relations to outcomes "
        "for 2025-Q2, 2025-Q3, 2025-Q4, 2026-Q3 are left out.",)),
    "some units": (lambda f: ~f["business_unit"].isin(["Cards", "Payments", "Claims"]), None, (
        "3 of the 29 units shown have no unit metrics: Cards, Claims, Payments; they are left out of the relations "
        "across units.",)),
    # 174: the 29 units shown × 6 waves (Innovation Lab is published within "Other units of Digital"); of them
    # 54 and 18 blanked, counted with pandas: f.loc[f.index[::3], "customer_nps"] = None, f[f.business_unit.isin(shown)]
    "blanks": (None, {"customer_nps": 3, "exec_incentive_cx_pct": 10}, (
        "Blank values are left out: Executive incentive tied to CX (%) for 18 of 174; Customer NPS for 54 of 174 "
        "unit-waves.",)),
    "other waves": (lambda f: f["wave"] == "2025-Q2", None, (
        "The unit metrics (other waves.csv) have no value for the waves and units shown (2026-Q3); they hold "
        "2025-Q2, for units such as Advisory, Asset Management, Branches North and 27 more. Wave and unit names "
        "must match the survey's exactly.",)),
}


@pytest.mark.parametrize("case", list(PARTIAL))
def test_partial_unit_metrics_are_used_where_they_exist_and_named_where_they_do_not(tmp_path, demo, case):
    from cxcommit import read_unit_metrics
    from cxcommit.analyses.findings import findings
    from cxcommit.analyses.pay import metrics_coverage, pay_alignment, pay_relations
    from cxcommit.story.slides import deck

    keep, blank, notes = PARTIAL[case]
    metrics = read_unit_metrics(partial_metrics(tmp_path, f"{case}.csv", keep, blank))
    survey = demo.filter(wave=["2026-Q3"]) if case == "other waves" else demo
    assert metrics_coverage(survey, metrics) == notes
    pay = pay_alignment(survey, metrics, None)
    relations = pay_relations(survey, metrics)
    if case == "two waves":  # the incentive share where the metrics are, blank elsewhere; sign 7 in every wave
        assert pay.loc[pay["incentive_share"].notna(), "wave"].tolist() == ["2026-Q1", "2026-Q2"]
        assert pay["p"].notna().all()
        headline = findings(survey, metrics)["headline"].iloc[-1]
        assert headline.endswith("(2026-Q1 to 2026-Q2, the waves with unit metrics)") and "nan" not in headline
    if case == "some units":
        survey_only = (relations["x"] == "sign_7") & (relations["y"] == "other_signs")
        assert set(relations.loc[~survey_only, "n"]) == {26} and set(relations.loc[survey_only, "n"]) == {29}
    if case != "other waves":
        assert relations["r"].notna().any()
    slides = {s.kind: s for s in deck(survey, metrics, presentation=False)}
    assert slides["outcomes"].bullets == notes
    if case == "other waves":  # one wave: no trend to tell, so no pay-over-waves slide
        assert "pay" not in slides
    else:
        assert slides["pay"].bullets == notes


@pytest.mark.parametrize("case", ["two waves", "blanks"])
def test_the_cli_uses_partial_unit_metrics_and_says_what_they_leave_out(tmp_path, case):
    keep, blank, notes = PARTIAL[case]
    path = partial_metrics(tmp_path, f"{case}.csv", keep, blank)
    for args in (["analyze", DEMO, "--view", "relations", "--metrics", path],
                 ["analyze", DEMO, "--view", "findings", "--metrics", path],
                 ["report", DEMO, "--metrics", path, "--out", tmp_path / "deck.pptx"]):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "".join(f"Note: {note}\n" for note in notes)
        assert "nan" not in result.stdout.lower()
    assert (tmp_path / "deck.pptx").exists()


def test_the_pay_page_and_export_page_work_with_partial_unit_metrics(tmp_path, monkeypatch):
    keep, _, notes = PARTIAL["two waves"]
    path = partial_metrics(tmp_path, "two waves.csv", keep)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--data", str(DEMO), "--metrics", str(path)])
    test = app().run()
    for page in ("pay_trends.py", "export.py", "overview.py"):
        test.switch_page(f"pages/{page}").run()
        assert not test.exception, (page, test.exception)
        assert not test.error, (page, [e.value for e in test.error])
        if page == "pay_trends.py":
            assert notes[0] in [i.value for i in test.info]
            assert "Pay alignment and CX outcomes across units" in [s.value for s in test.subheader]


# --- streamlit run dashboard.py -- --data FILE [--metrics FILE] with files that cannot be used ---

def read(markdown: str) -> str:
    """Markdown as a reader sees it: names and messages are escaped on the page (escape_markdown)."""
    return html.unescape(re.sub(r"\\([^\w\s])", r"\1", markdown)).replace("\u2060", "")


def with_arguments(monkeypatch, *args) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard.py", *map(str, args)])
    return app().run()


@pytest.mark.parametrize("name, content, message", [
    ("missing.csv", None, "--data missing.csv (on the command line) is not used: There is no file '{path}'.\n\n"
                          "**What to do:** Check the path and the file name."),
    ("notes.csv", b"hello world\nsecond line\n", "--data notes.csv (on the command line) is not used: notes.csv has "
                                                 "only one column.\n\n**What to do:**"),
    ("logo.png", png(10, 10), "--data logo.png (on the command line) is not used: logo.png is a PNG image, not a "
                              "survey export."),
])
def test_a_data_file_that_cannot_be_used_is_a_message_and_the_demo_is_shown(tmp_path, monkeypatch, name, content,
                                                                           message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    test = with_arguments(monkeypatch, "--data", path)
    for page in ("overview.py", "data.py", "export.py"):
        if page != "overview.py":
            test.switch_page(f"pages/{page}").run()
        assert not test.exception, (page, test.exception)
        errors = [read(e.value) for e in test.error]
        assert len(errors) == 1 and errors[0].startswith(message.format(path=path)), (page, errors)
        assert "Traceback" not in errors[0] and "second line" not in errors[0]
        assert any(i.value.startswith("Showing the built-in demo data instead.") for i in test.info)
    test.switch_page("pages/overview.py").run()
    assert test.metric[0].value == "905"  # the demo, usable (the tiles give the latest wave, 2026-Q3)


def test_unit_metrics_that_cannot_be_used_leave_the_export_in_use(tmp_path, monkeypatch):
    test = with_arguments(monkeypatch, "--data", DEMO, "--metrics", DEMO)  # an export is no unit-metrics table
    assert not test.exception
    assert [read(e.value) for e in test.error] == [
        "--metrics demo_responses.csv (on the command line) is not used: demo_responses.csv has 5458 rows that repeat "
        "a business unit and wave.\n\n**What to do:** Keep one row per business unit and wave."]
    assert not any(i.value.startswith("Showing the built-in demo data") for i in test.info)
    shown = "".join(m.value for m in test.sidebar.markdown)
    assert "Data:** demo\\_\u200bresponses.\u200bcsv" in shown  # wraps after "_" and ".", never mid-word


def test_unit_metrics_without_an_export_say_they_are_not_used(monkeypatch):
    test = with_arguments(monkeypatch, "--metrics", DEMO_METRICS)
    assert [read(e.value) for e in test.error] == [
        "--metrics demo_unit_metrics.csv (on the command line) is not used: Unit metrics go with an export named by "
        "--data.\n\n**What to do:** Start the dashboard with --data EXPORT --metrics METRICS, or load both on the "
        "Data page."]


@pytest.mark.browser
def test_in_a_browser_a_bad_data_file_shows_a_message_on_every_page_and_no_traceback(tmp_path, open_page):
    from server import streamlit_server, wait_for_app

    path = tmp_path / "notes.csv"
    path.write_bytes(b"a confidential first line\nand more\n")
    with streamlit_server(args=["--data", str(path)]) as url:
        page = open_page()
        for where in ("", "pay_trends", "data"):
            page.goto(f"{url}/{where}")
            wait_for_app(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            assert "Traceback" not in page.content()
            page.get_by_text("--data notes.csv (on the command line) is not used").wait_for(timeout=30_000)
            assert page.get_by_text("Showing the built-in demo data instead.").count() == 1
        assert "and more" not in page.content()


# --- settings in the link (?min_group_size=...) ---

LINK_SETTINGS = [  # name, the link's values, the value used, the note
    ("min_group_size", ["10"], 10, None),
    ("min_group_size", ["1000000000"], 1_000_000_000, None),  # accepted: it hides every group, which is safe
    ("min_group_size", ["5000000000"], 1_000_000_000, "The link's min_group_size 5,000,000,000 is above the largest "
                                                      "allowed, 1,000,000,000; 1,000,000,000 is used."),
    ("min_group_size", ["2"], 3, "The link's min_group_size 2 is below the smallest allowed, 3; 3 is used."),
    ("min_group_size", ["-5"], 3, "The link's min_group_size -5 is below the smallest allowed, 3; 3 is used."),
    ("min_group_size", ["10.5"], 11, "The link's min_group_size 10.5 is not a whole number; 11 is used (rounded up: "
                                     "never a smaller minimum than asked)."),
    ("min_group_size", ["abc"], 5, "The link's min_group_size 'abc' is not a whole number; the default minimum of 5 "
                                   "is used."),
    ("min_group_size", ["nan"], 5, "The link's min_group_size 'nan' is not a whole number; the default minimum of 5 "
                                   "is used."),
    ("min_group_size", ["7", "9"], 9, "The link gives min_group_size 2 times (7, 9); the largest, 9, is used."),
    # a mix of numbers and text: the largest number (never the default, which may be smaller than asked)
    ("min_group_size", ["10", "abc"], 10, "The link gives min_group_size 2 times (10, abc); the largest, 10, is used."),
    ("min_group_size", ["1e400"], 1_000_000_000, "The link's min_group_size 1e400 is above the largest allowed, "
                                                 "1,000,000,000; 1,000,000,000 is used."),
    ("min_group_size", ["12", "1e400"], 1_000_000_000, "The link gives min_group_size 2 times (12, 1e400); the "
                                                       "largest, 1,000,000,000, is used."),
    ("confidence", ["0.8"], 0.8, None),
    ("confidence", ["2"], 0.95, "The link's confidence '2' is not between 0.5 and 0.999; the default 0.95 is used."),
    ("confidence", ["high"], 0.95, "The link's confidence 'high' is not between 0.5 and 0.999; the default 0.95 is "
                                   "used."),
    ("ci_method", ["exact"], "wilson", "The link's ci_method 'exact' is not one of wilson, clopper_pearson, "
                                       "agresti_coull; the default wilson is used."),
    ("dont_know", ["skip"], "not_yes", "The link's dont_know 'skip' is not one of not_yes, missing; the default "
                                       "not_yes is used."),
    ("min_difference", ["10"], 0.1, None),  # in points, as the sidebar shows it
    ("min_difference", ["2.5%"], 0.025, None),
    ("min_difference", ["0"], 0.0, None),  # every difference that holds after adjustment
    ("min_difference", ["60"], 0.05, "The link's min_difference '60' is not a number of points from 0 to 50; the "
                                     "default 5 points is used."),
    ("min_difference", ["0.05x"], 0.05, "The link's min_difference '0.05x' is not a number of points from 0 to 50; "
                                        "the default 5 points is used."),
]


@pytest.mark.parametrize("name, texts, value, note", LINK_SETTINGS)
def test_a_setting_in_a_link_is_used_refused_or_changed_with_a_note(name, texts, value, note):
    from cxcommit.settings import Settings, setting_from_text

    assert setting_from_text(name, texts) == (value, note)
    Settings(**{name: value})  # always a valid setting
    if name == "min_group_size" and texts[0].replace(".", "").isdigit():
        numbers = [float(t) for t in texts if t.replace(".", "").replace("e", "").isdigit()]  # not the words
        assert value >= min(numbers) or value == 1_000_000_000  # never a smaller minimum than asked


@pytest.mark.parametrize("name, texts, value, note",
                         [case for case in LINK_SETTINGS if case[1] in (["1000000000"], ["2"], ["abc"], ["7", "9"],
                                                                        ["0.8"], ["2"], ["exact"], ["10"], ["60"])])
def test_the_dashboard_says_what_it_did_with_a_setting_in_the_link(name, texts, value, note):
    from cxcommit.settings import Settings, setting_link_text

    test = app()
    test.query_params[name] = texts
    test.run()
    assert not test.exception
    shown = value * 100 if name == "min_difference" else value  # the sidebar shows points
    assert test.session_state[f"setting:{name}"] == shown
    assert [w.value for w in test.warning] == ([note] if note else [])
    if value != getattr(Settings(), name):
        link = setting_link_text(name, value)  # min_difference in points: ?min_difference=10
        assert test.query_params[name] in (link, [link])  # the link now says what is used
    if value == 1_000_000_000:
        assert ("The data hold fewer respondents than the minimum group size, 1,000,000,000: nothing about them is "
                "shown.") in texts_of(test)  # no filter set: not "widen the filters"
    test.run()
    assert [w.value for w in test.warning] == ([note] if note else [])  # said while the value is in use
    if name == "min_group_size" and note:
        test.sidebar.number_input[0].set_value(20).run()
        assert not test.warning  # changed by hand: the note no longer applies


def texts_of(test: AppTest) -> str:
    return "\n".join([i.value for i in test.info] + [m.value for m in test.markdown])


def test_a_data_file_is_never_quoted_on_the_page_but_an_upload_shows_its_owner_the_line(tmp_path, monkeypatch):
    secret = b"secret first line: password=hunter2\nsecond\n"
    path = tmp_path / "notexport.txt"
    path.write_bytes(secret)
    test = with_arguments(monkeypatch, "--data", path)  # every visitor sees this page
    shown = [read(e.value) for e in test.error] + [c.value for c in test.caption] + [
        str(d.value) for d in [*test.dataframe, *test.table]]
    assert shown[0] == ("--data notexport.txt (on the command line) is not used: notexport.txt has only one column."
                        "\n\n**What to do:** A survey export is a table with a header row and one row per response, "
                        "separated by commas, semicolons, tabs or pipes.")
    assert "1 problem(s) found; they quote the file, so they are listed in the server's log, not here." in shown
    assert not any("hunter2" in text for text in shown)  # no message, caption or table (the Overview's own) quotes it
    test.switch_page("pages/data.py").run()  # the uploader's own file: the line is in the table of problems
    uploader = next(u for u in test.get("file_uploader") if u.label.startswith("Survey exports"))
    uploader.set_value([("mine.csv", secret, "text/csv")]).run()
    assert any(read(e.value).startswith("mine.csv") and "has only one column." in read(e.value) for e in test.error)
    assert any("hunter2" in d.value.to_string() for d in test.table)


@pytest.mark.parametrize("accent", ["rgb(300,0,0)", "rgb(0, 256, 0)", "rgb(101%, 0%, 0%)"])
def test_an_accent_with_a_component_outside_0_to_255_is_refused(accent):
    from cxcommit import SettingsError
    from cxcommit.export.pptx_cover import parse_colour

    with pytest.raises(SettingsError) as caught:
        parse_colour(accent)
    assert caught.value.message == f"The accent colour {accent!r} has a component outside 0–255 (or 0%–100%)."
    assert caught.value.hint == "Give each of red, green and blue as 0–255 or 0%–100%, e.g. rgb(0, 114, 178)."
    assert parse_colour("rgb(100%, 0%, 0%)") == "#FF0000" and parse_colour("rgb(255, 0, 0)") == "#FF0000"
    with pytest.raises(SettingsError, match="is not a colour"):  # Pillow refuses a negative itself
        parse_colour("rgb(-1, 0, 0)")


def test_running_out_of_memory_after_the_read_is_a_message_on_the_page():
    """Memory can run out in an import, an analysis or a download, not only while reading: the page
    says so and what to do, not "did not expect"."""

    def page():
        from ui.errors import guarded

        with guarded("The heatmap: "):
            raise MemoryError()

    test = AppTest.from_function(page, default_timeout=TIMEOUT)
    test.run()
    assert not test.exception
    [error] = [e.value for e in test.error]
    assert error.startswith("The heatmap: This machine ran out of memory. Nothing you loaded was changed.")
    assert "**What to do:**" in error and "CXCOMMIT_MAX_CELLS" in error and "did not expect" not in error


def test_running_out_of_memory_in_the_cli_is_a_message(monkeypatch, capsys):
    import importlib

    cli = importlib.import_module("cxcommit.cli.main")  # the module; the package's ``main`` is its function

    def exhausted(args):
        raise MemoryError()

    monkeypatch.setattr(cli, "run", exhausted)
    assert cli.main(["summary", str(ROOT / "data" / "demo_responses.csv")]) == 1
    said = capsys.readouterr().err
    assert said.startswith("Error: This machine ran out of memory while running summary.")
    assert "What to do: " in said and "Traceback" not in said
