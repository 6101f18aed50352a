"""Charts as still images (PNG, SVG) for documents and slides, drawn as on screen.

The image is drawn by plotly.js itself, in a headless Chrome or Chromium driven by kaleido (1.x),
so it looks like the chart in the dashboard. kaleido looks for the browser in ``$BROWSER_PATH``,
then for ``chrome``/``chromium`` on the ``PATH``, then in the usual places (``/usr/bin/chromium``
on Debian). It never downloads one here.

The first image starts the browser (a few seconds); it is then kept open for the life of the
process, so each further image takes well under a second. It is closed when Python exits.

>>> from cxcommit.demo import load_demo
>>> from cxcommit.analyses.commitment import commitment_index
>>> from cxcommit.charts import commitment_chart
>>> figure = commitment_chart(commitment_index(load_demo(), "division"))
>>> png = figure_image(figure)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
>>> b"Commitment" in figure_image(figure, "svg")
True
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import importlib.metadata
import io
import os
import threading
import zipfile

import plotly.graph_objects as go

from cxcommit.charts.theme import printable_figure
from cxcommit.errors import ChartImageError, ImagesUnavailableError, SettingsError
from cxcommit.text import slugify

__all__ = ["FORMATS", "ImagesUnavailableError", "chart_images_zip", "figure_image", "images_available"]

FORMATS = ("png", "svg")
DEFAULT_WIDTH = 1200  # CSS pixels: about the width of a chart in the dashboard's wide layout
START_TIMEOUT = 60  # seconds for the browser to start
RENDER_TIMEOUT = 60  # seconds for one image
_TIMEOUTS = (concurrent.futures.TimeoutError, asyncio.TimeoutError)  # one class from Python 3.11

HINT = ('Install kaleido (pip install "kaleido>=1.0") and Chrome or Chromium (on Debian or Ubuntu: '
        "apt-get install chromium), or set BROWSER_PATH to a Chrome or Chromium program.")


def images_available() -> bool:
    """Whether :func:`figure_image` can run here: kaleido 1.x is installed and a Chrome or
    Chromium program is found. Cheap: starts nothing (a browser that is found but fails to start
    is only noticed by :func:`figure_image`).

    >>> isinstance(images_available(), bool)
    True
    """
    return _missing() is None


def figure_image(fig: go.Figure, fmt: str = "png", *, width: int = DEFAULT_WIDTH, height: int | None = None,
                 scale: float = 2.0) -> bytes:
    """``fig`` as a PNG or SVG image, drawn as the dashboard draws it.

    ``width`` and ``height`` are in CSS pixels: the library's charts are responsive, so the width is
    the screen's (default 1200); the height defaults to the figure's own (the chart functions set it
    to fit their rows and panels; 500 for a figure without one). ``scale`` multiplies the pixels of
    a PNG: the default 2 is sharp on a high-resolution screen, a projector or paper (a 1200 × 440
    chart gives 2400 × 880 pixels); 1 gives one pixel per CSS pixel. An SVG ignores it (it has no pixels).
    ``fig`` is not changed; control characters in its text are left out of the image.

    Raises :class:`ImagesUnavailableError` when images cannot be drawn here (see
    :func:`images_available`), :class:`~cxcommit.errors.SettingsError` for an unknown format or a
    size that is not a positive number.
    """
    fmt = str(fmt).lower()
    problems = []
    if fmt not in FORMATS:
        problems.append(f"format {fmt!r} (allowed: {', '.join(FORMATS)})")
    height = height if height is not None else int(fig.layout.height or 500)
    for name, value in (("width", width), ("height", height), ("scale", scale)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            problems.append(f"{name} {value!r} (allowed: a positive number)")
    if problems:
        raise SettingsError(f"A chart image cannot be drawn with {'; '.join(problems)}.",
                            hint="Choose one of the allowed values.")
    missing = _missing()
    if missing:
        raise ImagesUnavailableError(f"Chart images are unavailable: {missing}.", hint=HINT)
    scale = scale if fmt == "png" else 1  # kaleido would scale an SVG's own width and height
    return _RENDERER.render(printable_figure(fig), {"format": fmt, "width": width, "height": height, "scale": scale})


def chart_images_zip(slides, fmt: str = "png") -> bytes:
    """A ZIP of the charts of ``slides`` (:func:`cxcommit.story.slides.deck`), one image each, named by
    their order and title (``01-commitment-by-division.png``); text slides are left out."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, slide in enumerate((s for s in slides if s.figure is not None), start=1):
            name = f"{number:02d}-{slugify(slide.title, max_length=50).replace('_', '-')}.{fmt}"
            archive.writestr(name, figure_image(slide.figure, fmt))
    return out.getvalue()


