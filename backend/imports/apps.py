from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "backend.imports"
    label = "imports"
    verbose_name = "数据导入"

    def ready(self) -> None:
        from backend.imports.runner import sweep_stale_jobs
        from backend.imports.selectors import import_job_rows
        from backend.jobs.registry import JobKind, register_job_kind

        register_job_kind(JobKind("import", "导入", import_job_rows, sweep_stale_jobs))
