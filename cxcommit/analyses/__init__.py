"""The analyses: tidy tables from a published survey — counting by group (``groups``), rates,
the commitment index, variation, gaps, trends, pay alignment, findings and the item summary."""