def _missing() -> str | None:
    """What stops images from being drawn here, in words, or None."""
    try:
        version = importlib.metadata.version("kaleido")
    except importlib.metadata.PackageNotFoundError:
        return "kaleido is not installed"
    if int(version.split(".")[0]) < 1:
        return f"kaleido {version} is installed, images need 1.0 or later"
    try:
        path = _browser_path()
    except ImportError:
        return "kaleido is installed without its browser driver (choreographer)"
    if not path:
        return "no Chrome or Chromium browser was found"
    if not os.access(path, os.X_OK):
        where = " (set in BROWSER_PATH)" if os.environ.get("BROWSER_PATH") == path else ""
        return f"the browser {path}{where} is not a program that can be run"
    return None


def _browser_path() -> str | None:
    """The browser kaleido will start: kaleido's own search (``$BROWSER_PATH`` first)."""
    from choreographer.browsers.chromium import Chromium  # kaleido's: optional, imported when images are asked for

    return Chromium.find_browser(skip_local=False)


def _first(error: BaseException) -> str:
    """The first sentence a browser error gives (choreographer's go on to suggest downloads)."""
    return str(error.args[0]) if error.args else str(error)


class _Renderer:
    """One kaleido (one headless browser) on an event loop in its own thread, started on the first
    image and kept for the process. A process-wide resource like a connection, not a setting.

    kaleido's own ``start_sync_server`` is not used: when the browser fails to start, its callers
    wait forever, and two threads (two dashboard sessions) calling it at once can receive each
    other's images. Here a failed start raises, each call waits on its own future with a
    timeout, and a lock lets one image be drawn at a time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def render(self, fig: go.Figure, opts: dict) -> bytes:
        from kaleido.errors import BrowserClosedError, BrowserFailedError, JavascriptError, KaleidoError  # optional

        with self._lock:
            if self._kaleido is None:
                self._start()
            work = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)
            try:
                return work.result(RENDER_TIMEOUT + 5)
            except (KaleidoError, JavascriptError) as error:  # the figure refused; the browser is fine
                title = (fig.layout.title.text or "").split("<")[0].strip()
                raise ChartImageError(
                    f"The chart{f' “{title}”' if title else ''} could not be drawn as an image: plotly.js reported "
                    f"“{str(error)[:200]}”.",
                    hint="The interactive chart and the other downloads are not affected. A name or label holding "
                         "a control character (such as NUL) from the export is a usual cause: correct it in the "
                         "export and load it again.") from error
            except (BrowserClosedError, BrowserFailedError, *_TIMEOUTS) as error:
                work.cancel()
                self._stop()  # the next image starts a new browser
                what = (f"drawing took longer than {RENDER_TIMEOUT} s" if isinstance(error, _TIMEOUTS)
                        else f"the browser stopped ({type(error).__name__}: {_first(error)})")
                raise ImagesUnavailableError(f"Chart images are unavailable: {what}.", hint=HINT) from error

    def _start(self) -> None:
        import kaleido  # optional: without it (or a browser) every other export works

        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="cxcommit-images", daemon=True).start()

        async def open_kaleido():
            # No MathJax: the charts use none, and kaleido would fetch it from a CDN.
            instance = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False)
            await instance.open()
            return instance

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_kaleido(), loop).result(START_TIMEOUT)
        except Exception as error:
            loop.call_soon_threadsafe(loop.stop)
            raise ImagesUnavailableError(
                f"Chart images are unavailable: the browser {_browser_path()} did not start "
                f"({type(error).__name__}: {_first(error)}).",
                hint=HINT) from error
        self._loop = loop

    def _stop(self) -> None:
        """Close the browser (best effort) and the loop; the next image starts them again."""
        instance, loop, self._kaleido, self._loop = self._kaleido, self._loop, None, None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(instance.close(), loop).result(10)
        except Exception:  # noqa: BLE001 — a browser that died cannot be closed cleanly; the loop still stops
            pass
        loop.call_soon_threadsafe(loop.stop)

    def close(self) -> None:
        with self._lock:
            self._stop()


_RENDERER = _Renderer()
atexit.register(_RENDERER.close)
