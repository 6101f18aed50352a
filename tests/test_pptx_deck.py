"""The PowerPoint deck, opened with python-pptx: slides, titles, native chart types, and every
charted number against the library's tables; nothing suppressed in the file."""
import io
from dataclasses import replace
from html import escape
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from conftest import REALDATA, ROOT
from cxcommit.cli import main
from cxcommit.demo import load_demo, load_demo_metrics
from cxcommit.errors import SettingsError
from cxcommit.export.pptx_deck import Cover, write_deck
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.settings import Settings
from cxcommit.story.slides import deck
from cxcommit.story.takeaways import takeaway
from cxcommit.text import pct, points

CHART_TYPES = {"commitment": XL_CHART_TYPE.BAR_CLUSTERED, "variation": XL_CHART_TYPE.BAR_STACKED,
               "perception_gap": XL_CHART_TYPE.BAR_CLUSTERED, "gap_to_target": XL_CHART_TYPE.BAR_CLUSTERED,
               "pay": XL_CHART_TYPE.LINE_MARKERS, "index_waves": XL_CHART_TYPE.LINE_MARKERS,
               "outcomes": XL_CHART_TYPE.XY_SCATTER}


def build(survey, settings=Settings()):
    slides = deck(survey, load_demo_metrics(), settings=settings, caption="Demo data", presentation=False)
    data = write_deck(slides, Cover(details=("Demo data", "5,455 respondents")), min_group_size=settings.min_group_size)
    return slides, Presentation(io.BytesIO(data))


def title_of(page) -> str:
    texts = [s.text_frame.text for s in page.shapes if s.has_text_frame and s.text_frame.text]
    return texts[0]


def chart_of(page):
    return next(s.chart for s in page.shapes if s.has_chart)


def values(series) -> list:
    return [None if v is None else round(v, 9) for v in series.values]


def expected(column) -> list:
    return [None if pd.isna(v) else round(float(v), 9) for v in column]


@pytest.fixture(scope="module")
def demo_deck(demo):
    return build(demo)


def test_a_title_slide_then_one_slide_per_chart_16_by_9(demo_deck):
    slides, pptx = demo_deck
    assert len(pptx.slides) == len(slides) + 1
    assert pptx.slide_width * 9 == pptx.slide_height * 16
    assert title_of(pptx.slides[0]) == "Executive commitment to customer experience"
    for slide, page in zip(slides, list(pptx.slides)[1:]):
        assert title_of(page) == takeaway(slide)
        for shape in page.shapes:  # nothing placed off the slide (a 4:3 leftover would be)
            assert shape.left + shape.width <= pptx.slide_width and shape.top + shape.height <= pptx.slide_height


def test_charts_are_native_and_hold_the_librarys_numbers(demo_deck):
    slides, pptx = demo_deck
    by_kind = {s.kind: (s, page) for s, page in zip(slides, list(pptx.slides)[1:])}
    assert set(CHART_TYPES) <= set(by_kind)
    for kind, chart_type in CHART_TYPES.items():
        assert chart_of(by_kind[kind][1]).chart_type == chart_type, kind
    slide, page = by_kind["commitment"]
    mean, share = (s.chart for s in page.shapes if s.has_chart)  # two panels, as on the page
    assert list(mean.plots[0].categories) == list(share.plots[0].categories) == list(slide.table["group"])
    assert values(mean.plots[0].series[0]) == expected(slide.table["mean_signs"])
    assert values(share.plots[0].series[0]) == expected(slide.table["p"])
    assert share.chart_title.text_frame.text == "Share fully committed"
    slide, page = by_kind["perception_gap"]
    leaders, staff = chart_of(page).plots[0].series
    assert values(leaders) == expected(slide.table["p_leaders"]) and values(staff) == expected(slide.table["p_staff"])
    slide, page = by_kind["gap_to_target"]
    chart = chart_of(page)
    gaps = dict(zip(slide.table["label"], slide.table["gap"].astype(float)))
    shown = values(chart.plots[0].series[0])
    assert shown == [round(gaps[label] * 100, 9) for label in chart.plots[0].categories]  # percentage points
    assert shown == sorted(shown, reverse=True)  # largest gap first (on top)
    assert chart.plots[0].data_labels.number_format == chart.value_axis.tick_labels.number_format == '0" pts"'
    for kind, column in (("pay", "p"), ("index_waves", "mean_signs")):
        slide, page = by_kind[kind]
        chart = chart_of(page)
        waves = list(chart.plots[0].categories)
        for series in chart.plots[0].series:
            rows = slide.table[slide.table["group"] == series.name].set_index("wave")[column].reindex(waves)
            assert values(series) == expected(rows), (kind, series.name)
    slide, page = by_kind["outcomes"]
    x, y = slide.columns
    points = chart_of(page).plots[0].series[0]
    plotted = slide.table[[x, y]].dropna()
    assert sorted(values(points)) == sorted(expected(plotted[y]))
    slide, page = by_kind["variation"]
    lowest, spread = chart_of(page).plots[0].series
    assert values(lowest) == expected(slide.table["min_p"]) and values(spread) == expected(slide.table["range"])


