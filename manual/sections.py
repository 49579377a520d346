"""The 操作手册's parts, one per role (and one for what every account shares), and which part of
it each page of the product points to from its header's 帮助 link.

A part names the pages it explains by URL name (`plans:list`) or by a whole namespace
(`plans`), each with the anchor of the topic on the part's page (`/help/planner/#plans`). The
names are strings resolved at run time, so this module imports no app; a page removed from the
product leaves a name that resolves to nothing, which tests/manual fails on.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from backend.accounts.roles import Role


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    # Who reads it, in a line of the index.
    readers: str
    # The account roles whose pages this part explains first (none: the firms, the public and
    # the part every account shares).
    roles: tuple[str, ...] = ()
    # URL name or namespace -> anchor of the topic on this part's page.
    pages: dict[str, str] = field(default_factory=dict)


SECTIONS: list[Section] = [
    Section(
        "account",
        "登录与个人设置",
        "所有工作人员：登录、第二步验证、修改密码、通知和我的导出。",
        pages={
            "home": "login",
            "accounts": "login",
            "accounts:two-factor": "two-factor",
            "accounts:recovery-codes": "two-factor",
            "accounts:second-factor": "two-factor",
            "accounts:password": "password",
            "accounts:profile": "password",
            "accounts:tokens": "tokens",
            "accounts:token-revoke": "tokens",
            "notifications": "notifications",
            "jobs:mine": "exports",
            "jobs:download": "exports",
        },
    ),
    Section(
        "planner",
        "计划人员",
        "编制年度抽查计划、维护事项清单和检查对象名录、发起抽查任务并公开抽取、公示结果。",
        roles=(Role.PLANNER,),
        pages={
            "accounts:home-planner": "workbench",
            "plans": "plans",
            "directory": "directory",
            "imports": "directory",
            "tasks": "tasks",
            "tasks:draw_announce": "draw",
            "tasks:draw_perform": "draw",
            "tasks:draw_job": "draw",
            "tasks:draw_job_done": "draw",
            "tasks:draw_abandon": "draw",
            "tasks:draw_replacement_team": "draw",
            "tasks:draw_replace": "draw",
            "tasks:notices": "notices",
            "tasks:notices_export": "notices",
            "personnel": "officers",
            "fieldwork:followup-list": "followups",
            "fieldwork:followup-export": "followups",
            "publishing": "publishing",
        },
    ),
    Section(
        "inspector",
        "执法人员（手机检查）",
        "在手机上打开今日检查、出示检查码、逐步记录检查、上传证据、生成文书。",
        roles=(Role.INSPECTOR,),
        pages={
            "accounts:home-inspector": "today",
            "fieldwork": "today",
            "fieldwork:task": "start",
            "fieldwork:task-start": "start",
            "fieldwork:inspection": "record",
            "fieldwork:stage": "record",
            "fieldwork:remaining-clear": "record",
            "fieldwork:notice": "documents",
            "fieldwork:document": "documents",
            "fieldwork:document-docx": "documents",
            "fieldwork:code": "code",
            "fieldwork:code-png": "code",
            "fieldwork:evidence-list": "evidence",
            "fieldwork:evidence-upload": "evidence",
            "fieldwork:evidence-download": "evidence",
            "ratings:inspection-link": "code",
            "ratings:inspection-link-png": "code",
            "personnel:me": "me",
        },
    ),
    Section(
        "legal",
        "法制审核人员",
        "审核重大执法决定，维护法制审核目录清单。",
        roles=(Role.LEGAL_REVIEWER,),
        pages={
            "accounts:home-legal": "queue",
            "legalreview": "queue",
            "legalreview:review": "review",
            "legalreview:review-opinion": "review",
            "legalreview:review-extend": "review",
            "legalreview:catalogue": "catalogue",
            "legalreview:catalogue-edit": "catalogue",
            "legalreview:catalogue-step": "catalogue",
            "legalreview:decision-new": "decisions",
            "legalreview:decision": "decisions",
            "legalreview:decision-edit": "decisions",
            "legalreview:decision-step": "decisions",
            "personnel:officers": "officers",
            "personnel:officer": "officers",
        },
    ),
    Section(
        "department",
        "部门负责人（部门管理员）",
        "批准计划和检查、审核检查结果、处置后续事项、答复监督意见和投诉、查看统计。",
        roles=(Role.DEPARTMENT_ADMIN,),
        pages={
            "accounts:home-department": "overview",
            "plans": "plans",
            "tasks": "plans",
            "fieldwork:approval-list": "approvals",
            "fieldwork:approve": "approvals",
            "fieldwork:emergency-start": "approvals",
            "fieldwork:review-list": "review",
            "fieldwork:review": "review",
            "fieldwork:followups": "followups",
            "fieldwork:followup-open": "followups",
            "fieldwork:followup-recheck": "followups",
            "fieldwork:followup-complete": "followups",
            "fieldwork:followups-close": "followups",
            "fieldwork:followups-archive": "followups",
            "fieldwork:followup-list": "followups",
            "fieldwork:followup-export": "followups",
            "fieldwork:result-codes": "result-codes",
            "fieldwork:result-code-add": "result-codes",
            "fieldwork:result-code-edit": "result-codes",
            "fieldwork:result-code-retire": "result-codes",
            "fieldwork:result-code-restore": "result-codes",
            "publishing": "publishing",
            "personnel": "personnel",
            "legalreview:department": "legal",
            "supervision:department-opinions": "opinions",
            "supervision:opinion": "opinions",
            "supervision:opinion-answer": "opinions",
            "supervision:annual": "statistics",
            "supervision:annual-export": "statistics",
            "ratings:summary": "statistics",
            "ratings:complaints": "complaints",
            "ratings:complaint": "complaints",
            "ratings:complaint-answer": "complaints",
        },
    ),
    Section(
        "system",
        "系统管理员",
        "管理用户和部门、工作日历、检查结果代码、后台任务和后台维护。",
        roles=(Role.SYSTEM_ADMIN,),
        pages={
            "accounts:home-system": "users",
            "workdays": "calendar",
            "fieldwork:result-codes": "result-codes",
            "fieldwork:result-code-add": "result-codes",
            "fieldwork:result-code-edit": "result-codes",
            "fieldwork:result-code-retire": "result-codes",
            "fieldwork:result-code-restore": "result-codes",
            "jobs": "jobs",
            "admin": "admin",
            "admin-login": "admin",
            "personnel:pools": "personnel",
            "personnel:bodies": "personnel",
        },
    ),
    Section(
        "security",
        "安全管理员",
        "解除锁定的账户、重置第二步验证、查看签名检查点。",
        roles=(Role.SECURITY_ADMIN,),
        pages={
            "accounts:home-security": "accounts",
            "accounts:unlock": "accounts",
            "accounts:two-factor-reset": "accounts",
            "checkpoints": "checkpoints",
        },
    ),
    Section(
        "audit",
        "审计管理员",
        "查阅和导出审计日志，核对签名检查点。",
        roles=(Role.AUDIT_ADMIN,),
        pages={"audit": "events", "checkpoints": "checkpoints"},
    ),
    Section(
        "supervisor",
        "执法监督人员（司法行政部门）",
        "查看各部门的监督预警，发出监督意见，查看年度统计、企业评价和投诉。",
        roles=(Role.SUPERVISOR,),
        pages={
            "supervision": "warnings",
            "supervision:opinions": "opinions",
            "supervision:opinion-new": "opinions",
            "supervision:opinion": "opinions",
            "supervision:annual": "annual",
            "supervision:annual-export": "annual",
            "ratings": "ratings",
            "ratings:complaint-open": "complaints",
            "ratings:complaints": "complaints",
            "ratings:complaint": "complaints",
            "ratings:complaint-close": "complaints",
        },
    ),
    Section(
        "firm",
        "被检查企业",
        "扫描检查码核实来检查的人员，检查结束后评价本次检查。",
        pages={
            "public:inspection-code-search": "code",
            "public:inspection-code": "code",
            "public:rating": "rating",
        },
    ),
    Section(
        "public",
        "社会公众",
        "查看抽查计划、抽取过程和检查结果，自己验证一次抽取，下载开放数据。",
        pages={
            "public": "portal",
            "disclosure": "results",
            "public:draw": "draws",
            "public:draw_print": "draws",
            "public:draw_announcement": "draws",
            "public:draw_reveal": "draws",
            "public:draw_pool": "draws",
            "public:draw_result": "draws",
            "public:draw_firms_result": "draws",
            "public:draw_conflicts": "draws",
            "public:verifier": "draws",
            "disclosure:checkpoints": "checkpoints",
            "disclosure:checkpoint-index": "checkpoints",
            "disclosure:checkpoint-key": "checkpoints",
            "disclosure:checkpoint": "checkpoints",
            "disclosure:checkpoint-proof": "checkpoints",
            "disclosure:checkpoint-verifier": "checkpoints",
            "public:open-data": "open-data",
            "disclosure:downloads": "open-data",
            "api": "open-data",
            "schema": "open-data",
            "api-docs": "open-data",
            "healthz": "open-data",
        },
    ),
]

ROLE_SECTION: dict[str, Section] = {role: s for s in SECTIONS for role in s.roles}


def by_slug(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug), None)


def _match(section: Section, view_name: str) -> str | None:
    """The anchor `section` gives the page `view_name`: its own entry, else its namespace's."""
    if view_name in section.pages:
        return section.pages[view_name]
    namespace = view_name.rpartition(":")[0]
    while namespace:
        if namespace in section.pages:
            return section.pages[namespace]
        namespace = namespace.rpartition(":")[0]
    return None


