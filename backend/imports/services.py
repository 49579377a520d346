"""Creating import jobs (the running is in runner.py)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from backend.audit.models import Outcome
from backend.audit.services import record_event
from backend.imports import runner
from backend.imports.access import check_may_import
from backend.imports.actions import ImportAction
from backend.imports.models import ImportJob, Mode
from backend.tabular import SUPPORTED_SUFFIXES
from backend.workbook_checks import WorkbookRefused, check_workbook


def upload_import(
    *, actor, kind: str, uploaded_file, mode: str, dry_run: bool = False
) -> ImportJob:
    """Store an uploaded file as a new job and start it. The file is kept with the job."""
    check_may_import(actor=actor, kind=kind)
    if mode not in Mode.values:
        raise ValidationError({"mode": "请选择导入方式"})
    name = Path(uploaded_file.name).name
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            {
                "file": f"不支持的文件类型“{name}”，"
                "请上传 .xlsx、.xls、.ods、.csv 或 Unicode 文本（.txt）文件。"
            }
        )
    if uploaded_file.size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": f"文件过大，上限为 {limit} MB。请拆分后分批导入。"})
    try:
        # Refused on the form, before a job is made: the web process never opens a zip bomb.
        check_workbook(uploaded_file, filename=name, limits=runner.workbook_limits())
    except WorkbookRefused as exc:
        # Recorded outside any transaction: the refusal must stay on record.
        record_event(
            action=ImportAction.REFUSED,
            actor=actor,
            outcome=Outcome.DENIED,
            detail={"kind": kind, "file": name[:255], "size": uploaded_file.size, "code": exc.code},
        )
        raise ValidationError({"file": exc.message}, code=exc.code) from None
    return _store_upload(
        actor=actor, kind=kind, name=name, uploaded_file=uploaded_file, mode=mode, dry_run=dry_run
    )


@transaction.atomic
def _store_upload(*, actor, kind: str, name: str, uploaded_file, mode: str, dry_run: bool):
    digest = hashlib.sha256()
    for block in uploaded_file.chunks():
        digest.update(block)
    uploaded_file.seek(0)
    job = ImportJob(
        kind=kind,
        filename=name[:255],
        file_sha256=digest.hexdigest(),
        size=uploaded_file.size,
        mode=mode,
        dry_run=dry_run,
        created_by=actor,
        department=actor.department,
    )
    job.file.save(name, uploaded_file, save=False)
    job.full_clean()
    job.save(force_insert=True)
    record_event(
        action=ImportAction.UPLOAD,
        actor=actor,
        obj=job,
        detail={"kind": kind, "file": job.filename, "size": job.size, "mode": mode},
    )
    runner.start(job)
    return job


@transaction.atomic
def rerun_valid_only(*, actor, job: ImportJob) -> ImportJob:
    """Run a rejected all-or-nothing import again on the same file, importing the valid rows."""
    check_may_import(actor=actor, kind=job.kind)
    if not job.file:
        raise ValidationError("该导入没有保存文件，请重新上传。")
    again = ImportJob(
        kind=job.kind,
        filename=job.filename,
        file=job.file.name,
        file_sha256=job.file_sha256,
        size=job.size,
        mode=Mode.VALID_ONLY,
        dry_run=False,
        created_by=actor,
        department=actor.department,
    )
    again.full_clean()
    again.save(force_insert=True)
    record_event(
        action=ImportAction.RERUN, actor=actor, obj=again, detail={"of": job.pk, "mode": again.mode}
    )
    runner.start(again)
    return again


def create_command_job(
    *, kind: str, path: str, mode: str, dry_run: bool, actor=None, department=None
) -> ImportJob:
    """A job for an import run from the shell; the file stays where it is. Not audited here:
    the runner records the import's one event, with its counts, when the job has run."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    job = ImportJob(
        kind=kind,
        filename=Path(path).name[:255],
        file_sha256=digest.hexdigest(),
        size=Path(path).stat().st_size,
        mode=mode,
        dry_run=dry_run,
        created_by=actor,
        department=department,
    )
    job.full_clean()
    job.save(force_insert=True)
    return job
