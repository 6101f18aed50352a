"""A mapping as the dashboard's mapping form shows it, and back: the items as an editable table,
what every other column is, which of the 8 signs are mapped, and the wave rule.

Answer labels are written as ``text = value`` pairs separated by semicolons, e.g.
``Yes = 1; No = 0; Not sure = dont_know``. Whatever is edited goes through
:func:`cxcommit.mapping.mapping_file.mapping_from_dict`, so the form reports problems as a mapping file would.
"""
from __future__ import annotations

import math

import pandas as pd

from cxcommit.errors import MappingError, Problem
from cxcommit.instrument.items import SIGN_IDS, built_in_item
from cxcommit.io.columns import check_reason, date_rank, is_comment, is_respondent_id, is_wave_column
from cxcommit.io.personal import personal_reason
from cxcommit.mapping.mapping_file import mapping_from_dict
from cxcommit.mapping.schema import Mapping, WaveRule
from cxcommit.mapping.names import SUB_QUESTION
from cxcommit.mapping.suggest import NOT_GROUPINGS, is_survey_metadata
from cxcommit.text import shorten

ITEM_COLUMNS = ["use", "column", "question", "item", "label", "scale", "direction", "low", "high", "favourable_from",
                "answer_labels", "note", "full_question"]
# How the form names each direction (cxcommit.instrument.scales.DIRECTIONS).
DIRECTION_CHOICES = {"higher": "Higher is favourable", "lower": "Lower is favourable (reverse-worded)",
                     "none": "Not rated (factual)"}
ROLE_COLUMNS = ["column", "question", "role", "reason"]
COVERAGE_COLUMNS = ["item", "label", "mapped", "column", "scale"]
# What a column is, in the order the form names them. The last three are never offered as items.
ROLES = ("item", "wave", "attribute", "grouping", "other", "metadata", "personal", "respondent_id")
QUESTION_WIDTH = 60  # characters: what a 400-pixel column shows
# Where the wave comes from: a column as it is, a date column cut into periods, or a value per file.
WAVE_MODES = ("A column", "Dates cut into periods", "One value per file")


def format_labels(labels: dict) -> str:
    """Answers in scale order, low to high, then the special ones (don't know, missing):
    ``{"Yes": 1.0, "Not sure": "dont_know", "No": 0.0}`` → ``"No = 0; Yes = 1; Not sure = dont_know"``."""
    def place(pair):  # numbers first, from low to high; a word (dont_know, missing) after them
        value = pair[1]
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return (not number, float(value) if number else 0.0)

    ordered = sorted(labels.items(), key=place)
    return "; ".join(f"{text} = {value:g}" if isinstance(value, float) else f"{text} = {value}"
                     for text, value in ordered)


def parse_labels(text: str, where: str = "answer labels") -> dict:
    """The inverse of :func:`format_labels`; raises :class:`MappingError` naming the bad pair.

    >>> parse_labels("Yes = 1; No = 0; Not sure = dont_know")
    {'Yes': 1.0, 'No': 0.0, 'Not sure': 'dont_know'}
    """
    labels = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(";"))):
        answer, sep, value = pair.rpartition("=")
        if not sep or not answer.strip():
            raise MappingError(f"{where}: {pair!r} is not of the form 'answer = value'.",
                               hint="Write e.g. 'Yes = 1; No = 0; Not sure = dont_know'.",
                               problems=[Problem("not of the form 'answer = value'", column=where, value=pair)])
        value = value.strip()
        try:
            labels[answer.strip()] = float(value)
        except ValueError:
            labels[answer.strip()] = value
    return labels