def test_the_heatmap_is_a_table_of_shares_with_hidden_cells_marked():
    settings = Settings(min_group_size=130)
    survey = load_demo(130)
    slides, pptx = build(survey, settings)
    slide, page = next((s, p) for s, p in zip(slides, list(pptx.slides)[1:]) if s.kind == "signs")
    grid = next(shape.table for shape in page.shapes if shape.has_table)
    answers = survey.frame.groupby("division", observed=True)[list(SIGN_IDS)].count()  # "don't know" counts
    assert slide.table["suppressed"].sum() == (answers < 130).to_numpy().sum() == 1  # of the 56 division cells
    assert (answers.to_numpy() == 0).sum() == 1  # published: a cell holds no answers or at least 130
    groups = [grid.cell(0, j).text for j in range(1, len(grid.columns))]
    cells = {(r["label"], r["group"]): r for r in slide.table.to_dict("records")}
    strong = []
    for i in range(1, len(grid.rows)):
        label = grid.cell(i, 0).text
        for j, group in enumerate(groups, start=1):
            row, text = cells[(label, group)], grid.cell(i, j).text
            if row["suppressed"]:
                assert text == "n<130"  # no number, and no other label: nothing is hidden for another group
            else:  # marked (●, bold, full colour) exactly where the table says it differs from the rest
                marked = bool(row["significant"])
                assert text == (f"● {pct(row['p'])}" if marked else pct(row["p"]))
                run = grid.cell(i, j).text_frame.paragraphs[0].runs[0]
                assert bool(run.font.bold) == marked
                fill = str(grid.cell(i, j).fill.fore_color.rgb)
                darkest = min(int(fill[k:k + 2], 16) for k in (0, 2, 4))
                strong += [darkest] if marked else []
                # muted: 30% of the way from the light neutral (247) to the scale's darkest channel (6)
                assert marked or darkest >= 247 - 0.3 * (247 - 6) - 1, (label, group, fill)
    assert slide.table["significant"].any() and not slide.table["significant"].all()
    assert min(strong) < 100  # the marked cells keep the full colours
    assert ("full and ● where marked, pale elsewhere. Marked: differs from the rest after adjusting for the "
            in slide.method and "and by at least 5 points" in slide.method)  # the legend, in the footnote


def test_no_suppressed_number_reaches_the_deck():
    """Published for 20, "Other divisions" is 20 people in 2026-Q3, none of whom answered all 8 signs, so nobody of
    it is scored on all 8; and some divisions' waves are hidden."""
    settings = Settings(min_group_size=20)
    survey = load_demo(20)
    others = survey.frame[survey.frame["division"] == "Other divisions"]
    assert len(others) == 20 and not others[list(SIGN_IDS)].notna().all(axis=1).any()
    slides, pptx = build(survey, settings)
    hidden_waves_met = 0
    for slide, page in zip(slides, list(pptx.slides)[1:]):
        if slide.table is None or "suppressed" not in slide.table or slide.kind in ("signs", "outcomes"):
            continue
        hidden = slide.table["suppressed"].astype(bool).to_numpy()
        for series in chart_of(page).plots[0].series:
            if slide.kind in ("pay", "index_waves"):
                part = slide.table[slide.table["group"] == series.name]
                waves = list(chart_of(page).plots[0].categories)
                hidden_waves = set(part.loc[part["suppressed"].astype(bool), "wave"])
                assert all(v is None for v, w in zip(series.values, waves) if w in hidden_waves)
                hidden_waves_met += len(hidden_waves)
            else:
                assert all(v is None for v, h in zip(series.values, hidden) if h), slide.kind
    commitment = next(s for s in slides if s.kind == "commitment").table
    scored = ((survey.frame[list(SIGN_IDS)].notna().sum(axis=1) >= 6) & ~survey.index_excluded("not_yes")).groupby(
        survey.frame["division"], observed=True).sum()  # 6 or more signs answered, less those the index leaves out
    assert set(commitment.loc[commitment["suppressed"], "group"]) == set(scored.index[scored == 0]) == {
        "Other divisions"}  # the check met them
    assert hidden_waves_met > 0


