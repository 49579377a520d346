"""The audit actions of planning: annual plans and sampling tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class PlanningAction(models.TextChoices):
    PLAN_GENERATE = "plans.generate", _("生成年度抽查计划")
    PLAN_UPDATE = "plans.update", _("修改年度抽查计划")
    PLAN_ADD_LINE = "plans.add_line", _("增加计划条目")
    PLAN_UPDATE_LINE = "plans.update_line", _("修改计划条目")
    PLAN_REMOVE_LINE = "plans.remove_line", _("删除计划条目")
    PLAN_SUBMIT = "plans.submit", _("提交计划审批")
    PLAN_RETURN = "plans.return", _("退回计划")
    PLAN_APPROVE = "plans.approve", _("批准计划")
    PLAN_PUBLISH = "plans.publish", _("公布计划")
    PLAN_REVISE = "plans.revise", _("调整已公布计划")
    PLAN_FILE = "plans.file", _("计划备案")
    PLAN_SETTINGS = "plans.settings", _("设置计划要求")
    PLAN_EXPORT = "plans.export", _("导出年度抽查计划")
    TASK_OPEN = "tasks.open", _("创建抽查任务")
    TASK_UPDATE = "tasks.update", _("修改抽查任务")
    TASK_INVITE = "tasks.invite", _("邀请部门联合抽查")
    TASK_CONFIRM = "tasks.confirm", _("部门确认参加联合抽查")
    TASK_WITHDRAW = "tasks.withdraw_invitation", _("撤回联合抽查邀请")
    TASK_TRANSITION = "tasks.transition", _("抽查任务状态变更")
    CAP_CREATE = "caps.create", _("设定检查频次上限")
    CAP_UPDATE = "caps.update", _("修改检查频次上限")
