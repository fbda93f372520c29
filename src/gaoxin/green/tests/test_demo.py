"""The demo zone's green labels match the source zone's published counts, and the label of a firm the evaluation
penalised is under review."""

import pytest

from gaoxin.green import selectors
from gaoxin.green.models import GreenLabel, LabelStatus


@pytest.mark.django_db
def test_the_demo_labels_match_the_source(django_capture_on_commit_callbacks):
    from gaoxin.demo import build_demo_zone

    with django_capture_on_commit_callbacks(execute=True):
        build_demo_zone(seed=7, enterprises=40, history=30)
    counts = {(c["kind"], c["level"]): c["count"] for c in selectors.label_counts()}
    assert counts == {("green_factory", "national"): 3, ("green_factory", "provincial"): 8,
                      ("green_design_product", "national"): 1, ("near_zero_carbon", "municipal"): 1,
                      ("smart_workshop", "provincial"): 16, ("smart_workshop", "municipal"): 37,
                      ("smart_factory", "provincial"): 1}
    review = GreenLabel.objects.filter(status=LabelStatus.REVIEW)
    assert review.exists() and all("环境行政处罚" in lb.events.get().note or "生产安全事故" in lb.events.get().note
                                   for lb in review)
    assert GreenLabel.objects.filter(enterprise__memberships__user__username="enterprise").exists()
    # the scorecard ran once and the enterprise account's firm objects to its grade, waiting for the bureau
    from gaoxin.green.models import ScorecardRun, ScoreObjection

    assert ScorecardRun.objects.filter(status="done").count() == 1
    objection = ScoreObjection.objects.get()
    assert objection.status == "open" and objection.indicator_name == "绿色设计产品"
    assert objection.result.enterprise.memberships.filter(user__username="enterprise").exists()
