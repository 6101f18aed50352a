"""A hostile export, built in code from the demo responses: unit, division and region names, an
item's question and the file's name replaced by HTML, markdown, formulas and control characters,
each on enough people to be reported on its own (at least 5 a wave), and legitimate names with
the characters an escaper must leave readable."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from conftest import ROOT

OUTSIDE = "127.0.0.2"  # no app runs there: any request to it came from the data
META = f'<meta http-equiv="refresh" content="0;url=http://{OUTSIDE}:9/">'
IFRAME = f"<iframe src=http://{OUTSIDE}:9/x></iframe>"
IMG = f"<img src=http://{OUTSIDE}:9/t.png onerror=alert(1)>"
LINK = f"<a href=http://{OUTSIDE}:9>Click to re-login</a>"
STYLE = "<style>body{display:none}</style>"
SCRIPT = "<script>alert(1)</script>"
MD_IMAGE = f"![i](http://{OUTSIDE}:9/track.png)"
MD_LINK = f"[link](http://{OUTSIDE}:9)"
MD_MIXED = ":red[Digital] $x^2$ **bold** www.example.com :streamlit:"
AUTOLINKS = f"http://{OUTSIDE}:9/w mailto:x@y.z a@b.co"
HYPERLINK = f'=HYPERLINK("http://{OUTSIDE}:9","y")'
CMD = "=cmd|' /C calc'!A0"
NUL = "Nul\x00unit"
LEGIT = ("R&D (Europe)", "Sales - North", "A*B")

# a formula as it is in the file -> as it is once imported (white space tidied)
FORMULAS = {CMD: CMD, "\t=1+2": "=1+2", " =5+5": "=5+5", "@SUM(1)": "@SUM(1)", "+1": "+1", "-1": "-1",
            HYPERLINK: HYPERLINK}
DIVISIONS = {"Retail Banking": META, "Digital": MD_MIXED, "Commercial Banking": CMD, "Insurance": "\t=1+2",
             "Operations": "@SUM(1)", "Wealth Management": "Wealth & Pensions"}
UNITS = {"SME Lending": IFRAME, "Claims": IMG, "Shared Services": LINK, "Procurement": STYLE,
         "Underwriting": MD_IMAGE, "Asset Management": MD_LINK, "Contact Centre": HYPERLINK, "Customer Platforms": NUL,
         "Pensions": LEGIT[0], "Mobile App": LEGIT[1], "Corporate Clients": LEGIT[2], "Private Banking": " =5+5",
         "Advisory": "+1", "Cards": "-1"}
# invisible characters: a right-to-left override that would reverse the text after it, and a zero-width
# space that makes "Payments" a second, look-alike unit unless removed (then the two merge)
UNITS.update({"Branches North": "Branches \u202eNorth\u202c", "Mortgages": "Payments\u200b"})
REGIONS = {"East": SCRIPT, "West": AUTOLINKS}
QUESTION = f"<img src=http://{OUTSIDE}:9/q.png> {MD_IMAGE} =1+2 \x1b[31m"  # a column's name: an item's label
FILE_NAME = "hostile **bold** [l](mailto:x@y.z) ![i](t.png) :red[r].csv"


INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def imported(name: str) -> str:
    """A name as the import keeps it: one line, control and invisible characters removed."""
    return " ".join(INVISIBLE.sub("", name.replace("\x00", "").replace("\x1b", "")).split())


def hostile_frame() -> pd.DataFrame:
    frame = pd.read_csv(ROOT / "data" / "demo_responses.csv", dtype=str, keep_default_na=False)
    frame["division"] = frame["division"].replace(DIVISIONS)
    frame["business_unit"] = frame["business_unit"].replace(UNITS)
    frame["region"] = frame["region"].replace(REGIONS)
    return frame.rename(columns={"ceo_ownership": QUESTION})


def write_hostile(folder: Path) -> Path:
    """The hostile export as a CSV named :data:`FILE_NAME` in ``folder``."""
    path = Path(folder) / FILE_NAME
    hostile_frame().to_csv(path, index=False)
    return path


@lru_cache(maxsize=1)
def hostile_survey():
    """The hostile export imported with its suggested mapping and published (minimum 5)."""
    import tempfile

    from cxcommit import load_survey

    with tempfile.TemporaryDirectory() as folder:
        return load_survey(write_hostile(Path(folder)))
