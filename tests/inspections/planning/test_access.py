"""Who may act on a task: planning's public access check, which the draws step uses too."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from backend.accounts.roles import Role
from inspections.planning.access import lock_task, require_lead_planner


def test_the_lead_department_s_planner_may_act_on_its_task_and_plan(planner, open_draft_task):
    task = open_draft_task()
    require_lead_planner(planner, task)
    require_lead_planner(planner, task.plan)


def test_the_system_may_act_on_any_task(open_draft_task):
    require_lead_planner(None, open_draft_task())


@pytest.mark.parametrize(
    "who",
    ["ga_planner", "department_admin", "inspector"],
)
def test_anyone_else_is_refused_in_chinese(who, open_draft_task, make_user, ga, request):
    task = open_draft_task()
    actor = (
        make_user("zhou_planner", Role.PLANNER, ga)
        if who == "ga_planner"
        else request.getfixturevalue(who)
    )
    with pytest.raises(
        PermissionDenied, match="只有发起部门（市科学技术局）的计划人员可以操作该抽查任务"
    ):
        require_lead_planner(actor, task)


def test_a_locked_task_is_read_again_from_the_database(open_draft_task):
    task = open_draft_task()
    stale_name = task.name
    task.name = "改过但未保存"
    with transaction.atomic():
        locked = lock_task(task)
    assert locked.pk == task.pk
    assert locked.name == stale_name
