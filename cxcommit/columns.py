"""Recognising what a column is from its name: personal data, survey metadata, ids, dates, attributes."""
from __future__ import annotations

import re

from cxcommit.text import normalize_label

# Direct identifiers, matched against a column's key and the last part of its label.
_PERSONAL = [
    (re.compile(r"e-?mail"), "email address"),
    (re.compile(r"\bip[ -]?(address|adresse)?$|^ipaddress$|ip-adresse"), "IP address"),
    (re.compile(r"latitude|longitude|breitengrad|längengrad|location ?accuracy"), "geolocation"),
    (re.compile(r"recipient|empfängers|^panel-"), "recipient field"),
    (re.compile(r"external ?(data ?)?reference|externaldatareference|externe datenreferenz"), "external reference"),
    (re.compile(r"\b(first|last|full|given|family|sur)[ _-]?name\b|^(respondent )?name:?$|vorname|nachname"), "name"),
    (re.compile(r"phone|telephone|mobile number|\bfax\b"), "phone number"),
    (re.compile(r"(mailing|postal|street|home) address|^address:?$|zip ?code|postcode"), "address"),
]
_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_IP_VALUE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-f:]{6,}:[0-9a-f]{1,4}$", re.I)

# Survey-tool bookkeeping: never items or groupings.
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


def personal_reason(key: str, label: str, sample_values: list[str]) -> str | None:
    """Why a column is a direct identifier (e.g. "email address"), or None."""
    candidates = [normalize_label(key), normalize_label(label.rsplit("-", 1)[-1]), normalize_label(label)]
    for pattern, reason in _PERSONAL:
        if any(pattern.search(c) for c in candidates[:2]) or (len(candidates[2]) < 40 and pattern.search(candidates[2])):
            return reason
    values = [v for v in sample_values if v]
    if values:
        if sum(bool(_EMAIL_VALUE.match(v.strip())) for v in values) > len(values) / 2:
            return "email addresses in the answers"
        if sum(bool(_IP_VALUE.match(v.strip())) for v in values) > len(values) / 2:
            return "IP addresses in the answers"
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
