from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backend.organisation.models import Department
from inspections.planning import rules
from inspections.planning.plan_exports import plan_rows, proposal_rows, write_plan_xlsx
from inspections.planning.plan_proposal import build_proposal, plan_warnings, saved_lines
from inspections.planning.services import generate_annual_plan


class Command(BaseCommand):
    help = (
        "按本部门已发布的抽查事项和检查对象名录库生成年度抽查计划草稿（与计划页面的“生成计划草稿”"
        "相同），打印各项计划任务和人员配备提示；--out 写出计划表 .xlsx；--dry-run 只生成不保存。"
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="计划年度，例如 2021")
        parser.add_argument("--department", required=True, help="编制部门代码，例如 KJ")
        parser.add_argument("--out", type=Path, help="计划表 .xlsx 的输出路径")
        parser.add_argument("--dry-run", action="store_true", help="只生成建议，不保存计划")

    def handle(self, *args, year: int, department: str, out, dry_run: bool, **options):
        lead = Department.objects.filter(code=department.strip().upper()).first()
        if lead is None:
            raise CommandError(f"部门代码 {department} 不存在")
        if dry_run:
            proposal = build_proposal(department=lead, year=year)
            lines, warnings = proposal.lines, proposal.warnings
            rows = proposal_rows(proposal)
        else:
            try:
                plan = generate_annual_plan(actor=None, department=lead, year=year)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            saved = saved_lines(plan)
            lines, warnings = [row.view for row in saved], plan_warnings(plan, saved)
            rows = plan_rows(plan, saved)
        for position, line in enumerate(lines, start=1):
            quarters = rules.quarter_label(year, line.start_quarter, line.end_quarter)
            self.stdout.write(
                f"{position}. {line.name}：{'、'.join(i.code for i in line.items)}，"
                f"{quarters}，{line.total} 户"
            )
        for warning in warnings:
            self.stderr.write(f"人员配备提示：{warning.message}")
        if out:
            with open(out, "wb") as handle:
                write_plan_xlsx(handle, rows)
        total = sum(line.total for line in lines)
        saved_note = "未保存（--dry-run）" if dry_run else "已保存为草稿"
        written = f"，计划表已写入 {out}" if out else ""
        self.stdout.write(
            f"{lead.name}{year}年度计划：{len(lines)} 项计划任务，共 {total} 户，"
            f"人员配备提示 {len(warnings)} 条，{saved_note}{written}。"
        )
