"""Hostile names and labels (:mod:`hostile`) in every output: never markup in the dashboard's
markdown or in a chart, never a formula or a link in a file we write, never a control character."""
import csv as csv_module
import html
import io
import re
import string
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from lxml import etree
from plotly.offline import get_plotlyjs
from pptx import Presentation

from conftest import ROOT
from cxcommit import apply_mapping, charts, read_raw, suggest_mapping
from cxcommit.analyses.commitment import commitment_index, index_over_waves
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment
from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation
from cxcommit.charts.theme import printable_figure
from cxcommit.export.html_report import html_report
from cxcommit.export.images import figure_image
from cxcommit.export.pptx_deck import Cover, write_deck
from cxcommit.export.table_export import to_csv_bytes, to_xlsx_bytes
from cxcommit.export.workbook_tables import analysis_tables
from cxcommit.story.slides import deck
from cxcommit.text import escape_html, escape_markdown, one_line, without_controls
from hostile import (CMD, DIVISIONS, FORMULAS, IFRAME, IMG, LEGIT, LINK, META, NUL, OUTSIDE,
                     STYLE, UNITS, hostile_survey, imported)

# control characters, and the invisible ones that reorder text (bidi controls) or hide in it (zero-width space)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff"
                     r"\u061c\u200b\u200e\u200f\u202a-\u202e\u2061-\u2064\u2066-\u2069\ufeff]")
# (the word joiner U+2060 is removed from the data too, but the markdown escaper puts it back where a
# link would start)
HOSTILE_TAGS = ("<iframe", "<img", "<a ", "<meta", "<style", "<script")


@pytest.fixture(scope="module")
def survey():
    return hostile_survey()


@pytest.fixture(scope="module")
def slides(survey):
    return deck(survey, None, caption="Hostile data · all waves", presentation=False)


# --- the one escaper for Streamlit's markdown ----------------------------------------------------------------
# What Streamlit's renderer does with escaped text is checked in a browser (test_hostile_browser); here, a
# model of it: the source has no live markup character, and the text it reads (escapes resolved) holds
# nothing its text-level plugins turn into a link, an emoji, an icon or the logo.

ALWAYS = set("\\`*[]~$|<>&")  # characters that start markup anywhere (and _ but between letters or digits)
TEXT_LEVEL = [re.compile(r"(?i)https?://|www(?=\.)"),  # GFM autolink literals (mdast-util-gfm-autolink-literal)
              re.compile(r"(?<![^\s!-/:-@\[-`{-~])[-.\w+]+@[-\w]+(\.[-\w]+)+", re.A),
              re.compile(r":[\w+-][\w_+-]*:|:material/", re.A)]  # emoji, icons, the logo (Streamlit's markdown)


def read(escaped: str) -> tuple[str, list[int]]:
    """The text markdown reads from ``escaped`` (backslash escapes and entities resolved) and where
    the source's live characters are (not escaped; an entity counts as its "&")."""
    text, live, i = [], [], 0
    while i < len(escaped):
        if escaped[i] == "\\" and i + 1 < len(escaped) and escaped[i + 1] in string.punctuation:
            text.append(escaped[i + 1])
            i += 2
            continue
        entity = re.match(r"&(amp|lt|gt);", escaped[i:])
        if entity:
            text.append(html.unescape(entity.group(0)))
            live.append(i)
            i += len(entity.group(0))
            continue
        text.append(escaped[i])
        live.append(i)
        i += 1
    return "".join(text), live


def shown(text) -> str:
    """What a reader sees: one line, control characters gone, no white space at either end."""
    return " ".join(without_controls(text).splitlines()).strip()


