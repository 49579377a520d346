from django.core.management.base import BaseCommand
from django.db import transaction

from backend.accounts.roles import Role
from backend.demo import DEMO_ACCOUNTS, enrol_demo_accounts, seed_accounts
from fieldwork.demo import seed_fieldwork
from inspections.demo import seed_directory
from inspections.demo_draws import seed_draws
from inspections.demo_plans import seed_plans
from personnel.demo import seed_personnel

# Each part of the demo, in dependency order: (what it is, the function that loads it).
# Every function creates what is missing and leaves what exists alone.
DEMO_PARTS = [
    ("部门与账号", seed_accounts),
    ("执法人员", seed_personnel),
    ("一单两库", seed_directory),
    ("年度计划与抽查任务", seed_plans),
    ("抽查任务的公开抽取", seed_draws),
    ("检查实施、结果审核与后续处置", seed_fieldwork),
]


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，已存在的数据不会重复创建），并打印演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    @transaction.atomic
    def handle(self, *args, quiet_accounts=False, **options):
        for label, seed in DEMO_PARTS:
            created = seed()
            summary = "，".join(f"{name} {count}" for name, count in created.items())
            self.stdout.write(f"演示数据【{label}】已就绪，本次新建：{summary}。")
        # Demo mode (DEBUG) only: the administrators' second factor without a phone.
        secrets = enrol_demo_accounts()
        if quiet_accounts:
            return
        self.stdout.write("\n演示账号（仅用于演示环境）：")
        self.stdout.write(f"  {'角色':<10}{'用户名':<16}密码")
        for account in DEMO_ACCOUNTS:
            label = str(Role(account.role).label)
            self.stdout.write(f"  {label:<10}{account.username:<16}{account.password}")
        if secrets:
            self.stdout.write(
                "\n双因素认证（演示模式）：以下账号已绑定演示验证器。可将密钥输入手机验证器，"
                "或运行 manage.py demo_totp 用户名 获取当前验证码："
            )
            for username, secret in secrets.items():
                self.stdout.write(f"  {username:<16}{secret}")
