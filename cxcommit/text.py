"""Text: normalising answer labels and column names so that spelling noise never splits an answer,
and making text from the data safe to show (no control characters, never markup)."""
from __future__ import annotations

import html
import re
import unicodedata

ALL_GROUP = "All respondents"  # the one group of a table not split by any grouping

_SPACES = re.compile(r"\s+")
_SLUG = re.compile(r"[^a-z0-9]+")


def normalize_label(text: str) -> str:
    """Case-folded, NFKC-normalised text with every run of white space (non-breaking too) as one space.

    >>> normalize_label("  Strongly\\u00a0AGREE ")
    'strongly agree'
    >>> normalize_label("Don’t know")
    "don't know"
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\u2019", "'").replace("\u2018", "'")
    return _SPACES.sub(" ", text).strip().casefold()


# Characters no file we write can hold (XML 1.0, which XLSX, PPTX and SVG are made of, allows none of
# them; plotly.js fails on them, "error 525"): C0 controls but tab, line feed and carriage return,
# DEL and the C1 controls (allowed in XML but never text), lone surrogates, U+FFFE and U+FFFF.
# Also invisible characters that change how text around them reads or make two names look alike:
# the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: a right-to-left
# override in a file name shows "5,458 rows" as "854,5 swor") and marks (U+200E, U+200F, U+061C), the
# zero-width space U+200B, the byte order mark / zero-width no-break space U+FEFF and the word joiner
# and invisible operators U+2060–U+2064 (a unit named only by them is an invisible filter option).
# Zero-width joiner and non-joiner (U+200D, U+200C) stay: emoji sequences and scripts such as Persian,
# Arabic and the Indic ones need them to be written correctly, and neither reorders text.
_INVISIBLE = r"\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_CONTROLS = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff{_INVISIBLE}]")


def without_controls(text: str) -> str:
    """``text`` without the characters no export format can hold: control characters (but tab,
    line feed and carriage return), lone surrogates and the non-characters U+FFFE and U+FFFF; and
    without the invisible ones that reorder text or hide in it: bidirectional controls (U+202A–U+202E,
    U+2066–U+2069, U+200E, U+200F, U+061C), the zero-width space U+200B, U+FEFF and U+2060–U+2064.
    Zero-width joiners (U+200C, U+200D) are kept for emoji and the scripts that need them.

    >>> without_controls("Nul\\x00unit\\x1b[31m\\tok")
    'Nulunit[31m\\tok'
    >>> without_controls("5,458 rows \\u202eevil\\u202c in Nor\\u200bth")
    '5,458 rows evil in North'
    """
    text = str(text)
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def one_line(text: str) -> str:
    """A name or label from the data as one tidy line: no control characters, each run of white
    space (tabs, line breaks, non-breaking spaces) one space, none at either end.

    >>> one_line(" Sales\\t-\\nNorth\\u00a0\\x00 ")
    'Sales - North'
    """
    return " ".join(without_controls(text).replace("\u00a0", " ").split())


# Streamlit's markdown (CommonMark and GFM, with math, directives such as :red[…], emoji and icon
# shortcodes) as the escaper sees it. These characters start markup anywhere: backslash-escaped
# (< > & as entities, so that no tag or entity is read). Other ASCII punctuation only does in the
# contexts handled below, so ordinary text (“Divisions: Digital (2026-Q1), n = 5”) stays as it is.
_MARKDOWN_ESCAPES = {ord(c): "\\" + c for c in "\\`*[]~$|"}
_MARKDOWN_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"})
_DIRECTIVE = re.compile(r":(?=[A-Za-z])")  # :red[…], :small[…], :help, mailto:…
_UNDERSCORES = re.compile(r"_+")  # emphasis, but not between two letters or digits (file_name, sign_1)
_LINE_START = re.compile(r"^(?=[-+=#])|^\d+(?=[.)])")  # a list item, heading or rule where the text starts a line
# Streamlit reads these in the text after escapes are resolved, so no escape stops them: a word
# joiner (U+2060, invisible) breaks them. Links made of bare URLs, www. and e-mail addresses (GFM
# "autolink literals"), and shortcodes for emoji, icons and the logo (:smile:, :material/home:).
_TEXT_LEVEL = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)(?=[-\w])|(?<=:)(?=[\w+/-]+:)")


def escape_markdown(text) -> str:
    """``text`` (a name, label, file name or message that quotes them) made inert in Streamlit's
    markdown: shown as the very characters it holds, never as a link, image, emphasis, heading,
    list, table, math, colour directive, emoji, icon, HTML tag or entity. Use it wherever text from
    the data enters ``st.markdown``, ``st.caption``, an alert, a heading, a widget's label or a
    radio's options; plain-text places (select options, data frames) take the text as it is.

    Control characters are removed, line breaks become spaces and white space at either end goes
    (one line: no line in it can start a block; markdown shows runs of spaces as one anyway).
    Bare URLs and e-mail addresses get an invisible word joiner so that they are not made links.
    Streamlit still turns `` -> `` into an arrow and `` -- `` into a dash, as in any text.

    >>> print(escape_markdown("![i](http://x/t.png) *R&D* <b> :red[x]"))
    !\\[i\\](http:\u2060//x/t.png) \\*R&amp;D\\* &lt;b&gt; \\:red\\[x\\]
    >>> print(escape_markdown("- Divisions: Digital (2026-Q1)"))
    \\- Divisions: Digital (2026-Q1)
    """
    text = " ".join(without_controls(text).splitlines()).strip()
    text = _DIRECTIVE.sub(r"\\:", _TEXT_LEVEL.sub("\u2060", text).translate(_MARKDOWN_ESCAPES))
    text = _UNDERSCORES.sub(lambda m: m.group(0) if _inside_word(m) else "\\_" * len(m.group(0)), text)
    return _LINE_START.sub(lambda m: m.group(0) + "\\", text, count=1)


def _inside_word(match: re.Match) -> bool:
    """Whether the match has a letter or digit on either side (underscores there are never emphasis)."""
    text, start, end = match.string, match.start(), match.end()
    return 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def escape_html(text) -> str:
    """``text`` from the data as HTML text (and as text in a plotly chart, which reads a few tags
    and the entities ``&amp;`` ``&lt;`` ``&gt;``): ``<``, ``>`` and ``&`` as entities, control
    characters removed. Quotes are left as they are: plotly would show ``&quot;`` as it is, and
    text never goes into an attribute.

    >>> escape_html('<a href="http://x">R&D</a>')
    '&lt;a href="http://x"&gt;R&amp;D&lt;/a&gt;'
    """
    return html.escape(without_controls(text), quote=False)


def slugify(text: str, *, max_length: int = 40) -> str:
    """A lower-case identifier made of letters, digits and underscores.

    >>> slugify("Q13 - I felt welcomed!")
    'q13_i_felt_welcomed'
    """
    slug = _SLUG.sub("_", normalize_label(text)).strip("_")[:max_length].rstrip("_")
    if not slug or slug[0].isdigit():
        slug = f"q_{slug}" if slug else "q"
    return slug


def shorten(text: str, width: int = 60) -> str:
    """Text cut to ``width`` characters with an ellipsis, on one line."""
    text = _SPACES.sub(" ", str(text)).strip()
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def shorten_all(texts, width: int = 60) -> list[str]:
    """Each text cut to ``width`` characters (:func:`shorten`), the texts cut together so that two
    different texts never read the same: where cutting the end would make them identical, each keeps
    its start and its distinguishing end, the words they share replaced by "…" (a label that still
    collides after that is numbered). Equal texts stay equal; the order is kept.

    >>> shorten_all(["Do you consider yourself to be a fan of the Star Wars film franchise?",
    ...              "Do you consider yourself to be a fan of the Star Trek franchise?", "North"], 40)
    ['Do you… Star Wars film franchise?', 'Do you consider… Star Trek franchise?', 'North']
    """
    texts = [_SPACES.sub(" ", str(t)).strip() for t in texts]
    cut = [shorten(t, width) for t in texts]
    mended = {text: _told_apart(text, alike, width) for alike in _alike(texts, cut) for text in alike}
    result = [mended.get(text, short) for text, short in zip(texts, cut)]
    numbered = {text: shorten(short, width - 4) + f" ({k})" for alike in _alike(texts, result)
                for k, (text, short) in enumerate(zip(alike, alike.values()), start=1)}
    return [numbered.get(text, short) for text, short in zip(texts, result)]


def _alike(texts: list[str], cut: list[str]) -> list[dict]:
    """The different texts that read the same when cut, each set as {text: cut}."""
    by_cut: dict[str, dict] = {}
    for text, short in zip(texts, cut):
        by_cut.setdefault(short, {})[text] = short
    return [alike for alike in by_cut.values() if len(alike) > 1]


def _told_apart(text: str, others: list[str], width: int) -> str:
    """``text`` cut to ``width`` keeping its start and its end from the word before the one where it
    first differs from any of ``others`` (texts that read the same when cut at their end)."""
    common = min(len(_common_prefix(text, other)) for other in others if other != text)
    start = text.rfind(" ", 0, common + 1) + 1  # the word where they part
    before = text.rfind(" ", 0, max(start - 1, 0)) + 1  # and the word before it, for context, where it fits
    start = before if 0 < start and len(text) - before + 2 + 6 <= width else start
    tail = text[start:]
    room = width - len(tail) - 2  # the start's characters before "… "
    if room < 6:
        return "…" + shorten(tail, width - 1)
    head = text[:start].rstrip()
    head = head[:room].rsplit(" ", 1)[0] if len(head) > room else head
    return f"{head.rstrip(' ,;:')}… {tail}"


def _common_prefix(a: str, b: str) -> str:
    """The characters ``a`` and ``b`` start with."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def pct(x, signed: bool = False) -> str:
    """A share as a whole percentage (``68%``), or a difference in points (``+3 points``, ``-1 point``,
    ``0 points``: a sign only where there is a change); empty where there is no value.

    >>> pct(0.684), pct(0.031, signed=True), pct(-0.012, signed=True), pct(0.001, signed=True), pct(float("nan"))
    ('68%', '+3 points', '-1 point', '0 points', '')
    """
    if _missing(x):
        return ""
    if not signed:
        return f"{float(x):.0%}"
    points = round(float(x) * 100)
    sign = "+" if points > 0 else "-" if points < 0 else ""
    return f"{sign}{abs(points)} point{'' if abs(points) == 1 else 's'}"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, singular for one: ``1 item``, ``9 items``, ``1,838 respondents``,
    ``1 person`` (``plural`` where adding an "s" is wrong).

    >>> counted(1, "item"), counted(9, "item"), counted(1838, "respondent"), counted(2, "person", "people")
    ('1 item', '9 items', '1,838 respondents', '2 people')
    """
    return f"{int(count):,} {noun if int(count) == 1 else plural or noun + 's'}"


def points(x, *, signed: bool = False, short: bool = True, exact: bool = False) -> str:
    """A difference of shares (0–1) in whole percentage points, singular for one: ``1 pt``,
    ``9 pts`` (``short=False``: ``1 point``, ``9 points``; ``exact``: as many decimals as a setting
    has, ``2.5 points``); ``signed`` puts ``+``/``−`` before a change; empty where there is no value.

    >>> points(0.0114), points(0.74), points(-0.012, signed=True), points(0.09, short=False)
    ('1 pt', '74 pts', '−1 pt', '9 points')
    >>> points(0.025, short=False, exact=True), points(0.01, short=False, exact=True)
    ('2.5 points', '1 point')
    """
    if _missing(x):
        return ""
    value = round(float(x) * 100, 6 if exact else None)
    sign = ("+" if value > 0 else "−" if value < 0 else "") if signed else ("−" if value < 0 else "")
    unit = ("pt" if short else "point") + ("" if abs(value) == 1 else "s")
    return f"{sign}{abs(value):g} {unit}"


def survey_name(label: str) -> str:
    """A data set's label as a title: without the file extension of each file, and underscores as
    spaces, so that a long file name wraps between its words, never mid-word.

    >>> survey_name("qualtrics_student_satisfaction_choicetext2023.csv"), survey_name("a.xlsx + b.csv")
    ('qualtrics student satisfaction choicetext2023', 'a + b')
    """
    name = re.sub(r"\.(csv|tsv|txt|xlsx|xls|sav|json)\b", "", str(label), flags=re.IGNORECASE)
    return " ".join(name.replace("_", " ").split())


WORD_BREAK = "\u200b"  # zero-width space: where a browser may wrap a name that has no spaces


def file_label(label: str, longest: int = 26) -> tuple[str, bool]:
    """A file name for a narrow column (the sidebar): a place to wrap after each ``_``, ``-`` and ``.``
    (a zero-width space) so it wraps between its parts, never mid-word; a part longer than
    ``longest`` characters (one line of the column) cut short with "…". Returns the text and
    whether anything was cut (then show the full name on hover).

    >>> text, cut = file_label("qualtrics_student_satisfaction_choicetext2023.csv")
    >>> text.split(WORD_BREAK), cut
    (['qualtrics_', 'student_', 'satisfaction_', 'choicetext2023.', 'csv'], False)
    >>> text, cut = file_label("averyveryveryverylongexportnamewithoutanybreak.csv")
    >>> text.split(WORD_BREAK), cut
    (['averyveryveryverylongexpo…', 'csv'], True)
    """
    parts = re.split(r"(?<=[_\-.])", str(label))
    cut = [part if len(part) <= longest else shorten(part, longest) for part in parts]
    return WORD_BREAK.join(part for part in cut if part), cut != parts


def share_and_change(p, change=None) -> tuple[str, str]:
    """A share and its change in points at the same precision, for a tile: whole percent and whole
    points, or one decimal of each below 10 % (so that "2 %" never sits over "+0.1 points": it reads
    "2.3%" over "+0.1 points"); the change empty where there is none.

    >>> share_and_change(0.684, -0.031), share_and_change(0.023, 0.0012), share_and_change(0.4, None)
    (('68%', '-3 points'), ('2.3%', '+0.1 points'), ('40%', ''))
    """
    if _missing(p):
        return "—", ""
    digits = 1 if float(p) < 0.1 else 0
    value = f"{float(p):.{digits}%}"
    if _missing(change):
        return value, ""
    points = round(float(change) * 100, digits)
    sign = "+" if points > 0 else "-" if points < 0 else "±"  # ASCII: a tile colours a change by its "-"
    return value, f"{sign}{abs(points):.{digits}f} point{'' if abs(points) == 1 else 's'}"


def name_list(names, shown: int = 2) -> str:
    """Names joined for a sentence, the first ``shown`` named and the rest counted: ``A``, ``A and B``,
    ``A, B and C``, ``A, B and 54 others`` (tied groups named as ties, never one of them alone).

    >>> name_list(["A"]), name_list(["A", "B", "C"]), name_list([f"U{i}" for i in range(56)])
    ('A', 'A, B and C', 'U0, U1 and 54 others')
    """
    names = [str(name) for name in names]
    if len(names) <= shown + 1:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""
    return ", ".join(names[:shown]) + f" and {len(names) - shown} others"


def p_text(p) -> str:
    """A p-value to read: ``p < 0.001``, else three decimals (``p = 0.012``); empty where missing.

    >>> p_text(0.0000003), p_text(0.01234), p_text(float("nan"))
    ('p < 0.001', 'p = 0.012', '')
    """
    if _missing(p):
        return ""
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"


def _missing(x) -> bool:
    """None, NaN or a nullable column's empty cell (``pd.NA``)."""
    import pandas as pd  # when a number is formatted: the names and labels above, and the CLI's --help, need none

    return x is None or pd.isna(x)
