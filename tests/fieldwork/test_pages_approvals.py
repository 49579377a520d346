"""行政检查审批 on the pages and in the API: the head's list with search and filters, the
approval, the inspector's page that refuses to start without it, and the emergency path."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from backend.text import chinese_date
from fieldwork.models import ApprovalState, InspectionState, RecordKind
from tests.conftest import log_in


@pytest.fixture
def pending(started_unapproved):
    return started_unapproved.inspections.order_by("code").first()


@pytest.fixture
def pending_team(pending, login_for):
    return [login_for(m.officer) for m in pending.members.order_by("department__code", "seat")]


def _list(client, **params):
    return client.get(reverse("fieldwork:approval-list"), params).content.decode()


def test_the_head_finds_the_waiting_inspections_and_approves_from_the_list(
    client, started_unapproved, pending, department_admin
):
    log_in(client, department_admin)
    body = _list(client)
    assert all(f"approval-{i.code}" in body for i in started_unapproved.inspections.all())
    one = _list(client, q=pending.firm_name)
    assert f"approval-{pending.code}" in one
    others = started_unapproved.inspections.exclude(pk=pending.pk)
    assert not any(f"approval-{i.code}" in one for i in others)
    assert "没有待审批的检查" in _list(client, type="case")
    assert "没有待审批的检查" in _list(client, state="emergency")

    response = client.post(
        reverse("fieldwork:approve", args=[pending.pk]),
        {"from": "list", "idempotency_key": str(uuid.uuid4()), "opinion": "同意实施"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "fieldwork:approval-list"
    )
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.APPROVED
    assert f"approval-{pending.code}" not in _list(client)


def test_the_inspector_sees_the_approval_state_and_cannot_start_without_it(
    client, pending, pending_team
):
    client.force_login(pending_team[0])
    today = client.get(reverse("fieldwork:today")).content.decode()
    assert "日常检查 · 待审批" in today
    page = client.get(reverse("fieldwork:inspection", args=[pending.pk])).content.decode()
    assert "待审批" in page and 'data-testid="emergency-form"' in page
    response = client.post(
        reverse("fieldwork:stage", args=[pending.pk, "notice"]),
        {
            "served_on": date.today().isoformat(),
            "delivery": "当面送达",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert "尚未经发起部门负责人审批，不能开始实施" in response.content.decode()
    assert not pending.records.exists()


def test_the_emergency_start_from_the_page_needs_a_reason_and_shows_its_deadline(
    client, pending, pending_team
):
    client.force_login(pending_team[0])
    url = reverse("fieldwork:emergency-start", args=[pending.pk])
    refused = client.post(url, {"idempotency_key": str(uuid.uuid4()), "reason": ""})
    assert refused.status_code == 200 and "紧急先行检查须说明紧急情况" in refused.content.decode()
    assert not pending.records.exists()

    done = client.post(
        url, {"idempotency_key": str(uuid.uuid4()), "reason": "举报称正在转移涉案物品"}, follow=True
    )
    pending.refresh_from_db()
    assert pending.approval_state == ApprovalState.EMERGENCY
    body = done.content.decode()
    assert "补办审批" in body and chinese_date(pending.approval_due) in body
    # The team may now serve the notice.
    client.post(
        reverse("fieldwork:stage", args=[pending.pk, "notice"]),
        {
            "served_on": date.today().isoformat(),
            "delivery": "当面送达",
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    pending.refresh_from_db()
    assert pending.state == InspectionState.NOTIFIED


def test_the_head_approves_on_the_inspection_page(client, pending, department_admin, planner):
    client.force_login(planner)
    assert (
        'data-testid="approval"'
        not in client.get(reverse("fieldwork:inspection", args=[pending.pk])).content.decode()
    )
    log_in(client, department_admin)
    page = client.get(reverse("fieldwork:inspection", args=[pending.pk])).content.decode()
    assert 'data-testid="approval"' in page
    response = client.post(
        reverse("fieldwork:approve", args=[pending.pk]), {"idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    assert pending.records.get().kind == RecordKind.APPROVAL
    timeline = client.get(reverse("fieldwork:inspection", args=[pending.pk])).content.decode()
    assert "检查类型：日常检查（2021年度计划（第1版））" in timeline
    assert "审批人：孙管理" in timeline


# --- the API -------------------------------------------------------------------------------------


def test_the_api_lists_approves_and_refuses_in_chinese(
    client, pending, department_admin, planner, started_unapproved
):
    url = reverse("api:inspection-approval", args=[pending.pk])
    client.force_login(planner)
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 403
    assert "负责人审批" in refused.json()["message"]
    assert not pending.records.exists()

    log_in(client, department_admin)
    listed = client.get(reverse("api:approvals"), {"type": "routine"}).json()
    assert pending.code in [row["code"] for row in listed["results"]]
    approved = client.post(url, {"opinion": "同意"}, content_type="application/json")
    assert approved.status_code == 200
    assert approved.json()["approval_state"] == "approved"
    assert approved.json()["basis"]["type_label"] == "日常检查"
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 400 and "无需审批" in again.json()["message"]


def test_the_api_emergency_start_needs_a_reason(client, pending, pending_team):
    client.force_login(pending_team[0])
    url = reverse("api:inspection-emergency-start", args=[pending.pk])
    refused = client.post(url, {"reason": " "}, content_type="application/json")
    assert refused.status_code == 400
    assert "紧急先行检查须说明紧急情况" in str(refused.json())
    done = client.post(url, {"reason": "危险品泄漏"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["approval_state"] == "emergency"
    assert done.json()["approval_due"] and done.json()["overdue"] is False
