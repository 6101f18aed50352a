"""Hostile names in a real browser (Playwright driving Debian's Chromium against ``streamlit run``):
text from the data shows as the characters it holds, and nothing in it navigates, loads, links or
styles anything. The names are those of :mod:`hostile`; 127.0.0.2 stands for any outside host."""
import json
from urllib.parse import urlencode

import pytest

from hostile import (AUTOLINKS, DIVISIONS, FILE_NAME, IFRAME, LEGIT, LINK, MD_IMAGE, MD_LINK, META, NUL, OUTSIDE,
                     REGIONS, SCRIPT, STYLE, UNITS, imported, write_hostile)
from server import streamlit_server, wait_for_app
from cxcommit.charts import TICK_CHARS
from cxcommit.text import shorten, without_controls
from ui.shell import PAGES, page_url

pytestmark = pytest.mark.browser

# What came from the data, in the app's DOM: any element or link that reaches outside, any tag
# that only markup from the data could have made. Returns the offenders, described.
OFFENDERS = """() => {
  const home = location.origin, found = [];
  const outside = (url) => { try { const u = new URL(url, location.href);
                                   return !['data:', 'blob:'].includes(u.protocol) && u.origin !== home; }
                             catch (e) { return true; } };
  for (const e of document.querySelectorAll('a')) {
    const href = e.getAttribute('href') || e.getAttribute('xlink:href');
    if (href && outside(href)) found.push('a ' + href);
  }
  for (const e of document.querySelectorAll('img, image, iframe, frame, embed, object, source, video, audio')) {
    const src = e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('xlink:href')
                || e.getAttribute('data');
    if (e.tagName === 'IFRAME' && e.hasAttribute('srcdoc')) found.push('iframe srcdoc');
    if (src && outside(src)) found.push(e.tagName + ' ' + src);
  }
  for (const e of document.querySelectorAll('meta[http-equiv], base, [onerror], [onload], [onclick]'))
    found.push(e.outerHTML.slice(0, 80));
  for (const e of document.querySelectorAll('style, script'))
    if (/body\\{display:none\\}|alert\\(1\\)/.test(e.textContent)) found.push(e.tagName + " from the data");
  return found;
}"""
# Every text on the page, the charts' SVG included, without the escaper's invisible word joiners.
TEXT = """() => [document.body.innerText,
                 ...Array.from(document.querySelectorAll('svg text'), t => t.textContent)].join('\\n')
                 .replaceAll('\\u2060', '')"""


