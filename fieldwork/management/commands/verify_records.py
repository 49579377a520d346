"""Walk every inspection's record chain and report the first break (exit code 1)."""

from django.core.management.base import BaseCommand, CommandError

from backend.checkpoints.verification import verify
from fieldwork.models import Inspection
from fieldwork.verification import broken_chains


class Command(BaseCommand):
    help = (
        "检查每个检查的全过程记录摘要链，并与最近的签名检查点核对（记录被删除、改写、数据库被回滚），"
        "报告第一处断裂或最早不符的检查点（有问题时退出码为1）"
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="只检查这些检查编号（默认全部）")

    def handle(self, *args, codes, **options):
        inspections = Inspection.objects.order_by("code")
        if codes:
            inspections = inspections.filter(code__in=codes)
            missing = set(codes) - set(inspections.values_list("code", flat=True))
            if missing:
                raise CommandError(f"未找到检查：{'、'.join(sorted(missing))}")
        checked = records = 0
        broken = []
        for inspection, problem, count in broken_chains(inspections.iterator()):
            checked += 1
            records += count
            if problem:
                broken.append(inspection.code)
                self.stderr.write(f"{inspection.code}：{problem}")
        if broken:
            raise CommandError(
                f"{len(broken)}个检查的记录链断裂：{'、'.join(broken)}", returncode=1
            )
        if not codes:
            # Against the signatures: only meaningful for every chain at once (the root).
            against = verify(["records"])
            if not against.ok:
                for finding in against.findings:
                    self.stderr.write(str(finding))
                raise CommandError(
                    f"全过程记录与签名检查点不符：{against.findings[0]}", returncode=1
                )
            if against.latest:
                self.stdout.write(
                    f"已检查{checked}个检查的{records}条记录，摘要链完整，"
                    f"与检查点 #{against.latest} 一致"
                )
                return
        self.stdout.write(f"已检查{checked}个检查的{records}条记录，摘要链完整")
