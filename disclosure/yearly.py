"""A finished year's result file and statistics, built by background jobs, and their January.

Two kinds of job (backend/jobs/work.py), one per year at a time: the year's .xlsx of every
publication (disclosure/downloads.py) and its statistics snapshot (`YearStatisticsSnapshot`:
disclosure/statistics.py's figures and the inspections per department of supervision/annual.py).
A public request never builds either: it starts the job if none runs and is answered at once.
Beat builds last year's on 1 January and checks them every morning of January, before they are
due (31 January), telling the system administrators and the supervisors of any problem.
"""

import dataclasses
import hashlib
import json
import logging
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.jobs.dispatch import job_task
from backend.jobs.models import WorkJob
from backend.jobs.work import (
    Outcome,
    WorkKind,
    register_work_kind,
    run_work,
    start_work,
)
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from disclosure import downloads, statistics
from disclosure.actions import DisclosureAction
from disclosure.models import YearStatisticsSnapshot
from supervision import annual

log = logging.getLogger(__name__)

RESULTS_FILE = "disclosure.results_file"
STATISTICS = "disclosure.statistics"


# --- the year's result file ---------------------------------------------------------------------


def _build_results_file(job: WorkJob, progress) -> Outcome:
    year = int(job.subject)
    if downloads.built_xlsx(year) is not None:
        return Outcome(message=f"{year}年全部公示结果文件（.xlsx）已是最新，未重新生成。")
    seen = 0

    def rows_seen(rows):
        # No progress saved: the rows are read inside the cursor's transaction, where an update
        # of the job's row would stay invisible and lock it (the sweep would wait for it).
        nonlocal seen
        for row in rows:
            seen += 1
            yield row

    path = downloads.build_xlsx(year, rows_seen=rows_seen)
    record_event(
        action=DisclosureAction.RESULTS_FILE,
        object_type="disclosure.results_file",
        object_id=year,
        detail={"year": year, "rows": seen, "file": path.name},
    )
    return Outcome(message=f"{year}年全部公示结果文件（.xlsx）已生成，共 {seen} 条。", rows=seen)


@job_task("disclosure.build_results_file", kind="results_file")
def build_results_file(job_id: int) -> None:
    run_work(job_id)


# A public request starts a year's job at most this often, whatever became of the last one.
PUBLIC_REQUEST_EVERY = timedelta(minutes=5)


def request_results_file(year: int) -> WorkJob:
    """Start building the year's workbook unless a job already does (a public request's)."""
    return start_work(kind=RESULTS_FILE, subject=str(year), not_again_within=PUBLIC_REQUEST_EVERY)


# --- the year's statistics ----------------------------------------------------------------------


def _as_json(figures: statistics.YearStatistics, by_department: list) -> dict:
    data = dataclasses.asdict(figures)
    data["due_by"] = figures.due_by.isoformat()
    data["inspections_by_department"] = [list(row) for row in by_department]
    return data


def _from_json(data: dict) -> tuple[statistics.YearStatistics, list]:
    fields = {f.name for f in dataclasses.fields(statistics.YearStatistics)}
    values = {k: v for k, v in data.items() if k in fields}
    values["due_by"] = date.fromisoformat(values["due_by"])
    for name in ("by_category", "follow_ups", "by_method"):
        values[name] = tuple(tuple(row) for row in values.get(name, ()))
    rows = [tuple(row) for row in data.get("inspections_by_department", [])]
    return statistics.YearStatistics(**values), rows


def compute_snapshot(year: int) -> dict:
    """The figures as stored (tuples become lists), so that a stored snapshot compares equal."""
    return json.loads(json.dumps(_as_json(statistics.compute(year), annual.public_rows(year))))


def _build_statistics(job: WorkJob, progress) -> Outcome:
    year = int(job.subject)
    # The state first: a publication added while the figures are counted leaves the snapshot
    # stale (the next visit builds it again), never marked current without it.
    newest, count = downloads.year_state(year)
    figures = compute_snapshot(year)
    with transaction.atomic():
        YearStatisticsSnapshot.objects.update_or_create(
            year=year,
            defaults={
                "figures": figures,
                "newest_result": newest,
                "results_count": count,
                "built_at": timezone.now(),
            },
        )
        record_event(
            action=DisclosureAction.STATISTICS_SNAPSHOT,
            object_type="disclosure.yearstatisticssnapshot",
            object_id=year,
            detail={"year": year, "results": figures["results"], "state": [newest, count]},
        )
    return Outcome(message=f"{year}年统计数据已生成（检查结果 {figures['results']} 条）。")


