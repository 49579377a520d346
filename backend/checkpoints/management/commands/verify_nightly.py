from django.core.management.base import BaseCommand, CommandError

from backend.checkpoints.nightly import report, run_checks


class Command(BaseCommand):
    help = (
        "夜间校验：签名检查点及各哈希链与之是否一致、审计日志哈希链、每个检查的全过程记录链、"
        "每次已进行的抽取；发现问题时记入审计日志并以邮件告知安全管理员和审计管理员，退出码为 1。"
        "（由 cron 每晚在 make_checkpoint 之后运行，见 docs/checkpoints-and-encryption.md）"
    )

    def handle(self, *args, **options):
        outcomes = run_checks()
        for outcome in outcomes:
            if outcome.problems:
                self.stderr.write(f"✗ {outcome.check.label}：{len(outcome.problems)} 处问题")
                for problem in outcome.problems:
                    self.stderr.write(f"    {problem}")
            else:
                self.stdout.write(f"✓ {outcome.check.label}：完好")
        report(outcomes)
        broken = [o.check.label for o in outcomes if o.problems]
        if broken:
            raise CommandError(
                f"夜间校验未通过（{'、'.join(broken)}），已告警安全管理员和审计管理员",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS("夜间校验通过。"))
