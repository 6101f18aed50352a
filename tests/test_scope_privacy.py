"""A viewer scoped to divisions (cxcommit.privacy.scope), attacked: what they reach is whole published
classes of their divisions and nothing else, no count under the minimum is determined from it, even
beside the organisation's totals, and a scope that does not fit the survey shows nothing.

The decision: a scoped viewer is shown **no organisation total**. Everything they reach is computed
from :func:`scoped`'s survey, which holds their divisions' rows only; the audit with the
organisation's totals added (``with_totals``) is a margin, not something the dashboard relies on.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from audit import scope_audit
from conftest import REALDATA
from cxcommit import apply_mapping, read_raw, suggest_mapping
from cxcommit.analyses.commitment import commitment_index
from cxcommit.analyses.rates import rates
from cxcommit.analyses.summary import respondent_counts
from cxcommit.demo import import_demo, load_demo_metrics
from cxcommit.privacy.publish import publish, reporting_attributes
from cxcommit.privacy.scope import LOCAL_ACCESS, Access, Scope, scoped, scoped_metrics
from cxcommit.privacy.view import view
from cxcommit.settings import Settings
from cxcommit.story.report_text import view_of

K = 5
STARWARS = REALDATA / "surveymonkey_538_starwars.csv"


@pytest.fixture(scope="module")
def demo():
    return publish(import_demo(), K)


def starwars(division: bool = True):
    """The Star Wars export (a real one), its census region read as the division when ``division``:
    nine divisions of 38 to 181 people, each split by three more groupings."""
    raw = read_raw(STARWARS)
    mapping = suggest_mapping(raw)
    if division:
        mapping = replace(mapping, attributes={"division" if name == "region" else name: column
                                               for name, column in mapping.attributes.items()})
    return apply_mapping(raw, mapping)


def digital(survey) -> Scope:
    return scoped(survey, Access("viewer", ("Digital",)))


# --- the linear audit: nothing under the minimum, nothing outside the scope ---------------------

@pytest.mark.parametrize("divisions", [("Digital",), ("Insurance", "Wealth Management")])
def test_a_scoped_viewer_of_the_demo_determines_no_small_count_and_nothing_outside(divisions):
    result = scope_audit(import_demo(), K, divisions, items=["sign_7", "sign_1"])
    assert result["views"] > 15 and result["equations"] > 1000 and result["targets"] > 1000  # it looked at a lot
    assert result["outside"] == []  # no number the viewer sees involves anyone of another division
    assert result["determined"] == []


def test_the_organisations_totals_beside_the_scope_would_give_nothing_away_either():
    result = scope_audit(import_demo(), K, ("Digital",), items=["sign_7"], with_totals=True)
    assert result["determined"] == []


def test_a_scoped_viewer_of_a_real_export_determines_no_small_count():
    survey = starwars()
    items = list(survey.item_ids)[:3]
    smallest = scope_audit(survey, K, ("East South Central",), items=items, with_totals=True)
    assert smallest["targets"] > 100 and smallest["outside"] == [] and smallest["determined"] == []
    largest = scope_audit(survey, K, ("East North Central",), items=items)
    assert largest["outside"] == [] and largest["determined"] == []


def test_the_scope_audit_finds_what_publishing_for_a_smaller_minimum_gives_away():
    """The negative control: published for 3, audited for 5, the scope's small cells are determined."""
    result = scope_audit(import_demo(), K, ("Digital",), items=["sign_7"], published_for=3)
    assert len(result["determined"]) > 10 and result["outside"] == []
    assert all(3 <= count < K for _, _, count in result["determined"])


def test_every_view_inside_the_scope_is_whole_published_classes(demo):
    """Each filter a scoped viewer can set (a unit, a role, a region, a wave of their divisions) keeps
    every published class whole: all of its people or none."""
    scope = digital(demo)
    part = view(demo, division=["Digital"])
    classes = demo.class_codes()[part.rows]  # the published classes of the scope's rows, in its order
    sizes = np.bincount(demo.class_codes())
    checked = 0
    for name in ("wave", *reporting_attributes(scope.survey)):
        for value in scope.survey.codes(name)[1]:
            inside = view(scope.survey, **{name: [value]}).rows
            counts = np.bincount(classes[inside], minlength=len(sizes))
            assert ((counts == 0) | (counts == sizes)).all(), (name, value)
            checked += 1
    assert checked > 15


# --- the scope is a survey of its own ------------------------------------------------------------

