"""Plain-text renderings of import reports and errors, for the command line."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cxcommit.analyses.pay import relation_caveat
from cxcommit.errors import CxcommitError
from cxcommit.io.formats import FORMAT_NAMES
from cxcommit.io.readers import DELIMITER_NAMES
from cxcommit.io.unit_metrics import UnitMetrics
from cxcommit.model.survey import Survey
from cxcommit.privacy.publish import generalised_note
from cxcommit.privacy.suppression import respondents_text
from cxcommit.story.methods_refs import PRIVACY, SIGNIFICANT, cite
from cxcommit.text import p_text, pct, points, shorten
from cxcommit.vocabulary import SHARE_COLUMNS, column_label, grouping_text, waves_text


def _problem_lines(table: pd.DataFrame, limit: int = 40) -> list[str]:
    lines = []
    for record in table.head(limit).itertuples(index=False):
        where = ", ".join(part for part in (
            f"row {record.row}" if not pd.isna(record.row) else "",
            f"column {shorten(record.column, 50)!r}" if isinstance(record.column, str) else "") if part)
        value = f" — value {record.value!r}" if isinstance(record.value, str) else ""
        lines.append(f"  {record.severity}: {where + ': ' if where else ''}{record.problem}{value}")
    if len(table) > limit:
        lines.append(f"  … and {len(table) - limit} more")
    return lines


def describe_error(error: CxcommitError) -> str:
    """What went wrong, what to do, and every problem found, as text."""
    lines = [f"Error: {error.message}"]
    if error.hint:
        lines.append(f"What to do: {error.hint}")
    if error.problems:
        lines.append(f"Problems ({len(error.problems)}):")
        lines += _problem_lines(error.problem_table)
    return "\n".join(lines)


def describe_survey(survey: Survey, detected: bool = True) -> str:
    """The import report of a published survey, as the ``check`` command prints it: what the file
    held, then the items and groupings as published, and what publishing generalised."""
    return "\n".join([*_file_lines(survey, detected), *_item_lines(survey), *_grouping_lines(survey),
                      *_left_out_lines(survey)])


def _file_lines(survey: Survey, detected: bool) -> list[str]:
    """The file, its format and how it was read, the responses kept and excluded, the waves."""
    r, m = survey.report, survey.mapping
    layout = f"{FORMAT_NAMES.get(r.format, r.format)}, {r.header_rows} header row(s){' (detected)' if detected else ''}"
    container = f"Excel sheet {r.sheet!r}" if r.sheet else f"{r.encoding}, {DELIMITER_NAMES.get(r.delimiter, r.delimiter)}-separated"
    lines = [f"File:       {r.source}", f"Format:     {layout}", f"Read as:    {container}",
             f"Responses:  {r.rows_in_file} in the file; {r.rows_kept} kept, {sum(r.excluded.values())} excluded"]
    lines += [f"  excluded: {count} × {reason}" for reason, count in r.excluded.items()]
    lines.append(f"Waves:      {', '.join(r.waves)} — {m.wave.describe()}")
    return lines


def _item_lines(survey: Survey) -> list[str]:
    """Each item: its scale, the column it was read from, its answers, and what to check."""
    lines = [f"Items ({len(survey.items)}):" if survey.items else "Items:      none mapped — no rated question was recognised"]
    by_item = {im.item: im for im in survey.mapping.items}
    for item in survey.items:
        im = by_item[item.id]
        answered = int(survey.responses[item.id].notna().sum())
        lines.append(f"  {item.id:<28} {item.scale.describe():<40} ← {shorten(im.column, 40)!r} ({answered} answer{'s' if answered != 1 else ''})")
        if im.review:
            lines.append(f"  {'':<28} check: {im.review}")
    return lines


def _grouping_lines(survey: Survey) -> list[str]:
    lines = ["Groupings:"]
    for name, source in survey.groupings.items():
        count = survey.responses[name].nunique()
        lines.append(f"  {shorten(name, 40):<40} ← {shorten(source, 40)!r} ({count} value{'s' if count != 1 else ''})")
    return lines


def _left_out_lines(survey: Survey) -> list[str]:
    """What was dropped or not used, notes, small groups and warnings (each part only if any)."""
    r, m = survey.report, survey.mapping
    small = survey.disclosure.summary() if survey.disclosure is not None else None
    parts = [  # (whether the part is said, its heading, its lines)
        (bool(r.personal_dropped), f"Personal data dropped ({len(r.personal_dropped)} columns):",
         [f"  {shorten(k, 50)!r} ({why})" for k, why in r.personal_dropped.items()]),
        (bool(m.ignored), f"Not used ({len(m.ignored)} columns):",
         [f"  {shorten(k, 50)!r}: {why}" for k, why in m.ignored.items()]),
        (bool(r.notes), "Notes:", [f"  {note}" for note in r.notes]),
        (small is not None, "Small groups:", [f"  {line}" for line in small or ()]),
        (bool(r.problems), f"Warnings ({len(r.problems)}):", _problem_lines(r.warnings) if r.problems else []),
    ]
    return [line for said, head, body in parts if said for line in (head, *body)]


def describe_metrics(metrics: UnitMetrics) -> str:
    frame = metrics.frame
    lines = [f"File:       {metrics.source}", "Kind:       unit metrics (business unit × wave)",
             f"Rows:       {len(frame)} — {frame['business_unit'].nunique()} business units, "
             f"{frame['wave'].nunique()} waves ({', '.join(sorted(frame['wave'].unique()))})",
             f"Metrics ({len(metrics.metrics)}):"]
    for name in metrics.metrics:
        values = frame[name]
        lines.append(f"  {name:<28} {int(values.notna().sum())} values, {values.min():g} to {values.max():g}")
    if metrics.headcount:
        lines.append(f"Headcount:  {metrics.headcount} ({int(frame[metrics.headcount].notna().sum())} values): the "
                     "base of participation, respondents / headcount")
    if metrics.problems:
        lines.append(f"Warnings ({len(metrics.problems)}):")
        lines += _problem_lines(metrics.warnings)
    return "\n".join(lines)


def format_summary(table: pd.DataFrame, min_group_size: int) -> str:
    """A summary table as aligned text: shares as percentages, suppressed rows marked.

    >>> import pandas as pd
    >>> row = {"item": "sign_1", "label": "x", "scale": "yes_no", "group": "A", "n": pd.NA, "k": pd.NA,
    ...        "p": pd.NA, "ci_low": pd.NA, "ci_high": pd.NA, "mean": pd.NA, "n_dont_know": pd.NA, "suppressed": True}
    >>> print(format_summary(pd.DataFrame([row]), 5))
      item  scale group n k p ci_low ci_high mean n_dont_know  suppressed
    sign_1 yes_no     A                                       yes (n < 5)
    """
    shown = table.drop(columns=["label"]).astype(object)
    for column in ("p", "ci_low", "ci_high"):
        shown[column] = [("" if pd.isna(v) else f"{v:.1%}") for v in shown[column]]
    shown["mean"] = [("" if pd.isna(v) else f"{v:.2f}") for v in shown["mean"]]
    for column in ("n", "k", "n_dont_know"):
        shown[column] = [("" if pd.isna(v) else str(v)) for v in shown[column]]
    shown["suppressed"] = [f"yes (n < {min_group_size})" if v else "" for v in shown["suppressed"]]
    return shown.to_string(index=False)


_PERCENT_COLUMNS = SHARE_COLUMNS | {"ci_low", "ci_high", "share"}
_P_COLUMNS = {"p_value", "p_adj", "p_holm", "change_prev_p", "change_prev_p_holm", "change_first_p",
              "change_first_p_holm"}


def format_table(table: pd.DataFrame) -> str:
    """Any analysis table as aligned text: shares and differences in percent, p-values rounded,
    empty cells blank.

    >>> print(format_table(pd.DataFrame({"group": ["A"], "p": [0.4567], "p_value": [0.00001], "n": [12]})))
    group     p p_value  n
        A 45.7%  <0.001 12
    """
    shown = table.astype(object).copy()
    percent = _PERCENT_COLUMNS - ({"ci_low", "ci_high"} if "r" in table else set())  # a correlation's interval
    for column in shown.columns:
        values = shown[column]
        if column in percent:
            shown[column] = ["" if pd.isna(v) else f"{float(v):.1%}" for v in values]
        elif column in _P_COLUMNS:
            shown[column] = ["" if pd.isna(v) else "<0.001" if float(v) < 0.001 else f"{float(v):.3f}" for v in values]
        else:
            shown[column] = ["" if (not isinstance(v, (list, tuple)) and pd.isna(v)) else
                             f"{v:.3f}" if isinstance(v, float) else str(v) for v in values]
    return shown.to_string(index=False)


def detail_table(rates_table: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`cxcommit.analyses.rates.rates` as a table to read: item, answers, share with its
    interval, difference to the rest in points with its interval, and whether it is significant
    (adjusted over the breakdown and at least the smallest difference that matters), and the mean
    answer where an item has a scale (no Mean column for yes/no items only). Suppressed rows show no
    number.

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.analyses.rates import rates
    >>> table = rates(load_demo(), "division", items=["sign_7"])
    >>> "Mean" in detail_table(table)
    False
    >>> detail_table(table[table["group"] == "Digital"])[["Item", "Share", "Vs rest", "Its interval"]].iloc[0].tolist()
    ['Executive pay tied to CX', '39%', '+16 points', '+12 to +20 points']
    """
    table = pd.DataFrame([_detail_row(row) for row in rates_table.itertuples(index=False)])
    return table.drop(columns="Mean") if not table.empty and (table["Mean"] == "").all() else table  # yes/no items


