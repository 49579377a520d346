"""Roles, what each may open, and where each lands after login.

One role per account. That keeps the three separated administrators of 等保 (system, security,
audit) apart by construction: no account can hold two of them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLANNER = "planner", _("计划人员")
    INSPECTOR = "inspector", _("执法人员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")
    DEPARTMENT_ADMIN = "department_admin", _("部门管理员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    # 行政执法监督 (《行政执法监督条例》): the 司法行政部门's supervisor reads across every
    # department and changes none of their records.
    SUPERVISOR = "supervisor", _("执法监督人员")


# The three administrators that 等保 requires to be held by different people.
SEPARATED_ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

HOME_URL_NAME = {
    Role.PLANNER: "accounts:home-planner",
    Role.INSPECTOR: "fieldwork:today",
    Role.LEGAL_REVIEWER: "legalreview:queue",
    Role.DEPARTMENT_ADMIN: "accounts:home-department",
    Role.SYSTEM_ADMIN: "accounts:home-system",
    Role.SECURITY_ADMIN: "accounts:home-security",
    Role.AUDIT_ADMIN: "audit:events",
    Role.SUPERVISOR: "supervision:warnings",
}

# Navigation per role: (label, url name). Later features add their pages here, so that one
# table says who sees which menu entry; the views themselves still check the role.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.PLANNER: [
        (_("工作台"), "accounts:home-planner"),
        (_("年度计划"), "plans:list"),
        (_("抽查任务"), "tasks:list"),
        (_("后续处置"), "fieldwork:followup-list"),
        (_("结果公示"), "publishing:due"),
        (_("抽查事项清单"), "directory:items"),
        (_("检查对象名录"), "directory:firms"),
        (_("执法人员"), "personnel:officers"),
        (_("人员库"), "personnel:pools"),
    ],
    Role.INSPECTOR: [
        (_("我的今日检查"), "fieldwork:today"),
        (_("我的执法信息"), "personnel:me"),
    ],
    Role.LEGAL_REVIEWER: [
        (_("法制审核"), "legalreview:queue"),
        (_("审核目录清单"), "legalreview:catalogue"),
        (_("执法人员"), "personnel:officers"),
    ],
    Role.DEPARTMENT_ADMIN: [
        (_("本部门"), "accounts:home-department"),
        (_("年度计划"), "plans:list"),
        (_("抽查任务"), "tasks:list"),
        (_("后续处置"), "fieldwork:followup-list"),
        (_("检查结果代码"), "fieldwork:result-codes"),
        (_("结果公示"), "publishing:due"),
        (_("检查审批"), "fieldwork:approval-list"),
        (_("结果审核"), "fieldwork:review-list"),
        (_("执法人员"), "personnel:officers"),
        (_("人员库"), "personnel:pools"),
        (_("执法主体"), "personnel:bodies"),
        (_("法制审核"), "legalreview:department"),
        (_("监督意见"), "supervision:department-opinions"),
        (_("检查年度统计"), "supervision:annual"),
        (_("统计报表"), "personnel:reports"),
        (_("企业评价汇总"), "ratings:summary"),
        (_("投诉答复"), "ratings:complaints"),
    ],
    Role.SYSTEM_ADMIN: [
        (_("用户与部门"), "accounts:home-system"),
        (_("工作日历"), "workdays:years"),
        (_("检查结果代码"), "fieldwork:result-codes"),
        (_("后台任务"), "jobs:list"),
        (_("后台维护"), "admin:index"),
        (_("人员库"), "personnel:pools"),
        (_("执法主体"), "personnel:bodies"),
    ],
    Role.SECURITY_ADMIN: [
        (_("账户安全"), "accounts:home-security"),
        (_("签名检查点"), "checkpoints:list"),
    ],
    Role.AUDIT_ADMIN: [(_("审计日志"), "audit:events"), (_("签名检查点"), "checkpoints:list")],
    Role.SUPERVISOR: [
        (_("监督预警"), "supervision:warnings"),
        (_("监督意见"), "supervision:opinions"),
        (_("年度统计"), "supervision:annual"),
        (_("企业评价"), "ratings:list"),
        (_("投诉"), "ratings:complaints"),
        (_("评价与投诉统计"), "ratings:statistics"),
    ],
}

# The roles that must pass a second factor (TOTP) at every login (等保 2.0 third level: two kinds
# of authentication for administrators). The others may enrol, and then must pass it too.
SECOND_FACTOR_ROLES = frozenset(
    {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.DEPARTMENT_ADMIN}
)
