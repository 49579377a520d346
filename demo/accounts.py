"""The demo data: the story of the source document, a city Science and Technology Bureau's 2021
joint inspection of foreign work permits with the Public Security and HR bureaus.

The demo passwords exist only here and are printed by `make run`; a production installation
never runs `seed_demo`.
"""

from dataclasses import dataclass

from django.db import transaction

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import create_user
from backend.organisation.models import Department

CITY_REGION = "220100"  # 长春市

DEPARTMENTS = [
    # code, name
    ("KJ", "市科学技术局"),
    ("GA", "市公安局"),
    ("RS", "市人力资源和社会保障局"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    department: str
    display_name: str


DEMO_ACCOUNTS = [
    DemoAccount("kj_planner", "Jihua-2021-KJ!", Role.PLANNER, "KJ", "李计划"),
    DemoAccount("kj_inspector", "Zhifa-2021-KJ!", Role.INSPECTOR, "KJ", "王执法"),
    DemoAccount("kj_legal", "Fazhi-2021-KJ!", Role.LEGAL_REVIEWER, "KJ", "赵法制"),
    DemoAccount("kj_admin", "Guanli-2021-KJ!", Role.DEPARTMENT_ADMIN, "KJ", "孙管理"),
    DemoAccount("ga_inspector", "Zhifa-2021-GA!", Role.INSPECTOR, "GA", "周警官"),
    DemoAccount("ga_admin", "Guanli-2021-GA!", Role.DEPARTMENT_ADMIN, "GA", "吴管理"),
    DemoAccount("rs_inspector", "Zhifa-2021-RS!", Role.INSPECTOR, "RS", "郑监察"),
    DemoAccount("sys_admin", "Xitong-2021-Admin!", Role.SYSTEM_ADMIN, "KJ", "钱系统"),
    DemoAccount("sec_admin", "Anquan-2021-Admin!", Role.SECURITY_ADMIN, "KJ", "冯安全"),
    DemoAccount("audit_admin", "Shenji-2021-Admin!", Role.AUDIT_ADMIN, "KJ", "陈审计"),
]


@transaction.atomic
def seed_accounts() -> dict[str, int]:
    """The three bureaus and one account per role. Returns counts of what was created."""
    created = {"部门": 0, "账号": 0}
    departments = {}
    for code, name in DEPARTMENTS:
        department, was_created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region_code": CITY_REGION}
        )
        departments[code] = department
        created["部门"] += was_created
    existing = set(User.objects.values_list("username", flat=True))
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        create_user(
            actor=None,
            username=account.username,
            password=account.password,
            role=account.role,
            department=departments[account.department],
            display_name=account.display_name,
        )
        created["账号"] += 1
    return created


def account(username: str) -> User | None:
    """A demo account by its username, if the accounts part has been seeded."""
    return User.objects.filter(username=username).first()
