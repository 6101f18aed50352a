"""The words cxcommit uses for what the data are grouped by and measured in, one place for the
charts, the story, the exports and the pages: a grouping's name as a noun ("business_unit": a unit,
units) and as a label ("Business units"); a measure's name with its unit ("Executive incentive tied
to CX (%)"); the waves a caption names. Light to import: names only, no table.
"""
from __future__ import annotations

import re

# The reporting attributes by name: (one of them, many of them, the label of a filter or a choice)
GROUPINGS = {
    "business_unit": ("unit", "units", "Business units"),
    "division": ("division", "divisions", "Divisions"),
    "region": ("region", "regions", "Regions"),
    "role": ("role", "roles", "Roles"),
    "wave": ("wave", "waves", "Waves"),
}
LONGEST_NOUN = 24  # characters: a grouping named by a longer question reads badly twice in a title


def grouping_text(name: str) -> str:
    """A grouping's name as words: underscores as spaces.

    >>> grouping_text("business_unit")
    'business unit'
    """
    return str(name).replace("_", " ")


def is_question(text: str) -> bool:
    """True for a grouping named by a question or a long phrase (an export's own column): a sentence
    quotes it as it is, never lowercases it into its grammar.

    >>> is_question("Which character shot first?"), is_question("Gender"), is_question("store type")
    (True, False, False)
    """
    text = str(text).strip()
    return text.endswith("?") or len(text) > LONGEST_NOUN


def quoted(text: str) -> str:
    """A question as a sentence quotes it: “Which character shot first?”."""
    return f"“{str(text).strip()}”"


def grouping_nouns(grouping: str | None, *, longest: int | None = None, label: str | None = None) -> tuple[str, str]:
    """One group and many groups of ``grouping`` in words: ``("unit", "units")`` for business_unit;
    another grouping's name (or ``label``, the question it was read from) with "groups", or quoted
    when it is a question (:func:`is_question`); ``longest``: many of a name longer than that as
    plain "groups".

    >>> grouping_nouns("business_unit"), grouping_nouns("store_type"), grouping_nouns(None)
    (('unit', 'units'), ('store type', 'store type groups'), ('group', 'groups'))
    >>> grouping_nouns("Gender")
    ('gender', 'gender groups')
    >>> grouping_nouns("q7", label="Which character shot first?")
    ('“Which character shot first?”', 'groups by “Which character shot first?”')
    >>> grouping_nouns("how_would_you_describe_your_team", longest=LONGEST_NOUN)
    ('“how would you describe your team”', 'groups')
    """
    if grouping in GROUPINGS:
        return GROUPINGS[grouping][:2]
    if not grouping:
        return "group", "groups"
    name = label or grouping_text(grouping)
    if is_question(name):
        return quoted(name), "groups" if longest is not None else f"groups by {quoted(name)}"
    name = _small_first(name)
    return name, "groups" if longest is not None and len(name) > longest else f"{name} groups"