def _detail_row(row) -> dict:
    hidden = bool(row.suppressed)
    return {
        "Item": row.label, "Answers": "" if hidden else f"{int(row.n):,}",
        "Share": "" if hidden else pct(row.p),
        "95% interval": "" if hidden or pd.isna(row.ci_low) else f"{row.ci_low:.0%}–{row.ci_high:.0%}",
        "Vs rest": "" if hidden else pct(row.diff, signed=True),
        "Its interval": "" if hidden or pd.isna(row.diff_low) else
        f"{row.diff_low * 100:+.0f} to {row.diff_high * 100:+.0f} points",
        "Significant": "" if hidden or pd.isna(row.p_adj) else ("yes" if row.significant else "no"),
        "Mean": "" if hidden or pd.isna(row.mean) else f"{row.mean:.2f}",
    }


def relations_table(relations: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Rows of :func:`cxcommit.analyses.pay.pay_relations` as a table to read: the two measures in words,
    r (each unit weighted by its respondents) with its interval, the p-value before and after Holm's
    adjustment over the relations, how many units the correlation rests on, and what may not be
    read off it (:func:`cxcommit.analyses.pay.relation_caveat`; empty where it holds).

    >>> from cxcommit.demo import load_demo, load_demo_metrics
    >>> from cxcommit.analyses.pay import pay_relations
    >>> relations_table(pay_relations(load_demo(), load_demo_metrics())).iloc[0].astype(str).tolist()
    ['Executive incentive tied to CX (%)', 'Share saying executive pay is tied to CX', '0.97', '0.93 to 0.98', 'p < 0.001', 'p < 0.001', '29', '']
    """
    return pd.DataFrame({
        "Measure": [column_label(x) for x in relations["x"]],
        "Goes with": [column_label(y) for y in relations["y"]],
        "Correlation (r)": [f"{r:.2f}" if pd.notna(r) else "" for r in relations["r"]],
        f"{confidence:.0%} interval": [f"{lo:.2f} to {hi:.2f}" if pd.notna(lo) else ""
                                       for lo, hi in zip(relations["ci_low"], relations["ci_high"])],
        "p-value": [p_text(p) for p in relations["p_value"]],
        "Adjusted (Holm)": [p_text(p) for p in relations["p_holm"]],
        "Units": relations["n"].astype("Int64"),
        "Caveat": [caveat[:1].upper() + caveat[1:] for caveat in
                   (relation_caveat(row, confidence) for _, row in relations.iterrows())],
    })


@dataclass(frozen=True)
class View:
    """What a chart, a deck or a report reflects: the data's waves, the filters (grouping and values,
    in the order given), the respondents (as the privacy rules allow:
    :func:`cxcommit.privacy.suppression.respondents_text`), the minimum group size, and what is
    reported within "Other …" groups. Said on a page in one line (:meth:`caption`), in a deck or a
    report one line each (:meth:`lines`)."""

    waves: tuple[str, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    respondents: str
    minimum: int
    note: str = ""
    tests: str = ""  # responses kept that are test/preview ones (:attr:`ImportReport.tests_note`), said first

    @property
    def chosen_waves(self) -> tuple[str, ...]:
        return dict(self.filters).get("wave", ())

    def lines(self, source: str) -> tuple[str, ...]:
        """The data, the waves, the other filters, the respondents and the minimum, a line each."""
        waves = "Waves: " + ", ".join(self.chosen_waves) if self.chosen_waves else waves_text(self.waves)
        filters = [f"{_first_up(grouping_text(name))}: {', '.join(values)}" for name, values in self.filters
                   if name != "wave" and values]
        hidden = f"Groups under {self.minimum} answers hidden"
        return (source, *([self.tests] if self.tests else []), waves, "; ".join(filters) or "All respondents, no filter",
                f"{self.respondents} respondents",
                hidden + (f". {self.note}" if self.note else ""),  # the note may open with a question: as written
                *([self.rest] if self.rest else []))

    @property
    def rest(self) -> str:
        """Under a filter other than the waves: what "the rest" a group is compared with is (the rest
        of the filtered view, not the whole organisation); empty without one."""
        if not any(values for name, values in self.filters if name != "wave"):
            return ""
        return "“difference to the rest” compares with the rest of this filtered view, not with all respondents"

    def caption(self, source: str | None, label: Callable[[str], str]) -> str:
        """One line for under a chart: the data (``source``, if named), each filter by its ``label``,
        the waves unless filtered, the respondents, the minimum and where small groups are."""
        parts = ([source] if source else []) + ([self.tests] if self.tests else [])
        parts += [f"{label(name)}: {', '.join(values)}" for name, values in self.filters if values]
        if not self.chosen_waves:
            parts.append(waves_text(self.waves))
        parts += [f"{self.respondents} respondents", f"groups under {self.minimum} answers hidden"]
        if self.note:
            parts.append(self.note + " (see Data)")
        if self.rest:
            parts.append(self.rest)
        return " · ".join(parts)


def view_of(survey: Survey, settings, filters: dict | None = None) -> View:
    """What ``survey`` (published, perhaps filtered) reflects; ``filters``: the filters in the order
    to name them (default: those the survey was filtered by).

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.settings import Settings
    >>> view = view_of(load_demo().filter(division="Digital"), Settings())
    >>> view.caption("Demo data", str.capitalize)[:69]
    'Demo data · Division: Digital · Waves: all (2025-Q2 to 2026-Q3) · 771'
    """
    chosen = dict(survey.filters) if filters is None else filters
    report = (survey.base or survey).report
    return View(tuple(report.waves), tuple((name, tuple(values)) for name, values in chosen.items()),
                respondents_text(survey.size, settings.min_group_size), settings.min_group_size,
                generalised_note(survey) or "", report.tests_note)


def view_lines(survey: Survey, settings, source: str) -> tuple[str, ...]:
    """What a deck or report reflects, one line each (:meth:`View.lines`).

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.settings import Settings
    >>> lines = view_lines(load_demo().filter(division="Digital"), Settings(), "Demo data")
    >>> lines[:4]
    ('Demo data', 'Waves: all (2025-Q2 to 2026-Q3)', 'Division: Digital', '771 respondents')
    >>> lines[4]
    'Groups under 5 answers hidden. Roles or regions with fewer than 5 people in a wave are reported within “Other …” groups'
    """
    return view_of(survey, settings).lines(source)


# How a family of tests is adjusted (docs/methods.md, "What 'significant' means"): the screen of a
# breakdown (every item × every group, whatever is shown) by Benjamini–Hochberg, the statements a
# finding or a slide title makes by Holm.
FAMILIES = {"screen": ("Marked", "differs from the rest", "Benjamini–Hochberg"),
            "statements": ("Stated", "holds", "Holm")}


def points_text(difference: float) -> str:
    """A difference of shares in percentage points, as a setting says it.

    >>> points_text(0.05), points_text(0.025), points_text(0.01)
    ('5 points', '2.5 points', '1 point')
    """
    return points(difference, short=False, exact=True)


def family_size(table: pd.DataFrame) -> int:
    """The tests in the family ``table``'s p-values were adjusted in: its ``n_tests`` (a rates table
    counts every tested item × group of its breakdown, whatever rows it holds), else its rows with a
    p-value (a hidden cell is not tested)."""
    if "n_tests" in table and len(table):
        return int(table["n_tests"].max())
    return int(table["p_value"].notna().sum()) if "p_value" in table else 0


def significance_line(settings, tests: int, family: str = "screen") -> str:
    """One plain line for where a chart or a table marks significance: the family of ``tests`` it
    was adjusted in, how (:data:`FAMILIES`) and the smallest difference that matters
    (``settings.min_difference``). A difference is significant only when it is both.

    >>> from cxcommit.settings import Settings
    >>> significance_line(Settings(), 240)
    'Marked: differs from the rest after adjusting for the 240 comparisons of this breakdown (Benjamini–Hochberg) and by at least 5 points.'
    >>> significance_line(Settings(min_difference=0), 1, "statements")
    'Stated: holds after adjusting for the 1 comparison of this breakdown (Holm); no smallest difference set.'
    """
    word, claim, method = FAMILIES[family]
    size = (f" and by at least {points_text(settings.min_difference)}" if settings.min_difference > 0
            else "; no smallest difference set")
    return (f"{word}: {claim} after adjusting for the {tests:,} comparison{'' if tests == 1 else 's'} of this "
            f"breakdown ({method}){size}.")


def significance_meaning(settings) -> str:
    """What "significant" means in every table, in one line (docs/methods.md, "What significant means").

    >>> from cxcommit.settings import Settings
    >>> significance_meaning(Settings())
    'Significant: holds after adjusting for every comparison of its breakdown (Benjamini–Hochberg for differences to the rest; Holm for perception gaps, changes over time, findings and slide titles) and at least 5 points.'
    """
    size = (f" and at least {points_text(settings.min_difference)}" if settings.min_difference > 0
            else "; no smallest difference set")
    return ("Significant: holds after adjusting for every comparison of its breakdown (Benjamini–Hochberg for "
            f"differences to the rest; Holm for perception gaps, changes over time, findings and slide titles){size}.")


def workbook_notes(survey: Survey, settings, source: str) -> tuple[str, ...]:
    """The notes a workbook of tables opens with: what they reflect (:func:`view_lines`, with what
    "the rest" is under a filter), what "significant" means, and where the methods are explained.

    >>> from cxcommit.demo import load_demo
    >>> from cxcommit.settings import Settings
    >>> workbook_notes(load_demo().filter(division="Digital"), Settings(), "Demo data")[5:]  # doctest: +ELLIPSIS
    ('“difference to the rest” compares with the rest of this filtered view, ...', 'Significant: ...', 'Methods: docs/methods.md §What significant means.', ...)
    """
    return (*view_lines(survey, settings, source), significance_meaning(settings), cite(SIGNIFICANT),
            "Hidden groups (too few answers) have no numbers and are not tested. " + cite(PRIVACY))


def _first_up(text: str) -> str:
    """``text`` with its first letter a capital and the rest as written (a question keeps its "R").

    >>> _first_up("how would you rate your level of experience using R?")
    'How would you rate your level of experience using R?'
    """
    return text[:1].upper() + text[1:]
