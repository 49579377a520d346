"""The plan table: the .xlsx in the layout of a real plan table, and the printable page."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from inspections.planning import rules
from inspections.planning.plan_exports import PLAN_HEADERS
from inspections.planning.services import generate_annual_plan, update_plan_line
from tests.conftest import log_in


@pytest.fixture
def joint_plan(planner, kj, ga, exit_entry, publish_item, make_directory):
    publish_item(
        code="KJ-WGR-001",
        name="外国人来华工作许可事项检查",
        checkpoints=["许可证件有效", "变更按时办理"],
    )
    publish_item(
        department=ga,
        field=exit_entry,
        code="GA-CRJ-001",
        name="外国人住宿登记和就业情况检查",
        checkpoints=["24小时内办理住宿登记"],
        frequency="每年1次",
    )
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    update_plan_line(
        actor=planner,
        line=plan.lines.get(),
        name="外国人来华工作许可联合抽查",
        quotas={"A": rules.Quota(count=2), "B": rules.Quota(ratio=Decimal("0.05"))},
        start_quarter=2,
        end_quarter=3,
    )
    return plan


def _sheet(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_xlsx_has_the_plan_tables_headers_and_one_row_per_line(client, planner, joint_plan):
    client.force_login(planner)
    response = client.get(reverse("plans:export", args=[joint_plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan-KJ-2021-v1.xlsx"'
    header, row = _sheet(response)
    assert header == [
        "检查主体", "计划名称", "检查事项", "检查内容", "检查时间",
        "抽查比例", "频次", "数量", "参与部门",
    ]  # fmt: skip
    assert tuple(header) == PLAN_HEADERS
    assert row == [
        "市科学技术局",
        "外国人来华工作许可联合抽查",
        "KJ-WGR-001 外国人来华工作许可事项检查（市科学技术局）\n"
        "GA-CRJ-001 外国人住宿登记和就业情况检查（市公安局）",
        "【外国人来华工作许可事项检查】\n1. 许可证件有效\n2. 变更按时办理\n"
        "【外国人住宿登记和就业情况检查】\n1. 24小时内办理住宿登记",
        "2021年第二季度至第三季度",
        "A类2户；B类5%",
        "每年不少于1次；每年1次",
        4,  # 2 fixed A + ceil(30 × 5%) B
        "市公安局",
    ]


def test_exporting_is_audited(client, planner, joint_plan):
    client.force_login(planner)
    client.get(reverse("plans:export", args=[joint_plan.pk]))
    event = AuditEvent.objects.get(action="plans.export")
    assert event.detail == {"format": "xlsx", "rows": 1, "version": 1}


def test_a_single_department_line_has_no_participating_department(
    client, planner, kj, publish_item, make_directory
):
    publish_item()
    make_directory({"B": 10})
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    client.force_login(planner)
    _header, row = _sheet(client.get(reverse("plans:export", args=[plan.pk])))
    assert row[-1] == "无" and row[4] == "2021年第二季度"


def test_the_printable_page_shows_the_same_table(client, department_admin, joint_plan):
    log_in(client, department_admin)
    response = client.get(reverse("plans:print", args=[joint_plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "市科学技术局2021年度“双随机、一公开”抽查工作计划" in body
    for header in PLAN_HEADERS:
        assert f"<th>{header}</th>" in body
    assert "外国人来华工作许可联合抽查" in body and "2021年第二季度至第三季度" in body
    assert "plan-print.css" in body and "cdn" not in body.lower()


def test_another_department_cannot_export_the_plan(client, ga_department_admin, joint_plan):
    log_in(client, ga_department_admin)
    assert client.get(reverse("plans:export", args=[joint_plan.pk])).status_code == 404
    assert client.get(reverse("plans:print", args=[joint_plan.pk])).status_code == 404