def test_the_scope_holds_nothing_of_the_other_divisions(demo):
    scope = digital(demo)
    survey = scope.survey
    assert scope.divisions == ("Digital",) and scope.note == ""
    assert survey.base is None and survey.selected is None and survey.size == view(demo, division=["Digital"]).size
    assert survey.codes("division")[1] == ["Digital"] and list(survey.frame["division"].cat.categories) == ["Digital"]
    digital_units = set(view(demo, division=["Digital"]).codes("business_unit")[1])
    assert set(survey.frame["business_unit"].cat.categories) == digital_units  # no other division's unit by name
    report = survey.report
    assert (report.rows_in_file, report.rows_kept, report.excluded, report.problems, report.notes) == (
        survey.size, survey.size, {}, (), ())
    disclosure = survey.disclosure
    assert disclosure.published == survey.size and disclosure.left_out == {} and disclosure.changes.empty
    # the pooled groups it shows, not those of the others ("Other divisions", the demo's "Other units")
    assert disclosure.others == {"role": ("Other roles",), "region": ("Other regions",)}
    assert set(demo.disclosure.others) == {"division", "business_unit", "role", "region"}
    assert " of 5,458 " not in " ".join(disclosure.summary()) and f"of {survey.size:,} respondents" in " ".join(
        disclosure.summary())
    assert set(np.unique(survey.class_codes())) == set(range(len(np.unique(survey.class_codes()))))
    assert digital(demo).survey is survey  # one copy a scope, kept with the survey for every session
    assert view(survey, division=["Insurance"]).size == 0  # a link's filter outside the scope finds nobody


def test_no_organisation_total_reaches_a_scoped_viewer(demo):
    survey = digital(demo).survey
    assert respondent_counts(survey).kept == survey.size
    caption = view_of(survey, Settings()).caption("Demo data", str.capitalize)
    assert "Division: Digital" in caption and f"{demo.size:,}" not in caption and f"{survey.size:,} respondents" in caption


@pytest.mark.parametrize("by", [None, "business_unit", "role", "wave", ["role", "region"]])
def test_the_scope_gives_the_numbers_of_the_filtered_view(demo, by):
    part, survey = view(demo, division=["Digital"]), digital(demo).survey
    pd.testing.assert_frame_equal(rates(survey, by), rates(part, by))
    pd.testing.assert_frame_equal(commitment_index(survey, by), commitment_index(part, by))
    inside = view(survey, wave=["2026-Q3"])
    pd.testing.assert_frame_equal(rates(inside, by), rates(view(demo, division=["Digital"], wave=["2026-Q3"]), by))


def test_the_unit_metrics_shown_are_the_scopes_own(demo):
    metrics = load_demo_metrics()
    mine = scoped_metrics(metrics, digital(demo))
    assert set(mine.frame["division"]) == {"Digital"} and mine.problems == ()
    assert len(mine.frame) == int((metrics.frame["division"] == "Digital").sum())
    assert scoped_metrics(metrics, scoped(demo, LOCAL_ACCESS)) is metrics
    assert scoped_metrics(metrics, scoped(demo, Access("viewer", ("Atlantis",)))) is None


# --- failing closed -----------------------------------------------------------------------------

@pytest.mark.parametrize("access", [LOCAL_ACCESS, Access("analyst"), Access("viewer")])
def test_an_unscoped_person_sees_the_whole_survey(demo, access):
    assert scoped(demo, access) == Scope(demo)


def test_a_division_the_survey_does_not_report_shows_nothing_of_the_organisation(demo):
    nothing = scoped(demo, Access("viewer", ("Atlantis",)))
    assert nothing.survey is None and nothing.divisions == ()
    assert nothing.note == "Atlantis is not a division reported on its own in this survey, so nothing of it is shown."
    pooled = scoped(demo, Access("viewer", ("Other divisions",)))  # several small divisions: never a scope
    assert pooled.survey is None and "Other divisions is not a division reported on its own" in pooled.note
    some = scoped(demo, Access("viewer", ("digital ", "Atlantis", "Narnia")))
    assert some.divisions == ("Digital",) and some.survey.codes("division")[1] == ["Digital"]
    assert some.note == ("Atlantis, Narnia are not divisions reported on their own in this survey, so nothing of them is "
                         "shown.")
    for other in ("Insurance", "Operations", "Retail Banking"):  # a note never names another division
        assert other not in nothing.note + some.note


def test_a_survey_without_divisions_shows_a_scoped_viewer_nothing():
    survey = publish(starwars(division=False), K)
    scope = scoped(survey, Access("viewer", ("Pacific",)))
    assert scope.survey is None
    assert scope.note == "This survey has no divisions, so nothing of it can be shown to a viewer of Pacific."
    assert scoped(survey, Access("viewer")).survey is survey


def test_only_published_data_can_be_scoped():
    from cxcommit.errors import SettingsError

    with pytest.raises(SettingsError, match="has not been made publishable"):
        scoped(import_demo(), Access("viewer", ("Digital",)))
