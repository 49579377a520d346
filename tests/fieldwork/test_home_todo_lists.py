"""Every home page starts with what waits for its user: each line a count and a link to the page
where the work is done, only of the user's own department; and the user's recent activity in
plain words (the action's label, the object's name, a Chinese date), never an audit code."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from legal_review_builders import *  # noqa: F403

from backend.accounts.roles import Role
from backend.audit.models import AuditEvent, Outcome
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from inspections.draws.services.draws import announce_firms_draw
from inspections.planning.services import generate_annual_plan, submit_plan
from supervision.services import issue_opinion
from tests.conftest import log_in

_ITEM = re.compile(
    r'<a href="(?P<url>[^"]+)" data-testid="todo-item">(?P<label>[^<]+)</a> '
    r'<strong class="count" data-testid="todo-count">(?P<count>\d+)</strong>'
)
# 2026-12-05T07:16:49 and 2026-12-05 07:16: how a machine writes a moment, not a person.
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _home(client, user) -> str:
    log_in(client, user)
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _todo(client, user) -> dict[str, tuple[int, str]]:
    body = _home(client, user)
    items = {
        m["label"]: (int(m["count"]), m["url"].replace("&amp;", "&")) for m in _ITEM.finditer(body)
    }
    for _count, url in items.values():
        assert client.get(url).status_code == 200, url
    return items


@pytest.fixture
def ga_planner(make_user, ga):
    return make_user("ma_planner", Role.PLANNER, ga, display_name="马计划")


def test_the_department_administrator_sees_the_inspections_to_approve_and_no_other_departments(
    client, started_unapproved, department_admin, ga_department_admin
):
    waiting = started_unapproved.inspections.count()
    assert waiting > 0
    todo = _todo(client, department_admin)
    assert todo["检查待审批"] == (waiting, reverse("fieldwork:approval-list"))
    assert "检查待审批" not in _todo(client, ga_department_admin)


def test_the_planner_sees_the_announced_draw_to_perform_and_the_other_planner_does_not(
    client, planner, ga_planner, open_draft_task
):
    task = open_draft_task()
    announce_firms_draw(actor=planner, task=task)
    todo = _todo(client, planner)
    assert todo["已公告、待进行的抽取"] == (1, reverse("tasks:detail", args=[task.pk]))
    assert "已公告、待进行的抽取" not in _todo(client, ga_planner)


def test_a_submitted_plan_waits_for_the_administrator_and_an_approved_one_for_the_planner(
    client, planner, department_admin, ga_department_admin, kj, publish_item, make_directory
):
    from inspections.planning.services import approve_plan

    publish_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    make_directory({"A": 5})
    plan = submit_plan(
        actor=planner, plan=generate_annual_plan(actor=planner, department=kj, year=2021)
    )
    link = reverse("plans:detail", args=[plan.pk])
    assert _todo(client, department_admin)["年度计划待审批"] == (1, link)
    assert "年度计划待审批" not in _todo(client, ga_department_admin)
    assert "年度计划已批准，待发布" not in _todo(client, planner)

    approve_plan(actor=department_admin, plan=plan)
    assert _todo(client, planner)["年度计划已批准，待发布"] == (1, link)
    assert "年度计划待审批" not in _todo(client, department_admin)


def test_the_legal_reviewer_sees_the_reviews_with_the_earliest_deadline(
    client, referral, legal_reviewer
):
    todo = _todo(client, legal_reviewer)
    count, url = todo["法制审核待办"]
    assert (count, url) == (1, reverse("legalreview:queue"))
    assert re.search(r"最早 \d{4}年\d{1,2}月\d{1,2}日 到期", _home(client, legal_reviewer))


def test_unread_notifications_and_supervision_opinions_are_counted(
    client, department_admin, ga_department_admin, supervisor, kj
):
    notify(department_admin, kind=NotificationKind.CERTIFICATE_EXPIRING, title="执法证将到期")
    issue_opinion(
        actor=supervisor,
        department=kj,
        text="请说明同一企业一年内被多次检查的原因",
        working_days=5,
        warning_kind="frequent",
        warning_text="某企业一年内被检查 4 次",
    )
    todo = _todo(client, department_admin)
    assert todo["未读通知"] == (1, reverse("notifications:list") + "?state=unread")
    assert todo["监督意见待答复"] == (1, reverse("supervision:department-opinions"))
    other = _todo(client, ga_department_admin)
    assert "未读通知" not in other and "监督意见待答复" not in other


def test_nothing_waiting_is_said_plainly(client, department_admin):
    assert 'data-testid="todo-empty"' in _home(client, department_admin)


@pytest.mark.parametrize(
    "persona",
    [
        "planner",
        "department_admin",
        "system_admin",
        "security_admin",
        "inspector",
        "legal_reviewer",
        "supervisor",
    ],
    indirect=True,
)
def test_no_home_page_shows_an_audit_code_or_a_machine_timestamp(client, persona, started):
    """After real work (the task drawn and started, its inspections approved) and a login."""
    body = _home(client, persona)
    body = _home(client, persona)  # the second visit lists the first one's login
    for action in AuditEvent.objects.values_list("action", flat=True).distinct():
        assert f">{action}<" not in body and f" {action} " not in body, action
    assert not re.search(r"[a-z]+\.[a-z_]+ \d+", body)  # "inspections.samplingtask 1"
    assert not _ISO_MOMENT.search(body)


def test_recent_activity_names_the_action_and_the_object(
    client, planner, department_admin, started_unapproved
):
    from fieldwork.services.approvals import approve_inspection

    inspection = started_unapproved.inspections.order_by("code").first()
    approve_inspection(actor=department_admin, inspection=inspection)
    body = _home(client, department_admin)
    recent = body.split('data-testid="recent-activity"', 1)[1]
    event = AuditEvent.objects.filter(actor=department_admin).order_by("-id").first()
    assert event.action_label in recent and event.action_label != event.action
    assert inspection.code in recent
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", recent)


def test_the_supervisor_sees_the_warnings_and_the_opinions_still_unanswered(
    client, supervisor, kj, started
):
    from supervision.models import SupervisionOpinion
    from supervision.todo import open_warnings

    def opinion(text):
        return issue_opinion(
            actor=supervisor,
            department=kj,
            text=text,
            working_days=5,
            warning_kind="frequent",
            warning_text="某企业一年内被检查 4 次",
        )

    opinion("请说明原因")
    late = opinion("请说明逾期原因")
    SupervisionOpinion.objects.filter(pk=late.pk).update(
        issued_on=date(2020, 1, 2), due_on=date(2020, 1, 6)
    )
    todo = _todo(client, supervisor)
    base = reverse("supervision:opinions")
    assert todo["监督意见等待部门答复"] == (1, f"{base}?state=pending")
    assert todo["监督意见逾期未答复"] == (1, f"{base}?state=overdue")
    waiting = open_warnings(timezone.localdate())
    if waiting:
        assert todo["监督预警"] == (waiting, reverse("supervision:warnings"))
    # The links land on the lists that hold those very opinions.
    overdue_page = client.get(f"{base}?state=overdue").content.decode()
    assert "请说明逾期原因" in overdue_page and "请说明原因<" not in overdue_page


def test_the_audit_administrator_sees_a_nightly_break_and_their_exports(client, audit_admin):
    from backend.audit.services import record_event
    from backend.checkpoints.actions import CheckpointAction
    from backend.jobs.models import WorkJob, WorkStatus

    record_event(action=CheckpointAction.NIGHTLY_PASSED, detail={"checked": ["audit"]})
    assert "夜间校验发现问题，待核查" not in _todo(client, audit_admin)
    record_event(
        action=CheckpointAction.NIGHTLY_ALERT,
        outcome=Outcome.FAILURE,
        detail={"checked": ["audit"], "broken": {"audit": ["第3条断链"]}},
    )
    WorkJob.objects.create(kind="audit.export", created_by=audit_admin)
    WorkJob.objects.create(kind="audit.export", created_by=audit_admin, status=WorkStatus.FAILED)
    todo = _todo(client, audit_admin)
    count, url = todo["夜间校验发现问题，待核查"]
    assert count == 1 and url.startswith(reverse("audit:events"))
    assert "夜间校验发现问题并告警" in client.get(url).content.decode()
    assert todo["导出正在生成"] == (1, reverse("jobs:mine"))
    assert todo["导出失败"] == (1, reverse("jobs:mine"))
    # A pass afterwards clears the break from the list.
    record_event(action=CheckpointAction.NIGHTLY_PASSED, detail={"checked": ["audit"]})
    assert "夜间校验发现问题，待核查" not in _todo(client, audit_admin)
