"""The notice stage speaks the inspection's type (issue 15): only a 日常 inspection is drawn at
random and serves a 随机抽查通知书; a 个案 or 专项 serves the 检查通知书."""

import pytest
from django.urls import reverse

from fieldwork.selectors.records import missing_for_submission
from fieldwork.services.approvals import approve_inspection
from inspections.planning.services import start_task


@pytest.fixture
def case_inspection(open_draft_task, planner, department_admin, published_plan, kj):
    from inspections.directory.models import Firm
    from personnel.models import Certificate

    numbers = list(
        Certificate.objects.filter(officer__department=kj)
        .order_by("number")
        .values_list("number", flat=True)[:2]
    )
    task = open_draft_task(
        inspection_type="case",
        case={
            "trigger": "complaint",
            "reference": "12345-2021-0608-001",
            "firm": Firm.objects.order_by("uscc").first(),
            "officers": numbers,
        },
    )
    task = start_task(actor=planner, task=task)
    inspection = task.inspections.get()
    approve_inspection(actor=department_admin, inspection=inspection)
    return inspection


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("routine", "送达随机抽查通知书"),
        ("campaign", "送达检查通知书"),
        ("case", "送达检查通知书"),
    ],
)
def test_the_notice_label_follows_the_inspection_type(kind, label):
    from fieldwork.models import Inspection

    assert Inspection(inspection_type=kind).notice_stage_label == label


def test_a_case_inspection_page_asks_for_the_inspection_notice(client, case_inspection, login_for):
    officer = login_for(case_inspection.members.order_by("seat").first().officer)
    assert missing_for_submission(case_inspection)[0] == "尚未送达检查通知书"
    client.force_login(officer)
    body = client.get(reverse("fieldwork:inspection", args=[case_inspection.pk])).content.decode()
    assert "送达检查通知书" in body
    assert "随机抽查通知书" not in body


def test_a_routine_inspection_page_keeps_the_random_check_notice(client, inspection, team):
    assert missing_for_submission(inspection)[0] == "尚未送达随机抽查通知书"
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert "送达随机抽查通知书" in body


@pytest.mark.parametrize(
    ("kind", "label"),
    [("routine", "送达随机抽查通知书"), ("campaign", "送达检查通知书"), ("case", "送达检查通知书")],
)
def test_a_notice_record_is_named_as_its_inspection_says_it(kind, label):
    """The record history, the timeline and the home page's activity name a notice record by
    its inspection's type too; other records keep their kind's name."""
    from fieldwork.models import Inspection, InspectionRecord
    from fieldwork.views.checklist import record_title

    inspection = Inspection(inspection_type=kind, code="X-1")
    notice = InspectionRecord(inspection=inspection, kind="notice", sequence=2)
    assert notice.kind_label == label and record_title(notice) == label
    assert str(notice) == f"X-1 第2条 {label}"
    result = InspectionRecord(inspection=inspection, kind="result", sequence=9)
    assert result.kind_label == result.get_kind_display()
