"""The mapping: which column of an export is which item or grouping, and what its answers mean —
its model and JSON file (``schema``), the suggestion made from an export (``suggest``) and the
dashboard form's model of it (``form``)."""
