"""How every chart is drawn and what it may show: one frozen options object."""
from __future__ import annotations

from dataclasses import dataclass

from cxcommit.settings import Settings


@dataclass(frozen=True)
class ChartOptions:
    """What every chart takes besides its table.

    ``min_group_size``: a suppressed row is drawn as ``n<min_group_size``; ``confidence``: the level
    the intervals in the table were computed at (for the hover and subtitle); ``presentation``:
    larger fonts and rows, for a projector; ``dark``: light text on a transparent background (see
    :func:`cxcommit.charts.theme.apply_theme`); ``min_difference``: the smallest difference between
    two shares that matters (the setting), for the legends that say what a marked difference is.
    """

    min_group_size: int = 5
    confidence: float = 0.95
    presentation: bool = False
    dark: bool = False
    min_difference: float = 0.05

    @classmethod
    def from_settings(cls, settings: Settings, *, presentation: bool = False, dark: bool = False) -> ChartOptions:
        """The options for charts of tables computed with ``settings``."""
        return cls(settings.min_group_size, settings.confidence, presentation, dark, settings.min_difference)