def test_the_report_command_writes_the_deck_for_the_filters(tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    code = main(["report", str(ROOT / "data" / "demo_responses.csv"), "--metrics",
                 str(ROOT / "data" / "demo_unit_metrics.csv"), "--division", "Digital", "--out", str(out),
                 "--slides", "findings", "commitment", "signs"])
    assert code == 0 and "wrote" in capsys.readouterr().out
    pptx = Presentation(str(out))
    assert len(pptx.slides) == 4
    cover = " ".join(s.text_frame.text for s in pptx.slides[0].shapes if s.has_text_frame)
    digital = (load_demo().frame["division"] == "Digital").sum()  # published: 754 of the 782 imported
    assert "Division: Digital" in cover and f"{digital:,} respondents" in cover and "Groups under 5 answers hidden" in cover


def test_the_report_command_refuses_other_file_types(tmp_path, capsys):
    assert main(["report", str(ROOT / "data" / "demo_responses.csv"), "--out", str(tmp_path / "x.docx")]) == 1
    assert "written as .pptx" in capsys.readouterr().err


def load_survey_of(path):
    from cxcommit import load_survey

    return load_survey(path)


@pytest.mark.parametrize("path", sorted(p for p in REALDATA.iterdir() if p.suffix in (".csv", ".xlsx")),
                         ids=lambda p: p.name)
def test_the_report_command_on_real_exports(path, tmp_path, capsys):
    out = tmp_path / "deck.pptx"
    code = main(["report", str(path), "--out", str(out)])
    said = capsys.readouterr()
    if code == 0:
        pages = list(Presentation(str(out)).slides)
        assert len(pages) >= 2
        words = " ".join(title_of(page) for page in pages)
        if not load_survey_of(path).has_signs:  # a survey without the 8 signs is told in its own words
            assert not re.search(r"\b(signs?|commitment)\b", words, re.IGNORECASE), words
        assert all(page.notes_slide.notes_text_frame.text for page in pages[1:])
    else:  # nothing to chart: a message saying so, never a traceback
        assert code == 1 and "nothing to put on a slide" in said.err and "Traceback" not in said.err


@pytest.mark.slow
def test_the_demo_deck_renders_in_libreoffice(demo_deck, tmp_path):
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed (tests/install_system.sh installs it)")
    slides, _ = demo_deck
    path = tmp_path / "demo.pptx"
    path.write_bytes(write_deck(slides, Cover(details=("Demo data",))))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=300)
    pages = subprocess.run(["pdfinfo", str(tmp_path / "demo.pdf")], capture_output=True, text=True, check=True)
    count = int(next(line.split()[-1] for line in pages.stdout.splitlines() if line.startswith("Pages:")))
    assert count == len(slides) + 1
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / "demo.pdf"), str(tmp_path / "page")], check=True,
                   timeout=300)
    from PIL import Image

    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == count
    for image in images:  # every page drawn 16:9 and not blank
        with Image.open(image) as page:
            assert abs(page.width / page.height - 16 / 9) < 0.02
            assert len(page.convert("L").getcolors(maxcolors=1 << 16) or [None] * 3) > 2


def test_the_report_command_writes_the_one_file_html_report(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(ROOT / "data" / "demo_responses.csv"), "--wave", "2026-Q3", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Waves: 2026-Q3" in html and "What to lead with" in html and '<script src="http' not in html


def test_a_logo_and_an_accent_colour_go_on_every_slide(demo):
    from PIL import Image

    logo = io.BytesIO()
    Image.new("RGB", (200, 100), "#cc0000").save(logo, format="PNG")
    slides = deck(demo, caption="Demo data", presentation=False)[:3]
    pptx = Presentation(io.BytesIO(write_deck(slides, Cover(logo=logo.getvalue(), accent="#cc0000"))))
    for page in pptx.slides:
        assert any(shape.shape_type == 13 for shape in page.shapes)  # 13: a picture
        filled = [s for s in page.shapes if s.shape_type == 1 and s.fill.type == 1]  # autoshape, solid fill
        assert any(str(s.fill.fore_color.rgb) == "CC0000" for s in filled)


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "#cc0000").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("size", [(600, 100), (100, 600), (2000, 200), (50, 50)])
def test_a_logo_fits_its_box_on_every_slide_with_its_shape_kept(demo, size):
    slides = deck(demo, caption="Demo data", presentation=False)[:2]
    pptx = Presentation(io.BytesIO(write_deck(slides, Cover(logo=_png(*size)))))
    width, height = pptx.slide_width, pptx.slide_height
    for number, page in enumerate(pptx.slides):
        picture = next(shape for shape in page.shapes if shape.shape_type == 13)
        box = (Inches(2.5), Inches(1.0)) if number == 0 else (Inches(1.5), Inches(0.7))  # the cover's is larger
        assert picture.width <= box[0] + 1 and picture.height <= box[1] + 1
        assert picture.width >= box[0] - 2 or picture.height >= box[1] - 2  # as large as the box allows
        assert picture.left >= 0 and picture.left + picture.width <= width - Inches(0.6) + 1  # inside the margin
        assert picture.top + picture.height <= height
        assert abs(picture.width / picture.height - size[0] / size[1]) < 0.02 * size[0] / size[1]  # not stretched


