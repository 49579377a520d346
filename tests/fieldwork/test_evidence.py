"""Evidence files: uploaded by the team to the record, typed by content, limited in size, stored
under server-made names with their SHA-256, checked on every download, never duplicated by a
retry, and due within one working day of their capture."""

import hashlib
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import evidence_samples as samples
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from backend.audit.models import AuditEvent
from fieldwork import chain
from fieldwork.models import (
    EvidenceFile,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
)
from fieldwork.selectors.evidence import deadline_of
from fieldwork.selectors.records import payload_of
from fieldwork.services import evidence as services
from fieldwork.services import records

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Each test stores its evidence in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


def upload(actor, inspection, data=None, *, kind="photo", name="现场照片.png", key=None, **extra):
    data = samples.png() if data is None else data
    return services.upload_evidence(
        actor=actor,
        inspection=inspection,
        kind=kind,
        file=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        idempotency_key=key or uuid.uuid4(),
        **extra,
    )


# --- uploading ----------------------------------------------------------------------------------


def test_a_member_uploads_a_photo_and_the_record_holds_its_sha256(inspection, team, media):
    data = samples.png(4, 3)
    result = upload(team[0], inspection, data, place="长春市朝阳区某大厦12层")

    evidence, record = result.evidence, result.record
    assert not result.replayed
    assert record.kind == "evidence" and record.inspection_id == inspection.pk
    assert record.content["sha256"] == hashlib.sha256(data).hexdigest() == evidence.sha256
    assert record.content["size"] == len(data) == evidence.size
    assert record.content["format"] == "PNG" and evidence.content_type == "image/png"
    assert record.content["original_name"] == "现场照片.png" == evidence.original_name
    assert record.place == "长春市朝阳区某大厦12层"
    assert evidence.uploaded_by == team[0] and evidence.uploaded_at == record.recorded_at
    # Stored under a name the server made, and nowhere else.
    assert evidence.storage_name.startswith("evidence/")
    assert evidence.storage_name.endswith(".png") and "现场" not in evidence.storage_name
    [path] = stored_files(media)
    assert path.read_bytes() == data
    assert path == media / evidence.storage_name
    event = AuditEvent.objects.get(action="fieldwork.evidence")
    assert event.detail["sha256"] == evidence.sha256 and event.actor == team[0]
    rows = list(inspection.records.order_by("sequence"))
    assert (
        chain.verify((r.sequence, payload_of(r), r.prev_hash, r.content_hash) for r in rows) is None
    )


