"""Inspection types (issue 15, item 2): 日常 from the plan by draw, 专项 with its approving
document, 个案 with its trigger and the named firm; each allowed and refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from fieldwork.models import ApprovalState, RecordKind
from fieldwork.services import records
from fieldwork.services.approvals import approve_inspection
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.planning.models import SamplingTask, TaskStatus
from inspections.planning.services import start_task

CAMPAIGN = {
    "authority": "长春市人民政府",
    "document": "长府办发〔2021〕12号",
    "approved_on": date(2021, 5, 10),
    "published_on": date(2021, 5, 31),
}


@pytest.fixture
def named_firm(published_plan):
    from inspections.directory.models import Firm

    return Firm.objects.order_by("uscc").first()


@pytest.fixture
def kj_certificates(published_plan, kj):
    from personnel.models import Certificate

    return list(
        Certificate.objects.filter(officer__department=kj)
        .order_by("number")
        .values_list("number", flat=True)
    )


def _case(named_firm, certificates, **overrides):
    return {
        "trigger": "complaint",
        "reference": "12345-2021-0608-001",
        "firm": named_firm,
        "officers": certificates[:2],
        **overrides,
    }


# --- 个案 -----------------------------------------------------------------------------------------


def test_a_case_names_its_firm_and_officers_and_starts_without_a_draw(
    open_draft_task, planner, department_admin, named_firm, kj_certificates, login_for
):
    task = open_draft_task(inspection_type="case", case=_case(named_firm, kj_certificates))
    assert task.basis["trigger_label"] == "投诉举报" and task.basis["firm"] == named_firm.uscc
    task = start_task(actor=planner, task=task)
    assert task.status == TaskStatus.IN_PROGRESS and not task.draws.exists()
    (inspection,) = task.inspections.all()
    assert inspection.firm == named_firm and inspection.inspection_type == "case"
    assert sorted(inspection.members.values_list("certificate_number", flat=True)) == sorted(
        kj_certificates[:2]
    )
    assert inspection.approval_state == ApprovalState.PENDING

    approval = approve_inspection(actor=department_admin, inspection=inspection)
    assert approval.content["basis"]["reference"] == "12345-2021-0608-001"
    assert approval.content["type_label"] == "个案检查"
    officer = login_for(inspection.members.first().officer)
    records.issue_notice(
        actor=officer, inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    kinds = list(inspection.records.order_by("sequence").values_list("kind", flat=True))
    assert kinds == [RecordKind.APPROVAL, RecordKind.NOTICE]
    call_command("verify_records", inspection.code)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"trigger": ""}, "case_trigger", "个案检查须选择启动事由"),
        ({"trigger": "rumour"}, "case_trigger", "个案检查须选择启动事由"),
        ({"reference": " "}, "case_reference", "个案检查须填写事由编号"),
        ({"firm": None}, "case_firm", "个案检查须指定检查对象"),
        ({"officers": []}, "case_officers", "至少两名"),
        ({"officers": ["NOPE-1", "NOPE-2"]}, "case_officers", "不属于本任务的部门"),
    ],
)
def test_a_case_without_its_trigger_firm_or_officers_is_refused(
    open_draft_task, named_firm, kj_certificates, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        open_draft_task(
            inspection_type="case", case=_case(named_firm, kj_certificates, **overrides)
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not SamplingTask.objects.exists()


def test_a_routine_task_cannot_skip_its_draws(open_draft_task, planner):
    task = open_draft_task()
    with pytest.raises(ValidationError, match="不能变更为“检查实施中”"):
        start_task(actor=planner, task=task)


# --- 专项 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"document": ""}, "campaign_document", "专项检查须填写批准文件文号"),
        ({"authority": ""}, "campaign_authority", "专项检查须填写批准机关"),
        ({"approved_on": None}, "campaign_approved_on", "专项检查须填写批准日期"),
        ({"published_on": None}, "campaign_published_on", "一个月内备案并公布"),
        ({"published_on": date(2021, 6, 11)}, "campaign_published_on", "最迟2021-06-10"),
        ({"published_on": date(2021, 5, 9)}, "campaign_published_on", "一个月内备案并公布"),
    ],
)
def test_a_campaign_without_its_approving_document_or_publication_is_refused(
    open_draft_task, overrides, field, message
):
    with pytest.raises(ValidationError) as refused:
        open_draft_task(inspection_type="campaign", campaign={**CAMPAIGN, **overrides})
    assert message in " ".join(refused.value.message_dict[field])
    assert not SamplingTask.objects.exists()


def test_a_campaign_draws_its_firms_and_its_basis_reaches_the_chain(
    open_draft_task, planner, department_admin
):
    task = open_draft_task(
        inspection_type="campaign",
        campaign={**CAMPAIGN, "published_on": date(2021, 6, 10)},  # the last day allowed
        witnesses=["纪检监督员"],
    )
    perform_draw(
        actor=planner, draw=announce_firms_draw(actor=planner, task=task), witness_values=["7"]
    )
    task.refresh_from_db()
    perform_draw(
        actor=planner, draw=announce_teams_draw(actor=planner, task=task), witness_values=["8"]
    )
    task = start_task(actor=planner, task=task)
    inspection = task.inspections.order_by("code").first()
    assert inspection.inspection_type == "campaign"
    approval = approve_inspection(actor=department_admin, inspection=inspection)
    assert approval.content["basis"]["document"] == "长府办发〔2021〕12号"
    assert approval.content["basis"]["authority"] == "长春市人民政府"


def test_an_unknown_type_is_refused(open_draft_task):
    with pytest.raises(ValidationError, match="请选择检查类型"):
        open_draft_task(inspection_type="weekly")
    assert not SamplingTask.objects.exists()


def test_a_routine_task_states_its_plan_as_basis(open_draft_task):
    task = open_draft_task()
    assert task.inspection_type == "routine"
    assert task.basis == {
        "type": "routine",
        "type_label": "日常检查",
        "plan": "2021年度计划（第1版）",
    }
    assert not task.case_firm and not task.campaign_document


# --- the pages ------------------------------------------------------------------------------------


def _task_form(published_plan, **extra):
    line = published_plan.lines.get()
    return {
        "name": "投诉举报核查",
        "items": [line.items.get().pk],
        "scope_mode": "untargeted",
        "ratio_A": "2",
        "window_start": "2021-06-07",
        "window_end": "2021-06-30",
        "lead_seats": 2,
        "officer_cap": 5,
        "exclusion_months": 12,
        **extra,
    }


def test_the_planner_opens_a_case_on_the_page_and_starts_it(
    client, planner, published_plan, named_firm, kj_certificates
):
    from django.urls import reverse

    client.force_login(planner)
    data = _task_form(
        published_plan,
        inspection_type="case",
        case_trigger="complaint",
        case_reference="12345-0608",
        case_firm_uscc=named_firm.uscc,
        case_officers="、".join(kj_certificates[:2]),
    )
    response = client.post(reverse("tasks:new"), data)
    task = SamplingTask.objects.get()
    assert response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert task.inspection_type == "case" and task.case_firm == named_firm
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert (
        "个案检查：投诉举报（编号 12345-0608）" in page and 'data-testid="fieldwork-link"' in page
    )
    client.post(reverse("fieldwork:task-start", args=[task.pk]))
    (inspection,) = SamplingTask.objects.get().inspections.all()
    assert inspection.firm == named_firm and inspection.approval_state == "pending"


def test_a_case_or_campaign_missing_its_basis_is_refused_on_the_form(
    client, planner, published_plan, named_firm
):
    from django.urls import reverse

    client.force_login(planner)
    case = client.post(
        reverse("tasks:new"),
        _task_form(published_plan, inspection_type="case", case_firm_uscc=named_firm.uscc),
    ).content.decode()
    assert "个案检查须选择启动事由" in case and "个案检查须填写事由编号" in case
    campaign = client.post(
        reverse("tasks:new"),
        _task_form(published_plan, inspection_type="campaign", campaign_authority="长春市人民政府"),
    ).content.decode()
    assert "专项检查须填写批准文件文号" in campaign
    assert not SamplingTask.objects.exists()


# --- the API --------------------------------------------------------------------------------------


def _api_task(published_plan, **extra):
    line = published_plan.lines.get()
    return {
        "plan": published_plan.pk,
        "name": "投诉举报核查",
        "items": [v.pk for v in line.items.all()],
        "quotas": [{"risk_class": "A", "ratio": "0.02"}],
        "seats": {"KJ": 2},
        "window_start": "2021-06-07",
        "window_end": "2021-06-30",
        **extra,
    }


def test_the_api_opens_a_case_and_refuses_a_campaign_without_its_document(
    client, planner, published_plan, named_firm, kj_certificates
):
    client.force_login(planner)
    case = {
        "trigger": "referral",
        "reference": "转办〔2021〕8号",
        "firm": named_firm.uscc,
        "officers": kj_certificates[:2],
    }
    opened = client.post(
        "/api/v1/tasks/",
        _api_task(published_plan, inspection_type="case", case=case),
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.json()
    assert opened.json()["inspection_type"] == "case"
    assert opened.json()["basis"]["trigger_label"] == "转办交办"

    refused = client.post(
        "/api/v1/tasks/",
        _api_task(
            published_plan,
            inspection_type="campaign",
            campaign={"authority": "长春市人民政府", "approved_on": "2021-05-10"},
        ),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "专项检查须填写批准文件文号" in refused.json()["fields"]["campaign_document"][0]
    assert SamplingTask.objects.count() == 1
