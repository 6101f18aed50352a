"""Reading files: an export or a unit-metrics table from CSV, TSV, .xlsx or .zip into a raw table
of text cells, whatever its encoding and vendor layout, within the read limits; what each column
is (personal data, metadata, ids); dates. Nothing here knows a mapping.

``readers`` is the entry point (:func:`~cxcommit.io.readers.read_raw`): it tells containers apart
and hands text to ``text_export`` (with ``delimiters``, ``csv_parse`` and ``text_damage``) and
workbooks to ``workbooks`` (cells streamed by ``worksheets``); each returns a ``raw_table``, checked
against the limits by ``read_checks``. ``columns`` names a column's role from its name; ``personal``
(with ``person_names``) says whether it holds personal data."""