def test_the_type_is_judged_by_content_not_by_name_or_the_declared_type(inspection, team, media):
    disguised = SimpleUploadedFile("现场照片.jpg", samples.pdf(), content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        services.upload_evidence(
            actor=team[0],
            inspection=inspection,
            kind="photo",
            file=disguised,
            idempotency_key=uuid.uuid4(),
        )
    [message] = refused.value.message_dict["file"]
    assert message.startswith("文件内容不是照片（检测为PDF文档）")
    assert refused.value.error_dict["file"][0].code == "type_mismatch"
    assert stored_files(media) == []
    assert not inspection.records.exclude(kind=RecordKind.APPROVAL).exists()
    assert not EvidenceFile.objects.exists()


def test_a_file_keeps_its_name_with_the_extension_of_what_it_really_is(inspection, team):
    assert upload(
        team[0], inspection, samples.jpeg(), name="扫描件.pdf"
    ).evidence.original_name == ("扫描件.pdf.jpg")
    assert upload(
        team[0], inspection, samples.jpeg(), name="IMG_0001.JPEG"
    ).evidence.original_name == ("IMG_0001.JPEG")
    path_name = upload(team[0], inspection, samples.jpeg(), name="C:\\Users\\王\\a\x00b.jpg")
    assert path_name.evidence.original_name == "ab.jpg"


@pytest.mark.parametrize(
    ("kind", "data", "label"),
    [
        ("document", samples.pdf(), "PDF"),
        ("document", samples.docx(), "DOCX"),
        ("document", samples.xlsx(), "XLSX"),
        ("audio", samples.m4a_with_generic_brand(), "M4A"),
        ("audio", samples.amr(), "AMR"),
        ("video", samples.mp4(), "MP4"),
        ("video", samples.mov(), "MOV"),
        ("photo", samples.heic(), "HEIC"),
    ],
)
def test_each_kind_accepts_its_formats(inspection, team, kind, data, label):
    result = upload(team[0], inspection, data, kind=kind, name=f"file.{label.lower()}")
    assert result.record.content["format"] == label
    assert result.evidence.kind == kind


def test_each_kind_has_its_own_size_limit(inspection, team, settings, media):
    settings.EVIDENCE_MAX_BYTES = {**settings.EVIDENCE_MAX_BYTES, "photo": 2 * 1024 * 1024}
    big_photo = samples.png() + b"\x00" * (3 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        upload(team[0], inspection, big_photo)
    assert refused.value.message_dict["file"] == ["照片不能超过 2 MB，该文件为 3 MB"]
    assert stored_files(media) == []
    # The same size is well within a video's limit.
    assert upload(team[0], inspection, samples.mp4() + b"\x00" * (3 * 1024 * 1024), kind="video")
    with pytest.raises(ValidationError, match="文件为空"):
        upload(team[0], inspection, b"")


def test_only_the_team_uploads(inspection, team, outsider, planner, media):
    for user in (outsider, planner):
        with pytest.raises(PermissionDenied):
            upload(user, inspection)
    assert (
        stored_files(media) == []
        and not inspection.records.exclude(kind=RecordKind.APPROVAL).exists()
    )


def test_no_evidence_is_added_once_the_inspection_is_closed(inspection, team, media):
    Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.CLOSED)
    inspection.refresh_from_db()
    with pytest.raises(ValidationError, match="已办结，不能再上传证据材料"):
        upload(team[0], inspection)
    assert stored_files(media) == []


def test_evidence_may_name_the_record_it_documents(inspection, team):
    notice = records.issue_notice(
        actor=team[0], inspection=inspection, served_on=timezone.localdate(), delivery="当面送达"
    )
    result = upload(team[0], inspection, documents=notice.sequence)
    assert result.record.content["documents"] == notice.sequence
    for wrong in (99, result.record.sequence):
        with pytest.raises(ValidationError) as refused:
            upload(team[0], inspection, documents=wrong)
        assert refused.value.error_dict["documents"][0].code == "unknown_record"


def test_a_capture_time_in_the_future_is_refused(inspection, team):
    with pytest.raises(ValidationError, match="不能晚于当前时间"):
        upload(team[0], inspection, occurred_at=datetime(2099, 1, 1, tzinfo=SHANGHAI))


# --- idempotency --------------------------------------------------------------------------------


def test_a_retried_upload_with_the_same_key_is_one_record_and_one_file(inspection, team, media):
    key = uuid.uuid4()
    first = upload(team[0], inspection, key=key)
    again = upload(team[0], inspection, key=key)
    assert again.replayed and again.evidence == first.evidence
    # The approval, then the upload.
    assert inspection.records.count() == 2 and EvidenceFile.objects.count() == 1
    assert len(stored_files(media)) == 1
    assert AuditEvent.objects.filter(action="fieldwork.evidence").count() == 1


def test_a_key_reused_for_another_file_is_refused(inspection, team, media):
    key = uuid.uuid4()
    upload(team[0], inspection, key=key)
    with pytest.raises(ValidationError, match="已用于另一个文件"):
        upload(team[0], inspection, samples.jpeg(), key=key)
    assert len(stored_files(media)) == 1


def test_a_retry_that_loses_the_race_deletes_its_stored_copy(inspection, team, media, monkeypatch):
    """The retry checked for its key before the first upload committed, stored its copy, and
    found the first upload once it held the lock: its copy is deleted, not orphaned."""
    key = uuid.uuid4()
    first = upload(team[0], inspection, key=key)
    real = services._earlier_upload
    calls = []

    def not_yet_committed(*args, **kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "_earlier_upload", not_yet_committed)
    again = upload(team[0], inspection, key=key)
    assert len(calls) == 2 and "sha256" in calls[1]
    assert again.replayed and again.evidence == first.evidence
    assert stored_files(media) == [media / first.evidence.storage_name]


def test_a_failed_write_leaves_no_stored_file(inspection, team, media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        upload(team[0], inspection)
    assert stored_files(media) == []


# --- the upload deadline ------------------------------------------------------------------------


def test_the_deadline_of_a_recording_captured_before_national_day_is_after_the_holiday(
    inspection, team, login
):
    captured = datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    result = upload(team[0], inspection, samples.amr(), kind="audio", occurred_at=captured)
    record = result.record
    # 1–7 October 2026 are the National Day holiday: the next working day is the 8th.
    assert record.content["upload_deadline"] == "2026-10-08"
    assert record.occurred_at == captured
    # Uploaded weeks later: accepted, and flagged.
    assert record.content["late"] is True
    deadline = deadline_of(record)
    assert deadline.due.isoformat() == "2026-10-08" and not deadline.approximate

    page = login(team[0]).get(reverse("fieldwork:evidence-list", args=[inspection.pk]))
    html = page.content.decode()
    assert 'data-testid="evidence-late"' in html and "逾期上传" in html
    assert '<time datetime="2026-10-08">2026年10月8日</time>' in html


def test_an_upload_on_the_due_day_is_not_late(inspection, team, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2026, 10, 8, 22, 0, tzinfo=SHANGHAI)
    )
    captured = datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    record = upload(team[0], inspection, samples.mp4(), kind="video", occurred_at=captured).record
    assert record.content["upload_deadline"] == "2026-10-08"
    assert record.content["late"] is False


def test_a_document_has_no_upload_deadline(inspection, team):
    record = upload(team[0], inspection, samples.pdf(), kind="document").record
    assert record.content["upload_deadline"] is None and record.content["late"] is False
    assert deadline_of(record) is None


def test_a_deadline_in_a_year_without_a_holiday_schedule_shows_its_warning(
    inspection, team, login, monkeypatch
):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2027, 1, 6, 9, 0, tzinfo=SHANGHAI)
    )
    captured = datetime(2026, 12, 31, 18, 0, tzinfo=SHANGHAI)
    record = upload(team[0], inspection, occurred_at=captured).record
    deadline = deadline_of(record)
    assert deadline.approximate and 2027 in deadline.fallback_years
    assert record.content["deadline_fallback_years"] == [2027]
    html = login(team[0]).get(reverse("fieldwork:evidence-list", args=[inspection.pk]))
    assert "（按周一至周五推算）" in html.content.decode()


