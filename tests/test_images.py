"""Chart images (PNG, SVG) drawn by kaleido in Chromium, and the error when they cannot be."""
import importlib.metadata
import struct
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from cxcommit import CxcommitError, SettingsError
from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.rates import rates
from cxcommit.charts import commitment_chart, signs_heatmap
from cxcommit.export import images
from cxcommit.export.images import ImagesUnavailableError, chart_images_zip, figure_image, images_available

needs_chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                    reason="chart images need Chromium at /usr/bin/chromium (bash tests/install_system.sh)")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def figure(demo):
    return commitment_chart(commitment_index(demo, "division"))


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (the first, right after the signature)."""
    assert png[:8] == PNG_MAGIC and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@needs_chromium
def test_a_png_is_the_chart_at_the_screen_width_and_its_own_height(figure):
    png = figure_image(figure, scale=1)
    assert _png_size(png) == (1200, figure.layout.height)
    assert _png_size(figure_image(figure)) == (2400, 2 * figure.layout.height)  # default scale 2: sharp
    assert _png_size(figure_image(figure, width=800, height=300, scale=1.5)) == (1200, 450)
    try:
        from PIL import Image
    except ImportError:
        return
    import io

    with Image.open(io.BytesIO(png)) as image:
        image.verify()  # a whole, valid PNG, not just a header
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1200, figure.layout.height)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 10  # a drawn chart, not a blank page


@needs_chromium
def test_an_svg_parses_and_carries_the_charts_text(demo):
    figure = signs_heatmap(rates(demo, "division"))
    svg = figure_image(figure, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert (float(root.get("width")), float(root.get("height"))) == (1200, figure.layout.height)
    text = " ".join(root.itertext())
    assert figure.layout.title.text in text  # 'The signs by division'
    assert "Digital" in text and "CX on the executive agenda" in text


@needs_chromium
def test_the_browser_is_started_once_and_later_images_are_quick(figure):
    figure_image(figure)
    renderer = images._RENDERER._kaleido
    start = time.perf_counter()
    figure_image(figure, "svg")
    assert images._RENDERER._kaleido is renderer  # the same browser, kept open
    assert time.perf_counter() - start < 5  # about 0.3 s here; the first image, starting it, takes 3 s


@needs_chromium
def test_the_figure_is_not_changed(figure):
    before = pio.to_json(figure)
    figure_image(figure, width=700, height=300)
    assert pio.to_json(figure) == before


def test_an_unknown_format_or_size_names_what_is_allowed(figure):
    with pytest.raises(SettingsError) as error:
        figure_image(figure, "gif", width=0)
    assert error.value.message == ("A chart image cannot be drawn with format 'gif' (allowed: png, svg); "
                                   "width 0 (allowed: a positive number).")


def test_without_kaleido_images_are_unavailable_with_a_hint(figure, monkeypatch):
    real = importlib.metadata.version

    def version(name):
        if name == "kaleido":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(images.importlib.metadata, "version", version)
    assert images_available() is False
    with pytest.raises(ImagesUnavailableError) as error:
        figure_image(figure)
    assert isinstance(error.value, CxcommitError)  # shown as a message where the UI shows every CxcommitError
    assert error.value.message == "Chart images are unavailable: kaleido is not installed."
    assert 'pip install "kaleido>=1.0"' in error.value.hint and "apt-get install chromium" in error.value.hint


def test_without_a_browser_images_are_unavailable_with_a_hint(figure, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert images_available() is False
    with pytest.raises(ImagesUnavailableError) as error:
        figure_image(figure)
    assert error.value.message == ("Chart images are unavailable: the browser /nonexistent/chromium (set in "
                                   "BROWSER_PATH) is not a program that can be run.")
    assert "Chromium" in error.value.hint and "BROWSER_PATH" in error.value.hint


def test_a_browser_that_does_not_start_is_reported_not_waited_for(figure, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")  # found and runnable, exits at once
    monkeypatch.setattr(images, "_RENDERER", images._Renderer())  # a fresh one: it starts a browser
    assert images_available() is True  # cheap: only looks for the program
    start = time.perf_counter()
    with pytest.raises(ImagesUnavailableError) as error:
        figure_image(go.Figure())
    assert time.perf_counter() - start < images.START_TIMEOUT
    assert error.value.message.startswith("Chart images are unavailable: the browser /bin/false did not start (")
    assert "apt-get install chromium" in error.value.hint


@needs_chromium
def test_a_zip_holds_one_image_per_chart_slide_named_in_order():
    import io
    import zipfile

    from cxcommit.demo import load_demo
    from cxcommit.story.slides import deck

    slides = deck(load_demo(), presentation=False)
    archive = zipfile.ZipFile(io.BytesIO(chart_images_zip(slides[:3], "svg")))
    charts = [s for s in slides[:3] if s.figure is not None]
    assert [name.split("-", 1)[0] for name in archive.namelist()] == [f"{i:02d}" for i in range(1, len(charts) + 1)]
    assert all(name.endswith(".svg") and archive.read(name).lstrip().startswith(b"<") for name in archive.namelist())
