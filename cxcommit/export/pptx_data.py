"""Chart data for the deck's native charts that stays text in the chart's embedded workbook: the
workbook PowerPoint opens to edit a chart's numbers never holds a formula or a link made from a
unit's or question's name."""
from __future__ import annotations

from contextlib import contextmanager

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from pptx.util import lazyproperty
from xlsxwriter import Workbook


class _TextOnly:
    """A python-pptx chart workbook writer whose workbook writes text as text. python-pptx writes
    each category and series name with XlsxWriter's ``write()``, which by default stores text
    starting with ``=`` as a live formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``) and text
    like ``http://…`` as a link, in the workbook PowerPoint opens to edit the chart's data."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):  # python-pptx's own, with the two options turned off
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _CategoryWriter(_TextOnly, CategoryWorkbookWriter):
    pass


class _XyWriter(_TextOnly, XyWorkbookWriter):
    pass


class CategoryData(CategoryChartData):
    """Chart data whose categories and series names go into the chart's workbook as text."""

    @lazyproperty
    def _workbook_writer(self):
        return _CategoryWriter(self)


class XyData(XyChartData):
    """Chart data whose series names go into the chart's workbook as text."""

    @lazyproperty
    def _workbook_writer(self):
        return _XyWriter(self)