def short_question(column: str, question: str = "", width: int = QUESTION_WIDTH) -> str:
    """A column's question on one line of at most ``width`` characters, readable in a table.

    The column's own name leads when it differs from the question (Qualtrics' ``Q1``); of a
    matrix question ("Question - option") the option is kept (whole if it fits) and the question
    cut; of a question on several lines, the last line is shown.

    >>> short_question("Q1", "How helpful or unhelpful is your academic advisor?", 40)
    'Q1: How helpful or unhelpful is your ac…'
    >>> short_question("Please state whether you view the following characters favorably - Han Solo", width=40)
    'Please state whether you vie… – Han Solo'
    >>> short_question("Q5", "Rate the following:-I think this program will be a good fit for my interests", 40)
    'Q5: I think this program will be a good…'
    >>> short_question("sign_1")
    'sign_1'
    """
    name = " ".join(str(column).split())
    lines = [line for line in str(question or column).splitlines() if line.strip()] or [name]
    text = " ".join(lines[-1].split())  # a preamble above the question (Qualtrics) is left out
    lead = "" if text == name or not question else f"{shorten(name, max(width // 3, 4))}: "
    room = width - len(lead)
    if len(text) <= room:
        return lead + text
    last = None
    for last in SUB_QUESTION.finditer(text):
        pass
    option = text[last.end():].strip() if last else ""
    if len(option) >= 3:
        if len(option) <= room - 15:  # room for the start of the question too
            return lead + shorten(text[:last.start()], room - len(option) - 3) + " – " + option
        return lead + shorten(option, room) if lead else "… – " + shorten(option, room - 4)
    return lead + shorten(text, room)


