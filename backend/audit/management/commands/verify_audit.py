from django.core.management.base import BaseCommand, CommandError

from backend.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，报告第一处断裂；有断裂时退出码为 1。"

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            brk = report.first_break
            raise CommandError(
                f"审计链断裂：事件 #{brk.event_id}：{brk.reason}（此前 {report.checked} 条完好）",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完好：共校验 {report.checked} 条事件。"))
