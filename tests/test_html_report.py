"""The deck as one offline HTML file: one plotly.js, every slide, escaped text, the figures' data."""
import json
from html import escape
import re
from html.parser import HTMLParser

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.offline import get_plotlyjs

from cxcommit import load_demo_metrics
from cxcommit.export.html_report import html_report
from cxcommit.story.slides import Slide, deck

CAPTION = "Demo data · Waves: all (2025-Q2 to 2026-Q3) · 5,434 respondents · minimum group size 5"
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def slides(demo):
    return deck(demo, load_demo_metrics(), caption=CAPTION, presentation=False)


@pytest.fixture(scope="module")
def page(slides):
    return html_report(slides, title="Executive commitment to CX", caption=CAPTION)


class _Outline(HTMLParser):
    """The text of each tag the report is made of, as a browser reads it (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts, self.tags = [], {}, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "meta", "img", "input", "link"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1] != "script":
            self.texts.setdefault(self.stack[-1], []).append(data)


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    parser.close()
    return parser


def _section(page: str, number: int) -> str:
    start = page.index(f'<section class="slide" id="slide-{number}">')
    return page[start:page.index("</section>", start)]


def _plot_call(page: str, div_id: str) -> tuple[list, dict]:
    """The data and layout a chart's ``Plotly.newPlot`` call receives, decoded."""
    start = page.index(f'Plotly.newPlot(                        "{div_id}",')
    decoder = json.JSONDecoder()
    position = page.index("[", start)
    data, position = decoder.raw_decode(page, position)
    layout, _ = decoder.raw_decode(page, page.index("{", position))
    return data, layout


def test_plotly_js_is_written_once_and_nothing_is_fetched(page):
    bundle = get_plotlyjs()
    assert page.count(bundle) == 1
    rest = page.replace(bundle, "")
    assert not re.search(r"<script[^>]*\ssrc\s*=", rest, re.I)  # no script loaded from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", rest, re.I)  # no external file of any kind
    assert "cdn" not in rest.lower()
    assert page.index(bundle) < page.index("Plotly.newPlot(")  # loaded before the first chart is drawn


def test_every_slide_has_its_title_chart_or_bullets_and_caption(page, slides):
    outline = _outline(page)
    assert outline.texts["h1"] == ["Executive commitment to CX"]
    assert [t.strip() for t in outline.texts["a"]] == [s.heading for s in slides]  # the table of contents
    sections = [attrs["id"] for tag, attrs in outline.tags if tag == "section"]
    assert sections == [f"slide-{i}" for i in range(1, len(slides) + 1)]
    headings = "".join(outline.texts["h2"])
    assert all(s.heading in headings for s in slides)
    # the header's, then each slide's under its chart and in its notes ("View: …")
    assert "".join(outline.texts["p"]).count(CAPTION) == 2 * len(slides) + 1
    for number, slide in enumerate(slides, start=1):
        section = _section(page, number)
        assert "<h2>" in section and all(f"<li>{escape(line)}</li>" in section for line in slide.bullets)
        assert (f'id="chart-{number}"' in section) == (slide.figure is not None), slide.title
    assert any(s.bullets for s in slides)
    charts = [attrs["id"] for tag, attrs in outline.tags if tag == "div" and "plotly-graph-div" in attrs.get("class", "")]
    assert charts == [f"chart-{i}" for i, s in enumerate(slides, start=1) if s.figure is not None]


def test_each_chart_is_drawn_from_its_figures_data(page, slides):
    for number, slide in enumerate(slides, start=1):
        if slide.figure is None:
            continue
        data, layout = _plot_call(page, f"chart-{number}")
        expected = json.loads(pio.to_json(slide.figure))
        assert data == expected["data"], slide.title
        assert layout["title"]["text"] == slide.figure.layout.title.text
        assert layout["height"] == slide.figure.layout.height
        assert f'<div style="height:{slide.figure.layout.height}px; width:100%;">' in page


def test_all_text_is_escaped(demo):
    figure = go.Figure(go.Bar(x=["</script><script>alert(2)</script>"], y=[1]), layout={"height": 300})
    slides = [Slide(HOSTILE, figure, HOSTILE, (HOSTILE,)), Slide("Text only " + HOSTILE, None, HOSTILE, (HOSTILE,))]
    page = html_report(slides, title=HOSTILE, caption=HOSTILE)
    assert "<img" not in page and 'alert("x")' not in page and "alert(2)</script>" not in page
    outline = _outline(page)
    assert outline.texts["title"] == [HOSTILE] and outline.texts["h1"] == [HOSTILE]
    assert HOSTILE in "".join(outline.texts["h2"]) and outline.texts["li"].count(HOSTILE) == 2
    assert "".join(outline.texts["p"]).count(HOSTILE) == 3  # the header's caption and each slide's
    data, _ = _plot_call(page, "chart-1")
    assert data[0]["x"] == ["</script><script>alert(2)</script>"]  # intact in the chart, inert in the page
    bundle_free = page.replace(get_plotlyjs(), "")
    assert bundle_free.count("<script") == bundle_free.count("</script>") == 4  # config, bundle, chart, print


def test_a_deck_without_charts_carries_no_plotly_js():
    page = html_report([Slide("What to lead with", None, "c", ("a", "b"))], title="t", caption="")
    assert "Plotly" not in page and "<script" not in page
    assert "Contents" not in page  # one slide needs no table of contents


def test_the_figures_are_not_changed(slides):
    before = [pio.to_json(s.figure) for s in slides if s.figure is not None]
    html_report(slides, title="t", caption="c")
    assert [pio.to_json(s.figure) for s in slides if s.figure is not None] == before


def test_print_styles_start_each_slide_on_a_page_and_fit_each_chart(page, slides):
    assert "@media print" in page and "section.slide + section.slide { break-before: page; }" in page
    zooms = [float(z) for z in re.findall(r"--print-zoom: ([0-9.]+)", page)]
    heights = [s.figure.layout.height for s in slides if s.figure is not None]
    assert len(zooms) == len(heights) and all(0 < z <= 0.94 for z in zooms)
    assert all(z * h <= 600 + 1 for z, h in zip(zooms, heights))  # the tallest chart shrinks to the page


def test_each_section_is_headed_by_its_takeaway_with_its_notes_collapsed_under_it(slides, page):
    sections = page.split('<section class="slide"')[1:]
    assert len(sections) == len(slides)
    for slide, section in zip(slides, sections):
        assert f'</span> {escape(slide.heading, quote=True)}</h2>' in section, slide.kind
        notes = section[section.index('<details class="notes"><summary>Speaker notes</summary>'):]
        for line in slide.notes.split("\n"):
            assert f"<p>{escape(line, quote=True)}</p>" in notes, slide.kind
        assert "Methods: docs/methods.md §" in notes and "n: " in notes
    assert slides[1].heading == slides[1].takeaway != slides[1].title  # the takeaway, not "Commitment by division"
