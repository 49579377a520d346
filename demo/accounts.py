"""The demo accounts: a city Science and Technology Bureau's yearly joint inspection of foreign
work permits with the Public Security and HR bureaus. Every bureau that takes part in a demo task
has one account per role it holds (计划人员, 执法人员, 法制审核人员, 部门管理员), so that each
can confirm its part in a joint task and the task's draws can be announced with demo accounts
alone; the city's 司法局 has the supervisor.

The demo passwords exist only here and are printed by `make run`; a production installation
never runs `seed_demo`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import DEMO_DEVICE_NAME, create_user, enrol_second_factor
from backend.organisation.models import Department

CITY_REGION = "220100"  # 长春市

DEPARTMENTS = [
    # code, name
    ("KJ", "市科学技术局"),
    ("GA", "市公安局"),
    ("RS", "市人力资源和社会保障局"),
    # The 司法行政部门, which supervises the others' enforcement; it inspects no firm here.
    ("SF", "市司法局"),
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
    DemoAccount("ga_planner", "Jihua-2021-GA!", Role.PLANNER, "GA", "许计划"),
    DemoAccount("ga_inspector", "Zhifa-2021-GA!", Role.INSPECTOR, "GA", "周警官"),
    DemoAccount("ga_legal", "Fazhi-2021-GA!", Role.LEGAL_REVIEWER, "GA", "韩法制"),
    DemoAccount("ga_admin", "Guanli-2021-GA!", Role.DEPARTMENT_ADMIN, "GA", "吴管理"),
    DemoAccount("rs_planner", "Jihua-2021-RS!", Role.PLANNER, "RS", "唐计划"),
    DemoAccount("rs_inspector", "Zhifa-2021-RS!", Role.INSPECTOR, "RS", "郑监察"),
    DemoAccount("rs_legal", "Fazhi-2021-RS!", Role.LEGAL_REVIEWER, "RS", "冯法制"),
    DemoAccount("rs_admin", "Guanli-2021-RS!", Role.DEPARTMENT_ADMIN, "RS", "曹管理"),
    DemoAccount("sys_admin", "Xitong-2021-Admin!", Role.SYSTEM_ADMIN, "KJ", "钱系统"),
    DemoAccount("sec_admin", "Anquan-2021-Admin!", Role.SECURITY_ADMIN, "KJ", "冯安全"),
    DemoAccount("audit_admin", "Shenji-2021-Admin!", Role.AUDIT_ADMIN, "KJ", "陈审计"),
    DemoAccount("sf_supervisor", "Jiandu-2021-SF!", Role.SUPERVISOR, "SF", "何监督"),
]


@transaction.atomic
def seed_accounts() -> dict[str, int]:
    """The bureaus and their demo accounts. Returns counts of what was created."""
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


def demo_mode() -> bool:
    """The demo's phone-free second factor exists in development (DEBUG) only."""
    return settings.DEBUG


@transaction.atomic
def enrol_demo_accounts() -> dict[str, str]:
    """Bind a TOTP app to each demo account whose role requires one, in demo mode only, so
    that the demo works without a phone: `seed_demo` prints the secrets and
    `manage.py demo_totp USERNAME` prints the current code. Returns {username: base32 secret}
    for every demo account that has a demo app (new or from an earlier run)."""
    if not demo_mode():
        return {}
    secrets = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None or not user.requires_second_factor:
            continue
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            key = random_hex(20)
            # The previous step's code (accepted, one step of tolerance) binds the app, so
            # that the current code still works for the first login.
            totp = TOTP(bytes.fromhex(key))
            totp.time = totp.time - totp.step
            code = totp.token()
            device, _ = enrol_second_factor(
                user=user, key=key, code=f"{code:06d}", name=DEMO_DEVICE_NAME
            )
        if device.name == DEMO_DEVICE_NAME:
            secrets[account.username] = device.config_url.split("secret=", 1)[1].split("&")[0]
    return secrets
