"""The mapping form's table: a mapping survives the round trip, and bad input is reported."""
import pytest

from cxcommit import MappingError, read_raw, suggest_mapping
from cxcommit.mapping_table import edited_mapping, format_labels, items_table, parse_labels
from conftest import REALDATA


@pytest.mark.parametrize("name", ["qualtrics_qualtRics_sample.csv", "surveymonkey_538_starwars.csv",
                                  "googleforms_rstudio_rsurvey2019_en.csv"])
def test_a_suggested_mapping_survives_the_form_unchanged(name):
    raw = read_raw(REALDATA / name)
    mapping = suggest_mapping(raw)
    table = items_table(mapping, list(raw.keys))
    wave = {k: v for k, v in vars(mapping.wave).items() if v not in (None, False)}
    again = edited_mapping(mapping, table, attributes=dict(mapping.attributes), wave=wave,
                           respondent_id=mapping.respondent_id)
    assert [(m.column, m.item, m.scale, m.labels, m.favourable_from) for m in again.items] == \
        [(m.column, m.item, m.scale, m.labels, m.favourable_from) for m in mapping.items]
    assert again.wave == mapping.wave and again.attributes == mapping.attributes


def test_ticking_a_column_adds_it_as_an_item():
    raw = read_raw(REALDATA / "qualtrics_qualtRics_sample.csv")
    mapping = suggest_mapping(raw)
    table = items_table(mapping, list(raw.keys))
    spare = table.index[~table["use"]][0]
    table.loc[spare, ["use", "item", "scale", "low", "high", "answer_labels"]] = [True, "extra", "numeric", 0, 100, ""]
    again = edited_mapping(mapping, table, attributes={}, wave={"value": "W1"}, respondent_id=None)
    assert again.items[-1].item == "extra" and again.items[-1].column == table.loc[spare, "column"]


def test_labels_round_trip():
    labels = {"Yes": 1.0, "No": 0.0, "Not sure": "dont_know", "n/a": "missing"}
    assert parse_labels(format_labels(labels)) == labels


def test_a_label_without_a_value_names_the_column():
    with pytest.raises(MappingError, match="'Yes' is not of the form"):
        parse_labels("Yes; No = 0", "answer labels of 'Q1'")


def test_an_impossible_edit_is_reported_like_a_mapping_file():
    raw = read_raw(REALDATA / "qualtrics_qualtRics_sample.csv")
    mapping = suggest_mapping(raw)
    table = items_table(mapping, list(raw.keys))
    table.loc[0, ["use", "item", "scale"]] = [True, "q1", "stars"]
    with pytest.raises(MappingError) as error:
        edited_mapping(mapping, table, attributes={}, wave={"value": "W1"}, respondent_id=None)
    assert "unknown scale" in error.value.problem_table["problem"].iloc[0]