@job_task("disclosure.build_statistics", kind="statistics")
def build_statistics(job_id: int) -> None:
    run_work(job_id)


def current_snapshot(year: int) -> YearStatisticsSnapshot | None:
    snapshot = YearStatisticsSnapshot.objects.filter(year=year).first()
    if snapshot is None:
        return None
    if (snapshot.newest_result, snapshot.results_count) != downloads.year_state(year):
        return None
    return snapshot


def year_figures(year: int) -> tuple[statistics.YearStatistics, list]:
    """The year's statistics and inspections per department, for the public pages.

    From the snapshot while it matches the year's publications; otherwise its job is started
    (once) and, meanwhile, the figures are counted as before (cached per newest publication),
    so that the page never shows figures that a publication has since changed.
    """
    snapshot = current_snapshot(year)
    if snapshot is not None:
        return _from_json(snapshot.figures)
    start_work(kind=STATISTICS, subject=str(year), not_again_within=PUBLIC_REQUEST_EVERY)
    return statistics.year_statistics(year), annual.public_rows(year)


# --- January: built on the 1st, checked before the 31st -----------------------------------------


def build_year(year: int, *, here: bool = False) -> list[WorkJob]:
    """Start both of the year's jobs (beat on 1 January, the January check, or on demand by
    `manage.py build_yearly`, which may run them in its own process)."""
    return [
        start_work(kind=STATISTICS, subject=str(year), here=here),
        start_work(kind=RESULTS_FILE, subject=str(year), here=here),
    ]


@job_task("disclosure.build_last_year", kind="annual")
def build_last_year(today: str | None = None) -> int:
    """Beat's task of 1 January, after midnight local time: last year's jobs; how many."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return len(build_year(statistics.last_year(day)))


def year_problems(year: int) -> list[str]:
    """What is missing or does not match the data, in words an administrator acts on."""
    problems = []
    has_results = downloads.has_results(year)
    snapshot = YearStatisticsSnapshot.objects.filter(year=year).first()
    if snapshot is None:
        problems.append(f"{year}年统计数据尚未生成。")
    elif snapshot.figures != compute_snapshot(year):
        problems.append(f"{year}年统计数据（{_when(snapshot.built_at)}生成）与现有数据不一致。")
    if has_results and downloads.built_xlsx(year) is None:
        problems.append(f"{year}年全部公示结果文件（.xlsx）尚未按现有公示生成。")
    return problems


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def alerted_users() -> list:
    """Who answers for the yearly figures: the system administrators (the jobs) and the
    supervisors (行政执法统计年报)."""
    return list(User.objects.filter(role__in=[Role.SYSTEM_ADMIN, Role.SUPERVISOR], is_active=True))


def check_year(year: int, *, today: date) -> list[str]:
    """Check the year's statistics and file; on a problem, tell the administrators (once per
    problem) and start the jobs that put it right. Returns the problems."""
    problems = year_problems(year)
    record_event(
        action=DisclosureAction.ANNUAL_CHECK,
        object_type="disclosure.yearstatisticssnapshot",
        object_id=year,
        detail={"year": year, "today": today.isoformat(), "problems": problems},
    )
    if not problems:
        return []
    due = statistics.due_by(year)
    days = (due - today).days
    due_text = f"{due.year}年{due.month}月{due.day}日"
    when = f"须于{due_text}前公开，还剩 {days} 天" if days >= 0 else f"已超过公开期限（{due_text}）"
    body = "\n".join(
        [*problems, "", f"已重新开始生成，请在“后台任务”页面查看进度。{year}年统计数据{when}。"]
    )
    key = hashlib.sha256("\n".join(problems).encode()).hexdigest()[:16]
    notify(
        alerted_users(),
        kind=NotificationKind.SYSTEM,
        title=f"{year}年统计数据或结果文件有问题",
        body=body,
        link=reverse("disclosure:statistics", kwargs={"year": year}),
        dedupe_key=f"annual-check:{year}:{key}",
    )
    build_year(year)
    return problems


@job_task("disclosure.check_last_year", kind="annual")
def check_last_year(today: str | None = None) -> int:
    """Beat's task of every January morning from the 2nd: last year's check; problems found."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return len(check_year(statistics.last_year(day), today=day))


def register_kinds() -> None:
    register_work_kind(
        WorkKind(
            RESULTS_FILE,
            "年度结果文件生成",
            _build_results_file,
            build_results_file,
            "results_file",
        )
    )
    register_work_kind(
        WorkKind(STATISTICS, "年度统计生成", _build_statistics, build_statistics, "statistics")
    )
