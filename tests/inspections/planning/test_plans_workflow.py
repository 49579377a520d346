"""A plan's life: edit the draft, submit, return or approve, publish, file, revise; and what is
refused on the way, with nothing saved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backend.audit.models import AuditEvent
from inspections.directory.services import retire_item
from inspections.planning import rules
from inspections.planning.models import AnnualPlan, PlanFiling, PlanLine, PlanLineQuota, PlanStatus
from inspections.planning.services import (
    add_plan_line,
    approve_plan,
    file_plan,
    generate_annual_plan,
    publish_plan,
    remove_plan_line,
    return_plan,
    revise_plan,
    submit_plan,
    update_plan,
    update_plan_line,
    update_planning_settings,
)

D = Decimal
Q = rules.Quota


@pytest.fixture
def draft(planner, kj, publish_item, make_directory):
    publish_item(code="KJ-WGR-001")
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})
    return generate_annual_plan(actor=planner, department=kj, year=2021)


def _quotas(line):
    return {q.risk_class: (q.ratio, q.count, q.planned) for q in line.quotas.all()}


# --- editing the draft -------------------------------------------------------------------------


def test_the_planner_edits_a_proposed_line(planner, draft):
    line = draft.lines.get()
    update_plan_line(
        actor=planner,
        line=line,
        name="外国人来华工作许可联合抽查",
        quotas={"A": Q(count=3), "B": Q(ratio=D("0.10"))},
        start_quarter=2,
        end_quarter=3,
    )
    line.refresh_from_db()
    assert line.name == "外国人来华工作许可联合抽查"
    assert (line.start_quarter, line.end_quarter) == (2, 3)
    assert _quotas(line) == {"A": (None, 3, 3), "B": (D("0.1"), None, 3)}
    assert AuditEvent.objects.filter(action="plans.update_line").count() == 1


def test_a_line_can_be_added_with_the_default_ratios_and_removed(planner, draft, publish_item):
    other = publish_item(rules=[{"tag": "高新技术企业"}])
    line = add_plan_line(actor=planner, plan=draft, items=[other], start_quarter=4)
    assert line.position == 2 and line.name == other.name
    assert {q.risk_class: q.ratio for q in line.quotas.all()}["D"] == D("0.1")
    remove_plan_line(actor=planner, line=line)
    assert draft.lines.count() == 1


@pytest.mark.parametrize(
    "quotas, message",
    [
        ({"A": Q(ratio=D("1.5"))}, "A类抽查比例150%超出0%至100%的范围"),
        ({"B": Q(ratio=D("-0.01"))}, "B类抽查比例-1%超出0%至100%的范围"),
        ({"C": Q(ratio=D("0.2"))}, "C类抽查比例20%超过事项KJ-WGR-001的抽查比例上限10%"),
        ({"D": Q(count=4)}, "D类固定数量4户超过范围内可抽取的对象数3户"),
        ({"A": Q(ratio=D("0.1"), count=2)}, "A类：请填写抽查比例或固定数量（二者选一）"),
    ],
    ids=["above-100", "negative", "above-cap", "count-above-population", "both"],
)
def test_bad_quotas_are_refused_and_nothing_is_saved(planner, draft, quotas, message):
    line = draft.lines.get()
    before = _quotas(line)
    with pytest.raises(ValidationError) as refused:
        update_plan_line(actor=planner, line=line, name="改名", quotas=quotas)
    assert message in refused.value.messages
    line.refresh_from_db()
    assert _quotas(line) == before
    assert line.name != "改名"


def test_a_line_without_items_or_with_a_retired_item_is_refused(planner, draft):
    line = draft.lines.get()
    with pytest.raises(ValidationError, match="请至少选择一项检查事项"):
        update_plan_line(actor=planner, line=line, items=[])
    version = line.items.get()
    retire_item(actor=planner, item=version.item, reason="事项取消")
    with pytest.raises(ValidationError, match="已停用，只有已发布的事项版本可以用于抽查"):
        update_plan_line(actor=planner, line=line, name="改名")
    assert PlanLine.objects.get(pk=line.pk).name != "改名"


def test_a_line_that_ends_before_it_starts_is_refused(planner, draft):
    with pytest.raises(ValidationError, match="结束季度不能早于开始季度"):
        update_plan_line(actor=planner, line=draft.lines.get(), start_quarter=3, end_quarter=2)


# --- the workflow ------------------------------------------------------------------------------


def test_submit_approve_publish_and_file(planner, department_admin, draft):
    submit_plan(actor=planner, plan=draft)
    approve_plan(actor=department_admin, plan=draft)
    publish_plan(actor=planner, plan=draft)
    file_plan(
        actor=planner,
        plan=draft,
        filed_on=date(2021, 3, 26),
        authority="长春市人民政府办公厅",
        document_number="长科备〔2021〕3号",
    )
    plan = AnnualPlan.objects.get(pk=draft.pk)
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.submitted_by == planner and plan.approved_by == department_admin
    assert plan.published_by == planner and plan.published_at is not None
    assert plan.filing.filed_on == date(2021, 3, 26)
    assert plan.filing.authority == "长春市人民政府办公厅"
    assert list(
        AuditEvent.objects.filter(object_id=str(plan.pk), action__startswith="plans.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["plans.generate", "plans.submit", "plans.approve", "plans.publish", "plans.file"]


def test_a_planner_never_approves_a_plan(planner, draft):
    submit_plan(actor=planner, plan=draft)
    with pytest.raises(PermissionDenied, match="只有市科学技术局的部门管理员可以批准"):
        approve_plan(actor=planner, plan=draft)
    assert AnnualPlan.objects.get(pk=draft.pk).status == PlanStatus.SUBMITTED


def test_another_departments_administrator_cannot_approve(planner, ga_department_admin, draft):
    submit_plan(actor=planner, plan=draft)
    with pytest.raises(PermissionDenied):
        approve_plan(actor=ga_department_admin, plan=draft)


def test_the_approver_returns_a_plan_with_a_reason(planner, department_admin, draft):
    submit_plan(actor=planner, plan=draft)
    with pytest.raises(ValidationError, match="请填写退回原因"):
        return_plan(actor=department_admin, plan=draft, reason="  ")
    return_plan(actor=department_admin, plan=draft, reason="D类比例偏低，请调整")
    plan = AnnualPlan.objects.get(pk=draft.pk)
    assert plan.status == PlanStatus.DRAFT and plan.return_reason == "D类比例偏低，请调整"
    update_plan(actor=planner, plan=plan, title="调整后的计划")  # editable again


@pytest.mark.parametrize(
    "step, message",
    [
        (lambda p, a: approve_plan(actor=a, plan=p), "只有待审批的计划可以批准"),
        (lambda p, a: publish_plan(actor=None, plan=p), "只有已批准的计划可以发布"),
        (lambda p, a: revise_plan(actor=None, plan=p, reason="x"), "只有已发布的计划可以修订"),
        (
            lambda p, a: file_plan(actor=None, plan=p, filed_on=date(2021, 3, 1), authority="x"),
            "只有已发布的计划可以登记备案",
        ),
    ],
    ids=["approve-draft", "publish-draft", "revise-draft", "file-draft"],
)
def test_steps_out_of_order_are_refused(draft, department_admin, step, message):
    with pytest.raises(ValidationError, match=message):
        step(draft, department_admin)
    assert AnnualPlan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_plan_without_lines_cannot_be_submitted(planner, draft):
    remove_plan_line(actor=planner, line=draft.lines.get())
    with pytest.raises(ValidationError, match="计划中没有任何计划任务"):
        submit_plan(actor=planner, plan=draft)


@pytest.fixture
def published(planner, department_admin, draft):
    submit_plan(actor=planner, plan=draft)
    approve_plan(actor=department_admin, plan=draft)
    return publish_plan(actor=planner, plan=draft)


@pytest.mark.parametrize(
    "edit",
    [
        lambda plan, who: update_plan(actor=who, plan=plan, title="改"),
        lambda plan, who: update_plan_line(actor=who, line=plan.lines.get(), name="改"),
        lambda plan, who: add_plan_line(
            actor=who, plan=plan, items=list(plan.lines.get().items.all())
        ),
        lambda plan, who: remove_plan_line(actor=who, line=plan.lines.get()),
    ],
    ids=["title", "line", "add-line", "remove-line"],
)
def test_a_published_plan_is_never_edited(planner, published, edit):
    with pytest.raises(ValidationError, match="已发布的计划不能修改；如需调整，请修订生成新版本"):
        edit(published, planner)
    plan = AnnualPlan.objects.get(pk=published.pk)
    assert plan.title != "改" and plan.lines.get().name != "改"
    assert PlanLineQuota.objects.filter(line__plan=plan).count() == 4


def test_a_submitted_plan_waits_for_the_approver(planner, draft):
    submit_plan(actor=planner, plan=draft)
    with pytest.raises(ValidationError, match="计划已提交审批，不能修改"):
        update_plan(actor=planner, plan=draft, title="改")


def test_a_revision_is_a_new_version_that_supersedes_the_published_one(
    planner, department_admin, published
):
    with pytest.raises(ValidationError, match="请填写修订原因"):
        revise_plan(actor=planner, plan=published, reason="")
    revision = revise_plan(actor=planner, plan=published, reason="增加第四季度专项抽查")
    assert (revision.version, revision.status, revision.previous) == (2, "draft", published)
    assert _quotas(revision.lines.get()) == _quotas(published.lines.get())
    with pytest.raises(ValidationError, match="已有未发布的第2版（草稿）"):
        revise_plan(actor=planner, plan=published, reason="再改一次")
    update_plan_line(actor=planner, line=revision.lines.get(), quotas={"D": Q(count=3)})
    submit_plan(actor=planner, plan=revision)
    approve_plan(actor=department_admin, plan=revision)
    publish_plan(actor=planner, plan=revision)
    published.refresh_from_db()
    assert published.status == PlanStatus.SUPERSEDED
    assert _quotas(published.lines.get())["A"] == (D("0.02"), None, 1)  # the old one stays
    assert AnnualPlan.objects.get(pk=revision.pk).status == PlanStatus.PUBLISHED


def test_filing_is_recorded_once_and_not_in_the_future(planner, department_admin, published):
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError, match="备案日期不能晚于今天"):
        file_plan(actor=planner, plan=published, filed_on=tomorrow, authority="市政府办公厅")
    with pytest.raises(ValidationError, match="请填写备案机关"):
        file_plan(actor=planner, plan=published, filed_on=date(2021, 3, 1), authority=" ")
    file_plan(actor=department_admin, plan=published, filed_on=date(2021, 3, 1), authority="市政府")
    with pytest.raises(ValidationError, match="该版本计划已登记备案"):
        file_plan(actor=planner, plan=published, filed_on=date(2021, 3, 2), authority="市政府")
    assert PlanFiling.objects.count() == 1


# --- the department's settings -----------------------------------------------------------------


def test_the_department_administrator_sets_the_default_ratios(department_admin, planner, kj):
    settings = update_planning_settings(
        actor=department_admin, department=kj, ratio_c=D("0.4"), team_seats=3
    )
    assert settings.ratio_c == D("0.4") and settings.team_seats == 3
    assert settings.ratio_a == D("0.02")  # the rest keep their defaults
    with pytest.raises(PermissionDenied):
        update_planning_settings(actor=planner, department=kj, ratio_c=D("0.3"))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"ratio_d": D("1.01")}, "D类默认抽查比例101%超出0%至100%的范围"),
        ({"ratio_a": D("-0.1")}, "A类默认抽查比例-10%超出0%至100%的范围"),
        ({"team_seats": 1}, "每户检查至少需要2名执法人员"),
    ],
)
def test_bad_settings_are_refused(department_admin, kj, fields, message):
    with pytest.raises(ValidationError) as refused:
        update_planning_settings(actor=department_admin, department=kj, **fields)
    assert message in refused.value.messages
