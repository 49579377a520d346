"""A task's draws with their state and seeds, for operators and auditors."""

from django.core.management.base import BaseCommand, CommandError

from inspections.planning.models import SamplingTask


class Command(BaseCommand):
    help = "列出抽查任务的全部抽取及其状态和种子 / a task's draws, states and seeds"

    def add_arguments(self, parser):
        parser.add_argument("task_code", help="任务编号，例如 T-2021-007")

    def handle(self, *args, task_code: str, **options):
        task = SamplingTask.objects.filter(code=task_code).first()
        if task is None:
            raise CommandError(f"未找到抽查任务 {task_code}")
        draws = list(task.draws.select_related("replaces").order_by("id"))
        self.stdout.write(f"{task.code} {task.name}（{task.get_status_display()}）")
        for draw in draws:
            replaces = f" 替代 {draw.replaces.public_id}：{draw.reason}" if draw.replaces else ""
            self.stdout.write(
                f"{draw.public_id}\t{draw.purpose}\t{draw.status}\t"
                f"{draw.announcement['announced_at']}\t{draw.seed or '-'}{replaces}"
            )
        self.stdout.write(f"共 {len(draws)} 次抽取")
