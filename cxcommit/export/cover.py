"""The deck's title slide and what goes on every slide: the title, what the deck reflects, the
logo and the accent colour, each checked when the cover is made; a logo is refused with a
:class:`~cxcommit.errors.SettingsError` saying why before any pixel of it is decoded."""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageColor, UnidentifiedImageError

from cxcommit.charts.theme import QUALITATIVE
from cxcommit.errors import SettingsError

MAX_LOGO_BYTES = 10 * 2**20  # a logo file
MAX_LOGO_PIXELS = 25_000_000  # width × height: 5000 × 5000; a slide shows a logo 1.4 inches wide
LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG"}  # what Pillow calls them → what a message calls them


MAX_LOGO_RATIO = 20  # width to height (or height to width): a wordmark is up to ~8:1; 24,000 × 1 is a line
LOGO_HINT = "Use a PNG or JPEG of at most 10 MB and 25 megapixels (e.g. 5000 × 5000), or leave the logo out."


def check_logo_size(size: int, name: str = "The logo") -> None:
    """A logo file of ``size`` bytes is refused when empty or over :data:`MAX_LOGO_BYTES` (checked
    before the file is read)."""
    if not size:
        raise SettingsError(f"{name} is empty (0 bytes).", hint=LOGO_HINT)
    if size > MAX_LOGO_BYTES:
        raise SettingsError(f"{name} is {size / 2**20:,.1f} MB; a logo is at most {MAX_LOGO_BYTES // 2**20} MB.",
                            hint=LOGO_HINT)


def check_logo(data: bytes, name: str = "The logo") -> bytes:
    """``data`` if it is a PNG or JPEG a slide can show; else a :class:`~cxcommit.errors.SettingsError`
    saying what is wrong (empty, too large, not an image, another format, too many pixels, damaged).

    Only the header is decoded (Pillow's ``verify``), and the pixel count is checked before any
    pixel is: a decompression bomb (a small PNG claiming 100,000 × 100,000 pixels) is refused
    without being expanded.
    """
    check_logo_size(len(data), name)
    what = LOGO_HINT
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the size is checked just below
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if kind in LOGO_FORMATS and width * height <= MAX_LOGO_PIXELS:
                    image.verify()
    except Image.DecompressionBombError as error:  # Pillow's own limit, far above ours
        claimed = re.search(r"\((\d+) pixels\)", str(error))
        count = f"{int(claimed.group(1)):,} pixels" if claimed else "more pixels than Pillow opens"
        raise SettingsError(f"{name} claims {count}; a logo is at most 25 megapixels.", hint=what) from None
    except UnidentifiedImageError:
        raise SettingsError(f"{name} cannot be read as a PNG or JPEG image: it is another kind of file, or damaged.",
                            hint=what) from None
    except Exception as error:  # noqa: BLE001 — Pillow reports damaged data with many exception types
        raise SettingsError(f"{name} is a damaged image ({type(error).__name__}: {str(error)[:80]}).",
                            hint=what) from None
    if kind not in LOGO_FORMATS:
        raise SettingsError(f"{name} is a {kind} image; a logo must be PNG or JPEG.", hint=what)
    if width * height > MAX_LOGO_PIXELS:
        raise SettingsError(f"{name} is {width:,} × {height:,} pixels; a logo is at most 25 megapixels.", hint=what)
    if max(width, height) > MAX_LOGO_RATIO * min(width, height):
        raise SettingsError(f"{name} is {width:,} × {height:,} pixels: {max(width, height) / min(width, height):,.0f} "
                            f"times as {'wide as high' if width > height else 'high as wide'}; a logo is at most "
                            f"{MAX_LOGO_RATIO} times as wide as high (or high as wide).",
                            hint="Crop the logo to its mark, or leave the logo out.")
    return data


def parse_colour(colour: str, name: str = "The accent colour") -> str:
    """A colour as ``#RRGGBB``: ``#0072B2``, ``0072B2``, ``#07B``, ``rgb(0, 114, 178)`` or a CSS
    colour name (``red``, ``teal``); anything else is a :class:`~cxcommit.errors.SettingsError`.

    >>> parse_colour("rgb(0, 114, 178)"), parse_colour("teal"), parse_colour("0072b2")
    ('#0072B2', '#008080', '#0072B2')
    """
    text = str(colour).strip()
    candidates = [text] + ([f"#{text}"] if len(text) in (3, 6) and all(c in "0123456789abcdefABCDEF" for c in text)
                           else [])
    for candidate in candidates:
        try:
            red, green, blue = ImageColor.getrgb(candidate)[:3]
        except ValueError:
            continue
        if not all(0 <= c <= 255 for c in (red, green, blue)):  # Pillow reads rgb(300, 0, 0) as 300, 101% as 258
            raise SettingsError(f"{name} {text[:40]!r} has a component outside 0–255 (or 0%–100%).",
                                hint="Give each of red, green and blue as 0–255 or 0%–100%, e.g. rgb(0, 114, 178).")
        return f"#{red:02X}{green:02X}{blue:02X}"
    raise SettingsError(f"{name} {text[:40]!r} is not a colour.",
                        hint="Give it as #RRGGBB (e.g. '#0072B2'), rgb(0, 114, 178) or a CSS colour name such as "
                             "'red', 'navy' or 'teal'.")


@dataclass(frozen=True)
class Cover:
    """The title slide: what the deck is about and what it reflects (one line each in ``details``:
    organisation, waves, filters, respondents, minimum group size).

    The logo and the accent colour are checked when the cover is made (:func:`check_logo`,
    :func:`parse_colour`); the accent is kept as ``#RRGGBB``.
    """

    title: str = "Executive commitment to customer experience"
    details: tuple[str, ...] = ()
    logo: bytes | None = field(default=None, repr=False)  # a PNG or JPEG, top right of every slide
    accent: str = QUALITATIVE[0]

    def __post_init__(self) -> None:
        if self.logo is not None:
            check_logo(self.logo)
        object.__setattr__(self, "accent", parse_colour(self.accent))
