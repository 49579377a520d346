"""Evidence through the API: the same service and rules as the pages, in the API's own error
shape, with token authentication."""

import hashlib
import uuid

import evidence_samples as samples
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from knox.models import AuthToken

from backend.audit.models import AuditEvent


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _token(client, user):
    _, key = AuthToken.objects.create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def _upload(client, inspection, data, *, kind="photo", key=None, name="现场.png"):
    return client.post(
        f"/api/v1/inspections/{inspection.pk}/evidence/",
        {
            "file": SimpleUploadedFile(name, data),
            "kind": kind,
            "idempotency_key": str(key or uuid.uuid4()),
            "occurred_at": "2026-09-30T16:00:00+08:00",
        },
    )


def test_a_team_member_uploads_lists_and_downloads_with_a_token(client, inspection, team):
    api = _token(client, team[0])
    key = uuid.uuid4()
    data = samples.jpeg()
    created = _upload(api, inspection, data, key=key)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["upload_deadline"] == "2026-10-08" and body["late"] is True
    retried = _upload(api, inspection, data, key=key)
    assert retried.status_code == 200 and retried.json()["id"] == body["id"]

    listed = api.get(f"/api/v1/inspections/{inspection.pk}/evidence/").json()
    assert [e["id"] for e in listed] == [body["id"]]
    download = api.get(f"/api/v1/evidence/{body['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/jpeg"


def test_the_api_refuses_in_its_own_error_shape(client, inspection, team, planner):
    refused = _upload(_token(client, team[0]), inspection, samples.pdf(), kind="video")
    assert refused.status_code == 400
    body = refused.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["fields"]["file"][0].startswith("文件内容不是录像（检测为PDF文档）")
    other = _upload(_token(client, planner), inspection, samples.png())
    assert other.status_code == 403
    assert other.json()["message"] == "只有执法人员可以记录检查过程"


def test_a_corrupted_file_is_a_conflict_through_the_api(client, inspection, team, media):
    api = _token(client, team[0])
    body = _upload(api, inspection, samples.png()).json()
    from fieldwork.models import EvidenceFile

    path = media / EvidenceFile.objects.get(pk=body["id"]).storage_name
    path.write_bytes(path.read_bytes() + b"appended")
    answer = api.get(f"/api/v1/evidence/{body['id']}/download/")
    assert answer.status_code == 409
    assert answer.json()["code"] == "evidence_corrupt"
    assert AuditEvent.objects.filter(action="fieldwork.evidence.export", outcome="failure").exists()


def test_the_schema_describes_the_evidence_endpoints(client, db):
    text = client.get("/api/schema/").content.decode()
    assert "/api/v1/inspections/{id}/evidence/" in text
    assert "/api/v1/evidence/{id}/download/" in text
