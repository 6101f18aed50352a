"""The measures against each other (tests/joint_audit.py): even knowing every class's own published
numbers, an attacker determines no number about 1 to k − 1 people by combining two measures of the
same people — the signs' rates and the commitment index, the two "don't know" settings, the
publications for two minimums."""
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import REALDATA
from cxcommit import apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses import commitment
from cxcommit.demo import DATA_DIR, DEMO_RESPONSES, import_demo
from joint_audit import class_audit
from test_privacy import _survey_csv

K = 5


@pytest.mark.parametrize("minimum, others", [(5, (6, 10)), (3, (4, 5))])
def test_no_two_measures_of_the_demo_tell_a_small_group(minimum, others):
    result = class_audit(import_demo(), minimum, items=["nps"], also=others)
    assert result["classes"] > 400 and result["targets"] > 500  # it looked at a lot
    assert result["determined"] == []


def test_the_class_audit_finds_what_prorating_gave_away(monkeypatch):
    """The negative control, the seventh attack: scored prorated (5 of 7 answered scoring 5.7), the
    index's total less the signs' yes tells the yes of the class's people with a gap."""
    monkeypatch.setattr(commitment, "SCORE", 8 * commitment.MET / np.maximum(commitment.ANSWERED, 1))
    raw = read_raw(DATA_DIR / DEMO_RESPONSES)  # not the shared demo: its tables are kept, as scored now
    result = class_audit(apply_mapping(raw, suggest_mapping(raw)), K, items=[])
    assert len(result["determined"]) > 100
    assert {what.split(" (")[0] for what, _, _ in result["determined"]} == {"yes of people the index scores with a gap"}
    assert all(0 < people < K for _, _, people in result["determined"])


@pytest.mark.parametrize("name", sorted(p.name for p in REALDATA.glob("*.csv")))
def test_no_two_measures_of_a_real_export_tell_a_small_group(name):
    raw = read_raw(Path(REALDATA / name))
    result = class_audit(apply_mapping(raw, suggest_mapping(raw)), K, also=(6,))
    assert result["determined"] == []


@hsettings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), minimum=st.integers(3, 6))
def test_no_two_measures_of_a_small_random_survey_tell_a_small_group(data, minimum):
    """Random surveys with blanks, "don't know" and repeat respondents, published for a minimum, and
    for it and the next together (protected against each other up to 5: publications coarsen each
    other through the stages 3, 4 and 5 only, a limit the README states)."""
    raw = read_raw(_survey_csv(data.draw), "random.csv")
    survey = apply_mapping(raw, suggest_mapping(raw))
    assert class_audit(survey, minimum)["determined"] == []
    assert class_audit(survey, min(minimum, 5), published_for=minimum, also=(minimum + 1,))["determined"] == []


def test_a_rating_resting_on_one_answer_beside_dont_knows_is_not_published():
    """The ninth attack (the R survey, k = 5): in the USA, "Other" experience was a class of five, four
    of whom said they don't know Shiny; the country's mean less its named experience levels' gave
    the fifth's rating (n 652 − 651 = 1, sum 1.0: "Never"). A class's answers to a rated item other
    than "don't know" are now 0 or at least k too, so the difference holds none or a group."""
    from cxcommit.analyses.rates import rates
    from cxcommit.privacy.publish import publish

    raw = read_raw(REALDATA / "googleforms_rstudio_rsurvey2019_en.csv")
    survey = publish(apply_mapping(raw, suggest_mapping(raw)), K)
    experience = "How would you rate your level of experience using R?"
    usa = "United States of America"
    country = rates(survey, "region", items=["often_use_shiny"]).set_index("region").loc[usa]
    levels = rates(survey, ["region", experience], items=["often_use_shiny"])
    levels = levels[(levels["region"] == usa) & ~levels["suppressed"].astype(bool)]
    rest = int(country["n"]) - int(levels["n"].sum())
    assert rest == 0 or rest >= K
    assert class_audit(apply_mapping(raw, suggest_mapping(raw)), K)["determined"] == []
