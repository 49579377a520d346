"""A finished year's result file and statistics are built by background jobs (disclosure/yearly.py),
never within a public request; beat builds last year's on 1 January and checks them through
January, telling the system administrators and the supervisors of a missing or stale one."""

import io
from datetime import timedelta

import pytest
from celery.schedules import crontab
from disclosure_builders import carry_out, drawn_task
from django.core.management import CommandError, call_command
from django.utils import timezone

from backend.jobs.models import WorkJob, WorkStatus
from backend.jobs.work import run_work
from backend.notifications.models import Notification
from disclosure import downloads, yearly
from disclosure.models import YearStatisticsSnapshot
from disclosure.services import publish_results
from tests.job_builders import finished_job

API = "/api/v1/public"


@pytest.fixture
def published(kj, planner, department_admin, settings, tmp_path):
    """KJ's 2021 task, four results published (one 发现问题待后续处理)."""
    settings.MEDIA_ROOT = tmp_path
    task = drawn_task(department=kj, planner=planner, department_admin=department_admin, firms=4)
    inspections = carry_out(
        task, planner=planner, reviewer=department_admin, results={0: ["follow-up-disclosure"]}
    )
    return publish_results(actor=planner, inspections=inspections)


def _wait_until_finished(job: WorkJob) -> WorkJob:
    job = finished_job(job.pk)
    assert job.status == WorkStatus.DONE, job.message
    return job


@pytest.mark.django_db(transaction=True)
def test_the_public_asks_and_the_jobs_build_through_dispatch(client, published):
    # The workbook: not built in the request; its job runs in a thread (no broker).
    response = client.get(f"{API}/downloads/results-2021.xlsx")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    job = _wait_until_finished(WorkJob.objects.get(kind=yearly.RESULTS_FILE, subject="2021"))
    assert job.done == 4 and job.message == "2021年全部公示结果文件（.xlsx）已生成，共 4 条。"
    assert client.get(f"{API}/downloads/results-2021.xlsx").status_code == 200
    assert downloads.built_xlsx(2021) is not None
    assert not list(downloads.built_xlsx(2021).parent.glob("*.part"))

    # The statistics: the first visit counts them as before and starts the snapshot's job.
    assert client.get(f"{API}/statistics/2021/").json()["results"] == 4
    job = _wait_until_finished(WorkJob.objects.get(kind=yearly.STATISTICS, subject="2021"))
    snapshot = YearStatisticsSnapshot.objects.get(year=2021)
    assert snapshot.figures == yearly.compute_snapshot(2021)
    assert snapshot.figures["inspections_by_department"][0][0] == "市科学技术局"
    # Later visits read the snapshot while it matches the year's publications ...
    YearStatisticsSnapshot.objects.filter(pk=snapshot.pk).update(
        figures={**snapshot.figures, "results": 999}
    )
    assert client.get(f"{API}/statistics/2021/").json()["results"] == 999
    assert "999" in client.get("/public/statistics/2021/").content.decode()
    # ... and not once the publications changed: counted again, and rebuilt by a job, which a
    # public visit starts at most every five minutes.
    YearStatisticsSnapshot.objects.filter(pk=snapshot.pk).update(results_count=3)
    assert client.get(f"{API}/statistics/2021/").json()["results"] == 4
    assert WorkJob.objects.filter(kind=yearly.STATISTICS).count() == 1
    WorkJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert client.get(f"{API}/statistics/2021/").json()["results"] == 4
    rebuilt = WorkJob.objects.filter(kind=yearly.STATISTICS).order_by("-pk").first()
    assert rebuilt.pk != job.pk
    _wait_until_finished(rebuilt)
    assert YearStatisticsSnapshot.objects.get(year=2021).figures["results"] == 4


def test_beat_builds_last_years_statistics_and_file_on_1_january(published):
    assert yearly.build_last_year("2022-01-01") == 2
    jobs = WorkJob.objects.filter(subject="2021", status=WorkStatus.QUEUED)
    assert set(jobs.values_list("kind", flat=True)) == {yearly.STATISTICS, yearly.RESULTS_FILE}
    # A second run while they wait joins them rather than queueing more.
    yearly.build_last_year("2022-01-01")
    assert WorkJob.objects.count() == 2
    for job in jobs:
        run_work(job.pk)
    assert YearStatisticsSnapshot.objects.get(year=2021).figures["results"] == 4
    assert downloads.built_xlsx(2021) is not None
    assert yearly.year_problems(2021) == []
    # Asked again with nothing changed: the file is left as it is.
    again = run_work(yearly.build_year(2021)[1].pk)
    assert again.message == "2021年全部公示结果文件（.xlsx）已是最新，未重新生成。"


def test_the_january_check_alerts_the_administrators_once_and_rebuilds(
    published, system_admin, supervisor, inspector
):
    assert yearly.check_last_year("2022-01-20") == 2
    alerts = Notification.objects.filter(title="2021年统计数据或结果文件有问题")
    assert {n.recipient for n in alerts} == {system_admin, supervisor}
    body = alerts.first().body
    assert "2021年统计数据尚未生成。" in body
    assert "2021年全部公示结果文件（.xlsx）尚未按现有公示生成。" in body
    assert "须于2022年1月31日前公开，还剩 11 天" in body
    assert alerts.first().link == "/public/statistics/2021/"
    # The jobs that put it right were started; the same problems the next day: no new alert.
    jobs = WorkJob.objects.filter(subject="2021")
    assert jobs.count() == 2
    yearly.check_last_year("2022-01-21")
    assert alerts.count() == 2

    for job in jobs:
        run_work(job.pk)
    assert yearly.check_last_year("2022-01-22") == 0

    # A snapshot that no longer matches the data is a problem of its own, told after the due date.
    snapshot = YearStatisticsSnapshot.objects.get(year=2021)
    YearStatisticsSnapshot.objects.filter(pk=snapshot.pk).update(
        figures={**snapshot.figures, "firms": 1}
    )
    assert yearly.check_last_year("2022-02-03") == 1
    latest = Notification.objects.filter(recipient=system_admin).order_by("-pk").first()
    assert "与现有数据不一致" in latest.body and "已超过公开期限（2022年1月31日）" in latest.body


def test_the_january_tasks_are_on_beats_schedule_in_local_time():
    from django.conf import settings as django_settings

    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert django_settings.CELERY_TIMEZONE == "Asia/Shanghai"
    build = schedule["annual-statistics-build"]
    assert build["task"] == yearly.build_last_year.name
    assert isinstance(build["schedule"], crontab)
    assert build["schedule"].month_of_year == {1} and build["schedule"].day_of_month == {1}
    assert build["schedule"].hour == {0} and build["schedule"].minute == {30}
    check = schedule["annual-statistics-check"]
    assert check["task"] == yearly.check_last_year.name
    assert check["schedule"].month_of_year == {1}
    assert check["schedule"].day_of_month == set(range(2, 32))


def test_the_year_is_rebuilt_on_demand_by_a_command(published, django_capture_on_commit_callbacks):
    out = io.StringIO()
    # Without a broker the command runs the jobs itself, once their rows are committed.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("build_yearly", "--year", "2021", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "年度统计生成（2021年）：已完成。2021年统计数据已生成（检查结果 4 条）。",
        "年度结果文件生成（2021年）：已完成。2021年全部公示结果文件（.xlsx）已生成，共 4 条。",
    ]
    assert yearly.year_problems(2021) == []
    with pytest.raises(CommandError, match="尚未结束"):
        call_command("build_yearly", "--year", str(timezone.localdate().year))