def _small_first(name: str) -> str:
    """A short name inside a sentence: "Gender" as "gender", "NPS band" as it is."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def grouping_label(name: str, source: str | None = None) -> str:
    """The label of a grouping's filter or choice: "Business units" for the reporting attributes,
    else the column it was read from (``source``), else its name.

    >>> grouping_label("business_unit"), grouping_label("q7", "Which team are you in?")
    ('Business units', 'Which team are you in?')
    """
    return GROUPINGS[name][2] if name in GROUPINGS else source or name


def one_group(label: str) -> str:
    """How to name one group in a sentence, from the grouping's label: "business unit", "division";
    an export's short column name with a small first letter ("gender"; "NPS band" as it is); a
    question quoted as it is, never lowercased into the sentence.

    >>> one_group("Business units"), one_group("Gender"), one_group("Status")
    ('business unit', 'gender', 'status')
    >>> one_group("regions"), one_group("gender groups"), one_group("groups")
    ('region', 'gender group', 'group')
    >>> one_group(grouping_nouns("q7", label="Which character shot first?")[1])
    'group by “Which character shot first?”'
    >>> one_group("Which character shot first?")
    'group by “Which character shot first?”'
    """
    standard = {**{many: one for one, many, _ in GROUPINGS.values()},
                **{plural.lower(): one for one, _, plural in GROUPINGS.values()}, "business units": "business unit"}
    if label.lower() in standard:
        return standard[label.lower()]
    if label.startswith("groups by "):  # many of a question's groups (grouping_nouns)
        return "group" + label[len("groups"):]
    if is_question(label):
        return f"group by {quoted(label)}"
    return _small_first(label[:-1] if label.endswith(" groups") or label == "groups" else label)


def left_out_text(count: int, label: str) -> str:
    """The note under a breakdown that leaves out the people who left its grouping blank (``count``
    of them; ``label``: the grouping's label); empty when there are none.

    >>> left_out_text(143, "Regions")
    '143 respondents without a region are left out of this breakdown'
    >>> left_out_text(1, "Which character shot first?")
    '1 respondent without an answer to “Which character shot first?” is left out of this breakdown'
    """
    if count <= 0:
        return ""
    one = one_group(label)
    what = f"an answer to {quoted(label)}" if is_question(label) else f"{'an' if one[:1] in 'aeiou' else 'a'} {one}"
    people, verb = ("respondent", "is") if count == 1 else ("respondents", "are")
    return f"{count:,} {people} without {what} {verb} left out of this breakdown"


def items_noun(item_ids) -> str:
    """What the rows of a table of items are called: "signs" when every item is one of the 8 signs
    of executive commitment (ids ``sign_1`` … ``sign_8``), else "items" (an export's own questions).

    >>> items_noun(["sign_1", "sign_7"]), items_noun(["sign_1", "han_solo"]), items_noun([])
    ('signs', 'items', 'items')
    """
    ids = set(map(str, item_ids))
    return "signs" if ids and all(re.fullmatch(r"sign_[1-8]", i) for i in ids) else "items"


COLUMN_LABELS = {
    "exec_incentive_cx_pct": "Executive incentive tied to CX (%)", "sign_7": "Share saying executive pay is tied to CX",
    "mean_signs": "Mean signs met (0–8)", "fully_committed": "Share fully committed (yes to all 8 signs)",
    "other_signs": "Mean of the other seven signs met (0–7)", "respondents": "Respondents",
    "customer_nps": "Customer NPS", "csat_pct": "CSAT (%)", "n": "Answers",
}
# A kind of answer scale in a sentence ("the 14 rating items")
SCALE_WORDS = {"yes_no": "yes/no", "likert": "rating", "nps": "0–10", "numeric": "numeric"}
_ACRONYMS = {"cx": "CX", "nps": "NPS", "csat": "CSAT", "ces": "CES", "kpi": "KPI", "ceo": "CEO", "exec": "executive"}


def column_label(column: str) -> str:
    """A unit metric's or an analysis column's name as words for a chart or table.

    >>> column_label("exec_incentive_cx_pct"), column_label("retention_rate_pct"), column_label("Churn")
    ('Executive incentive tied to CX (%)', 'Retention rate (%)', 'Churn')
    """
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    words = [w for w in re.split(r"[_\s]+", str(column).strip()) if w]
    percent = bool(words) and words[-1].lower() in ("pct", "percent")
    words = [_ACRONYMS.get(w.lower(), w) for w in (words[:-1] if percent else words)]
    text = " ".join(words) or str(column)
    return text[:1].upper() + text[1:] + (" (%)" if percent else "")


def waves_text(waves: list[str] | tuple[str, ...]) -> str:
    """All the waves of the data, for a caption.

    >>> waves_text(["2025-Q2", "2025-Q4", "2026-Q3"]), waves_text(["2026-Q1"]), waves_text([])
    ('Waves: all (2025-Q2 to 2026-Q3)', 'Wave: 2026-Q1', 'Wave: —')
    """
    return f"Waves: all ({waves[0]} to {waves[-1]})" if len(waves) > 1 else f"Wave: {waves[0] if waves else '—'}"


# Columns of the analysis tables that hold a share (0–1) or a difference of shares: the text tables
# print them in percent, the workbook formats them as percentages (each adds its own few).
SHARE_COLUMNS = frozenset({
    "p", "diff", "diff_low", "diff_high", "p_leaders", "p_staff", "gap", "target", "best_p", "min_p", "max_p", "range",
    "sd", "between_share", "omega_sq", "between_sd", "p_shrunk", "best_shrunk", "change_prev", "change_prev_low",
    "change_prev_high", "change_first", "change_first_low", "change_first_high", "slope", "slope_low", "slope_high"})
