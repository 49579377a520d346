"""The plan as a plan table (抽查计划表): the same rows for the .xlsx, the printable page and the
generate_plan command, whether the plan is saved or only proposed."""

from collections.abc import Mapping, Sequence

from backend.excel import write_xlsx
from inspections.directory.models import InspectionItemVersion
from inspections.planning import rules

PLAN_HEADERS = (
    "检查主体",
    "计划名称",
    "检查事项",
    "检查内容",
    "检查时间",
    "抽查比例",
    "频次",
    "数量",
    "参与部门",
)


def _items_text(items: Sequence[rules.ItemInfo], names: Mapping[str, str]) -> str:
    return "\n".join(f"{i.code} {i.name}（{names.get(i.department, i.department)}）" for i in items)


def _content_text(
    items: Sequence[rules.ItemInfo], versions: Mapping[int, InspectionItemVersion]
) -> str:
    parts = []
    for info in items:
        points = [p.text for p in versions[info.key].checkpoints.all()]
        numbered = "\n".join(f"{n}. {text}" for n, text in enumerate(points, start=1))
        parts.append(f"【{info.name}】\n{numbered}" if len(items) > 1 else numbered)
    return "\n".join(parts)


def quota_text(line: rules.ProposedLine) -> str:
    return "；".join(f"{risk}类{quota.label}" for risk, quota in sorted(line.quotas.items()))


def table_rows(
    *,
    lead_name: str,
    year: int,
    lines: Sequence[rules.ProposedLine],
    versions: Mapping[int, InspectionItemVersion],
    department_names: Mapping[str, str],
) -> list[list]:
    rows = []
    for line in lines:
        others = [department_names.get(code, code) for code in line.departments[1:]]
        rows.append(
            [
                lead_name,
                line.name,
                _items_text(line.items, department_names),
                _content_text(line.items, versions),
                rules.quarter_label(year, line.start_quarter, line.end_quarter),
                quota_text(line),
                line.frequency,
                line.total,
                "、".join(others) or "无",
            ]
        )
    return rows


def write_plan_xlsx(out, rows: Sequence[Sequence]) -> int:
    return write_xlsx(out, headers=PLAN_HEADERS, rows=rows, sheet_title="抽查计划")


def _names(codes) -> dict[str, str]:
    from backend.organisation.models import Department

    return dict(Department.objects.filter(code__in=set(codes)).values_list("code", "name"))


def plan_rows(plan, saved) -> list[list]:
    """The rows of a saved plan, from `plan_proposal.saved_lines(plan)`."""
    return table_rows(
        lead_name=plan.department.name,
        year=plan.year,
        lines=[row.view for row in saved],
        versions={v.pk: v for row in saved for v in row.versions},
        department_names=_names(code for row in saved for code in row.view.departments),
    )


def proposal_rows(proposal) -> list[list]:
    """The rows of a proposal that is not saved (generate_plan --dry-run)."""
    return table_rows(
        lead_name=proposal.department.name,
        year=proposal.year,
        lines=proposal.lines,
        versions=proposal.versions,
        department_names=_names(code for line in proposal.lines for code in line.departments),
    )