def watch(page, base: str) -> dict:
    """Record every request, main-frame navigation and dialog of ``page``."""
    seen = {"requests": [], "navigations": [], "dialogs": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("framenavigated", lambda frame: frame == page.main_frame and seen["navigations"].append(frame.url))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    return seen


def check_page(page, base: str) -> str:
    """The page is the app's, holds nothing from the data that reaches outside, and its text."""
    wait_for_app(page)
    page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                              .every(chart => chart.querySelector('svg.main-svg text'))""")  # charts drawn
    assert page.url.startswith(base), page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.evaluate(OFFENDERS) == [], page.url
    return page.evaluate(TEXT)


def test_a_hostile_export_runs_nothing_and_reads_as_text_on_every_page(tmp_path, open_page):
    path = write_hostile(tmp_path)
    with streamlit_server(args=["--data", str(path)]) as base:
        page = open_page(1366, 768)
        seen = watch(page, base)
        texts = []
        for file, _ in PAGES:
            page.goto(f"{base}/{page_url(file)}")
            texts.append(check_page(page, base))
        filters = urlencode({"division": META, "region": [SCRIPT, AUTOLINKS]}, doseq=True)
        for where in (f"/?{filters}", f"/signs_by_unit?heatmap_by=region&{filters}", "/present?present=1&slide=1",
                      "/present?present=1&slide=4"):
            page.goto(base + where)
            texts.append(check_page(page, base))
        page.goto(f"{base}/data")  # the mapping form of the same file: its columns' names
        wait_for_app(page)
        page.get_by_text("Change the data", exact=False).first.click()  # data of one's own in use: the form is folded
        wait_for_app(page)
        page.locator('[data-testid="stFileUploader"]').filter(has_text="Survey exports").locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path)
        page.get_by_text("Full wording of the").first.wait_for(timeout=180_000)  # a busy machine reads slowly
        texts.append(check_page(page, base))
        page.get_by_text("Full wording of the").first.click()
        texts.append(check_page(page, base))

    shown = "\n".join(texts)
    names = [*UNITS.values(), *DIVISIONS.values(), *REGIONS.values()]
    # every hostile name is on some page as the characters it holds (on a chart's axis, a long one cut)
    missing = [imported(name) for name in names
               if imported(name) not in shown and shorten(imported(name), TICK_CHARS) not in shown]
    assert not missing
    for text in (FILE_NAME, f"<img src=http://{OUTSIDE}:9/q.png> {MD_IMAGE}", *LEGIT):
        assert text in shown, text
    assert "\\" not in shown  # no escape shows ("A*B", not "A\\*B")
    assert NUL not in shown and "Nulunit" in shown
    outside = [url for url in seen["requests"] if not url.startswith((base, "data:", "blob:"))]
    assert outside == [] and seen["dialogs"] == []
    assert all(url.startswith(base) for url in seen["navigations"]), seen["navigations"]


ELEMENTS_APP = '''
import json, sys
import pandas as pd
import streamlit as st
from cxcommit.text import escape_markdown as md

for i, text in enumerate(json.load(open(sys.argv[1]))):
    with st.container(key=f"case-{i}"):
        st.markdown(md(text))
        st.markdown("- " + md(text))
        st.markdown(f"**{md(text)}** after")
        st.caption(md(text))
        st.info(md(text))
        st.subheader(md(text))
        st.metric(md(text), md(text), md(text))
        st.radio(md(text), [md(text)], key=f"radio-{i}")
        st.table(pd.DataFrame({"column": [md(text)]}))
        st.expander(md(text), expanded=True)
'''
CASES = [*UNITS.values(), *DIVISIONS.values(), *REGIONS.values(), FILE_NAME, LINK, IFRAME, STYLE, MD_LINK,
         "# h", "- x", "+ y", "12. z", "3) w", "=== q", "--- r", "> quote", "`code` ~~s~~ ~t~ | a | b |", "$$x$$",
         "\\*not\\* \\", "&amp; &lt; &#x41;", "[^1] [ ] x", f"<http://{OUTSIDE}:9/a>", "x\n\n# y\n\n    code",
         ":small[tiny] :blue-background[x] :violet-badge[b] :help :material/home: :smile:", "sign_1 _x_ __y__ a_",
         "10:30 n = 5, p = 0.01 (x) {y}"]
# Markup the escaped text must never become (the subheader's own anchor link aside).
MARKUP = ("a:not([href^='#']), img, iframe, code, pre, h1, ul ul, ol, blockquote, hr, table table, em, del, "
          "strong strong, .katex, [role=img], streamlit-help-icon, .stMarkdownColoredText, "
          ".stMarkdownColoredBackground, .stMarkdownBadge, [data-testid=stMarkdownContainer] span[style*=font-size]")


def test_escaped_text_reads_as_itself_in_every_kind_of_element(tmp_path, open_page):
    """:func:`cxcommit.text.escape_markdown` against Streamlit's own renderer: markdown, a list item,
    bold around it, a caption, an alert, a heading, a metric's label, value and delta, a radio's
    label and option, a table cell, an expander's label."""
    (tmp_path / "cases.json").write_text(json.dumps(CASES))
    (tmp_path / "app.py").write_text(ELEMENTS_APP)
    with streamlit_server(script=tmp_path / "app.py", args=[str(tmp_path / "cases.json")]) as base:
        page = open_page(1366, 900)
        seen = watch(page, base)
        page.goto(base)
        wait_for_app(page)
        page.locator(f'.st-key-case-{len(CASES) - 1} [data-testid="stTable"]').wait_for()
        for i, text in enumerate(CASES):
            box = page.locator(f".st-key-case-{i}")
            assert box.evaluate(f"b => Array.from(b.querySelectorAll(\"{MARKUP}\"), e => e.outerHTML)") == [], text
            shown = box.evaluate("""b => Array.from(b.querySelectorAll('[data-testid=stMarkdownContainer], '
                + '[data-testid=stCaptionContainer], [data-testid=stMetricValue], [data-testid=stMetricDelta], td'),
                e => e.innerText.replaceAll('\\u2060', '').split(/\\s+/).join(' ').trim())""")
            expected = " ".join(without_controls(text).split())  # control and bidi characters removed
            assert set(shown) <= {expected, f"{expected} after", "column"}, (text, shown)
            assert len(shown) >= 12, text  # each kind of element shows its text
        assert page.evaluate(OFFENDERS) == []
        assert [url for url in seen["requests"] if not url.startswith((base, "data:", "blob:"))] == []