@pytest.mark.parametrize("size, message", [
    ((24000, 1), "The logo is 24,000 × 1 pixels: 24,000 times as wide as high; a logo is at most 20 times as wide "
                 "as high (or high as wide)."),
    ((10, 300), "The logo is 10 × 300 pixels: 30 times as high as wide; a logo is at most 20 times as wide as high "
                "(or high as wide)."),
])
def test_a_logo_of_an_absurd_shape_is_refused(size, message):
    with pytest.raises(SettingsError) as caught:
        Cover(logo=_png(*size))
    assert str(caught.value.message) == message
    assert caught.value.hint == "Crop the logo to its mark, or leave the logo out."


def test_takeaways_do_not_call_a_tiny_change_a_move(demo):
    slides = deck(demo.filter(division=["Digital", "Operations"]), presentation=False)
    index = next(s for s in slides if s.kind == "index_waves")
    moves = index.table[~index.table["suppressed"]].groupby("group")["mean_signs"].agg(lambda v: v.iloc[-1] - v.iloc[0])
    assert moves.abs().max() < 0.25  # Digital −0.1, Operations 0.0 signs from the first wave to the last
    assert takeaway(index).startswith("Commitment held steady from 2025-Q2 to 2026-Q3")


def test_titles_state_only_what_holds_and_say_what_is_known_otherwise(demo):
    """Digital: 4 units, whose relations are shown but not stated; no unit differs on any sign beyond
    chance; no division leads or moves by more than chance. The whole demo: each of these holds."""
    small = {s.kind: s for s in deck(demo.filter(division=["Digital"]), load_demo_metrics(), presentation=False)}
    assert takeaway(small["outcomes"]) == ("Too few units to tell how executive incentive tied to CX goes with "
                                           "Customer NPS (4 units; at least 10 needed)")
    assert small["outcomes"].figure.layout.meta["r"] == pytest.approx(-0.96, abs=0.01)  # the numbers still shown
    assert not small["variation"].table["significant"].any()
    assert takeaway(small["variation"]) == "No unit stands out from the rest on any sign by more than chance and 5 points"
    assert takeaway(small["commitment"]).startswith("No group leads on commitment by more than chance and 0.4 signs")
    assert takeaway(small["pay"]) == ("Pay tied to CX held steady from 2025-Q2 to 2026-Q3: no group moved by more "
                                      "than chance and 5 points")
    whole = {s.kind: s for s in deck(demo, load_demo_metrics(), presentation=False)}
    assert takeaway(whole["outcomes"]) == "Units that tie more incentive to CX have strongly higher Customer NPS " \
                                          "(r = 0.64, 29 units)"
    assert takeaway(whole["commitment"]) == "Digital leads on commitment (5.1 of 8 signs); Operations trails (2.4)"
    assert takeaway(whole["pay"]).startswith("Pay tied to CX rose most in Retail Banking: 18% said yes in 2025-Q2")
    assert takeaway(whole["variation"]).startswith("Units disagree most on")


def test_a_relation_within_chance_or_on_few_units_is_never_a_title():
    from cxcommit.story import takeaways

    relation = {"x": "exec_incentive_cx_pct", "y": "customer_nps", "r": -0.36, "ci_low": -0.96, "ci_high": 0.87,
                "n": 5, "enough_units": False, "p_holm": 0.55}
    assert takeaways.outcomes(relation) == ("Too few units to tell how executive incentive tied to CX goes with "
                                            "Customer NPS (5 units; at least 10 needed)")
    within = {**relation, "n": 14, "enough_units": True, "r": 0.41, "p_holm": 0.21}
    assert takeaways.outcomes(within) == ("No clear relation between executive incentive tied to CX and Customer NPS "
                                          "across 14 units (r = 0.41, within chance)")
    holds = {**within, "p_holm": 0.01}
    assert takeaways.outcomes(holds) == "Units that tie more incentive to CX have higher Customer NPS (r = 0.41, 14 units)"


