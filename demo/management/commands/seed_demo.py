from django.core.management.base import BaseCommand
from django.db import transaction

from backend.accounts.roles import Role
from demo.accounts import DEMO_ACCOUNTS, enrol_demo_accounts, seed_accounts
from demo.directory import seed_directory
from demo.draws import seed_current_draws, seed_draws
from demo.fieldwork import seed_current_fieldwork, seed_fieldwork, seed_follow_ups, seed_rechecks
from demo.legal_review import seed_legal_reviews
from demo.officers import seed_personnel
from demo.plans import seed_current_plan, seed_plans
from demo.publication import seed_publication
from demo.ratings import seed_complaints, seed_ratings
from demo.rules_2025 import seed_rules_2025
from demo.supervision import seed_supervision

# Each part of the demo, each through its layer's services: (what it is, the function that loads
# it). Every date derives from the day the demo is seeded (demo.clock): the accounts and the
# officers first, then last year's story in the order it happened (the items and firms in
# January, the plan, the June draws and inspections, the legal review, the follow-ups, the
# results published, the July re-check and ratings), then this year's (the plan published last
# December, the joint task drawn and under way today, the 2025 rules' tasks, the supervisor's
# complaint and opinion). Every function creates what is missing and leaves what exists alone.
DEMO_PARTS = [
    ("部门与账号", seed_accounts),
    ("执法人员", seed_personnel),
    ("一单两库", seed_directory),
    ("上年度计划与抽查任务", seed_plans),
    ("上年度抽查任务的公开抽取", seed_draws),
    ("上年度检查实施与结果审核", seed_fieldwork),
    ("重大执法决定法制审核", seed_legal_reviews),
    ("后续处置", seed_follow_ups),
    ("上年度检查结果公示", seed_publication),
    ("整改复查与办结", seed_rechecks),
    ("企业评价", seed_ratings),
    ("本年度计划与抽查任务", seed_current_plan),
    ("本年度抽查任务的公开抽取", seed_current_draws),
    ("本年度检查实施（进行中）", seed_current_fieldwork),
    ("2025年涉企行政检查新规（本年度）", seed_rules_2025),
    ("投诉", seed_complaints),
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
