"""The audit administrator's lines of the home page's to-do list (backend.accounts.todo): the
nightly verification of the chains when it found a break, and the user's exports still being
made or failed."""

from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from backend.audit.models import AuditEvent
from backend.checkpoints.actions import CheckpointAction
from backend.jobs.models import UNFINISHED, WorkJob, WorkStatus

# A failed export is worth a line for this long; after that the list of exports keeps it.
FAILED_EXPORT_DAYS = 7


def audit_todo(user) -> list[TodoItem]:
    if not user.has_role(Role.AUDIT_ADMIN):
        return []
    nightly = AuditEvent.objects.filter(
        action__in=[CheckpointAction.NIGHTLY_PASSED, CheckpointAction.NIGHTLY_ALERT]
    )
    last_pass = (
        nightly.filter(action=CheckpointAction.NIGHTLY_PASSED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    alerts = nightly.filter(action=CheckpointAction.NIGHTLY_ALERT)
    if last_pass is not None:
        alerts = alerts.filter(id__gt=last_pass)
    events = reverse("audit:events")
    mine = WorkJob.objects.filter(created_by=user)
    since = timezone.now() - timedelta(days=FAILED_EXPORT_DAYS)
    return [
        TodoItem(
            "夜间校验发现问题，待核查",
            alerts.count(),
            f"{events}?{urlencode({'action': CheckpointAction.NIGHTLY_ALERT})}",
            note="自最近一次校验通过以来",
            urgent=True,
            order=10,
        ),
        TodoItem(
            "导出失败",
            mine.filter(status=WorkStatus.FAILED, created_at__gte=since).count(),
            reverse("jobs:mine"),
            note=f"近 {FAILED_EXPORT_DAYS} 天",
            order=20,
        ),
        TodoItem(
            "导出正在生成",
            mine.filter(status__in=UNFINISHED).count(),
            reverse("jobs:mine"),
            order=30,
        ),
    ]
