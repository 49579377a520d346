"""`python manage.py generate_plan YEAR --department CODE [--out plan.xlsx]`."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from inspections.planning.models import AnnualPlan, PlanStatus
from inspections.planning.plan_exports import PLAN_HEADERS


@pytest.fixture
def directory(kj, publish_item, make_directory):
    publish_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})


def test_the_command_saves_a_draft_and_writes_the_plan_table(directory, tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    call_command("generate_plan", "2021", "--department", "KJ", "--out", str(out))
    stdout, stderr = capsys.readouterr()
    plan = AnnualPlan.objects.get()
    assert (plan.year, plan.status, plan.created_by) == (2021, PlanStatus.DRAFT, None)
    assert "1. 外国人来华工作许可事项检查：KJ-WGR-001，2021年第二季度，6 户" in stdout
    assert "市科学技术局2021年度计划：1 项计划任务，共 6 户" in stdout and "已保存为草稿" in stdout
    # No certified officer at all: the staffing notes go to stderr.
    assert "人员配备提示：" in stderr and "市科学技术局" in stderr
    rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == PLAN_HEADERS
    assert rows[1][1] == "外国人来华工作许可事项检查" and rows[1][7] == 6


def test_a_dry_run_writes_the_table_and_saves_nothing(directory, tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    call_command("generate_plan", "2021", "--department", "kj", "--out", str(out), "--dry-run")
    assert not AnnualPlan.objects.exists()
    assert "未保存（--dry-run）" in capsys.readouterr().out
    assert len(list(load_workbook(out, read_only=True).active.iter_rows())) == 2


def test_the_command_refuses_a_second_plan_and_an_unknown_department(directory):
    call_command("generate_plan", "2021", "--department", "KJ")
    with pytest.raises(CommandError, match="2021年度已有抽查计划（第1版，草稿）"):
        call_command("generate_plan", "2021", "--department", "KJ")
    with pytest.raises(CommandError, match="部门代码 XX 不存在"):
        call_command("generate_plan", "2021", "--department", "XX")
    assert AnnualPlan.objects.count() == 1
