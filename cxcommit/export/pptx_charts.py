"""The deck's native charts: each slide kind's library table as a PowerPoint chart whose data can
be edited (the signs × groups heatmap as a table with coloured cells). A hidden (suppressed) group
appears by name with no value."""
from __future__ import annotations

import pandas as pd

from cxcommit.export.pptx_bars import commitment, gap_to_target, perception_gap, variation
from cxcommit.export.pptx_cover import Cover
from cxcommit.export.pptx_heatmap import signs
from cxcommit.export.pptx_lines import index_waves, outcomes, pay
from cxcommit.export.pptx_style import INK, rgb

__all__ = ["DRAW", "INK", "draw", "rgb"]

DRAW = {"commitment": commitment, "signs": signs, "variation": variation, "perception_gap": perception_gap,
        "gap_to_target": gap_to_target, "pay": pay, "index_waves": index_waves}


def draw(page, kind: str, table: pd.DataFrame, minimum: int, cover: Cover, box: tuple, columns: tuple[str, ...] = ()):
    """The native chart of a slide of ``kind`` on ``page`` in ``box``; the scatter of outcomes plots ``columns``."""
    if kind == "outcomes":
        return outcomes(page, table, minimum, cover, box, columns)
    return DRAW[kind](page, table, minimum, cover, box)
