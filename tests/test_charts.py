"""Charts, tested by their data (not pixels): what each figure plots equals the library table it was given."""
import ast
import html
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, strategies as st
from conftest import REALDATA, ROOT

from cxcommit import charts
from cxcommit.text import points
from cxcommit.charts import ChartOptions
from cxcommit.analyses.commitment import commitment_index, index_over_waves
from cxcommit.analyses.gaps import gap_to_best, gap_to_target, perception_gap
from cxcommit.analyses.pay import pay_alignment, pay_relations, unit_fit, unit_table
from cxcommit.analyses.rates import rated_items, rates
from cxcommit.analyses.trends import trends
from cxcommit.analyses.variation import variation
from cxcommit.demo import load_demo, load_demo_metrics
from cxcommit.errors import SettingsError
from cxcommit.instrument.items import SIGN_IDS
from cxcommit.settings import Settings

BIG = Settings(min_group_size=150, dont_know="missing")  # with load_demo(150): units pooled into "Other units …"; "don't know" out of the base leaves some cells under 150 yes/no answers, hidden (e.g. "Other units of Commercial Banking": 151 answered sign 4, 143 of them yes/no; 152 and 135 on sign 7)


def numbers(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@pytest.fixture(scope="module")
def figures(demo):
    """Every chart on the demo data, by name."""
    metrics = load_demo_metrics()
    units = unit_table(demo, metrics)
    return {
        "signs_heatmap": charts.signs_heatmap(rates(demo, "business_unit")),
        "commitment_chart": charts.commitment_chart(commitment_index(demo, "division")),
        "variation_chart": charts.variation_chart(variation(demo, "business_unit")),
        "spread_chart": charts.spread_chart(rates(demo, "business_unit"), overall=rates(demo)),
        "gap_dumbbell": charts.gap_dumbbell(perception_gap(demo, "division")),
        "gap_bars": charts.gap_bars(gap_to_target(demo, "division", items=["sign_7"])),
        "best_group_chart": charts.best_group_chart(gap_to_best(demo, "business_unit")),
        "trend_chart": charts.trend_chart(trends(demo, "division", items=["sign_7"])),
        "pay_trend_chart": charts.pay_trend_chart(pay_alignment(demo, metrics)),
        "pay_scatter": charts.pay_scatter(units, x="exec_incentive_cx_pct", y="customer_nps",
                                          fit=unit_fit(units, "exec_incentive_cx_pct", "customer_nps")),
        "index_trend_chart": charts.index_trend_chart(index_over_waves(demo, "division")),
    }


def test_every_chart_function_is_covered_and_returns_a_titled_figure(figures):
    assert set(figures) == set(charts.__all__)
    for name, fig in figures.items():
        assert isinstance(fig, go.Figure), name
        assert fig.layout.title.text, name
        assert fig.layout.height and fig.layout.height > 300, name


def test_heatmap_colour_is_the_diff_pivot_and_text_the_share(demo):
    table = rates(demo, "business_unit", items=["sign_1", "sign_7"])
    fig = charts.signs_heatmap(table, sort="name", values=True, transpose=False)  # 36 columns, forced across
    cells = fig.data[0]
    pivot = table.pivot(index="label", columns="group", values="diff").astype(float)
    names, labels = [html.unescape(x) for x in cells.x], [html.unescape(y) for y in cells.y]  # drawn as text
    assert "Data &amp; Analytics" in cells.x and names == sorted(set(table["group"]), key=str)
    expected = pivot.reindex(index=labels, columns=names).to_numpy()
    np.testing.assert_allclose(np.asarray(cells.z, dtype=float), expected)
    shares = table.pivot(index="label", columns="group", values="p").reindex(index=labels, columns=names)
    row, col = 0, list(cells.x).index("Mobile App")
    assert cell_text(fig, row, col) in (f"{shares.iat[row, col]:.0%}", f"● {shares.iat[row, col]:.0%}")
    assert cells.customdata[row][col] == ["Mobile App", "sign_1"]
    clicks = fig.data[-1]  # the invisible markers a click selects (heatmap cells cannot be selected)
    assert clicks.type == "scatter" and len(clicks.x) == len(table)
    at = list(zip(clicks.x, clicks.y)).index(("Mobile App", cells.y[0]))
    assert list(clicks.customdata[at]) == ["Mobile App", "sign_1"]
    assert "Mobile App" in clicks.hovertext[at] and f"{shares.iat[row, col]:.0%}" in clicks.hovertext[at]
    assert "Difference to the rest" in clicks.hovertext[at] and "95% interval" in clicks.hovertext[at]


def cell_text(fig, row: int, col: int) -> str:
    """What a heatmap cell says: its number, from the muted layer or the marked one (never both)."""
    muted, marked = fig.data[0].text[row][col], fig.data[1].text[row][col]
    assert not (muted and marked)
    return muted or marked


@pytest.mark.parametrize("values", [True, False])
def test_heatmap_marks_exactly_the_cells_that_differ_from_the_rest(demo, values):
    """A cell is marked (●, full colour) exactly where rates says it differs from the rest; every other
    shown cell is muted. Retail Banking's units in 2026-Q3 (about 30 answers each): strong colours
    before, and none that says more than the table does."""
    for table in (rates(demo, "division"), rates(demo.filter(division=["Retail Banking"], wave=["2026-Q3"]),
                                                 "business_unit")):
        fig = charts.signs_heatmap(table, sort="name", values=values)
        muted, marked = fig.data[0], fig.data[1]
        assert muted.name == "Share" and marked.name == "Differs from the rest"
        names, labels = [html.unescape(x) for x in muted.x], [html.unescape(y) for y in muted.y]
        significant = table.pivot(index="label", columns="group", values="significant").reindex(
            index=labels, columns=names).fillna(False).astype(bool).to_numpy()
        significant = significant & ~table.pivot(index="label", columns="group", values="suppressed").reindex(
            index=labels, columns=names).fillna(True).astype(bool).to_numpy()
        z = np.asarray(muted.z, dtype=float)
        drawn = np.isfinite(np.asarray(marked.z, dtype=float))
        np.testing.assert_array_equal(drawn, significant & np.isfinite(z))  # full colour on exactly these
        np.testing.assert_allclose(np.asarray(marked.z, dtype=float)[drawn], z[drawn])  # on the same scale
        has_mark = np.array([[text.startswith("●") for text in line] for line in marked.text])
        np.testing.assert_array_equal(has_mark, significant)
        assert not any("●" in text for line in muted.text for text in line)
        # the colour bar: the full colours where a cell is marked, else the muted ones the cells are drawn in
        assert (marked.showscale, muted.showscale) == ((True, False) if significant.any() else (False, True))
        assert muted.colorscale != marked.colorscale and (muted.zmin, muted.zmax) == (marked.zmin, marked.zmax)
        assert "● differs from the rest: adjusted for the number of tests and at least 5 points" in \
            fig.layout.title.subtitle.text
    assert 0 < significant.sum() < significant.size // 2  # some marked in a small division, most not


def test_a_heatmap_with_no_cell_beyond_chance_still_shows_its_colour_scale(demo):
    """No cell marked (as on surveys where no region stands out): the colour bar shows the muted
    colours the cells are drawn in, so a reader still knows what the colour means."""
    table = rates(demo, "division").assign(significant=False)
    fig = charts.signs_heatmap(table)
    muted, marked = fig.data[0], fig.data[1]
    assert muted.showscale is True and marked.showscale is False
    assert "points" in muted.colorbar.title.text and list(muted.colorbar.tickvals)


@pytest.mark.parametrize("filters", [{}, {"wave": ["2026-Q3"]}, {"division": ["Retail Banking"], "wave": ["2026-Q3"]}])
def test_the_variation_lines_never_contradict_the_heatmap(demo, filters):
    """Where the test of all units together finds nothing beyond chance, a unit the heatmap marks on
    that item is named; "do not single out a unit" is said only where the heatmap marks none."""
    from cxcommit.analyses.variation import explain, variation
    from cxcommit.story.takeaways import marked_groups

    survey = demo.filter(**filters) if filters else demo
    spread, table = variation(survey, "business_unit"), rates(survey, "business_unit")
    marks = marked_groups(table)
    clashes = 0
    for row in spread.to_dict("records"):
        marked = table[(table["item"] == row["item"]) & table["significant"].fillna(False).astype(bool)]
        line = explain(row, 0.95, "units", marks.get(row["item"], ""))
        if not row["significant"]:
            assert ("do not single out a unit" in line) == marked.empty
            assert all(group in line for group in marked["group"].head(2))
            clashes += not marked.empty
    assert clashes == (2 if filters == {"wave": ["2026-Q3"]} else 0)  # e.g. Procurement on sign 8 in 2026-Q3


def test_the_muted_colours_are_paler_than_the_full_ones():
    from plotly.colors import hex_to_rgb, unlabel_rgb

    from cxcommit.charts.theme import DIVERGING, muted

    for (_, full), (_, pale) in zip(DIVERGING, muted(DIVERGING)):
        full, pale = np.array(hex_to_rgb(full)), np.array(unlabel_rgb(pale))
        assert np.abs(pale - 247).max() <= np.abs(full - 247).max() * 0.3 + 1  # nearer the light neutral


def test_heatmap_sort_orders():
    table = rates(load_demo(150), "business_unit", items=["sign_4", "sign_7"], settings=BIG)  # see BIG
    shown = table[~table["suppressed"]]
    hidden_everywhere = set(table["group"]) - set(shown["group"])
    by_name = list(charts.signs_heatmap(table, sort="name", options=ChartOptions(min_group_size=150)).data[0].x)
    by_size = list(charts.signs_heatmap(table, sort="size", options=ChartOptions(min_group_size=150)).data[0].x)
    by_score = list(charts.signs_heatmap(table, sort="score", options=ChartOptions(min_group_size=150)).data[0].x)
    assert by_name == sorted(by_name)
    assert hidden_everywhere and set(by_size[-len(hidden_everywhere):]) == hidden_everywhere
    size = shown.groupby("group")["n"].max()
    assert list(size.loc[by_size[:len(size)]]) == sorted(size, reverse=True)
    score = shown.groupby("group")["p"].mean()
    assert list(score.loc[by_score[:len(score)]]) == sorted(score, reverse=True)
    given = table.iloc[::-1]  # a page of a heatmap told across slides: the groups as the table gives them
    by_table = list(charts.signs_heatmap(given, sort="table", options=ChartOptions(min_group_size=150)).data[0].x)
    assert by_table == list(dict.fromkeys(given["group"]))
    with pytest.raises(SettingsError, match="Unknown sort 'best' for signs_heatmap") as error:
        charts.signs_heatmap(table, sort="best")
    assert error.value.hint == "Use one of: score, size, name, table."


def hover_strings(fig: go.Figure) -> list[str]:
    strings = []
    for trace in fig.data:
        for values in (getattr(trace, "hovertext", None), getattr(trace, "text", None)):
            if values is not None and not isinstance(values, str):
                strings += [v for v in np.ravel(np.asarray(values, dtype=object)) if isinstance(v, str)]
    return strings


@pytest.fixture(scope="module")
def suppressed_figures():
    """(table, figure, minimum group size) of tables in which a large minimum hides many groups."""
    big = load_demo(150)
    units = rates(big, "business_unit", settings=BIG)
    index = commitment_index(big, "business_unit", settings=BIG)
    best = gap_to_best(big, "business_unit", items=["sign_5"], settings=BIG)
    gaps = perception_gap(big, "division", settings=BIG)
    moves = trends(big, "business_unit", items=["sign_1"], settings=BIG)
    waves = index_over_waves(load_demo(130), "division", settings=Settings(min_group_size=130))
    pay = pay_alignment(load_demo(30), load_demo_metrics(), "business_unit", settings=Settings(min_group_size=30))
    return [(pay, charts.pay_trend_chart(pay, options=ChartOptions(min_group_size=30)), 30),
            (units, charts.signs_heatmap(units, options=ChartOptions(min_group_size=150)), 150),
            (units, charts.spread_chart(units, options=ChartOptions(min_group_size=150)), 150),
            (index, charts.commitment_chart(index, options=ChartOptions(min_group_size=150)), 150),
            (best, charts.gap_bars(best, options=ChartOptions(min_group_size=150)), 150),
            (gaps, charts.gap_dumbbell(gaps, options=ChartOptions(min_group_size=150)), 150),
            (moves, charts.trend_chart(moves, options=ChartOptions(min_group_size=150)), 150),
            (waves, charts.index_trend_chart(waves, options=ChartOptions(min_group_size=130)), 130)]


def test_suppressed_groups_show_no_number_anywhere(suppressed_figures):
    for table, fig, minimum in suppressed_figures:
        hidden = set(table.loc[table["suppressed"], "group"])
        assert hidden, fig.layout.title.text
        for trace in fig.data:  # custom data carries names only, never a number
            if trace.customdata is not None:
                assert all(isinstance(v, str) for v in np.ravel(np.asarray(trace.customdata, dtype=object)))
        for text in hover_strings(fig):
            assert text != "hidden" and "subtraction" not in text  # no group is hidden to protect another
            if "Hidden" in text or text.startswith("n<"):
                without_name = re.sub(r"<b>.*?</b>", "", text)  # the group's name and wave may hold digits
                assert set(re.findall(r"\d+", without_name)) <= {str(minimum)}, text
        shown_groups = set(table.loc[~table["suppressed"], "group"])
        for group in hidden - shown_groups:  # a group hidden everywhere appears only as hidden
            about = [t for t in hover_strings(fig) if t.startswith(f"<b>{group}")]
            assert all("Hidden" in t for t in about), (group, about)


def test_a_hidden_wave_breaks_both_pay_lines(suppressed_figures):
    pay, fig, _ = suppressed_figures[0]
    for name, rows in pay.groupby("group"):
        lines = [t for t in fig.data if t.legendgroup == name]
        assert len(lines) == 2  # sign 7 and incentive share
        for line in lines:
            assert np.isnan(numbers(line.y)[rows["suppressed"].to_numpy()]).all()


def test_heatmap_draws_suppressed_cells_grey_without_numbers():
    survey = load_demo(150)
    table = rates(survey, "business_unit", items=["sign_4"], settings=BIG)  # see BIG
    yes_no = survey.frame["sign_4"].isin([0, 1]).groupby(survey.frame["business_unit"].astype(str)).sum()
    assert set(table.loc[table["suppressed"], "group"]) == set(yes_no.index[yes_no < 150]) != set()
    assert not table["suppressed"].all()
    cells, marked, hidden, clicks = charts.signs_heatmap(table, options=ChartOptions(min_group_size=150)).data
    reason = dict(zip(table["group"], table["suppression"]))
    assert set(table["suppression"].dropna()) == {"small"}  # the only reason left: no group is hidden for another
    assert set(np.ravel(np.asarray(hidden.text, dtype=object))) <= {"", "n<150"}  # no other label, e.g. "hidden"
    hover = dict(zip(clicks.x, clicks.hovertext))
    for col, group in enumerate(cells.x):
        if reason[group] == "small":
            assert np.isnan(cells.z[0][col]) and cells.text[0][col] == "" == marked.text[0][col]
            assert hidden.z[0][col] == 1 and hidden.text[0][col] == "n<150"
            assert "fewer than 150 answers" in hover[group] and "n =" not in hover[group]
            assert set(re.findall(r"\d+", re.sub(r"<b>.*?</b>", "", hover[group]))) == {"150"}
        else:
            assert np.isnan(hidden.z[0][col]) and hidden.text[0][col] == ""


def test_dumbbell_plots_leaders_and_staff_shares(demo):
    table = perception_gap(demo, None)
    fig = charts.gap_dumbbell(table)
    leaders, staff = (next(t for t in fig.data if t.name == name) for name in ("Executives", "Staff"))
    for trace, column in ((leaders, "p_leaders"), (staff, "p_staff")):
        by_label = dict(zip(table["label"], table[column].astype(float)))
        np.testing.assert_allclose(numbers(trace.x), [by_label[label] for label in trace.y])
    one = charts.gap_dumbbell(perception_gap(demo, "business_unit"), group="Claims")
    assert one.layout.title.text.endswith("— Claims")
    with pytest.raises(SettingsError, match="no group 'Nowhere'"):
        charts.gap_dumbbell(table, group="Nowhere")


def test_a_dumbbell_with_no_one_to_compare_says_so():
    survey = load_demo(130)  # published for 130, every role is "Other roles": no executives, no employees
    assert set(survey.frame["role"].astype(str)) == {"Other roles"}
    table = perception_gap(survey, None, settings=Settings(min_group_size=130))
    assert table.empty
    with pytest.raises(SettingsError, match="nobody to compare") as error:
        charts.gap_dumbbell(table, options=ChartOptions(min_group_size=130))
    assert "smaller minimum" in error.value.hint


def test_scatter_states_the_library_correlation(demo):
    import statsmodels.api as sm
    from statsmodels.stats.weightstats import DescrStatsW

    metrics = load_demo_metrics()
    units = unit_table(demo, metrics)
    relations = pay_relations(demo, metrics)
    fit = unit_fit(units, "exec_incentive_cx_pct", "mean_signs", relations=relations)
    fig = charts.pay_scatter(units, x="exec_incentive_cx_pct", y="mean_signs", fit=fit)
    both = units[["exec_incentive_cx_pct", "mean_signs", "respondents"]].dropna()  # "Other units …": no metrics
    weights = both["respondents"].to_numpy(float)
    # statsmodels: DescrStatsW(np.column_stack([x, y]), weights=respondents).corrcoef[0, 1]
    expected = DescrStatsW(both[["exec_incentive_cx_pct", "mean_signs"]].to_numpy(float), weights=weights).corrcoef[0, 1]
    relation = relations.query("x == 'exec_incentive_cx_pct' and y == 'mean_signs'").iloc[0]
    assert fig.layout.meta["r"] == pytest.approx(expected) == pytest.approx(relation["r"])
    assert fig.layout.meta["p_holm"] == pytest.approx(relation["p_holm"])
    assert fig.layout.meta["n"] == relation["n"] == len(fig.data[0].x) == len(both)
    assert f"r = {expected:.2f} (95% interval {relation['ci_low']:.2f} to {relation['ci_high']:.2f}), " \
           f"n = {len(both)} units weighted by answers" in fig.layout.title.subtitle.text
    assert "too few" not in fig.layout.title.subtitle.text and "chance" not in fig.layout.title.subtitle.text
    # statsmodels.api.WLS(y, add_constant(x), weights=respondents).fit().params: the line weighted as r is
    intercept, slope = sm.WLS(both["mean_signs"].to_numpy(float), sm.add_constant(both["exec_incentive_cx_pct"].to_numpy(float)),
                              weights=weights).fit().params
    line = fig.data[1]
    np.testing.assert_allclose(line.y, intercept + slope * np.asarray(line.x))


def test_scatter_on_too_few_units_says_so(demo):
    units = unit_table(demo.filter(division=["Digital"]), load_demo_metrics())
    fit = unit_fit(units, "exec_incentive_cx_pct", "customer_nps")
    assert fit["n"] == 4 and not fit["enough_units"] and np.isfinite(fit["r"])
    subtitle = charts.pay_scatter(units, x="exec_incentive_cx_pct", y="customer_nps", fit=fit).layout.title.subtitle.text
    assert subtitle.startswith(f"r = {fit['r']:.2f} (95% interval") and "too few units to tell (4 units; at least 10 " \
        "needed)" in subtitle


def test_variation_and_spread_plot_the_table(demo):
    table = variation(demo, "business_unit")
    fig = charts.variation_chart(table)
    lowest = next(t for t in fig.data if t.textposition == "middle left")
    np.testing.assert_allclose(numbers(lowest.x), table["min_p"].to_numpy(float))
    assert list(lowest.text) == [f"{p:.0%} {name}" for p, name in zip(table["min_p"], table["lowest"])]
    assert list(fig.layout.yaxis.categoryarray) == list(table.sort_values("omega_sq", ascending=False, kind="stable")["label"])
    subtitle = fig.layout.title.subtitle.text
    assert "ranked by how much of the spread is beyond chance (ω²)" in subtitle and "<br>" not in subtitle
    assert "most disagreement" not in subtitle  # the order is ω², not the width of the bar
    units = rates(demo, "business_unit", items=["sign_3"])
    dots = [t for t in charts.spread_chart(units).data if t.name not in ("Shown groups together", "Lowest and highest")]
    shown = units[~units["suppressed"]]
    assert sorted(np.concatenate([numbers(t.x) for t in dots])) == pytest.approx(sorted(shown["p"].astype(float)))


def test_long_names_are_cut_in_every_legend_and_whole_on_hover(demo):
    moves = trends(demo, "division", items=["sign_7"])
    long_moves = moves.assign(group=moves["group"].replace(LONG))
    index = index_over_waves(demo, "division")
    legends = {
        "trend": charts.trend_chart(long_moves),
        "index_trend": charts.index_trend_chart(index.assign(group=index["group"].replace(LONG))),
        "dumbbell": charts.gap_dumbbell(perception_gap(demo, "division", items=["sign_1"]),
                                        leaders="Members of the executive committee and their direct reports",
                                        staff="Everyone else who answered the survey in any of the waves"),
    }
    for name, fig in legends.items():
        shown = [html.unescape(t.name) for t in fig.data if t.showlegend is not False and t.name]
        assert shown and max(len(n.split(" (")[0]) for n in shown) <= charts.TICK_CHARS, (name, shown)
        assert any("…" in n for n in shown), name
    hovers = " ".join(h for t in legends["trend"].data for h in (t.hovertext or ()))
    assert html.escape(LONG["Retail Banking"], quote=False) in hovers


def test_gap_bars_and_trend_lines_plot_the_table(demo):
    table = gap_to_target(demo, "division", items=["sign_7"])
    bars = charts.gap_bars(table).data[0]
    gaps = dict(zip(table["group"], table["gap"].astype(float)))
    np.testing.assert_allclose(numbers(bars.x), [gaps[g] for g in bars.y])
    high = dict(zip(table["group"], table["ci_high"].astype(float)))
    np.testing.assert_allclose(numbers(bars.x) + numbers(bars.error_x.array), [high[g] for g in bars.y])
    moves = trends(demo, "division", items=["sign_7"])
    fig = charts.trend_chart(moves)
    digital = next(t for t in fig.data if t.name.startswith("Digital"))
    np.testing.assert_allclose(numbers(digital.y), moves.loc[moves["group"] == "Digital", "p"].astype(float))
    assert list(fig.layout.xaxis.categoryarray) == list(demo.report.waves)


def test_gap_to_target_of_the_organisation_is_one_bar_per_sign_largest_on_top(demo):
    table = gap_to_target(demo, None, items=list(SIGN_IDS))
    fig = charts.gap_bars(table)
    assert not [name for name in fig.layout if name.startswith("xaxis2")]  # one panel
    bars, written = fig.data  # the bars and their numbers, past the whiskers
    assert list(written.text) == [points(gaps) for gaps in numbers(bars.x)]
    gaps = dict(zip(table["label"], table["gap"].astype(float)))
    np.testing.assert_allclose(numbers(bars.x), [gaps[label] for label in bars.y])
    order = list(fig.layout.yaxis.categoryarray)  # the first category is drawn lowest
    assert [gaps[label] for label in order] == sorted(gaps.values())
    assert "largest gap on top" in fig.layout.title.subtitle.text


def test_gaps_are_ticked_in_points_and_written_clear_of_their_whiskers(demo):
    """A gap is a difference of shares: its axis reads 10, 20, … (percentage points), not 10%, and
    each number sits past an unseen dot at its whisker's end, so it does not touch the whisker."""
    fig = charts.gap_bars(gap_to_target(demo, None, items=list(SIGN_IDS)))
    axis = fig.layout.xaxis
    assert "percentage points" in axis.title.text and axis.tickformat is None
    assert list(axis.ticktext) == [str(round(v * 100)) for v in axis.tickvals] and "%" not in "".join(axis.ticktext)
    written = fig.data[1]
    assert written.mode == "markers+text" and written.marker.size >= 10 and written.marker.color == "rgba(0,0,0,0)"
    shares = charts.gap_bars(gap_to_target(demo, None, items=list(SIGN_IDS)), value="p")
    assert shares.layout.xaxis.tickformat == ".0%"  # a share stays a per cent


def test_gap_panels_share_one_scale_and_each_column_has_tick_labels(demo):
    fig = charts.gap_bars(gap_to_best(demo, "division", items=list(SIGN_IDS)))  # two rows of four panels
    axes = [fig.layout[name] for name in fig.layout if name.startswith("xaxis")]
    assert len(axes) == 8
    assert all(axis.matches == "x" for axis in axes)
    assert sum(bool(axis.showticklabels) for axis in axes) == 4  # the bottom row
    panels = charts.gap_bars(gap_to_best(demo, "division", items=["sign_1", "sign_2", "sign_3", "sign_4", "sign_5"]))
    axes = {name: panels.layout[name] for name in panels.layout if name.startswith("xaxis")}
    assert len(axes) == 6  # 3 + 2 panels, the sixth place empty
    shown = [axis for axis in axes.values() if axis.visible is not False]
    assert len(shown) == 5 and sum(bool(axis.showticklabels) for axis in shown) == 3  # one per column


def test_waves_keep_time_order_when_the_first_group_starts_late():
    survey = load_demo(30)  # published for 30, Brokerage is reported on its own only in 2025-Q3 and 2026-Q2
    moves = trends(survey, "business_unit", items=["sign_1"], settings=Settings(min_group_size=30))
    brokerage = survey.frame[survey.frame["business_unit"] == "Brokerage"]
    assert sorted(brokerage["wave"].astype(str).unique()) == ["2025-Q3", "2026-Q2"]
    assert brokerage.loc[brokerage["wave"] == "2026-Q2", "sign_1"].notna().sum() < 30  # too few answers to sign 1
    late_first = moves.assign(first=moves["group"] != "Brokerage").sort_values("first", kind="stable")
    assert late_first["group"].iloc[0] == "Brokerage" and late_first["wave"].iloc[0] == "2025-Q3"
    fig = charts.trend_chart(late_first.drop(columns="first"), options=ChartOptions(min_group_size=30))
    assert list(fig.layout.xaxis.categoryarray) == list(survey.report.waves)
    name = next(t.name for t in fig.data if t.name.startswith("Brokerage"))
    assert name == "Brokerage (n<30 in 2026-Q2)"


def test_presentation_is_larger_and_dark_is_transparent(demo):
    table = trends(demo, "division", items=["sign_7"])
    plain = charts.trend_chart(table)
    shown = charts.trend_chart(table, options=ChartOptions(presentation=True))
    dark = charts.trend_chart(table, options=ChartOptions(dark=True))
    assert shown.layout.font.size > plain.layout.font.size
    assert shown.layout.title.font.size > plain.layout.title.font.size
    assert shown.data[0].line.width > plain.data[0].line.width
    assert dark.layout.paper_bgcolor == dark.layout.plot_bgcolor == "rgba(0,0,0,0)"
    assert dark.layout.font.color != plain.layout.font.color


def test_a_table_of_the_wrong_kind_says_what_it_needs():
    with pytest.raises(SettingsError, match="commitment_chart needs the column") as error:
        charts.commitment_chart(load_demo_metrics().frame)
    assert "cxcommit.analyses.commitment.commitment_index" in error.value.hint


def test_charts_and_theme_never_import_streamlit():
    for path in sorted((ROOT / "cxcommit" / "charts").glob("*.py")):
        name = path.name
        tree = ast.parse(path.read_text())
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(m.split(".")[0] == "streamlit" for m in imported), name


def test_index_over_waves_matches_the_index_of_each_wave(demo):
    table = index_over_waves(demo, "division")
    assert list(table.columns) == ["group", "wave", "n", "mean_signs", "mean_ci_low", "mean_ci_high", "k", "p",
                                   "ci_low", "ci_high", "suppressed", "suppression"]
    assert list(table.loc[table["group"] == "Digital", "wave"]) == list(demo.report.waves)
    for wave in ("2025-Q2", "2026-Q3"):
        alone = commitment_index(demo.filter(wave=[wave]), "division").set_index("group")
        part = table[table["wave"] == wave].set_index("group")
        np.testing.assert_allclose(part["mean_signs"], alone.loc[part.index, "mean_signs"])
        assert list(part["n"]) == list(alone.loc[part.index, "n"])
    units = index_over_waves(demo, "business_unit")
    assert "Innovation Lab" not in set(units["group"]) and "Other units" in set(units["group"])  # 2 a wave: leaves Digital
    assert "Other units of Digital" not in set(units["group"])  # no unit of Digital is pooled within it
    strict = index_over_waves(demo, "business_unit", settings=Settings(dont_know="missing"))  # fewer scored
    hidden = strict[strict["suppressed"]]
    assert len(hidden) and hidden[["n", "mean_signs", "p"]].isna().all().all()
    overall = index_over_waves(demo)
    assert set(overall["group"]) == {"All respondents"} and len(overall) == len(demo.report.waves)


def test_items_shortened_to_the_same_words_keep_their_own_heatmap_rows():
    """Two Google Forms questions shorten to the same label: each keeps its row and its numbers."""
    from cxcommit import load_survey

    survey = load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.xlsx")
    by = next(g for g in survey.groupings if g != "wave" and len(survey.codes(g)[1]) >= 2)
    table = rates(survey, by, items=rated_items(survey))  # a factual question has no share to colour
    fig = charts.signs_heatmap(table, values=True, transpose=False)  # items as rows, however many groups
    cells = fig.data[0]
    assert len(cells.y) == table["item"].nunique() == len(set(cells.y))
    for row, label in enumerate(cells.y):
        part = table[(table["label"] == label) & ~table["suppressed"]].set_index("group")["p"]
        for col, group in enumerate(cells.x):
            if group in part.index:
                assert cell_text(fig, row, col).removeprefix("● ") == f"{float(part[group]):.0%}"


# --- long names: cut on the axis, whole in the data and the hover ---------------------------------------------

LONG = {"Retail Banking": "Commercial Lending Origination, Credit Risk Assessment and Portfolio Monitoring – "
                          "Mid-Market Clients & <Partners>",
        "Digital": "Digital Channels, Mobile Applications, Online Banking Platforms and Customer Self-Service "
                   "Tools for Retail"}


def _axis_texts(fig: go.Figure, axis: str) -> list[str]:
    found = []
    for name, value in fig.layout.to_plotly_json().items():
        if name.startswith(f"{axis}axis") and value.get("ticktext") is not None:
            found += [t.replace("<br>", " ") for t in value["ticktext"]]  # a wrapped name, as one line
    return found


def test_long_names_are_cut_on_every_category_axis_and_whole_in_the_data(demo):
    def relabel(table):
        return table.assign(group=table["group"].replace(LONG))

    items = ["sign_1", "sign_2"]
    made = {
        "heatmap": (charts.signs_heatmap(relabel(rates(demo, "division"))), "x"),
        "commitment": (charts.commitment_chart(relabel(commitment_index(demo, "division"))), "y"),
        "gap_bars": (charts.gap_bars(relabel(gap_to_best(demo, "division", items=items[:1]))), "y"),
    }
    long_label = "A question worded at great length, far beyond what an axis can hold: " * 2
    table = rates(demo, "division", items=items)
    made["spread"] = (charts.spread_chart(table.assign(label=table["label"].where(table["item"] != "sign_1",
                                                                                    long_label))), "y")
    gaps = perception_gap(demo, "division", items=items)
    made["dumbbell"] = (charts.gap_dumbbell(gaps.assign(label=gaps["label"].where(gaps["item"] != "sign_1",
                                                                                  long_label))), "y")
    var = variation(demo, "division", items=items)
    made["variation"] = (charts.variation_chart(var.assign(label=var["label"].where(var["item"] != "sign_1",
                                                                                     long_label))), "y")
    for name, (fig, axis) in made.items():
        ticks = _axis_texts(fig, axis)
        assert ticks and max(len(html.unescape(t)) for t in ticks) <= charts.TICK_CHARS, name
        assert any(t.endswith("…") for t in ticks), name
    heatmap = made["heatmap"][0]
    cells = next(t for t in heatmap.data if t.name == "Cells")
    clicked = {c[0] for c in cells.customdata}
    assert set(LONG.values()) <= clicked  # a click still names the unit as in the data
    assert any(html.escape(LONG["Retail Banking"], quote=False) in h for h in cells.hovertext)  # whole on hover
    short = charts.signs_heatmap(rates(demo, "division")).layout.xaxis
    assert [t.replace("<br>", " ") for t in short.ticktext] == list(short.tickvals)  # short names whole, maybe wrapped


@given(st.lists(st.text(alphabet="ab ", min_size=0, max_size=60), max_size=8), st.integers(min_value=12, max_value=40))
def test_labels_cut_together_stay_apart_and_within_width(labels, width):
    from cxcommit.text import shorten_all
    tidy = [" ".join(label.split()) for label in labels]
    cut = shorten_all(labels, width)
    assert all(len(c) <= width for c in cut)
    assert len(set(zip(tidy, cut))) == len(set(tidy)) == len(set(cut))  # equal stay equal, different differ


FANS = {"Retail Banking": "Do you consider yourself to be a fan of the Star Wars film franchise?",
        "Digital": "Do you consider yourself to be a fan of the Expanded Universe?",
        "Operations": "Do you consider yourself to be a fan of the Star Trek franchise?"}


@pytest.mark.parametrize("presentation", [False, True])
def test_names_cut_alike_keep_the_ends_that_tell_them_apart(demo, presentation):
    """Three questions that share their first 40 characters (the Star Wars survey) read differently
    wherever a chart cuts its category names: heatmap columns (wrapped on a slide) and rows, bars, the
    one-wave bars of a trend and its legend."""
    def relabel(table):
        return table.assign(group=table["group"].replace(FANS))

    options = ChartOptions(presentation=presentation)
    one_wave = demo.filter(wave=["2026-Q3"])
    made = {"heatmap columns": (charts.signs_heatmap(relabel(rates(demo, "division")), options=options), "x"),
            "commitment": (charts.commitment_chart(relabel(commitment_index(demo, "division")), options=options), "y"),
            "gap_bars": (charts.gap_bars(relabel(gap_to_best(demo, "division", items=["sign_1"])), options=options), "y"),
            "one wave": (charts.trend_chart(relabel(trends(one_wave, "division", items=["sign_7"])), options=options), "x")}
    for name, (fig, axis) in made.items():
        ticks = [html.unescape(t) for t in _axis_texts(fig, axis)] or [html.unescape(x) for x in fig.data[0].x]
        fans = [t for t in ticks if t.startswith("Do you") or t.startswith("…")]
        assert len(set(fans)) == 3, (name, ticks)  # each panel names the three apart
        assert any("Star Trek" in t for t in fans) and any("Expanded Universe" in t for t in fans), (name, fans)
    lines = charts.trend_chart(relabel(trends(demo, "division", items=["sign_7"])), options=options)
    legend = [html.unescape(t.name) for t in lines.data if t.showlegend is not False and t.name.startswith("Do you")]
    assert len(legend) == 3 and len(set(legend)) == 3, legend


def drawn_cells(fig) -> tuple[list, list, list]:
    """Each heatmap cell's text (muted layer, marked layer or hidden layer), whether it is hidden,
    and its [group, item], row by row."""
    muted, marked, hidden = fig.data[:3]
    rows = []
    for i, line in enumerate(muted.customdata):
        for j, ids in enumerate(line):
            rows.append((muted.text[i][j] or marked.text[i][j] or hidden.text[i][j],
                         hidden.z[i][j] == 1, list(ids)))
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


@pytest.mark.parametrize("presentation", [False, True])
def test_every_heatmap_cell_writes_its_share_or_its_hidden_mark(presentation):
    """29 units beside 14 items (one wave, published for 20): no hovering needed. Too many units for
    columns, so one row per unit, the items across; every shown cell says its share, every grey one n<20."""
    survey = load_demo(20).filter(wave=["2026-Q3"])
    table = rates(survey, "business_unit", settings=Settings(min_group_size=20))
    options = ChartOptions(min_group_size=20, presentation=presentation)
    fig = charts.signs_heatmap(table, options=options)
    assert table["group"].nunique() > 14 and table["suppressed"].sum() > 10
    assert [html.unescape(y) for y in fig.data[0].y] == charts.heatmap.column_order(table, "score")  # units down
    shares = {(r["group"], r["item"]): r for r in table.to_dict("records")}
    for text, hidden, (group, item) in zip(*drawn_cells(fig)):
        row = shares[(group, item)]
        if row["suppressed"]:
            assert hidden and text == "n<20", (group, item)
        else:
            assert not hidden and text.replace("● ", "") == f"{row['p']:.0%}", (group, item)
    assert fig.data[0].textfont.size >= 9
    assert "hover" not in fig.layout.title.subtitle.text.lower()
    assert "grey n<20: fewer than 20 answers" in fig.layout.title.subtitle.text


def test_a_heatmap_with_few_groups_keeps_them_across():
    table = rates(load_demo(), "division")
    fig = charts.signs_heatmap(table)
    assert {html.unescape(x) for x in fig.data[0].x} == set(table["group"])
    assert all(text for text, _, _ in zip(*drawn_cells(fig)))


def test_a_dumbbell_writes_both_shares_the_gap_and_both_n(demo):
    table = perception_gap(demo, None)
    fig = charts.gap_dumbbell(table)
    rows = {html.unescape(r["label"]): r for r in table.to_dict("records")}
    for name, column in (("Executives", "p_leaders"), ("Staff", "p_staff")):
        trace = next(t for t in fig.data if t.name == name)
        assert list(trace.text) == [f"{rows[html.unescape(y)][column]:.0%}" for y in trace.y]
    gap = next(t for t in fig.data if t.name == "Gap")
    for y, text in zip(gap.y, gap.text):
        row = rows[html.unescape(y)]
        assert points(row['gap'], signed=True) in text and text.startswith("●") == bool(row["significant"])
    names = fig.layout.yaxis.ticktext
    for y, name in zip(fig.layout.yaxis.tickvals, names):
        row = rows[html.unescape(y)]
        assert f"executives n={row['n_leaders']:,}, staff n={row['n_staff']:,}" in name
    assert "hover" not in fig.layout.title.subtitle.text.lower()


def test_a_dumbbell_per_group_marks_each_hidden_row_and_puts_n_under_the_gap(demo):
    table = perception_gap(demo, "business_unit")
    fig = charts.gap_dumbbell(table, group="Advisory")
    part = table[table["group"] == "Advisory"]
    hidden = next(t for t in fig.data if t.name == "Hidden")
    assert len(hidden.y) == part["suppressed"].sum() > 0 and all(t.startswith("n<5") for t in hidden.text)
    several = charts.gap_dumbbell(table[table["group"].isin(["Claims", "Cards"])])
    gaps = [t for t in several.data if t.name == "Gap"]
    assert len(gaps) == 2 and all(" · n " in text for t in gaps for text in t.text)


def test_one_wave_is_drawn_as_bars_with_their_values_never_as_a_column_of_dots(demo):
    one = demo.filter(wave=["2026-Q3"])
    metrics = load_demo_metrics()
    for fig, table, column in (
            (charts.trend_chart(trends(one, "division", items=["sign_7"])), trends(one, "division", items=["sign_7"]), "p"),
            (charts.index_trend_chart(index_over_waves(one, "division")), index_over_waves(one, "division"), "mean_signs"),
            (charts.pay_trend_chart(pay_alignment(one, metrics, "division")), pay_alignment(one, metrics, "division"), "p")):
        assert not any(t.type == "scatter" and t.mode and "lines" in t.mode for t in fig.data), fig.layout.title.text
        bars = [t for t in fig.data if t.type == "bar"]
        assert bars and "2026-Q3" in fig.layout.title.text and "trend needs two waves" in fig.layout.title.subtitle.text
        shown = table[~table["suppressed"]]
        np.testing.assert_allclose(numbers(bars[0].y), shown[column].astype(float))
        values = next(t for t in fig.data if t.name == "Values")
        assert all(text for text in values.text)
    several = charts.index_trend_chart(index_over_waves(demo, "division"))
    assert not any(t.type == "bar" for t in several.data)
    ends = {a.font.color: a for a in several.layout.annotations if a.yref != "paper"}
    for line in several.data:  # the latest value written at the end of each line, in its colour
        last = numbers(line.y)[np.isfinite(numbers(line.y))][-1]
        assert ends[line.line.color].text == f"{last:.1f}" and ends[line.line.color].y == last


def test_the_best_group_chart_names_the_best_on_each_item_with_its_estimate(demo):
    table = gap_to_best(demo, "business_unit", items=list(SIGN_IDS))
    fig = charts.best_group_chart(table, group_word="business unit")
    best = next(t for t in fig.data if t.name == "Best business unit")
    median = next(t for t in fig.data if t.name == "Median business unit")
    rows = table[table["group"] == table["best_group"]].set_index("label")
    summary = charts.best.best_rows(table).set_index("label")
    assert len(best.y) + len(summary[summary["most_tied"]]) == len(SIGN_IDS)  # one row per item, not a panel per item
    for label, text, x in zip(best.y, best.text, best.x):
        row = rows.loc[html.unescape(label)]
        assert text.startswith(html.escape(row["best_group"])) and text.endswith(f" est. {row['best_shrunk']:.0%}")
        assert ("tied" in text) == (row["n_best_tied"] > 1)
        assert x == row["best_shrunk"]  # drawn where it was picked: its estimate net of chance
    medians = dict(zip(median.y, median.x))
    for label, x in zip(best.y, best.x):  # the best is never left of the others' median
        assert medians[label] <= x
    behind = next(t for t in fig.data if t.name == "Behind")
    for label, text in zip(behind.y, behind.text):
        row = summary.loc[html.unescape(label)]
        assert text.startswith(f"{row['behind']} of {row['others']} behind" if row["behind"] else "none behind")
    gaps = list(summary["median_gap"])
    assert gaps == sorted(gaps, reverse=True)  # largest median gap on top
    assert "hover" not in fig.layout.title.subtitle.text.lower()


def test_where_every_group_ties_the_best_group_chart_names_none():
    """Star Wars by region: on most items every region's estimate lies in the top one's interval;
    those rows say all tie, in grey, and name no region; a best's text is written away from the
    "behind" column."""
    from cxcommit import load_survey

    table = gap_to_best(load_survey(REALDATA / "surveymonkey_538_starwars.csv"), "region")
    fig = charts.best_group_chart(table, group_word="region")
    summary = charts.best.best_rows(table).set_index("label")
    tied = next(t for t in fig.data if t.name == "All tied: no best")
    assert len(tied.y) == int(summary["all_tied"].sum()) > 0
    for label, text in zip(tied.y, tied.text):
        row = summary.loc[html.unescape(label)]
        assert text == f"all {row['others'] + 1} tied, highest est. {row['best_shrunk']:.0%}"
        assert row["best_group"] not in text
    for best in (t for t in fig.data if t.name == "Best region"):
        assert all(side == ("top left" if x >= 0.45 else "top right") for side, x in zip(best.textposition, best.x))


def test_where_nearly_every_group_ties_with_the_best_the_chart_says_so_plainly():
    """Google Forms by country: on some items most of 36 countries tie at the top and none is behind
    beyond chance ("Canada (+33 tied) · 0 of 35 behind" puzzled); the row says "34 of 36 tie at the
    top", names no country, and "none behind"."""
    from cxcommit import load_survey

    survey = load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")
    by = next(name for name in survey.groupings if name == "region")
    table = gap_to_best(survey, by)
    fig = charts.best_group_chart(table, group_word="country")
    summary = charts.best.best_rows(table).set_index("label")
    most = summary[summary["most_tied"] & ~summary["all_tied"]]
    assert len(most)
    trace = next(t for t in fig.data if t.name == "Most tied at the top: no best")
    for label, text in zip(trace.y, trace.text):
        row = summary.loc[html.unescape(label)]
        assert text == f"{row['n_best_tied']} of {row['others'] + 1} tie at the top, highest est. {row['best_shrunk']:.0%}"
        assert row["best_group"] not in text
    named = next((t for t in fig.data if t.name == "Best country"), None)
    for label in (named.y if named is not None else ()):  # a best is named only where some are behind it
        row = summary.loc[html.unescape(label)]
        assert row["behind"] > 0 and row["n_best_tied"] * 2 <= row["others"] + 1
    behind = next(t for t in fig.data if t.name == "Behind")
    assert all(text.startswith("none behind") == (summary.loc[html.unescape(label), "behind"] == 0)
               for label, text in zip(behind.y, behind.text))


def test_scatter_dots_carry_their_units_names_extremes_and_named_first(demo):
    units = unit_table(demo, load_demo_metrics())
    fit = unit_fit(units, "exec_incentive_cx_pct", "customer_nps")
    fig = charts.pay_scatter(units, x="exec_incentive_cx_pct", y="customer_nps", fit=fit, named=("Advisory",))
    dots = fig.data[0]
    names = [html.unescape(n[0]) for n in dots.customdata]
    written = [html.unescape(t) for t in dots.text]
    assert all(t == "" or t == n[:len(t)] or t.rstrip("…") in n for t, n in zip(written, names))
    assert written[names.index("Advisory")] == "Advisory"  # a named unit is always written
    xs, ys = numbers(dots.x), numbers(dots.y)
    for extreme in (np.argmax(ys), np.argmin(ys), np.argmin(xs)):  # the extremes are named
        assert written[extreme], names[extreme]
    assert sum(1 for t in written if t) >= len(names) // 2
    unnamed = sum(1 for t in written if not t)
    assert (f"{unnamed} dots unnamed" in fig.layout.title.subtitle.text) == (unnamed > 0)
    few = units.head(6)
    small = charts.pay_scatter(few, x="exec_incentive_cx_pct", y="customer_nps",
                               fit=unit_fit(few, "exec_incentive_cx_pct", "customer_nps"))
    assert all(small.data[0].text)  # few units: every dot named


def test_spread_and_variation_name_the_groups_at_each_end_with_their_shares(demo):
    from cxcommit.charts.spread import END_NAME
    from cxcommit.text import shorten

    table = rates(demo, "business_unit")
    fig = charts.spread_chart(table, overall=rates(demo))
    ends = next(t for t in fig.data if t.name == "Lowest and highest")
    shown = table[~table["suppressed"] & table["p"].notna()].assign(p=lambda t: t["p"].astype(float))
    for item, part in shown.groupby("item"):
        for row in (part.loc[part["p"].idxmin()], part.loc[part["p"].idxmax()]):
            name = html.escape(shorten(row["group"], END_NAME))  # cut to fit beside 0 % and 100 %
            assert any(name in text and f"{row['p']:.0%}" in text for text in ends.text), item
    assert len(ends.text) == 2 * shown["item"].nunique()
    spread = variation(demo, "business_unit")
    named = charts.variation_chart(spread)
    low, high = (t for t in named.data if t.mode == "markers+text")
    for row, left, right in zip(spread.sort_values("omega_sq", ascending=False).to_dict("records"), low.text, high.text):
        assert left == f"{row['min_p']:.0%} {html.escape(row['lowest'][:23])}" or left.startswith(f"{row['min_p']:.0%} ")
        assert right.endswith(f" {row['max_p']:.0%}")
    for figure in (fig, named):
        assert "hover" not in figure.layout.title.subtitle.text.lower()


def test_no_chart_asks_the_reader_to_hover(figures):
    for name, fig in figures.items():
        assert "hover" not in (fig.layout.title.subtitle.text or "").lower(), name
        assert "hover" not in (fig.layout.title.text or "").lower(), name


@pytest.mark.parametrize("by, presentation", [("division", False), ("business_unit", False), ("business_unit", True)])
def test_the_page_knows_whether_the_heatmap_turns(demo, by, presentation):
    from cxcommit.charts.heatmap import groups_run_down
    """groups_run_down says what the heatmap does with its groups (the page's "Sort rows by" or
    "Sort columns by"): groups down the side when its y axis names them."""
    table = rates(demo, by, items=list(SIGN_IDS))
    options = ChartOptions(presentation=presentation)
    fig = charts.signs_heatmap(table, options=options)
    groups = {str(g) for g in table["group"]}
    down = {html.unescape(str(v)) for v in fig.data[0].y} <= groups
    assert groups_run_down(table, options=options) == down
    assert down == (by == "business_unit")  # 30 units beside the 8 signs turn; 6 divisions do not


@pytest.mark.parametrize("chart", ["index", "pay", "pay_presentation", "trend"])
def test_the_latest_values_at_the_lines_ends_never_overlap(demo, chart):
    """Lines that end close together (the demo's divisions at 3.6 and 3.7 signs) have their latest
    values moved apart by a line of text at least, each still its line's value, beside its last
    point, in its colour, joined to it by a thin line when moved."""
    from cxcommit.charts.waves import PLOT_MARGINS
    metrics, presentation = load_demo_metrics(), chart == "pay_presentation"
    options = ChartOptions(presentation=presentation)
    fig = {"index": lambda: charts.index_trend_chart(index_over_waves(demo, "division"), options=options),
           "pay": lambda: charts.pay_trend_chart(pay_alignment(demo, metrics, "division"), options=options),
           "pay_presentation": lambda: charts.pay_trend_chart(pay_alignment(demo, metrics, "division"), options=options),
           "trend": lambda: charts.trend_chart(trends(demo, "division", items=["sign_7"]), options=options)}[chart]()
    labels = [a for a in fig.layout.annotations if a.yref != "paper"]
    ends: dict = {}
    for trace in fig.data:
        values = numbers(trace.y)
        shown = np.flatnonzero(np.isfinite(values))
        if len(shown):
            ends.setdefault(trace.yaxis or "y", {})[trace.line.color] = (trace.x[shown[-1]], values[shown[-1]])
    assert sorted((a.yref or "y", a.font.color) for a in labels) == sorted((y, c) for y in ends for c in ends[y])
    for a in labels:
        assert (a.x, a.y) == ends[a.yref or "y"][a.font.color]  # beside its own line's last point
        assert a.ayref == (a.yref or "y")  # the label's height in its axis' units: it follows a resized plot
    moved = [a for a in labels if a.arrowcolor == a.font.color]  # a connector where a label was moved
    assert moved and all(a.ay != a.y for a in moved)  # the demo's lines do end close together
    span = {a.yref or "y": np.diff(fig.layout[(a.yref or "y").replace("y", "yaxis")].range)[0] for a in labels}
    assert all(abs(a.ay - a.y) < 0.015 * span[a.yref or "y"] for a in labels if a not in moved)  # under 2 px off
    if chart == "index":  # on screen, in pixels of the plot (8 signs over its height)
        per_unit = (480 - PLOT_MARGINS) / 8
        heights = sorted(a.ay * per_unit for a in labels)
        assert min(np.diff(heights)) >= 14 * 1.3 - 1e-6, heights
    if chart == "pay_presentation":  # side by side: one row, two panels with their own y axis
        assert {a.yref or "y" for a in labels} == {"y", "y2"} and fig.layout.height == 560
        assert fig.layout.xaxis2.domain[0] > fig.layout.xaxis.domain[1] and fig.layout.yaxis2.anchor == "x2"


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12), st.floats(0.01, 0.08))
def test_dodged_labels_keep_their_order_and_a_line_apart(values, gap):
    from cxcommit.charts.layout import dodge
    placed = dodge(values, gap, 0, 1)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(placed[order]) >= gap - 1e-9)
    if len(values) * gap <= 1:  # room for all: inside the axis
        assert placed.min() >= -1e-9 and placed.max() <= 1 + 1e-9
    alone = [i for i in range(len(values)) if all(abs(values[i] - v) >= 2 * gap * len(values) for j, v in
                                                  enumerate(values) if j != i)]
    assert all(abs(placed[i] - values[i]) < 1e-9 for i in alone if gap <= values[i] <= 1 - gap)


