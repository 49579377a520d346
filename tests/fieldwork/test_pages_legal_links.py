"""The inspection's page and the legal review app: the link to draft a decision, the
inspection's decisions, and the legal-review record in the timeline linking to its decision."""

from django.urls import reverse
from legal_review_builders import *  # noqa: F403  (fixtures: found, draft, referral, ...)
from legal_review_builders import approve

from tests.conftest import log_in


def _page(inspection):
    return reverse("fieldwork:inspection", args=[inspection.pk])


def test_the_team_and_the_head_are_offered_to_draft_a_decision_once_something_was_found(
    client, found, team, department_admin, planner
):
    new = reverse("legalreview:decision-new", args=[found.pk])
    client.force_login(team[0])
    assert new in client.get(_page(found)).content.decode()
    log_in(client, department_admin)
    assert new in client.get(_page(found)).content.decode()
    client.force_login(planner)
    assert new not in client.get(_page(found)).content.decode()


def test_nothing_to_decide_before_the_team_is_on_site(client, inspection, team):
    client.force_login(team[0])
    body = client.get(_page(inspection)).content.decode()
    assert reverse("legalreview:decision-new", args=[inspection.pk]) not in body


def test_the_decision_and_its_legal_review_record_link_to_the_decision(
    client, referral, legal_reviewer, team
):
    approve(referral.reviews.get(), legal_reviewer)
    client.force_login(team[0])
    body = client.get(_page(referral.inspection)).content.decode()
    link = reverse("legalreview:decision", args=[referral.pk])
    assert referral.number in body and referral.title in body
    assert body.count(f'href="{link}"') == 2  # the decisions list and the timeline record
    assert "查看执法决定及法制审核" in body
    assert "法制审核意见：同意（第1轮，执法决定" in body