def column_roles(mapping: Mapping, columns: list[str], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """What each of ``columns`` is in ``mapping``: one row per column, in file order.

    Columns of the result:

    - ``column``: the column's name in the export; ``question``: its question text (its name if none).
    - ``role``: ``item`` (mapped to an item), ``wave``, ``attribute`` (division, business unit, role,
      region), ``grouping``, ``metadata`` (the survey tool's bookkeeping: dates, progress, duration,
      status, channel, language, ...), ``personal`` (a direct identifier, dropped at import),
      ``respondent_id``, or ``other`` (free to become an item).
    - ``reason``: for ``metadata``, ``personal`` and ``other``, why (``"survey metadata"``,
      ``"IP address"``, ``"free text"``, ...); for ``attribute``, which one; else empty.

    Metadata, personal data and the respondent id are never offered as items.
    They are recognised by name as well as from the mapping's notes, so a mapping saved for
    another export classifies them too.
    """
    labels = labels or {}
    items = {m.column for m in mapping.items}
    attributes = {column: name for name, column in mapping.attributes.items()}
    rows = []
    for column in columns:
        question = labels.get(column, column)
        ignored = mapping.ignored.get(column, "")
        personal = mapping.personal.get(column) or personal_reason(column, question, [])
        if column in items:
            role, reason = "item", ""
        elif column == mapping.wave.column:
            role, reason = "wave", ""
        elif column in attributes:
            role, reason = "attribute", attributes[column]
        elif column in mapping.groupings:
            role, reason = "grouping", ""
        elif personal:
            role, reason = "personal", personal
        elif column == mapping.respondent_id or is_respondent_id(column):
            role, reason = "respondent_id", ""
        elif ignored == "survey metadata" or is_survey_metadata(column):
            role, reason = "metadata", "survey metadata"
        else:
            role, reason = "other", ignored
        rows.append({"column": column, "question": question, "role": role, "reason": reason})
    return pd.DataFrame(rows, columns=ROLE_COLUMNS)


def items_table(mapping: Mapping, columns: list[str] | None = None,
                labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The mapping form's items: one row per mapped item (``use`` true), then one per other column
    of ``columns`` that could be one (``use`` false; role ``other`` in :func:`column_roles`).

    Survey metadata, personal data and the respondent id are left out, as are columns that give
    the wave, an attribute or a grouping. ``labels`` maps columns to their question texts.

    Columns: ``use``, ``column``, ``question`` (short, see :func:`short_question`), ``item``,
    ``label``, ``scale``, ``direction`` (``higher``, ``lower`` or ``none``; the form names them by
    :data:`DIRECTION_CHOICES`), ``low``, ``high``, ``favourable_from``, ``answer_labels`` (see
    :func:`format_labels`), ``note`` (what to check about a suggested item, or why a column was
    not suggested), ``full_question`` (the question as in the export).
    """
    labels = labels or {}
    rows = [{"use": True, "column": m.column, "item": m.item, "label": m.label, "scale": m.scale,
             "direction": m.direction, "low": m.low, "high": m.high, "favourable_from": m.favourable_from, "answer_labels": format_labels(m.labels),
             "note": m.review or "", "full_question": m.question or labels.get(m.column) or m.column}
            for m in mapping.items]
    if columns:
        roles = column_roles(mapping, columns, labels)
        rows += [{"use": False, "column": r.column, "item": "", "label": "", "scale": "likert", "direction": "higher",
                  "low": None,
                  "high": None, "favourable_from": None, "answer_labels": "", "note": r.reason,
                  "full_question": r.question}
                 for r in roles[roles["role"] == "other"].itertuples()]
    for row in rows:
        row["question"] = short_question(row["column"], row["full_question"])
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def groupable(roles: pd.DataFrame) -> list[str]:
    """The columns the form offers as attributes and groupings, from :func:`column_roles`: not items,
    metadata, personal data or the respondent id, and none the import would refuse to group by
    (free-text comments, one value per respondent).

    >>> roles = pd.DataFrame({"column": ["Q1", "Dept", "Comments", "Badge", "Email"],
    ...                       "question": ["Q1", "Department", "Any comments?", "Badge", "Email"],
    ...                       "role": ["item", "grouping", "other", "other", "personal"],
    ...                       "reason": ["", "", "free text", "one value per respondent: 9 of its 9 answers…", ""]})
    >>> groupable(roles)
    ['Dept']
    """
    return [column for column, question, role, reason in
            zip(roles["column"], roles["question"], roles["role"], roles["reason"])
            if role not in ("item", "metadata", "personal", "respondent_id")
            and not str(reason).startswith(NOT_GROUPINGS) and not is_comment(column, question)
            and check_reason(column, question) is None]


def not_offered(roles: pd.DataFrame) -> str:
    """Which columns the form does not offer as items and why, in one line, from :func:`column_roles`
    (empty when there are none).

    >>> roles = pd.DataFrame({"column": ["StartDate", "IPAddress", "ResponseId", "Q1"],
    ...                       "role": ["metadata", "personal", "respondent_id", "item"],
    ...                       "reason": ["survey metadata", "IP address", "", ""]})
    >>> not_offered(roles)
    'Not offered as items — survey metadata: StartDate; personal data: IPAddress (IP address); respondent id: ResponseId.'
    """
    parts = []
    for role, title in (("metadata", "survey metadata"), ("personal", "personal data"),
                        ("respondent_id", "respondent id")):
        rows = roles[roles["role"] == role]
        if len(rows):
            names = [f"{c} ({r})" if role == "personal" and r else str(c) for c, r in zip(rows["column"], rows["reason"])]
            parts.append(f"{title}: {', '.join(names)}")
    return f"Not offered as items — {'; '.join(parts)}." if parts else ""


def shortened_questions(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of an items table whose question is shown cut short: ``question`` as shown and
    ``full_question`` as in the export."""
    cut = [short_question(c, f, width=1 << 20) != q
           for c, f, q in zip(table["column"], table["full_question"], table["question"])]
    return table.loc[cut, ["question", "full_question"]].reset_index(drop=True)


def sign_coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Which of the 8 signs of executive commitment the ticked rows of an items table map.

    One row per sign, in order: ``item`` (sign_1 … sign_8), ``label`` (its short label),
    ``mapped`` (bool), ``column`` (the export's column, None if unmapped), ``scale`` (as mapped).
    """
    ticked = table[table["use"].fillna(False).astype(bool)]
    by_item = {str(row["item"]).strip(): row for row in ticked.to_dict("records")}
    rows = []
    for sign in SIGN_IDS:
        row = by_item.get(sign)
        item = built_in_item(sign)
        rows.append({"item": sign, "label": item.label if item else sign, "mapped": row is not None,
                     "column": None if row is None else row["column"], "scale": None if row is None else row["scale"]})
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def coverage_text(coverage: pd.DataFrame) -> tuple[str, str]:
    """A headline (``"5 of 8 signs mapped"``) and what it means for the dashboard, from :func:`sign_coverage`.

    >>> table = pd.DataFrame({"use": [True, True], "column": ["Q1", "Q2"], "item": ["sign_1", "sign_2"],
    ...                       "scale": ["yes_no", "likert"]})
    >>> coverage_text(sign_coverage(table))[0]
    '2 of 8 signs mapped'
    """
    n, total = int(coverage["mapped"].sum()), len(coverage)
    headline = f"{n} of {total} signs mapped"
    odd = coverage[coverage["mapped"] & (coverage["scale"] != "yes_no")]
    caveat = "".join(f" {r.item} is read on a {r.scale} scale, though the signs are yes/no questions."
                     for r in odd.itertuples())
    if n == total:
        return headline, f"All 8 signs of executive commitment: the commitment index and the sign views will work.{caveat}"
    if n == 0:
        return headline, ("None of the 8 signs of executive commitment is among the ticked items, so there is no "
                          "commitment index and no sign view; each ticked question is analysed on its own. If a "
                          "column asks one of the signs, tick it and set its item id to sign_1 … sign_8.")
    missing = ", ".join(f"{r.item} ({r.label})" for r in coverage[~coverage["mapped"]].itertuples())
    return headline, (f"Not mapped: {missing}. The commitment index and the sign views need all {total} signs of "
                      "executive commitment; until then each ticked question is analysed on its own. Tick the "
                      f"column that asks each missing sign and set its item id.{caveat}")


def wave_mode(rule: WaveRule) -> str:
    """Which of :data:`WAVE_MODES` a wave rule is."""
    if rule.value is not None:
        return WAVE_MODES[2]
    return WAVE_MODES[1] if rule.period else WAVE_MODES[0]


def wave_columns(mapping: Mapping, columns: list[str], mode: str) -> list[str]:
    """The columns the form offers as the wave in ``mode`` of :data:`WAVE_MODES`, best first.

    - ``A column``: categorical columns (never an item, survey metadata, personal data or the
      respondent id); wave-like names (Wave, Period, Round, ...) first, then attributes and groupings.
    - ``Dates cut into periods``: columns named as a date, the usual date of a response first
      (RecordedDate, EndDate, Timestamp, ...), then the categorical columns above.
    - ``One value per file``: none.

    The mapping's own wave column leads when its rule is of this mode.
    """
    if mode not in WAVE_MODES:
        raise MappingError(f"Unknown wave mode {mode!r}.", hint=f"Use one of {', '.join(WAVE_MODES)}.")
    if mode == WAVE_MODES[2]:
        return []
    roles = column_roles(mapping, columns)
    role = dict(zip(roles["column"], roles["role"]))
    ranked = _ranked_wave_columns(columns, role, mode)
    own = mapping.wave.column if wave_mode(mapping.wave) == mode and mapping.wave.column in role else None
    return [own, *(c for c in ranked if c != own)] if own else ranked


def _ranked_wave_columns(columns: list[str], role: dict[str, str], mode: str) -> list[str]:
    """The columns that can hold the wave in ``mode`` (a column, or dates), best first; ``role``: each
    column's role in the mapping (:func:`column_roles`)."""
    categorical = [c for c in columns if role[c] in ("wave", "attribute", "grouping", "other")
                   and not is_survey_metadata(c)]
    if mode == WAVE_MODES[0]:
        return sorted(categorical, key=lambda c: (not is_wave_column(c), role[c] == "other"))
    dates = sorted((c for c in columns if date_rank(c) is not None and role[c] not in ("item", "personal")),
                   key=date_rank)
    return dates + [c for c in categorical if c not in dates]


def suggested_wave_column(mapping: Mapping, columns: list[str], mode: str) -> str | None:
    """The column the form preselects as the wave in ``mode``: the mapping's own if its rule is of
    this mode, else the first wave-like name (``A column``) or date name (dates), else None (the
    user chooses)."""
    ranked = wave_columns(mapping, columns, mode)
    if not ranked:
        return None
    if wave_mode(mapping.wave) == mode and ranked[0] == mapping.wave.column:
        return ranked[0]
    likely = is_wave_column if mode == WAVE_MODES[0] else (lambda c: date_rank(c) is not None)
    return ranked[0] if likely(ranked[0]) else None


def wave_rule(mode: str, *, column: str | None = None, period: str | None = None, whole_file: bool = False,
              value: str | None = None) -> dict:
    """The ``wave`` entry of a mapping for a mode of :data:`WAVE_MODES` and what the form chose.

    >>> wave_rule("Dates cut into periods", column="RecordedDate", period="quarter", whole_file=True)
    {'column': 'RecordedDate', 'period': 'quarter', 'whole_file': True}
    >>> wave_rule("One value per file", value="  ")
    {'value': 'Wave 1'}
    """
    if mode in WAVE_MODES[:2] and not column:
        what = "column that holds the wave" if mode == WAVE_MODES[0] else "date column to cut into periods"
        raise MappingError(f"No wave column is chosen: choose the {what}.",
                           hint="Or take one value per file, e.g. when each file is one wave.")
    if mode == WAVE_MODES[0]:
        return {"column": column}
    if mode == WAVE_MODES[1]:
        return {"column": column, "period": period or "quarter", **({"whole_file": True} if whole_file else {})}
    if mode == WAVE_MODES[2]:
        return {"value": (value or "").strip() or "Wave 1"}
    raise MappingError(f"Unknown wave mode {mode!r}.", hint=f"Use one of {', '.join(WAVE_MODES)}.")


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else float(value)


def _item_entry(row: dict, before) -> dict:
    """A ticked row of the form's items as an ``items`` entry of a mapping (``before``: the column's
    entry in the mapping shown, or None); a direction changed without a new ``favourable_from``
    drops the old end's boundary."""
    entry = {"column": row["column"], "item": str(row["item"] or "").strip(), "scale": row["scale"],
             "label": str(row["label"] or ""), "low": _number(row["low"]), "high": _number(row["high"]),
             "favourable_from": _number(row["favourable_from"]), "direction": row.get("direction") or "higher",
             "labels": parse_labels(row["answer_labels"], f"answer labels of {row['column']!r}")}
    if before is not None and before.question:
        entry["question"] = before.question
    if before is not None and entry["direction"] != before.direction and entry["favourable_from"] == before.favourable_from:
        entry["favourable_from"] = None  # turned round: the new direction's own boxes, not the old end's
    return {k: v for k, v in entry.items() if v is not None}


def edited_mapping(mapping: Mapping, items: pd.DataFrame, *, attributes: dict[str, str | None],
                   wave: dict, respondent_id: str | None, groupings: list[str] | None = None) -> Mapping:
    """``mapping`` with the items, attributes, wave rule, respondent id (and, if given, groupings)
    of the form, validated. An item whose direction was changed and its ``favourable_from`` not
    takes the new direction's default boxes (a 1–5 item turned to ``lower``: 1–2, not 1–4)."""
    data = mapping.to_dict()
    kept = {m.column: m for m in mapping.items}
    entries = [_item_entry(row, kept.get(row["column"]))
               for row in items[items["use"].fillna(False).astype(bool)].to_dict("records")]
    data["items"] = entries
    data["attributes"] = {name: column for name, column in attributes.items() if column}
    data["wave"] = wave
    data["respondent_id"] = respondent_id
    if groupings is not None:  # a column chosen as an attribute is not a grouping as well
        data["groupings"] = [g for g in groupings if g not in data["attributes"].values()]
    return mapping_from_dict(data, "The mapping in the form")