def test_a_difference_is_a_title_only_where_it_holds():
    from cxcommit.story import takeaways

    gaps = pd.DataFrame({"item": ["sign_1", "sign_2"], "label": ["A", "B"], "gap": [0.30, 0.04],
                         "p_leaders": [0.7, 0.5], "p_staff": [0.4, 0.46], "p_value": [0.04, 1e-6],
                         "suppressed": [False, False]})
    # Holm over the two gaps: 0.04 × 1 = 0.04 < 0.05 for A (30 points); B holds but is under 5 points
    assert takeaways.perception_gap(gaps).startswith("Executives see “A” 30 points more favourably")
    assert takeaways.perception_gap(gaps.assign(significant=[False, False])) == (  # the table's own word
        "Executives see no sign more favourably than their staff by more than chance and 5 points (largest gap +30 "
        "points)")
    assert takeaways.perception_gap(gaps, Settings(min_difference=0.35)).startswith("Executives see no sign")
    spread = pd.DataFrame({"item": ["sign_1"], "label": ["A"], "significant": [True], "range": [0.04],
                           "min_p": [0.5], "max_p": [0.54], "lowest": ["X"], "highest": ["Y"]})
    assert takeaways.variation(spread, "units") == "Units differ by less than 5 points on every sign"
    assert takeaways.variation(spread.assign(range=0.2), "units") == "Units disagree most on “A”: from 50% (X) to 54% (Y)"
    # the homogeneity test within chance, yet one unit differs from the rest (the heatmap marks it): said so
    rated = pd.DataFrame({"group": ["X", "Y", "Z"], "label": ["A"] * 3, "diff": [-0.29, 0.03, 0.2],
                          "p_adj": [0.03, 0.9, 0.2], "suppressed": [False] * 3})
    assert takeaways.standouts(rated)["group"].tolist() == ["X"]
    assert takeaways.standouts(rated.assign(confirmed=[False, False, True]))["group"].tolist() == ["Z"]
    quiet = spread.assign(significant=False)
    assert takeaways.variation(quiet, "units", standouts=takeaways.standouts(rated)) == (
        "No sign splits the units beyond chance; X stands out on “A” (-29 points against the rest)")
    assert takeaways.variation(quiet, "units", standouts=takeaways.standouts(rated.iloc[1:])) == (
        "No unit stands out from the rest on any sign by more than chance and 5 points")


@pytest.mark.parametrize("export", ["googleforms_rstudio_rsurvey2019_en.csv"])  # Star Wars: its yes/no items are factual
def test_the_weakest_item_is_named_among_items_of_one_kind_of_scale(export):
    """A yes is not a scale's top box, nor a 5-point scale's top two a 10-point's: the weakest and strongest are
    items of the scale most items have, and the title says so."""
    from cxcommit import load_survey
    from cxcommit.analyses.tables import comparable

    survey = load_survey(REALDATA / export)
    told = deck(survey, presentation=False)
    slides = {s.kind: s for s in reversed(told)}  # a chart told on several slides: its first
    table = whole_table(told, "signs")
    table = table[~table["suppressed"].astype(bool)]  # an item every group of which is too small is not ranked
    # shares compare where scale, range and number of favourable boxes agree, whichever end (reverse-worded)
    scales = table["item"].map({item.id: repr(comparable(item.scale)) for item in survey.items if item.scale.rated})
    counts = table.groupby(scales)["item"].nunique()
    assert len(counts) > 1 and counts.idxmax() == repr(("likert", 1.0, 5.0, 1.0))
    rated = table[scales == counts.idxmax()]
    pooled = rated.groupby("label")["k"].sum() / rated.groupby("label")["n"].sum()
    assert takeaway(slides["signs"]).startswith(f"Weakest of the {counts.max()} items on the 5-point scale: "
                                                f"“{pooled.idxmin()}”")


@pytest.mark.parametrize("export", ["surveymonkey_538_starwars.csv", "qualtrics_student_satisfaction_choicetext2023.csv"])
def test_the_gap_to_target_title_names_the_charts_top_bar_and_its_ties(export):
    """The chart draws every item on one axis of points short, largest on top: the title names that
    bar, and every item whose gap reads the same whole points with it, as a tie."""
    from cxcommit import load_survey

    told = deck(load_survey(REALDATA / export), presentation=False)
    title = takeaway(next(s for s in told if s.kind == "gap_to_target"))
    table = whole_table(told, "gap_to_target")
    table = table[~table["suppressed"].astype(bool)]
    gaps = table.groupby("label")["gap"].mean().sort_values(ascending=False)
    top = f"{gaps.iloc[0] * 100:.0f}"
    tied = [label for label, gap in gaps.items() if f"{gap * 100:.0f}" == top]
    assert title.startswith(f"Furthest from everyone answering favourably: “{gaps.index[0]}”")
    assert all(f"“{label}”" in title for label in tied[:2])
    assert title.endswith(f"{'tied at ' if len(tied) > 1 else ''}{top} points short")


def whole_table(slides, kind: str) -> pd.DataFrame:
    """The table of a chapter told on one slide or paged across several (:mod:`cxcommit.story.paging`)."""
    return pd.concat([s.table for s in slides if s.kind == kind], ignore_index=True)


def unpaged(slides) -> list:
    """One slide per chapter holding its whole table, as if nothing were paged: the deck writer's
    handling of long tables, tested on tables longer than paging lets onto one slide."""
    return [replace(s, table=whole_table(slides, s.kind), page=(1, 1)) for s in slides if s.page[0] == 1]


