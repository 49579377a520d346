from django.core.management.base import BaseCommand, CommandError

from backend.checkpoints.verification import verify


class Command(BaseCommand):
    help = (
        "校验全部检查点（签名、前后链接、数据库外的副本）以及数据库中的各哈希链与检查点是否一致；"
        "有不符时逐条报告最早不符的检查点，退出码为 1。"
    )

    def handle(self, *args, **options):
        report = verify()
        for finding in report.findings:
            self.stderr.write(str(finding))
        if not report.ok:
            raise CommandError(f"检查点校验未通过：{len(report.findings)} 处不符", returncode=1)
        if report.latest is None:
            self.stdout.write("尚无检查点。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"检查点完好：共 {report.checkpoints} 个，"
                f"数据库与最新的检查点 #{report.latest} 一致。"
            )
        )
