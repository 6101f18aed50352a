"""Suggesting a mapping for an export: which columns are items (and on what scale), which are
groupings, the wave, the respondent id, and which hold personal data.

Items of the instrument are recognised by question-text similarity (or their id as column
name); any other rated question becomes an item of its own; categorical columns become
groupings, those with the usual names (Division, Department, Role, Region, ...) the standard
attributes; an item of its own is read as its wording points (:mod:`cxcommit.mapping.direction`:
reverse-worded, or a factual question not rated). Every guess a person should check carries a ``review`` note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pandas as pd
import pyarrow.compute as pc

from cxcommit.instrument.items import Item, built_in_items
from cxcommit.instrument.guess import guess_scale
from cxcommit.instrument.scales import DONT_KNOW_LABEL, MISSING_LABEL, parse_number
from cxcommit.io.columns import (asks_region, attribute_for, canonical_role, check_reason, date_rank, is_comment,
                                 is_metadata, is_respondent_id, is_wave_column, per_respondent_reason)
from cxcommit.io.dates import date_part, parse_dates
from cxcommit.io.personal import personal_reason
from cxcommit.io.readers import RawTable
from cxcommit.mapping.direction import suggested_direction, with_direction
from cxcommit.mapping.names import item_names
from cxcommit.mapping.schema import DEFAULT_MISSING_CODES, ItemMapping, Mapping, WaveRule
from cxcommit.settings import Settings
from cxcommit.stats.tallies import code_counts
from cxcommit.text import normalize_label

MATCH_THRESHOLD = 0.72
_STOP = set("a an the of to and or in on for with is are do does be by at as that this our your their".split())
_RANK = re.compile(r"\brank\b|\branking\b", re.I)
MAX_GROUPS = 100
MAX_LABELS = 1000  # more distinct answers than this: not a rating, not a grouping
SAMPLE = 200
PROFILE_ROWS = 50_000
IDENTIFIER_ROWS = 5_000  # rows looked at for identifiers: enough to see that names or ids repeat little
_MULTI_TEXT = re.compile(r"(check|select|tick|choose|mark) all that apply", re.I)


_SYSTEM_FIELD = re.compile(r"^Q_[A-Z][A-Za-z]*$")  # Qualtrics: Q_TotalDuration, Q_RecaptchaScore, Q_URL, ...


def is_survey_metadata(key: str) -> bool:
    """True for the survey tool's own bookkeeping: start and end dates, progress, duration, status,
    channel, language, collector, Qualtrics' ``Q_...`` fields. Never an item or a grouping (a date
    may still give the wave).

    >>> [k for k in ("StartDate", "Progress", "Collector ID", "Q_TotalDuration", "Q1", "Q_1") if is_survey_metadata(k)]
    ['StartDate', 'Progress', 'Collector ID', 'Q_TotalDuration']
    """
    return is_metadata(key) or date_rank(key) is not None or bool(_SYSTEM_FIELD.match(key.strip()))


def value_counts(raw: RawTable, key: str) -> dict[str, int]:
    """Distinct non-empty answers of a column with their counts (use on low-cardinality columns)."""
    values, indices = raw.encoded(key)
    numbers = code_counts(indices, len(values))
    return {v: int(n) for v, n in zip(values, numbers) if n and v is not None and v.strip()}


@dataclass(frozen=True)
class Profile:
    """What a column holds: its answers with counts (None when there are more than MAX_LABELS
    distinct ones: free text or ids, never a rating), distinct count (of the first PROFILE_ROWS
    rows for such columns), a sample, and the mean length of its first PROFILE_ROWS answers."""

    counts: dict[str, int] | None
    distinct: int
    sample: list[str]
    mean_length: float


def profile(raw: RawTable, key: str) -> Profile:
    """A column's :class:`Profile`, counted in pyarrow so a million free-text answers stay cheap."""
    head = raw.strings(key, PROFILE_ROWS)  # free text and ids give themselves away early
    counts = pc.value_counts(head)
    mean_length = pc.mean(pc.utf8_length(head)).as_py() or 0.0
    if len(counts) <= MAX_LABELS:
        found = value_counts(raw, key)
        if len(found) <= MAX_LABELS:
            return Profile(found, len(found), list(found)[:SAMPLE], mean_length)
    sample = [v for v in counts.field("values").slice(0, SAMPLE * 2).to_pylist() if v and v.strip()][:SAMPLE]
    return Profile(None, len(counts), sample, mean_length)


def head_sample(raw: RawTable, key: str) -> tuple[list[str], int, int]:
    """What :func:`~cxcommit.io.personal.personal_reason` needs of a column's first IDENTIFIER_ROWS rows: up
    to SAMPLE distinct non-empty values (trimmed), how many non-empty answers those rows hold and how
    many of them are distinct."""
    column = pc.utf8_trim_whitespace(raw.strings(key, IDENTIFIER_ROWS))
    answered = column.filter(pc.fill_null(pc.not_equal(column, ""), False))
    distinct = pc.unique(answered)
    return distinct.slice(0, SAMPLE).to_pylist(), len(answered), len(distinct)