@pytest.mark.parametrize("text, escaped", [
    ("R&D (Europe)", "R&amp;D (Europe)"),
    ("Sales - North", "Sales - North"),
    ("A*B", r"A\*B"),
    ("Divisions: Digital (2025-Q2 to 2026-Q3) · n = 5, p = 0.012", "Divisions: Digital (2025-Q2 to 2026-Q3) · n = 5, "
                                                                   "p = 0.012"),
    (IMG, "&lt;img src=http:\u2060//127.0.0.2:9/t.png onerror=alert(1)&gt;"),
    ("![i](http://x/t.png)", "!\\[i\\](http:\u2060//x/t.png)"),
    (":red[x] $x^2$ ~~s~~ `c` # h | t", r"\:red\[x\] \$x^2\$ \~\~s\~\~ \`c\` # h \| t"),
    ("www.example.com a@b.co mailto:x", "www\u2060.example.com a@\u2060b.co mailto\\:x"),
    (":smile: :streamlit: :material/home:", ":\u2060smile: :\u2060streamlit: :\u2060material/home:"),
    ("sign_1 file_name.csv _x_ __y__ a_ _", r"sign_1 file_name.csv \_x\_ \_\_y\_\_ a\_ \_"),
    ("# h", r"\# h"), ("- x", r"\- x"), ("+ y", r"\+ y"), ("=== q", r"\=== q"), ("12. z", r"12\. z"),
    ("3) w", r"3\) w"),
    ("  line\nbreak\r\nand\rmore  ", "line break and more"),
    (NUL, "Nulunit"),
    ("5,458 rows \u202eevil.csv\u202c", "5,458 rows evil.csv"),  # a right-to-left override: gone
    ("\u2067Nor\u200bth\ufeff\u200e\u2069", "North"),  # isolates, marks, zero-width spaces: gone
    ("\U0001F469\u200d\U0001F4BB team, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # joiners stay
     "\U0001F469\u200d\U0001F4BB team, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ("&amp; \\", r"&amp;amp; \\"),
])
def test_escape_markdown(text, escaped):
    assert escape_markdown(text) == escaped
    assert read(escaped)[0].replace("\u2060", "") == shown(text)


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.characters(exclude_categories=("Cs",)), st.sampled_from(
    list(string.punctuation) + ["http://", "www.", "@b.co", ":smile:", ":material/x:", "12.", "\n", "  "])),
    max_size=30).map("".join))
def test_escaped_markdown_holds_no_markup_and_reads_back_as_the_text(text):
    escaped = escape_markdown(text)
    read_text, live = read(escaped)
    assert read_text.replace("\u2060", "") == shown(text)
    for i in live:
        assert escaped[i] not in ALWAYS or re.match(r"&(amp|lt|gt);", escaped[i:])  # & only as an entity
        assert not re.match(r":[A-Za-z]", escaped[i:])  # no directive (:red[…], :help)
        if escaped[i] == "_":  # a live underscore only inside a word: never emphasis
            run = re.match(r"_+", escaped[i:]).group(0)
            before, after = escaped[i - 1:i], escaped[i + len(run):i + len(run) + 1]
            assert (before.isalnum() or before == "_") and (after.isalnum() or after == "_"), escaped
    assert not re.match(r"[-+=#]|\d+[.)]", escaped)  # no list, heading or rule where it starts a line
    assert not any(pattern.search(read_text) for pattern in TEXT_LEVEL)
    assert not CONTROL.search(escaped) and "\n" not in escaped and "\r" not in escaped


def test_escape_html_and_control_characters():
    assert escape_html(LINK) == "&lt;a href=http://127.0.0.2:9&gt;Click to re-login&lt;/a&gt;"
    assert escape_html("R&D \"x\" 'y'") == "R&amp;D \"x\" 'y'"  # plotly shows &quot; as it is
    assert without_controls("a\x00b\x1b\x7f\x85c\ufffe\uffff\ud800\td\ne\rf") == "abc\td\ne\rf"
    assert without_controls("a\u202ab\u202ec\u2066d\u2069\u200e\u200f\u061ce\u200bf\ufeffg\u2060\u2064h") == "abcdefgh"
    assert without_controls("a\u200cb\u200dc") == "a\u200cb\u200dc"  # Persian and emoji need the joiners
    assert one_line("\u202e\u200b") == ""  # a name made only of them is blank: missing
    assert one_line(" Sales\t-\r\nNorth\u00a0\x00 ") == "Sales - North"


# --- the import: labels as one line without control characters -----------------------------------------------

