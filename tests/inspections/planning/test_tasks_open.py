"""Opening and editing a sampling task, and every bad input refused in Chinese with nothing
saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backend.audit.models import AuditEvent
from inspections.directory.services import retire_item
from inspections.planning import rules
from inspections.planning.models import (
    ParticipationStatus,
    SamplingTask,
    ScopeMode,
    TaskDepartment,
    TaskQuota,
    TaskStatus,
)
from inspections.planning.services import invite_department, revise_plan, update_task
from personnel.models import Expert

D = Decimal
Q = rules.Quota


def test_a_planner_opens_a_draft_task_of_the_published_plan(planner, kj, open_draft_task):
    task = open_draft_task(
        code="T-2021-007",
        witnesses=["纪检监督员", "企业代表"],
        officer_cap=2,
        cross_assignment=True,
        scope_mode=ScopeMode.TARGETED,
        region_code="220100",
        tags=["外籍员工用人单位"],
    )
    assert task.status == TaskStatus.DRAFT and task.department == kj
    assert task.code == "T-2021-007" and task.exclusion_months == 12
    assert task.witnesses == ["纪检监督员", "企业代表"]
    [lead] = task.participations.all()
    assert lead.is_lead and lead.seats == 2 and lead.status == ParticipationStatus.CONFIRMED
    assert {q.risk_class: (q.ratio, q.count) for q in task.quotas.all()} == {
        "A": (D("0.02"), None),
        "B": (D("0.05"), None),
        "C": (None, 2),
    }
    event = AuditEvent.objects.get(action="tasks.open")
    assert event.detail["code"] == "T-2021-007" and event.detail["departments"] == {"KJ": 2}


def test_tasks_are_numbered_by_year_when_no_code_is_given(open_draft_task):
    assert open_draft_task().code == "T-2021-001"
    assert open_draft_task().code == "T-2021-002"


def test_a_joint_task_invites_the_other_departments(
    open_draft_task, kj, ga, rs, staff, foreign_work
):
    staff(ga, foreign_work, 1)
    staff(rs, foreign_work, 1)
    task = open_draft_task(seats={kj: 1, ga: 1})
    invite_department(actor=None, task=task, department=rs, seats=1)
    statuses = {p.department.code: p.status for p in task.participations.all()}
    assert statuses == {"KJ": "confirmed", "GA": "invited", "RS": "invited"}


def _nothing_saved():
    assert not SamplingTask.objects.exists()
    assert not TaskDepartment.objects.exists()
    assert not TaskQuota.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"quotas": {"A": Q(ratio=D("1.2"))}}, "A类抽查比例120%超出0%至100%的范围"),
        ({"quotas": {"B": Q(ratio=D("-0.05"))}}, "B类抽查比例-5%超出0%至100%的范围"),
        ({"quotas": {"C": Q(ratio=D("0.2"))}}, "C类抽查比例20%超过事项KJ-WGR-001的抽查比例上限10%"),
        ({"items": []}, "请至少选择一项检查事项"),
        ({"seats": "lead-1"}, "每个检查组至少需要2名持证执法人员（专家不计入），当前只有1名"),
        (
            {"window_start": date(2021, 6, 30), "window_end": date(2021, 6, 7)},
            "检查结束日期2021年6月7日早于开始日期2021年6月30日",
        ),
        (
            {"window_start": date(2022, 1, 3), "window_end": date(2022, 1, 7)},
            "检查时间应在计划年度2021年内",
        ),
        ({"quotas": {"D": Q(count=4)}}, "D类固定数量4户超过范围内可抽取的对象数3户"),
        (
            {"scope_mode": ScopeMode.UNTARGETED, "region_code": "220100"},
            "不定向抽查面向事项的全部检查对象，不设筛选条件",
        ),
        ({"scope_mode": ScopeMode.TARGETED}, "定向抽查请至少设置一项筛选条件"),
        ({"flags": ["bankrupt"], "scope_mode": ScopeMode.TARGETED}, "未知的标记：bankrupt"),
        ({"officer_cap": 0}, "每名人员最多检查户数至少为1"),
        (
            {"witnesses": ["纪检监督员", "企业代表13904311234"]},
            "见证人名称随抽取公告公开，不能含身份证号码或电话号码",
        ),
    ],
    ids=[
        "ratio-above-100",
        "ratio-negative",
        "ratio-above-cap",
        "no-items",
        "team-of-one",
        "window-reversed",
        "window-outside-year",
        "count-above-eligible",
        "untargeted-with-filter",
        "targeted-without-filter",
        "unknown-flag",
        "cap-zero",
        "witness-with-phone",
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(kj, open_draft_task, overrides, message):
    if overrides.get("seats") == "lead-1":
        overrides["seats"] = {kj: 1}
    with pytest.raises(ValidationError) as refused:
        open_draft_task(**overrides)
    assert any(message in text for text in refused.value.messages), refused.value.messages
    _nothing_saved()


def test_a_retired_item_is_refused(planner, open_draft_task, published_plan):
    version = published_plan.lines.get().items.get()
    retire_item(actor=planner, item=version.item, reason="事项取消")
    with pytest.raises(
        ValidationError, match="KJ-WGR-001第1版已停用，只有已发布的事项版本可以用于抽查"
    ):
        open_draft_task()
    _nothing_saved()


def test_an_unpublished_item_is_refused(make_item, open_draft_task):
    draft = make_item()
    with pytest.raises(ValidationError, match="第1版草稿，只有已发布的事项版本可以用于抽查"):
        open_draft_task(items=[draft])
    _nothing_saved()


def test_a_participating_department_without_certified_officers_is_refused(
    kj, ga, staff, exit_entry, open_draft_task
):
    Expert.objects.create(department=ga, name="李专家", field="出入境", organisation="吉林大学")
    with pytest.raises(ValidationError) as refused:
        open_draft_task(seats={kj: 1, ga: 1})
    assert refused.value.messages == [
        "市公安局没有在检查期间2021年6月7日至2021年6月30日持有效执法证（涵盖外国人来华工作许可）"
        "的执法人员，不能参与该任务"
    ]
    _nothing_saved()
    staff(ga, exit_entry, 3)  # certified, but in another field
    with pytest.raises(ValidationError, match="市公安局没有在检查期间"):
        open_draft_task(seats={kj: 1, ga: 1})


def test_a_certificate_expiring_during_the_window_does_not_count(
    kj, ga, staff, foreign_work, open_draft_task
):
    staff(ga, foreign_work, 2, valid_to=date(2021, 6, 15))
    with pytest.raises(ValidationError, match="市公安局没有在检查期间"):
        open_draft_task(seats={kj: 1, ga: 1})
    staff(ga, foreign_work, 1)
    assert open_draft_task(seats={kj: 1, ga: 1}).participations.count() == 2


def test_inviting_a_department_without_certified_officers_is_refused(ga, open_draft_task):
    task = open_draft_task()
    with pytest.raises(ValidationError, match="市公安局没有在检查期间"):
        invite_department(actor=None, task=task, department=ga, seats=1)
    assert task.participations.count() == 1


def test_a_task_needs_a_published_plan(planner, department_admin, open_draft_task, published_plan):
    revision = revise_plan(actor=planner, plan=published_plan, reason="调整")
    with pytest.raises(ValidationError, match="第2版）草稿，发布后方可发起抽查任务"):
        open_draft_task(plan=revision)
    _nothing_saved()


def test_a_code_is_used_once(open_draft_task):
    open_draft_task(code="T-2021-007")
    with pytest.raises(ValidationError, match="任务编号T-2021-007已被使用"):
        open_draft_task(code="t-2021-007")
    assert SamplingTask.objects.count() == 1


def test_only_the_lead_departments_planner_opens_a_task(
    department_admin, make_user, ga, open_draft_task
):
    from backend.accounts.roles import Role

    ga_planner = make_user("ga_planner", Role.PLANNER, ga)
    for actor in (department_admin, ga_planner):
        with pytest.raises(PermissionDenied):
            open_draft_task(actor=actor)
    _nothing_saved()


def test_a_draft_is_edited_with_the_same_checks(planner, open_draft_task):
    task = open_draft_task()
    update_task(
        actor=planner,
        task=task,
        name="改名后的任务",
        window_end=date(2021, 7, 15),
        quotas={"D": Q(count=3)},
        lead_seats=3,
    )
    task.refresh_from_db()
    assert task.name == "改名后的任务" and task.window_end == date(2021, 7, 15)
    assert [(q.risk_class, q.count) for q in task.quotas.all()] == [("D", 3)]
    assert task.participations.get().seats == 3
    with pytest.raises(ValidationError, match="当前只有1名"):
        update_task(actor=planner, task=task, lead_seats=1, name="不该保存")
    task.refresh_from_db()
    assert task.name == "改名后的任务" and task.participations.get().seats == 3


def test_only_a_draft_is_edited(planner, open_draft_task):
    task = open_draft_task()
    SamplingTask.objects.filter(pk=task.pk).update(status=TaskStatus.FIRMS_ANNOUNCED)
    with pytest.raises(ValidationError, match="已检查对象抽取已公告，只有草稿可以修改"):
        update_task(actor=planner, task=task, name="改")


def test_an_unknown_region_or_industry_is_named_on_its_field(open_draft_task):
    with pytest.raises(ValidationError) as refused:
        open_draft_task(scope_mode=ScopeMode.TARGETED, region_code="999999", industry_prefix="Z9")
    assert set(refused.value.message_dict) == {"region_code", "industry_prefix"}
    _nothing_saved()
