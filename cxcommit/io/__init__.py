"""Reading files: an export or a unit-metrics table from CSV, TSV, .xlsx or .zip into a raw table
of text cells, whatever its encoding and vendor layout, within the read limits; what each column
is (personal data, metadata, ids); dates. Nothing here knows a mapping."""
