from django.core.management.base import BaseCommand

from backend.accounts.roles import Role
from backend.demo import DEMO_ACCOUNTS, seed_demo


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，已存在的数据不会重复创建），并打印演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")

    def handle(self, *args, quiet_accounts=False, **options):
        created = seed_demo()
        departments, users = created["departments"], created["users"]
        self.stdout.write(f"演示数据已就绪：新建部门 {departments} 个，新建账号 {users} 个。")
        if quiet_accounts:
            return
        self.stdout.write("\n演示账号（仅用于演示环境）：")
        self.stdout.write(f"  {'角色':<10}{'用户名':<16}密码")
        for account in DEMO_ACCOUNTS:
            label = str(Role(account.role).label)
            self.stdout.write(f"  {label:<10}{account.username:<16}{account.password}")