def personal_from_omitted(omitted: dict[str, str]) -> dict[str, str]:
    """The columns a large file's lean read left out as personal data, with their reasons."""
    prefix = "personal data ("
    return {k: r[len(prefix):-1] for k, r in omitted.items() if r.startswith(prefix)}


def _tokens(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", normalize_label(text)) if w not in _STOP}


def similarity(question: str, item: Item) -> float:
    """How alike a column's question is to an instrument item (0–1): the larger of sequence
    similarity and word overlap; 1 when the column is named by the item's id or label."""
    norm = normalize_label(question)
    if norm in (item.id, item.id.replace("_", " "), normalize_label(item.label)):
        return 1.0
    ratio = SequenceMatcher(None, norm, normalize_label(item.question)).ratio()
    a, b = _tokens(question), _tokens(item.question)
    overlap = len(a & b) / len(a | b) if a and b else 0.0
    return max(ratio, overlap)


# Why a column is never offered as a grouping (the start of its note in Mapping.ignored): each answer
# is its own (free text, numbers, one value per respondent), answers are several options at once, or
# the column checks the respondent rather than asking (captcha, consent).
NOT_GROUPINGS = ("free text", "multi-select answers", "captcha", "consent", "ranking question", "numbers, not a rating",
                 "empty", "one answer only", "NPS group", "one value per respondent", "survey metadata",
                 "write-in answers")
MAX_GROUPINGS = 3  # an export's other columns suggested as reporting attributes, beside the standard ones
OFF_GROUPING = ("could be a grouping; left off because every reporting attribute splits the respondents further "
                "and small groups then lose detail (turn it on in the mapping)")


def _fewest_groupings(candidates: list[tuple[int, int, str]], ignored: dict[str, str]) -> list[str]:
    """The columns suggested as groupings: the :data:`MAX_GROUPINGS` with the fewest values (they cost
    least in generalised groups, :mod:`cxcommit.privacy.publish`), in the export's order; the others are
    listed in ``ignored``, to be turned on by hand."""
    chosen = {key for _, _, key in sorted(candidates)[:MAX_GROUPINGS]}
    for _, _, key in candidates:
        if key not in chosen:
            ignored[key] = OFF_GROUPING
    return [key for _, _, key in candidates if key in chosen]


def suggest_mapping(raw: RawTable, items: tuple[Item, ...] | None = None) -> Mapping:
    """A suggested :class:`Mapping` for ``raw``, matched against ``items`` (the built-in instrument by default)."""
    items = built_in_items() if items is None else items
    raw.encode_all([k for k in raw.keys if len(pc.unique(raw.table.column(k).slice(0, PROFILE_ROWS))) <= MAX_LABELS])
    personal = personal_from_omitted(raw.omitted)
    found = _Found(personal, {k: r for k, r in raw.omitted.items() if k not in personal})
    for key, label in zip(raw.keys, raw.labels):
        found.add(raw, key, label)
    ignored = found.ignored
    groupings = _fewest_groupings(found.groupings, ignored)
    item_mappings = _match_items(raw, found.rated, items, ignored)
    role_values = {}
    if "role" in found.attributes:
        role_values = {value: canonical_role(value) for value in value_counts(raw, found.attributes["role"])}
    wave = _wave_rule(raw, found.wave_column, found.date_columns)
    if wave.column in ignored:
        del ignored[wave.column]
    return Mapping(
        format=raw.format, respondent_id=found.respondent_id, wave=wave, attributes=found.attributes,
        role_values=role_values, groupings=tuple(groupings), items=tuple(item_mappings),
        missing_codes=DEFAULT_MISSING_CODES, personal=personal, ignored=ignored,
    )


@dataclass
class _Found:
    """What the columns read so far are, in the export's order: personal data, left out (with why),
    the respondent id, date columns, the wave column, standard attributes, rated questions (with their
    scale guess) and candidate groupings (distinct answers, position, key)."""

    personal: dict[str, str]
    ignored: dict[str, str]
    respondent_id: str | None = None
    date_columns: list[str] = field(default_factory=list)
    wave_column: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    rated: list[tuple[str, str, object]] = field(default_factory=list)
    groupings: list[tuple[int, int, str]] = field(default_factory=list)

    def add(self, raw: RawTable, key: str, label: str) -> None:
        """Place one column: the first rule that claims it decides."""
        info = profile(raw, key)
        reason = personal_reason(key, label, *head_sample(raw, key))
        if reason:
            self.personal[key] = reason
            return
        if is_respondent_id(key) and self.respondent_id is None:
            self.respondent_id = key
            return
        if date_rank(key) is not None:
            self.date_columns.append(key)
        reason = _not_analysed(key, info)
        if reason:
            self.ignored[key] = reason
            return
        if is_wave_column(key) and self.wave_column is None:
            self.wave_column = key
            return
        attribute = attribute_for(key, label)
        if attribute and attribute not in self.attributes:
            self.attributes[attribute] = key
            return
        self._add_answers(raw, key, label, info)

    def _add_answers(self, raw: RawTable, key: str, label: str, info: Profile) -> None:
        """A column with a manageable number of answers: a rated question, a grouping, or left out."""
        counts = info.counts
        reason = check_reason(key, label) or next(
            (why for applies, why in _NOT_QUESTIONS if applies(key, label, counts)), None)
        if reason:
            self.ignored[key] = reason
            return
        guess = guess_scale(counts, label)
        if guess is not None:
            self.rated.append((key, label, guess))
            return
        reason = "multi-select answers" if _MULTI_TEXT.search(label) else _categorical_reason(
            counts, raw.n_rows, raw.format)
        if reason:
            self.ignored[key] = reason
        elif "region" not in self.attributes and asks_region(label):
            self.attributes["region"] = key  # rare countries are pooled under "Other regions" when publishing
        elif write_in_reason(counts):
            self.ignored[key] = write_in_reason(counts)
        else:
            self.groupings.append((info.distinct, len(self.groupings), key))


def _not_analysed(key: str, info: Profile) -> str | None:
    """Why a column is neither an item nor a grouping before its answers are read: the survey tool's
    bookkeeping, no answers, or too many distinct answers (numbers or free text)."""
    if is_survey_metadata(key):
        return "survey metadata"
    if info.distinct == 0 or info.counts == {}:
        return "empty: no answers"
    if info.counts is None:
        numeric = all(parse_number(v) is not None for v in info.sample)
        return "numbers, not a rating" if numeric else "free text"
    return None


# Columns whose answers are no question to analyse, tried in this order: (applies(key, label, counts), why).
_NOT_QUESTIONS = [
    (lambda key, label, counts: key.endswith("_NPS_GROUP") or label.endswith(" - Group"),
     "NPS group derived from another column"),
    (lambda key, label, counts: is_comment(key, label) and guess_scale(counts, label) is None, "free text"),
    (lambda key, label, counts: bool(_RANK.search(label)), "ranking question"),
]


def _categorical_reason(counts: dict[str, int], n_rows: int, fmt: str) -> str | None:
    """Why a non-rated column is not offered as a grouping, or None if it is one."""
    counts = _without_missing_codes(counts)
    distinct = len(counts)
    if distinct == 1:
        return "one answer only; blank (or a missing code) elsewhere: a checkbox column"
    if _multi_select(counts, fmt):
        return "multi-select answers"
    lengths = sum(len(v) * n for v, n in counts.items()) / max(1, sum(counts.values()))
    if distinct > MAX_GROUPS or distinct > max(20, 0.5 * n_rows) or lengths > 80:
        return "free text"
    alone = per_respondent_reason(counts.values())
    if alone:
        return f"{alone}: not a grouping"
    if all(parse_number(v) is not None for v in counts) and distinct > 30:
        return "numbers, not a rating"
    return None


FEW_PEOPLE = Settings().min_group_size  # an answer given by fewer people than this is no group to report
MIN_WRITE_INS = 10


def write_in_reason(counts: dict[str, int], few: int = FEW_PEOPLE) -> str | None:
    """Why a question is no grouping although its answers repeat: most of its distinct answers are
    given by fewer than ``few`` people each (at least :data:`MIN_WRITE_INS` of them), the mark of an
    "Other, please specify" box or answers typed in. A grouping needs few values, each held by enough
    people to be reported; publishing would pool these into one "Other" group, which compares nothing.
    None for a grouping.

    >>> write_in_reason({"On the job": 867, "University": 340, **{f"write-in {i}": 1 for i in range(49)}})
    'write-in answers: 49 of its 51 answers are given by fewer than 5 people each'
    >>> write_in_reason({"North": 40, "South": 35, "East": 3}) is None
    True
    """
    rare = sum(1 for n in counts.values() if n < few)
    if rare >= MIN_WRITE_INS and rare > len(counts) / 2:
        return f"write-in answers: {rare} of its {len(counts)} answers are given by fewer than {few} people each"
    return None


def _without_missing_codes(counts: dict[str, int]) -> dict[str, int]:
    """Answers that are all numbers, without the missing codes among them (99, -1, ...)."""
    numbers = {v: parse_number(v) for v in counts}
    if all(x is not None for x in numbers.values()):
        return {v: n for v, n in counts.items() if numbers[v] not in DEFAULT_MISSING_CODES}
    return counts


def _multi_select(counts: dict[str, int], fmt: str) -> bool:
    """Whether answers are several options joined: Microsoft Forms ends every chosen option with ";"
    (most answers end so), Google Forms joins them with ", " (many of more than 20 answers)."""
    if fmt == "microsoft_forms" and sum(n for v, n in counts.items() if v.rstrip().endswith(";")) > 0.5 * sum(
            counts.values()):
        return True
    separator = {"microsoft_forms": ";", "google_forms": ", "}.get(fmt)
    joined = sum(1 for v in counts if separator and separator in v.strip().rstrip(";"))
    return len(counts) > 20 and joined > len(counts) * 0.3


def _match_items(raw: RawTable, rated, items, ignored) -> list[ItemMapping]:
    """Instrument items matched to rated columns (best match first), the rest as items of their own."""
    matched = _best_matches(rated, items)
    result, ids = [], {item.id for item in items}
    own = iter(item_names([(key, label) for key, label, _ in rated if key not in matched], ids))
    for key, label, guess in rated:
        if key in matched:
            item, score = matched[key]
            result.append(_instrument_item(raw, key, label, guess, item, score))
            continue
        item_id, short = next(own)
        direction, note = suggested_direction(label, guess.scale.kind, guess.labels)
        result.append(ItemMapping(column=key, item=item_id, label=short, question=label, labels=_text_labels(guess.labels),
                                  review=with_direction(note, guess.review, direction), direction=direction,
                                  **_scale_fields(guess.scale, direction)))
    return result


def _scale_fields(scale, direction: str = "higher") -> dict:
    """The mapping's scale fields of a guessed scale: the kind, a Likert range and where favourable
    starts (left to the scale's default for a reverse-worded or unrated item)."""
    likert = scale.kind == "likert"
    return {"scale": scale.kind, "low": scale.low if likert else None, "high": scale.high if likert else None,
            "favourable_from": scale.favourable_from if likert and direction == "higher" else None}


def _best_matches(rated, items) -> dict[str, tuple[Item, float]]:
    """Rated columns matched to instrument items by question text, best match first: (item, score) by column."""
    candidates = []
    for key, label, guess in rated:
        for item in items:
            if _compatible(item, guess):
                score = max(similarity(label, item), similarity(key, item))
                if score >= MATCH_THRESHOLD:
                    candidates.append((score, key, item))
    matched: dict[str, tuple[Item, float]] = {}
    used: set[str] = set()
    for score, key, item in sorted(candidates, key=lambda c: -c[0]):
        if key not in matched and item.id not in used:
            matched[key] = (item, score)
            used.add(item.id)
    return matched


def _compatible(item: Item, guess) -> bool:
    kind = guess.scale.kind
    if item.scale.kind == "yes_no":
        return kind == "yes_no" or (kind == "likert" and guess.scale.high <= 3)
    return item.scale.kind == kind


def _instrument_item(raw, key, label, guess, item: Item, score: float) -> ItemMapping:
    review = guess.review
    if score < 0.95:
        note = f"matched to {item.id} by question text ({score:.0%} alike)"
        review = f"{note}; {review}" if review else note
    if item.scale.kind == "yes_no" and guess.scale.kind != "yes_no":
        labels = {"1": 1.0, "2": 0.0, "3": DONT_KNOW_LABEL}
        review = "numeric codes read as 1 = yes, 2 = no, 3 = don't know (Qualtrics' default); check"
        return ItemMapping(key, item.id, "yes_no", item.label, label, labels=labels, review=review)
    return ItemMapping(column=key, item=item.id, label=item.label, question=label, labels=_text_labels(guess.labels),
                       review=review, **_scale_fields(guess.scale))


def _text_labels(labels: dict) -> dict:
    """Labels worth writing into the mapping: text answers and special codes (plain numbers need none)."""
    return {k: v for k, v in labels.items()
            if parse_number(k) is None or v in (MISSING_LABEL, DONT_KNOW_LABEL)}


def _wave_rule(raw: RawTable, wave_column: str | None, date_columns: list[str]) -> WaveRule:
    if wave_column:
        return WaveRule(column=wave_column)
    for key in sorted(date_columns, key=date_rank):
        stamps = parse_dates(date_part(pd.Series(profile(raw, key).sample + _ends(raw, key)))).dropna()
        if len(stamps) == 0:
            continue
        span = (stamps.max() - stamps.min()).days
        return WaveRule(column=key, period="quarter", whole_file=span <= 100)
    return WaveRule(value="Wave 1")


def _ends(raw: RawTable, key: str) -> list[str]:
    """The first and last non-empty values of a column (a date column's span, usually)."""
    values = raw.table.column(key).drop_null()
    return [str(values[0].as_py()), str(values[-1].as_py())] if len(values) else []
