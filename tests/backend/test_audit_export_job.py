"""A large export of the audit trail is a background job (backend/audit/exports.py), downloaded
by the audit administrator who asked, the download audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit.actions import AuditTrailAction
from backend.audit.models import AuditEvent
from backend.audit.services import record_event
from backend.jobs.models import WorkJob, WorkStatus
from tests.job_builders import finished_job

MINE = reverse("jobs:mine")


def _wait_until_finished(job_id: int) -> WorkJob:
    return finished_job(job_id)


@pytest.mark.django_db(transaction=True)
def test_a_large_audit_export_is_a_job_too(login, client, audit_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 1
    for n in range(3):
        record_event(action=AuditTrailAction.PERMISSION_DENIED, detail={"n": n})
    login(audit_admin)

    response = client.get(reverse("audit:export"), {"format": "xlsx"})
    assert response.status_code == 302 and response.url == MINE
    job = _wait_until_finished(WorkJob.objects.get(kind="audit.export").pk)
    assert job.status == WorkStatus.DONE, job.message
    response = client.get(reverse("jobs:download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert sheet[0][0] == "编号" and len(sheet) - 1 == job.done >= 3
    event = AuditEvent.objects.filter(action="audit.export").get()
    assert event.detail["job"] == job.pk and event.detail["format"] == "xlsx"
