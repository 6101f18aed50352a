"""Favourable / neutral / unfavourable shares per item and their diverging chart."""
import numpy as np
import pytest

from cxcommit.analyses.favourability import FAVOURABILITY_COLUMNS, favourability, latest_shown_wave, neutral_band
from cxcommit.analyses.rates import rates
from cxcommit.analyses.trends import trends
from cxcommit.charts.diverging import change_text, diverging_chart
from cxcommit.charts.options import ChartOptions
from cxcommit.demo import load_demo
from cxcommit.instrument.scales import make_scale
from cxcommit.privacy.view import view
from cxcommit.settings import Settings


@pytest.fixture(scope="module")
def survey():
    return load_demo()


@pytest.mark.parametrize("scale, band", [(make_scale("likert", 1, 5), (3, 3)), (make_scale("likert", 1, 7, 5), (4, 4)),
                                         (make_scale("likert", 1, 5, 5), (3, 4)), (make_scale("likert", 1, 6), None),
                                         (make_scale("likert", 1, 5, direction="lower"), (3, 3)),
                                         (make_scale("likert", 1, 5, 1, direction="lower"), (2, 3)),
                                         (make_scale("likert", 1, 5, direction="none"), None),
                                         (make_scale("nps"), (7, 8)), (make_scale("yes_no"), None),
                                         (make_scale("numeric"), None)])
def test_the_neutral_band_is_the_middle_of_an_odd_scale_or_the_passives(scale, band):
    assert neutral_band(scale) == band


def test_shares_are_the_latest_waves_and_add_up(survey):
    table = favourability(survey)
    assert list(table.columns) == FAVOURABILITY_COLUMNS and set(table["wave"]) == {"2026-Q3"}
    assert np.allclose(table[["favourable", "neutral", "unfavourable"]].sum(axis=1), 1)
    latest = rates(view(survey, wave=["2026-Q3"]), None, settings=Settings())
    assert np.allclose(table.set_index("item")["favourable"], latest.set_index("item").loc[table["item"], "p"])
    assert (table.loc[table["scale"] == "yes_no", "neutral"] == 0).all()


def test_a_likert_items_neutral_share_counts_its_middle_answers(survey):
    row = favourability(survey, items=["ceo_ownership"]).iloc[0]
    values = view(survey, wave=["2026-Q3"]).values("ceo_ownership")
    valid = values[(values >= 1) & (values <= 5)]
    assert row["n"] == len(valid)
    assert row["neutral"] == pytest.approx((valid == 3).mean())
    assert row["unfavourable"] == pytest.approx((valid <= 2).mean())


def test_nps_passives_are_neutral(survey):
    row = favourability(survey, items=["nps"]).iloc[0]
    values = view(survey, wave=["2026-Q3"]).values("nps")
    values = values[~np.isnan(values)]
    assert row["neutral"] == pytest.approx(((values >= 7) & (values <= 8)).mean())


def test_the_change_is_trends_change_since_the_previous_wave(survey):
    table = favourability(survey).set_index("item")
    moved = trends(survey, None).query("wave == '2026-Q3'").set_index("item")
    assert (table["prev_wave"] == "2026-Q2").all()
    assert np.allclose(table["change_prev"], moved.loc[table.index, "change_prev"])
    assert (table["change_prev_significant"] == moved.loc[table.index, "change_prev_significant"]).all()


def test_one_wave_has_no_change_and_a_small_view_hides_its_items(survey):
    one = favourability(view(survey, wave=["2026-Q3"]))
    assert one["change_prev"].isna().all() and not one["change_prev_significant"].any()
    assert "change" not in diverging_chart(one).layout.title.subtitle.text  # one wave: no change to speak of
    assert latest_shown_wave(survey, Settings(min_group_size=2000)) is None
    hidden = favourability(strict_demo(), settings=Settings(min_group_size=880))
    small = hidden[hidden["suppressed"]]
    assert len(small) and small["n"].isna().all()
    assert small[["favourable", "neutral", "unfavourable", "change_prev"]].isna().all().all()


def test_the_chart_centres_on_neutral_writes_shares_and_names_the_change(survey):
    table = favourability(survey)
    fig = diverging_chart(table)
    unfav, neutral, fav, changes = fig.data
    row = table.set_index("label").loc["CEO owns the customer mission"]
    i = list(fav.y).index("CEO owns the customer mission")
    assert neutral.base[i] == pytest.approx(-row["neutral"] / 2) and fav.base[i] == pytest.approx(row["neutral"] / 2)
    assert unfav.base[i] + unfav.x[i] == pytest.approx(-row["neutral"] / 2)
    assert fav.text[i] == f"{row['favourable']:.0%}"
    assert changes.text[i] == change_text(row["change_prev"], "2026-Q2", row["change_prev_significant"])
    assert list(fav.y)[-1] == table.sort_values("favourable")["label"].iat[-1]  # highest favourable on top
    assert fig.layout.title.text == "How favourably each item is answered, 2026-Q3"


def strict_demo():
    return load_demo(880)  # some items fall below 880 answers in the latest wave


def test_a_hidden_item_shows_no_number_anywhere():
    table = favourability(strict_demo(), settings=Settings(min_group_size=880))
    fig = diverging_chart(table, options=ChartOptions(min_group_size=880))
    hidden = table.loc[table["suppressed"], "label"].tolist()
    for trace in fig.data[:3]:
        for label, text, hover in zip(trace.y, trace.text, trace.hovertext):
            if label in hidden:
                assert text == "" and hover == ""
    assert [t for y, t in zip(fig.data[3].y, fig.data[3].text) if y in hidden] == ["n&lt;880"] * len(hidden)


def test_change_text_rounds_to_whole_points():
    assert change_text(0.013, "W1", False) == "+1 pt since W1"
    assert change_text(-0.06, "W1", True) == "−6 pts since W1 ●"