# --- downloading --------------------------------------------------------------------------------


def test_the_download_is_the_verified_file_as_an_attachment(inspection, team, login):
    data = samples.png(2, 2)
    evidence = upload(team[0], inspection, data, name="现场 照片.png").evidence
    response = login(team[1]).get(reverse("fieldwork:evidence-download", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(data))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('现场 照片.png', safe='')}" in disposition
    # Named by the record's sequence: the approval is 1, the upload 2.
    assert f'filename="{inspection.code}-2.png"' in disposition
    event = AuditEvent.objects.get(action="fieldwork.evidence.export")
    assert event.outcome == "success" and event.actor == team[1]
    assert event.detail["sha256"] == evidence.sha256


def test_a_corrupted_file_is_never_served_and_the_audit_records_it(inspection, team, login, media):
    data = samples.jpeg()
    evidence = upload(team[0], inspection, data, name="签名页.jpg").evidence
    path = media / evidence.storage_name
    path.write_bytes(data[:-3] + b"\x00\x00\x00")  # same size, different bytes
    client = login(team[0])
    url = reverse("fieldwork:evidence-download", args=[evidence.pk])

    page = client.get(url, HTTP_ACCEPT="text/html")
    assert page.status_code == 409
    assert "证据文件完整性校验失败" in page.content.decode()
    assert data[:20] not in page.content and "Content-Disposition" not in page
    answer = client.get(url, HTTP_ACCEPT="application/json")
    assert answer.status_code == 409 and answer.json()["code"] == "evidence_corrupt"

    failures = AuditEvent.objects.filter(action="fieldwork.evidence.export", outcome="failure")
    assert failures.count() == 2
    assert failures.first().detail["reason"] == "corrupt"
    assert failures.first().detail["found_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not AuditEvent.objects.filter(action="fieldwork.evidence.export", outcome="success")


def test_a_missing_file_is_an_integrity_error(inspection, team, login, media):
    evidence = upload(team[0], inspection).evidence
    (media / evidence.storage_name).unlink()
    page = login(team[0]).get(
        reverse("fieldwork:evidence-download", args=[evidence.pk]), HTTP_ACCEPT="text/html"
    )
    assert page.status_code == 409
    assert "证据文件缺失" in page.content.decode()
    event = AuditEvent.objects.get(action="fieldwork.evidence.export")
    assert event.outcome == "failure" and event.detail["reason"] == "missing"


def test_whoever_may_see_the_inspection_downloads_and_no_one_else(
    inspection, team, login, department_admin, ga_department_admin, ga_inspector, outsider
):
    evidence = upload(team[0], inspection).evidence
    url = reverse("fieldwork:evidence-download", args=[evidence.pk])
    assert login(department_admin).get(url).status_code == 200
    for stranger in (ga_department_admin, ga_inspector, outsider):
        assert login(stranger).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="fieldwork.evidence.export").count() == 1