def every_item_rated(export: str):
    """A real export with every item read as rated (direction ``higher``), factual questions too: a
    deck of as many rows as its questions."""
    from dataclasses import replace

    from cxcommit import load_survey, read_raw, suggest_mapping
    mapping = suggest_mapping(read_raw(REALDATA / export))
    return load_survey(REALDATA / export, mapping=replace(mapping, items=tuple(replace(m, direction="higher")
                                                                                for m in mapping.items)))


def test_a_long_table_and_a_long_title_get_smaller_type():
    """The Star Wars export with its yes/no questions rated too: 19 items, 10 regions, and long
    questions in the titles."""
    survey = every_item_rated("surveymonkey_538_starwars.csv")
    slides = unpaged(deck(survey, presentation=False))
    pptx = Presentation(io.BytesIO(write_deck(slides)))
    pages = dict(zip([s.kind for s in slides], list(pptx.slides)[1:]))
    grid = next(shape.table for shape in pages["signs"].shapes if shape.has_table)
    assert len(grid.rows) == slides[[s.kind for s in slides].index("signs")].table["item"].nunique() + 1 > 15
    body = list(grid.rows)[1:]  # the head row: small enough for the longest word of a region's name
    assert {run.font.size.pt for row in body for cell in row.cells for run in cell.text_frame.paragraphs[0].runs} <= {8}
    assert max(run.font.size.pt for cell in list(grid.rows)[0].cells for run in cell.text_frame.paragraphs[0].runs) <= 8
    for page in pages.values():
        title = next(s for s in page.shapes if s.has_text_frame and s.text_frame.text)
        run = title.text_frame.paragraphs[0].runs[0]
        assert run.font.size.pt == (28 if len(title.text_frame.text) <= 80 else 24 if len(title.text_frame.text) <= 100
                                    else 20)


def test_every_bar_is_named_however_many_there_are():
    """19 questions on the Star Wars variation slide (its yes/no questions rated too): no label left
    out (PowerPoint and LibreOffice skip every other one unless told), in smaller type."""
    from pptx.oxml.ns import qn

    slides = unpaged(deck(every_item_rated("surveymonkey_538_starwars.csv"), presentation=False))
    pptx = Presentation(io.BytesIO(write_deck(slides)))
    page = list(pptx.slides)[1 + [s.kind for s in slides].index("variation")]
    axis = chart_of(page).category_axis
    assert len(chart_of(page).plots[0].categories) > 16
    assert axis._element.find(qn("c:tickLblSkip")).get("val") == "1"
    assert axis.tick_labels.font.size.pt == 9


@pytest.mark.parametrize("export", ["surveymonkey_538_starwars.csv", "googleforms_rstudio_rsurvey2019_en.csv"])
def test_a_survey_without_the_signs_is_told_in_its_own_words(export):
    """No sign, no commitment: items, favourable answers and the grouping's own name."""
    from cxcommit import load_survey

    slides = deck(load_survey(REALDATA / export), presentation=False)
    words = " ".join(f"{s.title} {takeaway(s)}" for s in slides)
    assert "sign" not in words.lower() and "commitment" not in words.lower()
    assert {"signs", "variation", "gap_to_target"} <= {s.kind for s in slides}
    variation = next(s for s in slides if s.kind == "variation")
    significant = bool(variation.table["significant"].any())  # Star Wars: regions differ within chance
    groups = "Regions"  # Star Wars' census region, Google Forms' country
    assert takeaway(variation).startswith(f"{groups} disagree most on" if significant else
                                          f"No {groups[:-1].lower()} stands out from the rest on any item by more "
                                          "than chance and 5 points")
    assert "starwars" not in export or not significant
    footnotes = " ".join(s.method for s in slides)
    assert not re.search(r"\bsigns?\b", footnotes) and "answering yes" not in footnotes and "favourabl" in footnotes
    assert all("Methods: docs/methods.md §" in s.method for s in slides)