def test_the_spread_caption_tells_groups_hidden_everywhere_from_groups_hidden_on_some_items(demo):
    """A group under the minimum on some items is still a dot (maybe named lowest or highest) on the
    others: the caption must not call it hidden outright."""
    table = rates(demo, "business_unit")
    first, second = table["group"].drop_duplicates().iloc[:2]
    one_item = (table["group"] == second) & (table["item"] == table["item"].iloc[0])
    hidden = table.assign(suppressed=(table["group"] == first) | one_item)
    subtitle = charts.spread_chart(hidden).layout.title.subtitle.text
    assert f"hidden (n<5): {first}" in subtitle and f"n<5 on some items: {second}" in subtitle
    assert "hidden" not in charts.spread_chart(table.assign(suppressed=False)).layout.title.subtitle.text


@pytest.mark.parametrize("presentation", [False, True])
def test_the_heatmaps_column_names_are_drawn_at_the_size_chosen_to_fit_them(demo, presentation):
    """The theme gives every axis its tick size, but not over one a chart chose: the demo's column
    names wrap to fit their columns at 14 px on a slide, and were drawn at 17 ("Commercial
    BankingWealth Management" ran together at 1366 × 768)."""
    from cxcommit.charts.layout import column_names

    table = rates(demo, "division")
    options = ChartOptions(presentation=presentation)
    fig = charts.signs_heatmap(table, options=options, transpose=False)
    rows = list(dict.fromkeys(table["label"]))
    chosen = column_names(list(dict.fromkeys(fig.data[0].x)), rows, presentation)[3]
    assert fig.layout.xaxis.tickfont.size == chosen


