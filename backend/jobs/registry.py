"""The kinds of long job, registered by the apps that own them (backend cannot import them).

Each kind gives the system administrator's page its rows and the sweep its stale jobs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models


class JobState(models.TextChoices):
    """Every kind's statuses, told in four words for the jobs page."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败或未完成"


@dataclass(frozen=True)
class JobRow:
    kind_label: str
    id: int
    title: str
    state: str
    status_label: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    created_by: str
    worker: str
    attempts: int
    message: str
    url: str = ""

    @property
    def state_label(self) -> str:
        return JobState(self.state).label

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None:
            return None
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    # rows(query=..., state=..., limit=...): the newest jobs first.
    rows: Callable[..., list[JobRow]]
    # Marks the kind's jobs whose process died as failed; returns how many.
    sweep: Callable[[], int]


_kinds: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    _kinds[kind.key] = kind


def job_kinds() -> list[JobKind]:
    return list(_kinds.values())