def test_the_import_keeps_names_as_one_line_without_control_characters(survey, tmp_path):
    units = set(survey.codes("business_unit")[1])
    divisions = set(survey.codes("division")[1])
    assert {imported(name) for name in UNITS.values()} <= units  # every hostile unit reported on its own
    assert {imported(name) for name in DIVISIONS.values()} <= divisions
    assert "Nulunit" in units and NUL not in units and "=1+2" in divisions
    # a right-to-left override is removed; a unit that differs from another only by a zero-width space is
    # the same unit (the demo's Mortgages, renamed "Payments" + U+200B, merge with its Payments)
    assert "Branches North" in units and "Payments" in units and not [u for u in units if CONTROL.search(u)]
    demo = pd.read_csv(ROOT / "data" / "demo_responses.csv", dtype=str)
    payments = demo["business_unit"].isin(["Payments", "Mortgages"]).sum()
    from hostile import write_hostile
    raw = read_raw(write_hostile(tmp_path))
    every_row = apply_mapping(raw, suggest_mapping(raw)).responses["business_unit"]  # before publishing
    assert (every_row == "Payments").sum() == payments
    labels = [item.label for item in survey.items]
    assert any(label.startswith(f"<img src=http://{OUTSIDE}:9/q.png>") for label in labels)
    for text in [*units, *divisions, *labels, *(item.question for item in survey.items)]:
        assert not CONTROL.search(text), text


# --- charts: data drawn as text --------------------------------------------------------------------------------

def chart_texts(figure) -> list[str]:
    """Every text plotly draws in ``figure`` (customdata, ids and meta are not drawn)."""
    found = []

    def walk(value, key=""):
        if key in ("customdata", "legendgroup", "meta", "uid"):
            return
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)
        elif hasattr(value, "tolist"):
            walk(value.tolist(), key)

    walk(figure.to_plotly_json())
    return found


def hostile_figures(survey):
    items = list(survey.item_ids)
    signs = [i for i in items if i.startswith("sign_")]
    question = next(i for i in items if survey.item(i).label.startswith("<img"))
    return {
        "heatmap": charts.signs_heatmap(rates(survey, "business_unit")),
        "commitment": charts.commitment_chart(commitment_index(survey, "business_unit")),
        "variation": charts.variation_chart(variation(survey, "business_unit"), groups="<b>units</b>"),
        "spread": charts.spread_chart(rates(survey, "division", items=[*signs[:2], question])),
        "dumbbell": charts.gap_dumbbell(perception_gap(survey, "division", items=[question, signs[0]])),
        "gap_bars": charts.gap_bars(gap_to_best(survey, "business_unit", items=[question, signs[0]])),
        "target": charts.gap_bars(gap_to_target(survey, "division", items=[question])),
        "trend": charts.trend_chart(trends(survey, "region", items=[question])),
        "pay": charts.pay_trend_chart(pay_alignment(survey, None, "division")),
        "index_waves": charts.index_trend_chart(index_over_waves(survey, "division")),
    }


def test_charts_draw_the_datas_markup_as_text(survey):
    for name, figure in hostile_figures(survey).items():
        texts = chart_texts(figure)
        for text in texts:  # plotly reads a tag as it does: "<", no "<" or ">", then ">"
            for tag in re.findall(r"<[^<>]*>", text):
                assert re.fullmatch(r"</?(b|br)>", tag), (name, tag)  # only the charts' own tags
        drawn = "\n".join(texts)
        assert "&lt;" in drawn, name  # the hostile names are there, escaped
        assert not CONTROL.search(drawn), name


def test_a_heatmap_click_still_names_the_group_as_in_the_data(survey):
    figure = charts.signs_heatmap(rates(survey, "business_unit"))
    clicked = {cell[0] for trace in figure.data if trace.customdata is not None for row in trace.customdata
               for cell in (row if isinstance(row[0], (list, tuple)) else [row])}
    assert {IFRAME, LEGIT[0], "Nulunit"} <= clicked


def test_chart_images_draw_names_with_control_characters():
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=["a\x00b", "c\x1bd"], y=[1, 2]), layout={"title": {"text": "t\x01"}})
    assert printable_figure(figure).data[0].x == ("ab", "cd")
    assert printable_figure(printable_figure(figure)) is not None
    clean = go.Figure(go.Bar(x=["ab"], y=[1]))
    assert printable_figure(clean) is clean
    if Path("/usr/bin/chromium").exists():
        assert figure_image(figure, "svg").startswith(b"<svg")  # was "Error 525: plotly.js error"


