"""The lean path for large exports gives the same survey, without loading free text or identifiers."""
import numpy as np
import pytest

import cxcommit.io.readers as readers
import cxcommit.io.text_export as text_export
from cxcommit import load_survey, read_raw

HEADER = "ResponseId,Email,Wave,Division,Business Unit,Role,sign_1,NPS,Job title,Comment\n"


def _export(rows: int) -> str:
    rng = np.random.default_rng(3)
    lines = [HEADER]
    for i in range(rows):
        lines.append(f"R{i},p{i}@example.com,2026-Q{1 + i % 2},Div {i % 3},Unit {i % 9},"
                     f"{['Executive', 'Employee'][i % 2]},{['Yes', 'No', ''][rng.integers(3)]},{rng.integers(11)},job {i},"
                     f"comment number {i} about customers\n")
    return "".join(lines)


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(readers, "LEAN_BYTES", 10_000)
    monkeypatch.setattr(text_export, "HEAD_BYTES", 40_000)


def test_lean_read_skips_free_text_and_personal_columns(tmp_path, small_threshold):
    path = tmp_path / "big.csv"
    path.write_text(_export(3000))
    raw = read_raw(path)
    comments = "looks like free-text answers: 402 distinct in 402 answers, 33 characters on average"
    assert raw.omitted == {"Email": "personal data (email address)", "Comment": f"personal data ({comments})",
                           "Job title": "free text (not loaded from a large file)"}
    assert "Comment" not in raw.keys and "ResponseId" in raw.keys
    survey = load_survey(path)
    assert survey.report.personal_dropped == {"Email": "email address", "Comment": comments}
    assert survey.mapping.ignored["Job title"] == "free text (not loaded from a large file)"


def test_lean_and_full_reads_give_the_same_survey(tmp_path, small_threshold):
    path = tmp_path / "big.csv"
    path.write_text(_export(3000))
    lean = load_survey(path)
    full = load_survey(path.read_bytes(), name="big.csv")  # bytes: always the careful path
    assert lean.item_ids == full.item_ids
    for column in ("sign_1", "nps", "division", "business_unit", "role", "wave"):
        assert lean.responses[column].astype(str).equals(full.responses[column].astype(str)), column


def test_a_large_file_in_another_encoding_takes_the_careful_path(tmp_path, small_threshold):
    path = tmp_path / "big.csv"
    path.write_bytes(_export(3000).replace("Div 1", "Générale").encode("cp1252"))
    survey = load_survey(path)
    assert survey.report.encoding == "cp1252" and "Générale" in list(survey.responses["division"])


def test_a_unit_under_two_divisions_is_reported():
    data = b"Division,Business Unit,sign_1\nA,Sales,Yes\nB,Sales,No\nA,Service,Yes\n"
    survey = load_survey(data, name="x.csv")
    assert [(p.column, p.value, p.problem) for p in survey.report.problems] == [
        ("business_unit", "Sales", "business unit appears under 2 divisions (A, B); units are expected to sit "
                                   "in one division")]


def test_line_breaks_inside_answers_of_a_large_file(tmp_path, small_threshold):
    text = _export(3000).replace("comment number 7 about", '"comment number 7\nspread over lines about')
    text = text.replace("lines about customers\n", 'lines about customers"\n', 1)
    path = tmp_path / "big.csv"
    path.write_text(text)
    survey = load_survey(path)
    assert survey.report.rows_kept == 3000 and survey.report.problems == ()


def test_a_mapping_that_uses_an_unloaded_column_of_a_large_file(tmp_path, small_threshold):
    from cxcommit import load_mapping, suggest_mapping
    from cxcommit.errors import MappingError

    path = tmp_path / "big.csv"
    path.write_text(_export(3000))
    mapping = suggest_mapping(read_raw(path.read_bytes(), "big.csv"))  # from the full file
    edited = mapping.to_dict()
    edited["groupings"] = list(edited["groupings"]) + ["Comment"]
    mapping_path = tmp_path / "m.json"
    mapping_path.write_text(__import__("json").dumps(edited))
    with pytest.raises(MappingError) as caught:
        load_survey(path, mapping=load_mapping(mapping_path))
    assert "'Comment'" in caught.value.message and "--keep-personal-data" in caught.value.hint
