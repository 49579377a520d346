from django.core.management.base import BaseCommand
from django.db import transaction

from backend.accounts.roles import Role
from demo.accounts import DEMO_ACCOUNTS, enrol_demo_accounts, seed_accounts
from demo.directory import seed_directory
from demo.draws import seed_draws
from demo.fieldwork import seed_fieldwork, seed_follow_ups
from demo.legal_review import seed_legal_reviews
from demo.officers import seed_personnel
from demo.plans import seed_plans
from demo.ratings import seed_ratings
from demo.rules_2025 import seed_rules_2025
from demo.supervision import seed_supervision

# Each part of the demo, layer by layer from the bottom (backend, personnel, the inspection
# steps, fieldwork, legal review, supervision), each through its layer's services: (what it is,
# the function that loads it). The follow-ups come back to fieldwork: the referral is made only
# once its decision is approved in legal review; supervision reads what all the others made.
# Every function creates what is missing and leaves what exists alone.
DEMO_PARTS = [
    ("部门与账号", seed_accounts),
    ("执法人员", seed_personnel),
    ("一单两库", seed_directory),
    ("年度计划与抽查任务", seed_plans),
    ("抽查任务的公开抽取", seed_draws),
    ("检查实施与结果审核", seed_fieldwork),
    ("重大执法决定法制审核", seed_legal_reviews),
    ("后续处置与办结", seed_follow_ups),
    ("企业评价与投诉", seed_ratings),
    ("2025年涉企行政检查新规（本年度）", seed_rules_2025),
    ("行政执法监督", seed_supervision),
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