def test_every_footnote_cites_the_methods_page_and_fits_above_the_slides_edge():
    from cxcommit.export.pptx_deck import HEIGHT
    from cxcommit.story.report_text import view_lines

    from cxcommit import load_survey

    demo = load_demo().filter(division="Digital")
    star_wars = load_survey(REALDATA / "surveymonkey_538_starwars.csv")  # long footnotes: factual items, groupings
    for survey, metrics, source in ((demo, load_demo_metrics(), "Demo data"), (star_wars, None, "Star Wars")):
        caption = " · ".join(view_lines(survey, Settings(), source))
        slides = deck(survey, metrics, caption=caption, presentation=False)
        shown = Presentation(io.BytesIO(write_deck(slides))).slides
        for slide, page in zip(slides, list(shown)[1:]):
            box = next(s for s in page.shapes if s.has_text_frame and s.text_frame.text.endswith(caption))
            assert "Methods: docs/methods.md §" in box.text_frame.text
            size = box.text_frame.paragraphs[0].runs[0].font.size.pt
            per_line = int(box.width / 12_700 / (0.6 * size))  # a character about 0.6 of the type size wide
            lines = -(-len(box.text_frame.text) // per_line)
            height = lines * size * 1.2 + 7.2  # and the box's insets, 0.05 in above and below
            assert box.top + height * 12_700 <= HEIGHT, (source, slide.kind, size, lines)  # 12,700 EMU a point
    slides = deck(demo, load_demo_metrics(), presentation=False)
    signs = next(s for s in slides if s.kind == "signs")
    assert "Marked: differs from the rest after adjusting for the " in signs.method
    assert "of this breakdown (Benjamini–Hochberg) and by at least 5 points." in signs.method


def kinds_of(slides, pptx) -> dict:
    """Each chart slide's kind, against its page (the title slide comes first)."""
    return {s.kind: page for s, page in zip(slides, list(pptx.slides)[1:])}


def test_every_native_chart_carries_its_numbers_and_names(demo, demo_deck):
    """Readable without the data sheet: bars and line ends labelled, the gaps and both sides' n in the
    perception gap's names, each variation bar's two ends named with their shares, dots named."""
    slides, pptx = demo_deck
    pages = kinds_of(slides, pptx)
    tables = {s.kind: s.table for s in slides}
    for kind in ("commitment", "perception_gap", "gap_to_target"):
        assert chart_of(pages[kind]).plots[0].has_data_labels, kind
    gap = tables["perception_gap"]
    names = list(chart_of(pages["perception_gap"]).plots[0].categories)
    for row, name in zip(gap.to_dict("records"), names):
        assert points(row['gap'], signed=True) in name and f"n {row['n_leaders']:,} | {row['n_staff']:,}" in name
    spread = tables["variation"]
    names = list(chart_of(pages["variation"]).plots[0].categories)
    for row, name in zip(spread.to_dict("records"), names):
        assert name.endswith(f"{row['lowest']} {pct(row['min_p'])} to {row['highest']} {pct(row['max_p'])}")  # short names
    for kind in ("pay", "index_waves"):
        for series in chart_of(pages[kind]).plots[0].series:  # each line's latest value written at its end
            last = max(i for i, v in enumerate(series.values) if v is not None)
            assert series.points[last].data_label.has_text_frame, (kind, series.name)
    scatter = chart_of(pages["outcomes"]).plots[0].series[0]
    written = [scatter.points[i].data_label.text_frame.text for i in range(len(scatter.values))
               if scatter.points[i].data_label.has_text_frame]
    units = set(tables["outcomes"]["business_unit"])
    assert len(written) >= len(units) // 2 and all(name.rstrip("…") in " ".join(units) for name in written)


def test_the_heatmap_table_writes_a_share_or_the_hidden_mark_in_every_cell(demo_deck):
    slides, pptx = demo_deck
    table = next(s for s in kinds_of(slides, pptx)["signs"].shapes if s.has_table).table
    cells = [table.cell(i, j).text for i in range(1, len(table.rows)) for j in range(1, len(table.columns))]
    assert cells and all(re.fullmatch(r"(● )?\d+%|n<5", text) for text in cells)


def test_a_one_wave_deck_draws_bars_of_that_wave_never_lines(demo):
    slides, pptx = build(demo.filter(wave=["2026-Q3"]))
    pages = kinds_of(slides, pptx)
    for kind in ("pay", "index_waves"):
        if kind not in pages:  # the story may leave a trend out with one wave
            continue
        chart = chart_of(pages[kind])
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED and chart.plots[0].has_data_labels, kind
        assert list(chart.plots[0].series)[0].name == "2026-Q3"


def test_every_slide_has_speaker_notes_with_its_method_and_n(demo_deck):
    slides, pptx = demo_deck
    for slide, page in zip(slides, list(pptx.slides)[1:]):
        notes = page.notes_slide.notes_text_frame.text
        assert notes == slide.notes and notes.startswith(slide.method), slide.kind
        assert "Methods: docs/methods.md §" in notes and "n: 5,455 respondents in this view" in notes, slide.kind


def test_the_deck_heads_each_slide_as_the_html_report_and_the_presentation_do(demo_deck):
    from cxcommit.export.html_report import html_report

    slides, pptx = demo_deck
    page = html_report(slides, title="Executive commitment to CX")
    for slide, shown in zip(slides, list(pptx.slides)[1:]):
        assert title_of(shown) == slide.heading
        assert escape(slide.heading, quote=True) in page


def test_the_decks_order_is_the_pages_order(demo_deck):
    from cxcommit.charts.heatmap import column_order

    slides, pptx = demo_deck
    by_kind = {s.kind: (s, page) for s, page in zip(slides, list(pptx.slides)[1:])}
    slide, page = by_kind["signs"]
    grid = next(s for s in page.shapes if s.has_table).table
    heads = [grid.cell(0, j).text for j in range(1, len(grid.columns))]
    assert heads == column_order(slide.table, "score")  # columns by score, as the page sorts them by default
    slide, page = by_kind["perception_gap"]
    labels = list(chart_of(page).plots[0].categories)
    assert f"“{labels[0].split(' · ')[0]}”" in title_of(page)  # the title's subject is the first bar (its name)
    slide, page = by_kind["commitment"]
    assert title_of(page).startswith(list(chart_of(page).plots[0].categories)[0])


def test_a_one_wave_deck_has_no_trend_slide(demo):
    slides, pptx = build(demo.filter(wave=[demo.codes("wave")[1][-1]]))
    assert not {"pay", "index_waves"} & {s.kind for s in slides}
    assert not any(chart_of(p).chart_type == XL_CHART_TYPE.LINE_MARKERS for p in list(pptx.slides)[1:]
                   if any(s.has_chart for s in p.shapes))


def test_long_bar_names_are_written_small_enough_for_one_line_each():
    """Star Wars' variation slide: ten bars, each named with its question and both ends ("Emperor
    Palpatine: Mountain 22% to East South Central 71%"); a name that wraps makes LibreOffice drop
    every other one, so long names get 10 pt."""
    from cxcommit import load_survey

    slides = deck(load_survey(REALDATA / "surveymonkey_538_starwars.csv"), presentation=False)
    pptx = Presentation(io.BytesIO(write_deck(slides)))
    page = list(pptx.slides)[1 + [s.kind for s in slides].index("variation")]
    names = list(chart_of(page).plots[0].categories)
    assert max(map(len, names)) > 45 and chart_of(page).category_axis.tick_labels.font.size.pt == 10


def test_the_scatter_names_its_extreme_dots_and_its_axes_cross_at_the_bottom_left(demo_deck):
    from pptx.enum.chart import XL_AXIS_CROSSES

    slides, pptx = demo_deck
    slide, page = next((s, p) for s, p in zip(slides, list(pptx.slides)[1:]) if s.kind == "outcomes")
    chart = chart_of(page)
    x, y = slide.columns
    for axis, column in ((chart.category_axis, x), (chart.value_axis, y)):
        assert axis.crosses == XL_AXIS_CROSSES.MINIMUM  # never through a dot or a name at 0
        assert axis.minimum_scale < slide.table[column].min() and axis.maximum_scale > slide.table[column].max()
    dots = chart.plots[0].series[0]
    written = [p.data_label.text_frame.text if p.data_label.has_text_frame else "" for p in dots.points]
    plotted = slide.table.dropna(subset=[x, y])
    names = [str(u) for u in plotted["business_unit"]]
    assert all(t == "" or t == n or t.rstrip("…") in n for t, n in zip(written, names))
    for extreme in (plotted[x].argmax(), plotted[x].argmin(), plotted[y].argmax(), plotted[y].argmin()):
        assert written[extreme], names[extreme]
    assert sum(1 for t in written if t) >= len(names) * 2 // 3


@pytest.mark.parametrize("marked", [True, False])
def test_the_heatmap_table_has_a_colour_scale_under_it(demo, marked):
    """The deck's heatmap says what its colours mean: a strip of differences in points under the
    table, on the table's own scale, in full colour where some cell is marked, else muted."""
    from cxcommit.analyses.rates import rates
    from cxcommit.export.pptx_charts import draw
    from cxcommit.export.pptx_heatmap import legend_steps

    table = rates(demo, "division")
    table = table.assign(label=table["item"]) if "label" not in table else table
    table = table if marked else table.assign(significant=False)
    pptx = Presentation()
    page = pptx.slides.add_slide(pptx.slide_layouts[6])
    box = (Inches(0.6), Inches(1.45), Inches(12), Inches(5.1))
    grid = draw(page, "signs", table, 5, Cover(), box)
    strip = [s for s in page.shapes if s.has_table and s.shape_id != grid.shape_id]
    assert len(strip) == 1
    limit = max(0.05, float(np.ceil(table.loc[~table["suppressed"], "diff"].abs().max() * 20) / 20))
    cells = [strip[0].table.cell(0, j).text for j in range(len(strip[0].table.columns))]
    assert cells == [f"{s * 100:+.0f}" if round(s * 100) else "0" for s in legend_steps(limit)]
    assert strip[0].top >= grid.top + grid.height and strip[0].top + strip[0].height <= box[1] + box[3]
    words = next(s.text_frame.text for s in page.shapes if s.has_text_frame and s.text_frame.text.startswith("Colour"))
    assert ("beyond chance" in words) == marked
