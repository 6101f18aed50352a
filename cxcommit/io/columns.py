"""Recognising what a column is from its name: survey metadata, respondent ids, dates, waves,
grouping attributes, roles and comments; and what publishing calls a pooled group. Whether a column
holds personal data is :mod:`cxcommit.io.personal`'s to say."""
from __future__ import annotations

import re

from cxcommit.text import normalize_label


_METADATA = {
    "startdate", "enddate", "start date", "end date", "status", "progress", "duration (in seconds)", "finished",
    "recordeddate", "recorded date", "distributionchannel", "distribution channel", "userlanguage",
    "user language", "responseset", "response set", "collector id", "collectorid", "start time",
    "completion time", "last modified time", "timestamp", "q_recaptchascore", "q_relevantidduplicate",
    "q_relevantidduplicatescore", "q_relevantidfraudscore", "q_relevantidlaststartdate", "q_url",
    "q_ballotboxstuffing", "response type", "antworttyp", "anfangsdatum", "enddatum", "erfassungsdatum",
    "aktueller stand", "dauer (in sekunden)", "beendet", "verteilungskanal", "benutzersprache",
}
_IDS = {"responseid", "response id", "respondentid", "respondent id", "respondent_id", "_recordid", "id",
        "uniqueid", "unique id", "response_id", "antwort-id", "participant id", "participant_id"}
_DATES = ["recordeddate", "recorded date", "enddate", "end date", "completion time", "timestamp", "submitted",
          "submitdate", "submit date", "date", "startdate", "start date", "start time"]

# Standard grouping attributes and the usual names of their columns (normalised).
ATTRIBUTES = ("division", "business_unit", "role", "region")
# What publishing calls the pooled value of a grouping (cxcommit.privacy.publish: small groups generalised)
OTHER_LABELS = {"division": "Other divisions", "role": "Other roles", "region": "Other regions"}
OTHER_UNITS = "Other units of {division}"
_POOLED = re.compile(r"other( ({})( of .+)?)?".format("|".join(
    label.split()[1] for label in (*OTHER_LABELS.values(), OTHER_UNITS))), re.I)


def other_label(name: str, division: str | None = None) -> str:
    """What a grouping's generalised value is called: "Other units of Digital", "Other regions",
    "Other" (a grouping the export brought)."""
    if name == "business_unit":
        return OTHER_UNITS.format(division=division) if division else "Other units"
    return OTHER_LABELS.get(name, "Other")


def is_pooled_label(value: str) -> bool:
    """Whether ``value`` reads like a pooled group's name (:func:`other_label`), in any case.

    >>> is_pooled_label("other units of Digital"), is_pooled_label("Other roles"), is_pooled_label("Otherworld")
    (True, True, False)
    """
    return _POOLED.fullmatch(str(value).strip()) is not None

ATTRIBUTE_NAMES = {
    "division": ["division", "divisions", "business division", "segment", "sector", "line of business", "group",
                 "business group"],
    "business_unit": ["business unit", "business_unit", "businessunit", "unit", "bu", "department", "dept",
                      "team", "function", "org unit", "organisational unit", "organizational unit"],
    "role": ["role", "level", "job level", "position", "seniority", "grade", "management level", "job role",
             "respondent role"],
    "region": ["region", "country", "location", "site", "geography", "area", "market", "location (census region)",
               "census region"],
}
WAVE_NAMES = ["wave", "survey wave", "period", "survey period", "round", "cycle", "quarter", "survey"]
ROLE_WORDS = [
    ("executive", re.compile(r"exec|c-level|c-suite|chief|president|\bvp\b|vice president|senior leader|"
                             r"leadership team|director|officer|\bsvp\b|\bevp\b|board")),
    ("manager", re.compile(r"manager|supervisor|team lead|lead\b|head of|middle management")),
    ("employee", re.compile(r"employee|staff|individual contributor|associate|front[- ]?line|team member|"
                            r"agent|specialist|analyst|non-manager|worker")),
]


def _norm_key(text: str) -> str:
    return normalize_label(text).replace("_", " ").strip()



