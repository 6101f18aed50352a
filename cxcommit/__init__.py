"""cxcommit: how committed an organisation's executives are to customer experience.

Public API: read an export (:func:`load_survey`), suggest or load a mapping, summarise items by
group (:func:`item_summary`), read unit metrics, and the demo data. Each name is imported from its
module when first used, so that ``import cxcommit`` (and the command line's ``--help``) stays cheap.

The packages, from the ground up (each imports only those below it; ``tests/test_conventions.py``
checks the order): ``errors``, ``text``, ``stats``, ``settings``, ``instrument``, ``io``,
``mapping``, ``model``, ``privacy``, ``demo``, ``analyses``, ``charts``, ``story``, ``export``,
``cli``.
"""
from __future__ import annotations

import importlib

_HOMES = {  # public name -> the module that defines it
    "CxcommitError": "cxcommit.errors", "DataValidationError": "cxcommit.errors", "FileReadError": "cxcommit.errors",
    "MappingError": "cxcommit.errors", "NotApplicable": "cxcommit.errors", "Problem": "cxcommit.errors",
    "SettingsError": "cxcommit.errors",
    "SETTINGS": "cxcommit.settings", "Settings": "cxcommit.settings",
    "SIGN_IDS": "cxcommit.instrument.items", "Item": "cxcommit.instrument.items",
    "built_in_items": "cxcommit.instrument.items",
    "RawTable": "cxcommit.io.readers", "read_raw": "cxcommit.io.readers",
    "UnitMetrics": "cxcommit.io.unit_metrics", "read_unit_metrics": "cxcommit.io.unit_metrics",
    "ItemMapping": "cxcommit.mapping.schema", "Mapping": "cxcommit.mapping.schema",
    "WaveRule": "cxcommit.mapping.schema", "load_mapping": "cxcommit.mapping.mapping_file",
    "mapping_from_dict": "cxcommit.mapping.mapping_file",
    "suggest_mapping": "cxcommit.mapping.suggest",
    "ImportReport": "cxcommit.model.survey", "Survey": "cxcommit.model.survey",
    "apply_mapping": "cxcommit.model.importer",
    "load_survey": "cxcommit.privacy.load",
    "load_demo": "cxcommit.demo", "load_demo_metrics": "cxcommit.demo", "write_demo": "cxcommit.demo",
    "SUMMARY_COLUMNS": "cxcommit.analyses.summary", "item_summary": "cxcommit.analyses.summary",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    """A public name, imported from its module the first time it is asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module 'cxcommit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value  # asked for once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
