"""The shell side of an import: `import_X FILE [--valid-only] [--dry-run]`, `--template OUT`."""

import sys

from django.core.management.base import BaseCommand, CommandError

from backend.imports.models import Mode, Status
from backend.imports.registry import get_importer
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from backend.tabular import write_template


class ImportCommand(BaseCommand):
    kind: str

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx、.xls、.ods、.csv 或 .txt 文件")
        parser.add_argument(
            "--valid-only", action="store_true", help="只导入有效行（默认：有任何错误则不导入）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验和试算，不写入")
        parser.add_argument("--template", metavar="OUT.xlsx", help="写出空白导入模板后退出")
        parser.add_argument("--department", metavar="CODE", help="数据所属部门代码")
        parser.add_argument("--user", metavar="USERNAME", help="记入审计日志的操作人")
        parser.add_argument(
            "--errors", metavar="OUT.xlsx", help="有错误行时，把错误报告写到这个文件"
        )

    def handle(self, *args, **options):
        importer = get_importer(self.kind)
        if options["template"]:
            write_template(
                options["template"],
                columns=importer.columns,
                sheet_title=importer.label,
                notes=importer.template_notes,
            )
            self.stdout.write(f"已写出模板：{options['template']}")
            return
        if not options["file"]:
            raise CommandError("请指定要导入的文件，或用 --template OUT.xlsx 写出模板。")
        actor, department = self._actor_and_department(options, importer)
        job = create_command_job(
            kind=self.kind,
            path=options["file"],
            mode=Mode.VALID_ONLY if options["valid_only"] else Mode.ALL_OR_NOTHING,
            dry_run=options["dry_run"],
            actor=actor,
            department=department,
        )
        progress = _Progress(sys.stderr)
        try:
            job = run_import(job, options["file"], on_progress=progress.update)
        finally:
            progress.close()
        if job.error_report and options["errors"]:
            with job.error_report.open("rb") as src, open(options["errors"], "wb") as dst:
                dst.write(src.read())
        summary = (
            f"新增 {job.inserted}，更新 {job.updated}，未变化 {job.unchanged}，错误 {job.rejected}"
        )
        if job.status != Status.DONE:
            raise CommandError(f"{job.message}（{summary}）")
        self.stdout.write(job.message)

    def _actor_and_department(self, options, importer):
        from backend.accounts.models import User
        from backend.organisation.models import Department

        actor = None
        if options["user"]:
            try:
                actor = User.objects.select_related("department").get(username=options["user"])
            except User.DoesNotExist:
                raise CommandError(f"没有用户名为 {options['user']} 的账号") from None
        department = actor.department if actor else None
        if options["department"]:
            try:
                department = Department.objects.get(code=options["department"])
            except Department.DoesNotExist:
                raise CommandError(f"没有代码为 {options['department']} 的部门") from None
        if importer.needs_department and department is None:
            raise CommandError(
                "请用 --department CODE 指定数据所属部门（或用 --user 指定操作人）。"
            )
        return actor, department


class _Progress:
    """A progress line on stderr (tqdm when a terminal is attached)."""

    def __init__(self, stream):
        self.stream = stream
        self.bar = None
        try:
            from tqdm import tqdm

            self.bar = tqdm(desc="读取和校验", unit="行", file=stream, disable=None)
        except ImportError:
            pass

    def update(self, job):
        if self.bar is not None:
            self.bar.n = job.processed_rows
            self.bar.set_description(job.get_status_display())
            self.bar.refresh()
        else:
            self.stream.write(f"\r{job.get_status_display()}：{job.processed_rows} 行")

    def close(self):
        if self.bar is not None:
            self.bar.close()
