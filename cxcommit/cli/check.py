"""``check`` and ``mapping suggest``: what a file holds, as cxcommit reads it."""
from __future__ import annotations

import sys

from cxcommit.cli.inputs import read, read_export, settings_from
from cxcommit.cli.output import say
from cxcommit.instrument.scales import parse_number
from cxcommit.io.columns import attribute_for, is_respondent_id, is_wave_column
from cxcommit.io.readers import RawTable
from cxcommit.io.unit_metrics import read_unit_metrics
from cxcommit.mapping.suggest import profile, suggest_mapping
from cxcommit.privacy.load import published_survey
from cxcommit.story.report_text import describe_metrics, describe_survey


def check(args) -> int:
    """What was detected, kept and dropped (a unit-metrics file: what it holds)."""
    settings = settings_from(args)
    raw, mapping = read(args, settings)
    if mapping is None and looks_like_unit_metrics(raw):
        say(describe_metrics(read_unit_metrics(args.file)))
        return 0
    survey = published_survey(raw, mapping, settings)
    chosen = args.input_format or (mapping.format if mapping else "auto")
    say(describe_survey(survey, detected=chosen == "auto"))
    return 0


def suggest(args) -> int:
    """The suggested mapping, as JSON."""
    raw = read_export(args, args.input_format or "auto")
    sys.stdout.write(suggest_mapping(raw).to_json())
    return 0


def looks_like_unit_metrics(raw: RawTable) -> bool:
    """A table of business unit × wave with only numbers besides: a unit-metrics file."""
    roles = {attribute_for(k, k) for k in raw.keys} | {"wave" for k in raw.keys if is_wave_column(k)}
    if not {"business_unit", "wave"} <= roles or any(is_respondent_id(k) for k in raw.keys):
        return False
    others = [k for k in raw.keys if not is_wave_column(k) and attribute_for(k, k) not in ("business_unit", "division")]
    return bool(others) and all(
        all(parse_number(v.rstrip("%")) is not None for v in profile(raw, k).sample) for k in others)
