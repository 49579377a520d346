"""Large staff exports are made by background jobs (the audit trail's: tests/backend/
test_audit_export_job.py; the machinery: backend/jobs/work.py): above
EXPORT_INLINE_MAX_ROWS the request starts a job through backend.jobs.dispatch (a thread here,
with no broker) and sends the user to 我的导出, where the file is downloaded by them alone, in
their department, each download audited; below it the export is answered at once as before. A
job stopped part-way leaves no file and a Chinese message, never a job left running."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.audit.models import AuditEvent
from backend.jobs import work
from backend.jobs.models import WorkJob, WorkStatus
from backend.jobs.sweep import sweep_stale_jobs
from inspections.directory.exports import FIRM_EXPORT_JOB
from inspections.directory.models import Firm
from tests.job_builders import finished_job

FIRM_EXPORT = reverse("directory:firm-export")
MINE = reverse("jobs:mine")


def _wait_until_finished(job_id: int) -> WorkJob:
    return finished_job(job_id)


@pytest.mark.django_db(transaction=True)
def test_a_large_directory_export_is_a_job_downloaded_by_its_asker_alone(
    login, client, planner, inspector, ga, make_directory, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 5
    make_directory({"A": 4, "B": 3})
    login(planner)

    response = client.get(FIRM_EXPORT, {"format": "xlsx", "risk_class": "A"})
    assert response.status_code == 200  # 4 firms: at once, as before
    assert not WorkJob.objects.exists()

    response = client.get(FIRM_EXPORT, {"format": "csv"})
    assert response.status_code == 302 and response.url == MINE
    job = WorkJob.objects.get()
    assert (job.kind, job.created_by, job.department, job.total) == (
        FIRM_EXPORT_JOB,
        planner,
        planner.department,
        7,
    )
    job = _wait_until_finished(job.pk)
    assert job.status == WorkStatus.DONE, job.message
    assert job.message == "已导出 7 个检查对象。" and job.done == 7 and job.worker
    notice = planner.notifications.get()
    assert notice.title == "检查对象名录导出已完成，可以下载" and notice.link == MINE
    page = client.get(MINE).content.decode()
    assert "检查对象名录导出" in page and job.filename in page

    exports_before = AuditEvent.objects.filter(action="firms.export").count()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][0] == "统一社会信用代码"
    assert sorted(r[0] for r in rows[1:]) == sorted(Firm.objects.values_list("uscc", flat=True))
    event = AuditEvent.objects.filter(action="firms.export").order_by("-id").first()
    assert AuditEvent.objects.filter(action="firms.export").count() == exports_before + 1
    assert event.actor_username == planner.username
    assert event.detail["job"] == job.pk and event.detail["rows"] == 7

    # Another user of the department, and the asker once moved to another one: not theirs.
    login(inspector)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert job.filename not in client.get(MINE).content.decode()
    planner.department = ga
    planner.save(update_fields=["department"])
    login(planner)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_job_that_fails_while_writing_leaves_no_file_and_says_why(
    planner, make_directory, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    make_directory({"A": 3})
    from inspections.directory import exports

    real_rows = exports.firm_rows

    def rows_then_a_full_disk(queryset):
        yield next(iter(real_rows(queryset)))
        raise OSError("磁盘已满")

    monkeypatch.setattr(exports, "firm_rows", rows_then_a_full_disk)
    job = exports.start_export_job(actor=planner, filters={}, fmt="xlsx", total=3)
    job = work.run_work(job.pk)
    assert job.status == WorkStatus.FAILED
    assert job.message == "检查对象名录导出失败，未留下不完整的结果：磁盘已满"
    assert not job.file and not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_job_whose_process_died_is_run_again_then_marked_failed(planner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.JOB_MAX_ATTEMPTS = 2
    from inspections.directory import exports

    job = exports.start_export_job(actor=planner, filters={}, fmt="csv", total=0)
    # Its process died part-way once: it is started again, to its end.
    WorkJob.objects.filter(pk=job.pk).update(status=WorkStatus.RUNNING, attempts=1)
    job = work.run_work(job.pk)
    assert job.status == WorkStatus.DONE and job.attempts == 2
    # Died as often as it may: failed, and said so.
    job = exports.start_export_job(actor=planner, filters={}, fmt="csv", total=0)
    WorkJob.objects.filter(pk=job.pk).update(status=WorkStatus.RUNNING, attempts=2)
    job = work.run_work(job.pk)
    assert job.status == WorkStatus.FAILED
    assert (
        job.message
        == "检查对象名录导出的进程2次意外中断，未留下不完整的结果。请检查服务器后重新操作。"
    )
    # A finished job is left as it is when its message is delivered again.
    assert work.run_work(job.pk).status == WorkStatus.FAILED


def test_a_silent_job_is_swept_as_failed_and_listed_for_the_system_administrator(
    login, client, planner, system_admin
):
    from inspections.directory import exports

    job = exports.start_export_job(actor=planner, filters={}, fmt="csv", total=0)
    silent = timezone.now() - timedelta(minutes=11)
    WorkJob.objects.filter(pk=job.pk).update(status=WorkStatus.RUNNING, heartbeat_at=silent)
    assert sweep_stale_jobs() >= 1
    job.refresh_from_db()
    assert job.status == WorkStatus.FAILED
    assert job.message == "检查对象名录导出的进程意外中断，未留下不完整的结果。请重新操作。"
    login(system_admin)
    page = client.get(reverse("jobs:list")).content.decode()
    for label in ("检查对象名录导出", "审计日志导出", "年度结果文件生成", "年度统计生成"):
        assert label in page
    assert "市科学技术局" in page and job.message in page
