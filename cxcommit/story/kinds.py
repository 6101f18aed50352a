"""The kinds of slide the story tells, in its order: the names the command line's ``--slides`` takes.

Light to import (no analysis, no chart), so that the command line's help answers at once;
:func:`cxcommit.story.slides.deck` makes a slide of each kind that has data.
"""
KINDS = ("findings", "commitment", "signs", "variation", "perception_gap", "gap_to_target", "pay", "index_waves",
         "outcomes")
