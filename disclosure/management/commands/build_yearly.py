from django.core.management.base import BaseCommand, CommandError

from backend.jobs.dispatch import broker_configured
from backend.jobs.models import WorkJob
from backend.jobs.work import run_work, work_kind
from disclosure import statistics, yearly


class Command(BaseCommand):
    help = (
        "重新生成某年度的统计数据快照和全部公示结果文件（.xlsx），默认上一年度。"
        "配置了消息队列时交给工作进程，否则（或加 --here）在本进程中生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="年度，默认上一年度")
        parser.add_argument("--here", action="store_true", help="在本进程中生成，不交给工作进程")

    def handle(self, *args, year=None, here=False, **options):
        year = year or statistics.last_year()
        if not statistics.is_published_year(year):
            raise CommandError(f"{year}年尚未结束，统计数据将于次年1月生成。")
        here = here or not broker_configured()
        jobs = yearly.build_year(year, here=here)
        if here:
            # Run now, whether or not the commit already did (a finished job is left as it is).
            jobs = [run_work(job.pk) for job in jobs]
        for job in WorkJob.objects.filter(pk__in=[j.pk for j in jobs]).order_by("pk"):
            label = work_kind(job.kind).label
            self.stdout.write(f"{label}（{year}年）：{job.get_status_display()}。{job.message}")
        if not here:
            self.stdout.write("已交给工作进程，进度见“后台任务”页面（/jobs/）。")