def topic_for(view_name: str, role: str = "") -> tuple[Section, str] | None:
    """The part and topic that explain the page `view_name` to a reader of `role`: the reader's
    own part when it covers the page, else the first part that names the page itself, else the
    first that names its namespace."""
    own = ROLE_SECTION.get(role)
    if own is not None and (anchor := _match(own, view_name)) is not None:
        return own, anchor
    for section in SECTIONS:
        if view_name in section.pages:
            return section, section.pages[view_name]
    for section in SECTIONS:
        if (anchor := _match(section, view_name)) is not None:
            return section, anchor
    return None


def help_url(view_name: str, role: str = "") -> str:
    """Where the header's 帮助 link of the page `view_name` leads: its topic, or the index."""
    found = topic_for(view_name, role) if view_name else None
    if found is None:
        return reverse("help:index")
    section, anchor = found
    return reverse("help:section", args=[section.slug]) + "#" + anchor


@lru_cache(maxsize=1)
def url_names() -> tuple[frozenset[str], frozenset[str]]:
    """Every URL name (with its namespaces) and every namespace of the product's URLconf."""
    names: set[str] = set()
    namespaces: set[str] = set()

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
                if entry.namespace:
                    namespaces.add(inner[:-1])
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(prefix + entry.name)

    walk(get_resolver(), "")
    return frozenset(names), frozenset(namespaces)