def test_evidence_goes_through_the_configured_storage_alias(
    inspection, team, settings, media, login
):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    data = samples.wav()
    evidence = upload(team[0], inspection, data, kind="audio", name="询问录音.wav").evidence
    assert stored_files(media) == []
    assert storages["evidence"].open(evidence.storage_name).read() == data
    response = login(team[0]).get(reverse("fieldwork:evidence-download", args=[evidence.pk]))
    assert b"".join(response.streaming_content) == data


# --- the upload view ----------------------------------------------------------------------------


def _post(client, inspection, data, *, kind="photo", key=None, accept="*/*", **fields):
    return client.post(
        reverse("fieldwork:evidence-upload", args=[inspection.pk]),
        {
            "file": SimpleUploadedFile("photo.png", data, content_type="image/png"),
            "kind": kind,
            "idempotency_key": str(key or uuid.uuid4()),
            **fields,
        },
        HTTP_ACCEPT=accept,
    )


def test_a_script_gets_json_and_a_retry_gets_the_same_record(inspection, team, login, media):
    client = login(team[0])
    key = uuid.uuid4()
    created = _post(client, inspection, samples.png(), key=key, occurred_at="2026-09-30T16:00")
    assert created.status_code == 201
    body = created.json()
    assert body["sha256"] == hashlib.sha256(samples.png()).hexdigest()
    assert body["upload_deadline"] == "2026-10-08" and body["late"] is True
    assert body["replayed"] is False
    assert body["download_url"] == reverse("fieldwork:evidence-download", args=[body["id"]])
    again = _post(client, inspection, samples.png(), key=key)
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["id"] == body["id"]
    assert len(stored_files(media)) == 1


def test_a_script_is_told_why_a_file_is_refused(inspection, team, login):
    refused = _post(login(team[0]), inspection, samples.pdf(), kind="audio")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "type_mismatch"
    assert body["message"].startswith("文件内容不是录音（检测为PDF文档）")
    assert body["fields"]["file"] == [body["message"]]
    missing_key = login(team[0]).post(
        reverse("fieldwork:evidence-upload", args=[inspection.pk]),
        {"file": SimpleUploadedFile("a.png", samples.png()), "kind": "photo"},
    )
    assert missing_key.status_code == 400 and "idempotency_key" in missing_key.json()["fields"]


def test_a_form_post_returns_to_its_page_with_a_message(inspection, team, login):
    client = login(team[0])
    back = reverse("fieldwork:evidence-list", args=[inspection.pk]) + "?from=phone"
    done = _post(client, inspection, samples.png(), accept="text/html", next=back)
    assert done.status_code == 302 and done["Location"] == back
    page = client.get(back)
    assert "已上传照片" in page.content.decode()
    refused = _post(
        client, inspection, samples.pdf(), accept="text/html", next="https://evil.example/"
    )
    assert refused.status_code == 302
    assert refused["Location"] == reverse("fieldwork:evidence-list", args=[inspection.pk])
    assert "文件内容不是照片（检测为PDF文档）" in client.get(refused["Location"]).content.decode()


def test_an_upload_spooled_to_disk_is_streamed_and_hashed(inspection, team, login, settings, media):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file
    data = samples.mp4() + bytes(range(256)) * 4096
    response = _post(login(team[0]), inspection, data, kind="video")
    assert response.status_code == 201
    assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    [path] = stored_files(media)
    assert path.read_bytes() == data


def test_an_oversized_body_is_refused_from_its_length_alone(inspection, team, login):
    response = login(team[0]).post(
        reverse("fieldwork:evidence-upload", args=[inspection.pk]),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(5 * 1024 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["message"] == "文件过大：证据材料最大 1024 MB"


def test_the_view_refuses_outsiders(inspection, team, login, outsider, planner, media):
    assert _post(login(outsider), inspection, samples.png()).status_code == 404
    refused = _post(login(planner), inspection, samples.png())
    assert refused.status_code == 403
    assert refused.json()["message"] == "只有执法人员可以记录检查过程"
    assert AuditEvent.objects.filter(action="permission.denied").exists()
    assert stored_files(media) == []
    assert not InspectionRecord.objects.exclude(kind=RecordKind.APPROVAL).exists()


def test_the_list_page_offers_the_camera_to_the_team_only(
    inspection, team, login, department_admin
):
    url = reverse("fieldwork:evidence-list", args=[inspection.pk])
    html = login(team[0]).get(url).content.decode()
    assert 'accept="image/*" capture="environment"' in html
    assert reverse("fieldwork:evidence-upload", args=[inspection.pk]) in html
    assert 'name="idempotency_key"' in html
    other = login(department_admin).get(url)
    assert other.status_code == 200 and "capture=" not in other.content.decode()
