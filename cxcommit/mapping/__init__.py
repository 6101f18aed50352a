"""The mapping: which column of an export is which item or grouping, and what its answers mean —
its model (``schema``) and JSON file (``mapping_file``, checked field by field with ``json_checks``),
the suggestion made from an export (``suggest``) and the dashboard form's model of it (``form``)."""
