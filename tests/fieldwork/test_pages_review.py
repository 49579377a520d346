"""The lead department head's review of submitted results: the list, 同意 and 不同意 (with an
opinion) through review_result, refusals shown on the form, and who may review."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from fieldwork.models import InspectionState, RecordKind
from fieldwork.services import followups, records
from tests.conftest import log_in

# The fixtures' task ran in June 2021: a submission today is after its window, and says why.
LATE = "2021年的检查时间已过，补交审核（测试）"


@pytest.fixture
def submitted(inspection, team, fill_record):
    fill_record(inspection, team, codes=("rectified",))
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    inspection.refresh_from_db()
    return inspection


def _review(client, inspection, **data):
    data.setdefault("idempotency_key", str(uuid.uuid4()))
    return client.post(reverse("fieldwork:review", args=[inspection.pk]), data)


def test_the_head_lists_the_departments_submitted_results(
    client, submitted, started, department_admin
):
    log_in(client, department_admin)
    body = client.get(reverse("fieldwork:review-list")).content.decode()
    assert submitted.code in body and submitted.firm_name in body
    assert "发现问题已责令改正" in body
    for other in started.inspections.exclude(pk=submitted.pk):
        assert other.code not in body  # not submitted yet
    assert 'name="decision"' in body and 'value="agree"' in body


def test_another_departments_head_sees_nothing_to_review_and_cannot_open_it(
    client, submitted, ga_department_admin
):
    log_in(client, ga_department_admin)
    body = client.get(reverse("fieldwork:review-list")).content.decode()
    assert submitted.code not in body and "没有待审核的检查结果" in body
    assert _review(client, submitted, decision="agree").status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == InspectionState.SUBMITTED


@pytest.mark.parametrize("who", ["planner", "legal_reviewer", "inspector"])
def test_only_department_heads_review(request, client, submitted, who):
    log_in(client, request.getfixturevalue(who))
    assert _review(client, submitted, decision="agree").status_code == 403
    assert client.get(reverse("fieldwork:review-list")).status_code == 403


def test_agreeing_from_the_list_makes_the_result_final(client, submitted, department_admin):
    log_in(client, department_admin)
    response = _review(client, submitted, decision="agree", opinion="", **{"from": "list"})
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:review-list")
    submitted.refresh_from_db()
    assert submitted.state == InspectionState.REVIEWED
    assert submitted.reviewed_by == department_admin
    body = client.get(reverse("fieldwork:review-list")).content.decode()
    assert "同意" in body and "我最近审核的" in body and submitted.code in body


def test_disagreeing_needs_an_opinion_and_returns_the_record_to_the_team(
    client, submitted, department_admin, team
):
    log_in(client, department_admin)
    refused = _review(client, submitted, decision="disagree", opinion="", **{"from": "list"})
    assert refused.status_code == 200
    assert "不同意的须填写审核意见" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == InspectionState.SUBMITTED

    response = _review(client, submitted, decision="disagree", opinion="要点描述不清，请补充")
    assert response["Location"] == reverse("fieldwork:inspection", args=[submitted.pk])
    submitted.refresh_from_db()
    assert submitted.state == InspectionState.RETURNED

    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[submitted.pk])).content.decode()
    assert "审核退回" in body and "要点描述不清，请补充" in body
    assert "更正此记录" in body  # the team corrects, then submits again
    assert f'action="{reverse("fieldwork:stage", args=[submitted.pk, "submit"])}"' in body


def test_the_review_form_is_on_the_inspection_page_for_the_head_only(
    client, submitted, department_admin, planner
):
    page = reverse("fieldwork:inspection", args=[submitted.pk])
    log_in(client, department_admin)
    body = client.get(page).content.decode()
    assert reverse("fieldwork:review", args=[submitted.pk]) in body
    missing_choice = _review(client, submitted, opinion="")
    assert "请选择同意或不同意" in missing_choice.content.decode()
    client.force_login(planner)
    assert reverse("fieldwork:review", args=[submitted.pk]) not in client.get(page).content.decode()


def test_a_double_submitted_review_is_one_record(client, submitted, department_admin):
    log_in(client, department_admin)
    key = str(uuid.uuid4())
    for _ in range(2):
        response = _review(client, submitted, decision="agree", idempotency_key=key)
        assert response.status_code == 302
    assert submitted.records.filter(kind=RecordKind.REVIEW).count() == 1


def test_a_review_of_an_inspection_not_submitted_is_refused_on_the_form(
    client, inspection, department_admin
):
    log_in(client, department_admin)
    response = _review(client, inspection, decision="agree")
    assert response.status_code == 200
    assert "当前为“待检查”，不能审核" in response.content.decode()


def test_a_follow_up_of_the_reviewed_result_reads_plainly_in_the_record(
    client, submitted, department_admin, team
):
    records.review_result(actor=department_admin, inspection=submitted, agree=True)
    followups.open_follow_up(
        actor=team[0],
        inspection=submitted,
        kind="rectify",
        opened_on=date(2021, 6, 20),
        details="责令十日内办理工作许可变更",
        due_on=date(2021, 6, 30),
    )
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[submitted.pk])).content.decode()
    assert "后续处置1：责令改正" in body and "完成期限：2021-06-30" in body
    assert "审核意见：同意" in body
