"""Loading an export as publishable data: read, map (the suggested mapping if none is given), import,
publish. The one way from a file to a survey an analysis takes."""
from __future__ import annotations

from pathlib import Path

from cxcommit.io.readers import RawTable, read_raw
from cxcommit.mapping.schema import Mapping
from cxcommit.mapping.suggest import suggest_mapping
from cxcommit.model.importer import apply_mapping
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import publish
from cxcommit.settings import Settings


def load_survey(source: str | Path | bytes, *, mapping: Mapping | None = None, fmt: str | None = None,
                sheet: str | None = None, settings: Settings = Settings(), name: str | None = None) -> Survey:
    """Read an export and apply a mapping (the suggested one if none is given).

    Returns the publishable survey for ``settings.min_group_size`` (:func:`cxcommit.privacy.publish.publish`),
    the only kind an analysis takes. Raises :class:`~cxcommit.errors.CxcommitError` subclasses with
    every problem at once.
    """
    fmt = fmt or (mapping.format if mapping else "auto")
    raw = read_raw(source, name, fmt=fmt, sheet=sheet, lean=settings.drop_personal_data)
    return published_survey(raw, mapping, settings)


def published_survey(raw: RawTable, mapping: Mapping | None = None, settings: Settings = Settings()) -> Survey:
    """A raw table imported with ``mapping`` (the suggested one if none is given) and published for
    ``settings.min_group_size``. The raw table's cells are let go once imported (the import holds
    what it needs): publishing makes a second copy of the responses, and at 10 million rows the
    cells as read were a sixth of the peak."""
    imported = apply_mapping(raw, mapping or suggest_mapping(raw), settings)
    raw.replace_table(raw.table.slice(0, 0))
    return publish(imported, settings.min_group_size)
