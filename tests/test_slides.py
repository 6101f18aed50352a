"""The deck's story: order, captions, and slides left out when their data is missing."""
import plotly.graph_objects as go

from cxcommit import load_demo_metrics
from cxcommit.settings import Settings
from cxcommit.slides import deck


def test_the_demo_deck_tells_the_story_in_order(demo):
    slides = deck(demo, load_demo_metrics(), caption="Demo data")
    assert [s.title for s in slides] == [
        "What to lead with", "Commitment by division", "The 8 signs by division", "Where units disagree",
        "Do executives see what their staff see?", "How far from full commitment?", "Is executive pay tied to CX?",
        "Commitment over waves", "Pay alignment and customer outcomes"]
    assert slides[0].figure is None and len(slides[0].bullets) >= 3
    assert all(isinstance(s.figure, go.Figure) for s in slides[1:])
    assert all(s.caption == "Demo data" for s in slides)


def test_without_unit_metrics_the_outcomes_slide_is_left_out(demo):
    assert "Pay alignment and customer outcomes" not in [s.title for s in deck(demo)]


def test_slides_with_nothing_to_show_are_left_out(demo):
    one_unit = demo.filter(business_unit=[demo.codes("business_unit")[1][0]])
    titles = [s.title for s in deck(one_unit, settings=Settings(min_group_size=5))]
    assert "Where units disagree" not in titles  # one unit: no spread across units…
    assert "Where regions disagree" in titles  # … so the slide shows the next grouping that varies
    assert titles[0] == "What to lead with"
