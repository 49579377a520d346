"""Re-check a stored draw against its own files, as the public verifier would."""

from django.core.management.base import BaseCommand, CommandError

from inspections.draws.models import Draw, DrawStatus
from inspections.draws.verification import verify_stored_draw


class Command(BaseCommand):
    help = "按 DR-1 重新验证一次已进行的抽取 / re-verify a performed DR-1 draw"

    def add_arguments(self, parser):
        parser.add_argument("draw_id", help="抽取编号，例如 D-2021-0001")

    def handle(self, *args, draw_id: str, **options):
        draw = Draw.objects.filter(public_id=draw_id).first()
        if draw is None:
            raise CommandError(f"未找到抽取 {draw_id}")
        if draw.status != DrawStatus.PERFORMED:
            raise CommandError(
                f"抽取 {draw_id} 当前为“{draw.get_status_display()}”，没有结果可验证"
            )
        report = verify_stored_draw(draw)
        for check in report.checks:
            self.stderr.write(f"  ok  {check}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  !!  {problem}")
            raise CommandError(f"抽取 {draw_id} 验证未通过")
        self.stdout.write(f"{draw_id} 验证通过 / verified, seed {report.seed}")
