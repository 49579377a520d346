import sys
import time

from django.core.management.base import BaseCommand, CommandError

from backend.audit.services import record_event
from inspections.directory.actions import DirectoryAction
from inspections.directory.bulk import insert_firms
from inspections.directory.synthetic import synthetic_firms


class Command(BaseCommand):
    help = (
        "生成 N 家虚构但逼真的检查对象（统一社会信用代码有效、吉林省真实行政区划、行业代码、"
        "信用风险分类约 A40% B40% C15% D5%），用于演示和性能测试。同一 --seed 结果相同；"
        "已存在的代码跳过。"
    )

    def add_arguments(self, parser):
        parser.add_argument("n", type=int, help="生成的数量")
        parser.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")

    def handle(self, *args, n: int, seed: int, **options):
        if n < 0:
            raise CommandError("数量不能为负数")
        started = time.perf_counter()
        done = 0
        step = max(n // 20, 10_000)
        next_report = step

        def progress(count: int) -> None:
            nonlocal done, next_report
            done += count
            if done >= next_report or done == n:
                elapsed = time.perf_counter() - started
                sys.stderr.write(f"  已写入 {done:,}/{n:,} 家（{elapsed:.1f} 秒）\n")
                next_report += step

        created, skipped = insert_firms(synthetic_firms(n, seed=seed), progress=progress)
        seconds = time.perf_counter() - started
        record_event(
            action=DirectoryAction.FIRMS_GENERATE,
            object_type="inspections.firm",
            detail={"n": n, "seed": seed, "created": created, "skipped": skipped},
            username="manage.py generate_firms",
        )
        self.stdout.write(
            f"已生成检查对象 {created:,} 家，跳过已存在 {skipped:,} 家，"
            f"种子 {seed}，用时 {seconds:.1f} 秒（约 {n / max(seconds, 1e-9):,.0f} 家/秒）。"
        )