# --- files: the deck, the report, the tables ------------------------------------------------------------------

def test_the_decks_chart_workbooks_hold_text_never_a_formula_or_a_link(slides):
    data = write_deck(slides, Cover(title=f"{META} {NUL}", details=(IFRAME, CMD)))
    names = set()
    with zipfile.ZipFile(io.BytesIO(data)) as pptx:
        workbooks = [n for n in pptx.namelist() if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")]
        assert len(workbooks) >= 5
        for member in workbooks:
            book = openpyxl.load_workbook(io.BytesIO(pptx.read(member)))
            for sheet in book:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (member, cell.coordinate, cell.value)
                        assert cell.hyperlink is None, (member, cell.coordinate, cell.value)
                        if isinstance(cell.value, str):
                            names.add(cell.value)
                            assert not CONTROL.search(cell.value)
        for member in pptx.namelist():
            if member.endswith(".xml"):
                etree.fromstring(pptx.read(member))  # well-formed: no control character got in
    formulas = set(FORMULAS.values()) & {imported(name) for name in DIVISIONS.values()}
    assert formulas and formulas <= names  # the text is intact, as text
    assert imported(DIVISIONS["Retail Banking"]) in names
    titles = [shape.text_frame.text for page in Presentation(io.BytesIO(data)).slides for shape in page.shapes
              if shape.has_text_frame]
    assert f"{META} Nulunit" in titles
    assert not [t for t in titles if CONTROL.search(t)]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_html_report_shows_the_names_as_text(slides):
    page = html_report(slides, title=f"{IFRAME} {NUL}", caption=f"{STYLE} {META}")
    assert not CONTROL.search(page.replace(get_plotlyjs(), ""))  # plotly.js itself holds some
    parser = _Tags()
    parser.feed(page)
    tags = parser.tags
    assert not [t for t, _ in tags if t in ("iframe", "img", "object", "embed", "link", "base")]
    assert [a.get("name") for t, a in tags if t == "meta"] == [None, "viewport", "generator"]  # charset, ours
    assert sum(t == "style" for t, _ in tags) == 1  # the report's own
    assert all(a.get("href", "").startswith("#slide-") for t, a in tags if t == "a")
    assert escape_html(IFRAME) in page and "Nulunit" in page


def test_the_tables_hold_no_formula_and_no_control_character(survey):
    tables = analysis_tables(survey)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(tables)))
    texts = set()
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                    assert not cell.value.lstrip().startswith(("=", "+", "-", "@"))
                    assert not CONTROL.search(cell.value), cell.value
    assert "'" + CMD in texts and "'=1+2" in texts and "'@SUM(1)" in texts  # the divisions, neutralised
    for table in tables.values():
        csv = to_csv_bytes(table).decode("utf-8-sig")
        assert not CONTROL.search(csv)


def test_the_cli_writes_no_formula_and_no_control_character(tmp_path, capsys):
    from cxcommit.cli import main
    from hostile import write_hostile

    path = write_hostile(tmp_path)
    assert main(["summary", str(path), "--by", "division", "--format", "csv"]) == 0
    rows = list(csv_module.reader(io.StringIO(capsys.readouterr().out)))
    groups = {row[3] for row in rows[1:]}
    assert "'" + CMD in groups and "'=1+2" in groups and not any(g.lstrip().startswith(("=", "+", "-", "@"))
                                                                   for g in groups)
    assert main(["summary", str(path), "--by", "business_unit"]) == 0
    out = capsys.readouterr().out
    assert "Nulunit" in out and not CONTROL.search(out)
    bad = tmp_path / "bad\x1b[2J.csv"
    bad.write_text("")
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad[2J.csv is empty" in err and not CONTROL.search(err)  # the name quoted without its escape
    flipped = tmp_path / "rows \u202evsc.csv"
    flipped.write_text("")
    assert main(["check", str(flipped)]) == 1
    err = capsys.readouterr().err
    assert "rows vsc.csv is empty" in err and not CONTROL.search(err)  # the name does not reverse the message