def per_respondent_reason(counts) -> str | None:
    """Why a column cannot group respondents, from how many answers each of its values has: most
    answers are values nobody else gave (and at least 5 such: a file of a few rows has one value per
    respondent in every column), so most groups would be one person. None otherwise.

    >>> per_respondent_reason([1, 1, 1, 1, 1, 2]), per_respondent_reason([3, 1, 1, 1, 1, 1, 3])
    ('one value per respondent: 5 of its 7 answers are given by nobody else', None)
    """
    counts = [int(n) for n in counts if n]
    singles, answers = sum(n == 1 for n in counts), sum(counts)
    if singles >= 5 and singles > 0.5 * answers:
        return f"one value per respondent: {singles:,} of its {answers:,} answers are given by nobody else"
    return None


_COMMENT = re.compile(r"^(comments?|feedback|remarks?|notes?|verbatim|open[- ]ended|other comments?|anything else)\b"
                      r"|please specify|\(other\)|_text$|\bcomments?$")


def is_comment(key: str, label: str) -> bool:
    """True for columns that by their name hold free-text comments."""
    return any(_COMMENT.search(normalize_label(text)) for text in (key, label))


def is_metadata(key: str) -> bool:
    return _norm_key(key) in _METADATA or normalize_label(key) in _METADATA


def is_respondent_id(key: str) -> bool:
    return normalize_label(key) in _IDS or _norm_key(key) in _IDS


def date_rank(key: str) -> int | None:
    """Preference of a column as the date of a response (lower is better), None if not a date column."""
    norm = _norm_key(key)
    return _DATES.index(norm) if norm in _DATES else None


def attribute_for(key: str, label: str) -> str | None:
    """The standard attribute (division, business_unit, role, region) a column's name suggests."""
    for name in (_norm_key(key), _norm_key(label)):
        for attribute, names in ATTRIBUTE_NAMES.items():
            if name in names:
                return attribute
    return None


def is_wave_column(key: str) -> bool:
    return _norm_key(key) in WAVE_NAMES


def canonical_role(value: str) -> str | None:
    """executive, manager or employee for a role label, or None if it says none of them.

    >>> canonical_role("Senior Leadership Team"), canonical_role("Team lead"), canonical_role("Front-line staff")
    ('executive', 'manager', 'employee')
    """
    norm = normalize_label(value)
    for role, pattern in ROLE_WORDS:
        if pattern.search(norm):
            return role
    return None


_CAPTCHA = re.compile(r"\bcaptcha\b|not an? (ro)?bot\b|\bare you (a )?human\b|\bprove (that )?you are\b")
_CONSENT = re.compile(r"\bconsent\b|\bagree to (take part|participate)\b|\bi agree to\b|\bparticipant information sheet\b")
_REGION_QUESTION = re.compile(r"\b(country|countries|province|county|census region|region)\b"
                              r"|^state$|\b(which|what|your) (us |u\.s\. )?state\b|\bstate (of|where) (you )?(live|reside|residence)")


def check_reason(key: str, label: str) -> str | None:
    """Why a column is a check on the respondent rather than a question to group by: a captcha
    ("To help us ensure that you are not a robot, ..."), or consent to take part. None otherwise.

    >>> check_reason("Q2", "To help us ensure that you are not a robot, please enter the number")
    'captcha (a check that the respondent is a person)'
    >>> check_reason("consent", "Do you consent to take part?"), check_reason("Q3", "How do you state your case?")
    ('consent to take part', None)
    """
    text = f"{normalize_label(key)} {normalize_label(label)}"
    if _CAPTCHA.search(text):
        return "captcha (a check that the respondent is a person)"
    if _CONSENT.search(text):
        return "consent to take part"
    return None


def asks_region(label: str) -> bool:
    """Whether a question asks where the respondent is (country, state, province, region): a
    region. "State" counts as a place only as one ("Which state do you live in?"), never the verb.

    >>> asks_region("In what country do you currently reside?"), asks_region("Please state whether you agree")
    (True, False)
    """
    return bool(_REGION_QUESTION.search(normalize_label(label)))
