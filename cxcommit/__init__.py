"""cxcommit: how committed an organisation's executives are to customer experience.

Public API: read an export (:func:`load_survey`), suggest or load a mapping, summarise items by
group (:func:`item_summary`), read unit metrics, and the demo data.
"""
from cxcommit.demo import load_demo, load_demo_metrics, write_demo
from cxcommit.errors import CxcommitError, DataValidationError, FileReadError, MappingError, Problem, SettingsError
from cxcommit.importer import apply_mapping, load_survey
from cxcommit.instrument import SIGN_IDS, Item, built_in_items
from cxcommit.mapping import ItemMapping, Mapping, WaveRule, load_mapping, mapping_from_dict
from cxcommit.readers import RawTable, read_raw
from cxcommit.settings import SETTINGS, Settings
from cxcommit.suggest import suggest_mapping
from cxcommit.summary import SUMMARY_COLUMNS, item_summary
from cxcommit.survey import ImportReport, Survey
from cxcommit.unit_metrics import UnitMetrics, read_unit_metrics

__all__ = [
    "CxcommitError", "DataValidationError", "FileReadError", "ImportReport", "Item", "ItemMapping", "Mapping",
    "MappingError", "Problem", "RawTable", "SETTINGS", "SIGN_IDS", "SUMMARY_COLUMNS", "Settings", "SettingsError",
    "Survey", "UnitMetrics", "WaveRule", "apply_mapping", "built_in_items", "item_summary", "load_demo",
    "load_demo_metrics", "load_mapping", "load_survey", "mapping_from_dict", "read_raw", "read_unit_metrics",
    "suggest_mapping", "write_demo",
]
