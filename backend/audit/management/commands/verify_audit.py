from django.core.management.base import BaseCommand, CommandError

from backend.audit.verification import verify_chain
from backend.checkpoints.verification import verify


class Command(BaseCommand):
    help = (
        "校验审计日志哈希链，并与最近的签名检查点核对（尾部被删除、历史被改写、数据库被回滚）；"
        "报告第一处断裂或最早不符的检查点，有问题时退出码为 1。"
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            brk = report.first_break
            raise CommandError(
                f"审计链断裂：事件 #{brk.event_id}：{brk.reason}（此前 {report.checked} 条完好）",
                returncode=1,
            )
        against = verify(["audit"])
        if not against.ok:
            for finding in against.findings:
                self.stderr.write(str(finding))
            raise CommandError(f"审计链与签名检查点不符：{against.findings[0]}", returncode=1)
        checkpoint = (
            f"，与检查点 #{against.latest} 一致" if against.latest else "（尚无签名检查点）"
        )
        self.stdout.write(
            self.style.SUCCESS(f"审计链完好：共校验 {report.checked} 条事件{checkpoint}。")
        )