def test_one_waves_bars_of_many_groups_take_one_colour_and_numbers_that_stay_apart():
    """Google Forms has one wave and 36 regions: a bar each, in one colour (the palette's 8 colours
    repeated would pair unrelated countries), the numbers written small enough for a bar's width."""
    from cxcommit import load_survey
    from cxcommit.analyses.summary import default_item
    from cxcommit.analyses.trends import trends

    survey = load_survey(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")
    item = default_item(survey)  # the most answered
    table = trends(survey, "region", items=[item])
    fig = charts.trend_chart(table)
    bars = next(t for t in fig.data if t.type == "bar")
    assert len(bars.x) > 20 and len(set(bars.marker.color)) == 1
    values = next(t for t in fig.data if t.name == "Values")
    assert values.textfont.size * 2.4 * len(bars.x) <= 900  # about three characters a bar's width
    few = charts.trend_chart(trends(load_demo().filter(wave=["2026-Q3"]), "division", items=["sign_7"]))
    assert len(set(next(t for t in few.data if t.type == "bar").marker.color)) > 1  # a few groups keep their colours


@pytest.mark.parametrize("presentation", [False, True])
def test_each_bars_number_sits_beyond_its_whiskers_end_clear_of_the_cap(demo, presentation):
    options = ChartOptions(presentation=presentation)
    one = demo.filter(wave=["2026-Q3"])
    for fig in (charts.commitment_chart(commitment_index(demo, "division"), options=options),
                charts.gap_bars(gap_to_target(demo, "division", items=["sign_7"]), options=options),
                charts.index_trend_chart(index_over_waves(one, "division"), options=options)):
        pairs = [(bar, label) for bar, label in zip(fig.data, fig.data[1:])
                 if bar.type == "bar" and label.name == "Values"]
        assert pairs, fig.layout.title.text
        for bar, label in pairs:
            upright = bar.orientation != "h"
            value, error = (numbers(bar.y), bar.error_y) if upright else (numbers(bar.x), bar.error_x)
            assert error.thickness == 1.5 * (1.6 if presentation else 1.0)  # whiskers in the look's line width
            end = value + numbers(error.array)  # the interval's high end
            np.testing.assert_allclose(numbers(label.y if upright else label.x), np.fmax(value, end))
            assert label.textposition == ("top center" if upright else "middle right")
            assert label.marker.color == "rgba(0,0,0,0)"  # the unseen dot the number is written beside
            assert label.marker.size / 2 >= error.thickness / 2 + 4  # pixels between the cap and the number


def test_participation_numbers_stand_clear_of_the_threshold_and_the_caption_counts_who_is_not_drawn(demo):
    from cxcommit.analyses.participation import participation
    from cxcommit.charts.participation import participation_chart
    metrics = load_demo_metrics()
    table = participation(demo, metrics, "division")
    fig = participation_chart(table, "2026-Q3", threshold=0.75, grouping="division")
    bars, values = fig.data[0], next(t for t in fig.data if t.name == "Values")
    rows = table[table["wave"] == "2026-Q3"]
    assert set(numbers(values.x)) == {1.0}  # one column right of 100 %: the dashed line at 75 % crosses no number
    assert fig.layout.xaxis.range[1] > 1.2 and max(fig.layout.xaxis.tickvals) == 1.0  # room for the numbers, no 120 %
    line = fig.layout.annotations[0]  # "75%" inside the plot, in the band above the top bar, not in the subtitle
    assert line.text == "75%" and line.y == 1 and line.yanchor == "top" and fig.layout.yaxis.range[1] > len(rows) - 0.5
    subtitle = fig.layout.title.subtitle.text
    assert "red: below 75%" in subtitle and "grey" not in subtitle  # no grey row drawn, no word for one
    codes, waves = demo.codes("wave")
    wave_total = int((codes == list(waves).index("2026-Q3")).sum())
    drawn = int(rows["respondents"].sum())
    assert wave_total - drawn == 14 and "14 respondents in “Other divisions” (no headcount of its own) not shown" in subtitle
    assert len(bars.y) == len(rows)
    units = participation_chart(participation(demo, metrics, "business_unit"), "2026-Q3", threshold=0.75)
    assert "grey: no rate (fewer than 5 answered)" in units.layout.title.subtitle.text  # Innovation Lab: n<5
    whole = participation_chart(participation(demo, metrics, None), "2026-Q3", threshold=0.75, grouping="organisation")
    assert "not shown" not in whole.layout.title.subtitle.text


@pytest.mark.parametrize("presentation", [True, False])
def test_line_end_values_are_a_line_of_their_font_apart_at_the_lowest_height_the_chart_says(demo, presentation):
    from cxcommit.charts.waves import WAVE_AXIS
    options = ChartOptions(presentation=presentation)
    for fig in (charts.pay_trend_chart(pay_alignment(demo, load_demo_metrics()), options=options),
                charts.index_trend_chart(index_over_waves(demo, "division"), options=options)):
        layout = fig.layout
        plot = layout.meta["lowest_height"] - layout.margin.t - layout.margin.b - WAVE_AXIS[presentation]
        if not presentation:  # a page draws the chart at its own height
            plot = layout.height - layout.margin.t - layout.margin.b - WAVE_AXIS[presentation]
        for axis in {a.ayref for a in layout.annotations if a.name == "latest value"}:
            ends = [a for a in layout.annotations if a.name == "latest value" and a.ayref == axis]
            low, high = fig.layout[axis.replace("y", "yaxis")].range
            at = np.sort([a.ay for a in ends]) * plot / (high - low)  # pixels from the axis' foot at that height
            size = ends[0].font.size
            assert len(ends) >= 6 and size >= 12
            assert np.diff(at).min() >= (size + 1) * 1.3 - 0.5, (fig.layout.title.text, axis)  # never on each other
            assert at[0] >= -0.5 and at[-1] <= plot + 0.5  # within the plot: not on the waves' axis below


def test_the_commitment_chart_draws_pooled_groups_below_the_named_ones(demo):
    """"Other divisions" (7 people) scores about as high as Digital: it is no division to rank, so it
    is drawn below the divisions whatever its mean, as the deck's table orders it."""
    from cxcommit.privacy.publish import generalised_values

    index = commitment_index(demo, "division")
    pooled = generalised_values(demo, "division")
    order = list(charts.commitment_chart(index, pooled=pooled).layout.yaxis.categoryarray)  # first drawn lowest
    assert pooled and order[0] in pooled
    named = index[~index["group"].isin(pooled)].sort_values("mean_signs")["group"].tolist()
    assert order[1:] == named
