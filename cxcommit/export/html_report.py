"""The deck as one HTML file: interactive charts that open offline, in any browser, and print.

The file holds everything it needs: plotly.js is written into it once (about 4.7 MB), each chart
is its figure's JSON, and nothing is fetched from the network when it is opened. All text
(titles, captions, bullets: group and item names come from the user's files) is escaped, with
control characters removed (the charts escape theirs: :mod:`cxcommit.charts`).

>>> from cxcommit.demo import load_demo, load_demo_metrics
>>> from cxcommit.story.slides import deck
>>> slides = deck(load_demo(), load_demo_metrics(), caption="Demo data · all waves", presentation=False)
>>> page = html_report(slides, title="Executive commitment to CX", caption="Demo data · all waves")
>>> page.startswith("<!DOCTYPE html>"), page.count('class="plotly-graph-div"') == sum(s.figure is not None for s in slides)
(True, True)
"""
from __future__ import annotations

import html
import math
from collections.abc import Sequence

import plotly.io as pio

from cxcommit.charts.theme import printable_figure
from cxcommit.story.slides import Slide
from cxcommit.text import without_controls

__all__ = ["html_report"]

PRINT_WIDTH = 1000  # CSS pixels a chart is laid out at on paper, then scaled to the page (see _PRINT_SCRIPT)
PRINT_ROOM = (940, 600)  # CSS pixels a chart may take on a landscape A4 or Letter page, beside title and caption
CONFIG = {"displaylogo": False, "responsive": True,
          "toImageButtonOptions": {"format": "png", "scale": 2}}  # the camera button saves a sharp PNG


def html_report(slides: Sequence[Slide], *, title: str, caption: str = "") -> str:
    """One self-contained HTML page of ``slides`` (from :func:`cxcommit.story.slides.deck`, best built
    with ``presentation=False``): a header with ``title`` and ``caption`` (what the numbers reflect:
    filters, waves, respondents, minimum group size), a table of contents, then per slide its
    heading (its takeaway, as in the deck and the presentation), its interactive chart or bullet
    list, its bullets, its caption and, collapsed, its speaker notes.

    Opening the file needs no network. Printed (landscape), each slide starts a page and each chart
    is scaled to fit it.
    """
    charts = [i for i, s in enumerate(slides) if s.figure is not None]
    sections = [_section(i, slide, include_plotlyjs=bool(charts) and i == charts[0])
                for i, slide in enumerate(slides)]
    contents = "".join(f'<li><a href="#slide-{i + 1}">{_text(s.heading)}</a></li>' for i, s in enumerate(slides))
    return _PAGE.format(
        title=_text(title), caption=_paragraph(caption, "caption"), style=_STYLE,
        contents=f'<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>{contents}</ol></nav>'
        if len(slides) > 1 else "",
        sections="\n".join(sections), script=_PRINT_SCRIPT if charts else "")


def _section(index: int, slide: Slide, *, include_plotlyjs: bool) -> str:
    parts = [f'<h2><span class="number">{index + 1}</span> {_text(slide.heading)}</h2>']
    if slide.figure is not None:
        height = int(slide.figure.layout.height or 450)
        zoom = min(PRINT_ROOM[0] / PRINT_WIDTH, PRINT_ROOM[1] / height)
        chart = pio.to_html(printable_figure(slide.figure), config=CONFIG, include_plotlyjs=include_plotlyjs,
                            full_html=False, div_id=f"chart-{index + 1}", default_width="100%",
                            default_height=f"{height}px")
        parts.append(f'<div class="chart" style="--print-zoom: {math.floor(zoom * 100) / 100}">{chart}</div>')
    if slide.bullets:
        parts.append("<ul>" + "".join(f"<li>{_text(line)}</li>" for line in slide.bullets) + "</ul>")
    parts.append(_paragraph(slide.method, "caption method"))
    parts.append(_paragraph(slide.caption, "caption"))
    if slide.notes:
        parts.append('<details class="notes"><summary>Speaker notes</summary>'
                     + "".join(f"<p>{_text(line)}</p>" for line in slide.notes.split("\n")) + "</details>")
    return f'<section class="slide" id="slide-{index + 1}">{"".join(parts)}</section>'


def _text(value) -> str:
    return html.escape(without_controls(value), quote=True)


def _paragraph(value: str, css_class: str) -> str:
    return f'<p class="{css_class}">{_text(value)}</p>' if value else ""


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cxcommit">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header><h1>{title}</h1>{caption}</header>
{contents}
<main>
{sections}
</main>
<footer>Made with cxcommit. Groups with fewer answers than the minimum group size show no numbers
(<span class="mono">n&lt;…</span>); each chart writes its numbers, and each slide's speaker notes give the answers
behind its chart, what is hidden and how its title was decided.</footer>
{script}
</body>
</html>
"""

_STYLE = """
:root { color-scheme: light; --ink: #222; --muted: #5a5a5a; --rule: #e3e3e3; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
  "Liberation Sans", sans-serif; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .4rem; }
h2 { font-size: 1.4rem; line-height: 1.25; margin: 0 0 .6rem; }
.number { color: var(--muted); font-weight: normal; margin-right: .3rem; }
.caption { color: var(--muted); font-size: .9rem; margin: .4rem 0 0; }
header { border-bottom: 1px solid var(--rule); padding-bottom: 1rem; margin-bottom: 1rem; }
nav.contents h2 { font-size: 1rem; margin: 0 0 .3rem; }
nav.contents ol { margin: 0; padding-left: 1.5rem; columns: 2 22rem; }
nav.contents a { color: #0b5394; }
section.slide { padding: 1.5rem 0; border-bottom: 1px solid var(--rule); }
.chart { width: 100%; }
details.notes { color: var(--muted); font-size: .9rem; margin: .5rem 0 0; }
details.notes p { margin: .2rem 0; }
ul { margin: .8rem 0 0; padding-left: 1.3rem; }
li { margin: .25rem 0; }
footer { color: var(--muted); font-size: .85rem; margin-top: 1.5rem; }
.mono { font-family: ui-monospace, Menlo, Consolas, monospace; }
@page { size: landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12pt; }
  nav.contents, .modebar-container { display: none !important; }
  header { border: 0; }
  section.slide { border: 0; padding: 0 0 1rem; }
  section.slide + section.slide { break-before: page; }
  h2, .caption, ul, li { break-inside: avoid; break-after: avoid; }
  .chart { break-inside: avoid; zoom: var(--print-zoom, 0.9); }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

# Charts are responsive on screen; on paper each is laid out PRINT_WIDTH wide (as the charts are
# designed for) and scaled to its page by the CSS zoom, then given back the screen's width.
_PRINT_SCRIPT = f"""<script>
(function () {{
  function charts() {{ return Array.prototype.slice.call(document.querySelectorAll(".plotly-graph-div")); }}
  window.addEventListener("beforeprint", function () {{
    charts().forEach(function (chart) {{ Plotly.relayout(chart, {{width: {PRINT_WIDTH}}}); }});
  }});
  window.addEventListener("afterprint", function () {{
    charts().forEach(function (chart) {{
      Plotly.relayout(chart, {{width: null, autosize: true}}).then(function () {{ Plotly.Plots.resize(chart); }});
    }});
  }});
}})();
</script>"""
