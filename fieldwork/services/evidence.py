"""Evidence files (证据材料): uploading them to an inspection's record, and reading them back
only after their SHA-256 has been checked again.

An upload is stored first, outside any transaction: its type is judged by content, its size
by the per-kind limit, and its SHA-256 is computed while storage copies it (a video may be a
gigabyte: it is never held in memory, and the inspection is not locked while it is copied).
Then, under the inspection's row lock, one `evidence` record (which holds the SHA-256 in the
hash chain) and its EvidenceFile row are written in one transaction. If a retry with the same
idempotency key got there first, the copy just stored is deleted and the first upload is
returned: one record, one file.
"""

import hashlib
import logging
import re
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from backend.audit.models import Outcome
from backend.audit.services import record_event
from fieldwork import filetypes
from fieldwork.access import lock_inspection, require_member
from fieldwork.actions import FieldworkAction
from fieldwork.models import (
    EvidenceFile,
    EvidenceKind,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
)
from fieldwork.selectors.evidence import evidence_storage, upload_deadline
from fieldwork.selectors.records import existing_submission
from fieldwork.services.records import append_record

logger = logging.getLogger(__name__)

# Evidence is added until the inspection is closed; after that the record is final.
CLOSED_STATES = (InspectionState.CLOSED, InspectionState.ARCHIVED)
# A phone's clock may run a little fast: a capture time this far ahead is taken as now.
_CLOCK_SKEW = timedelta(minutes=5)
_CHUNK = 1024 * 1024
# Other spellings of an extension that still name the detected format.
_SAME_EXTENSION = {
    "jpg": {"jpeg", "jpe", "jfif"},
    "heic": {"heif"},
    "heif": {"heic"},
    "m4a": {"mp4", "aac"},
    "3gp": {"3gpp", "3g2"},
    "mp4": {"m4v"},
    "xls": {"et"},
    "doc": {"wps"},
}


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- uploading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    evidence: EvidenceFile
    # True when an earlier submission with the same key made it (nothing new was kept).
    replayed: bool

    @property
    def record(self) -> InspectionRecord:
        return self.evidence.record


def upload_evidence(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    file: IO[bytes],
    idempotency_key: uuid.UUID | str,
    original_name: str = "",
    occurred_at: datetime | None = None,
    documents: int | None = None,
    note: str = "",
    place: str = "",
    latitude=None,
    longitude=None,
) -> Upload:
    """Add one evidence file to an inspection's record (the team only, until it is closed).

    `file` is any seekable binary file (an UploadedFile from a form). `occurred_at` is when it
    was captured, which starts the 1-working-day upload deadline; `documents` is the sequence
    of the record it documents. Not wrapped in one transaction on purpose: see the module.
    """
    key = _key(idempotency_key)
    if kind not in EvidenceKind.values:
        raise _refuse("请选择证据类型：照片、文书、录音或录像", "unknown_kind", "kind")
    require_member(actor, inspection)
    size = _size(file)
    found = _earlier_upload(inspection, key, size=size)
    if found is not None:
        return Upload(found, replayed=True)
    _require_open(inspection)
    _check_size(kind, size)
    try:
        detected = filetypes.check(file, kind)
    except filetypes.Mismatch as mismatch:
        raise _refuse(mismatch.message, mismatch.code, "file") from None
    documented = _documented(inspection, documents)
    occurred_at = _captured_at(occurred_at)
    name = _display_name(original_name or getattr(file, "name", "") or "", detected)

    stored, digest = _store(file, detected, size)
    try:
        upload = _record_upload(
            actor=actor,
            inspection=inspection,
            kind=kind,
            detected=detected,
            stored=stored,
            size=size,
            digest=digest,
            key=key,
            name=name,
            occurred_at=occurred_at,
            documented=documented,
            note=note,
            place=place,
            latitude=latitude,
            longitude=longitude,
        )
    except BaseException:
        _discard(stored)
        raise
    if upload.replayed:
        # A concurrent retry won the race: its copy is the evidence, ours must not linger.
        _discard(stored)
    return upload


@transaction.atomic
def _record_upload(
    *,
    actor,
    inspection: Inspection,
    kind: str,
    detected: filetypes.FileType,
    stored: str,
    size: int,
    digest: str,
    key: uuid.UUID,
    name: str,
    occurred_at: datetime | None,
    documented: int | None,
    note: str,
    place: str,
    latitude,
    longitude,
) -> Upload:
    inspection = lock_inspection(inspection)
    require_member(actor, inspection)
    found = _earlier_upload(inspection, key, size=size, sha256=digest)
    if found is not None:
        return Upload(found, replayed=True)
    _require_open(inspection)
    now = timezone.now()
    deadline = upload_deadline(kind, occurred_at or now)
    late = deadline is not None and timezone.localdate(now) > deadline.due
    record = append_record(
        actor=actor,
        inspection=inspection,
        kind=RecordKind.EVIDENCE,
        content={
            "kind": kind,
            "kind_label": str(EvidenceKind(kind).label),
            "format": detected.name,
            "content_type": detected.content_type,
            "original_name": name,
            "size": size,
            "sha256": digest,
            "documents": documented,
            "note": (note or "").strip(),
            "upload_deadline": deadline.due.isoformat() if deadline else None,
            "deadline_fallback_years": sorted(deadline.fallback_years) if deadline else [],
            "late": late,
        },
        place=place,
        latitude=latitude,
        longitude=longitude,
        occurred_at=occurred_at,
        idempotency_key=key,
    )
    evidence = EvidenceFile(
        record=record,
        inspection=inspection,
        kind=kind,
        content_type=detected.content_type,
        original_name=name,
        storage_name=stored,
        size=size,
        sha256=digest,
        uploaded_by=actor,
        uploaded_at=record.recorded_at,
    )
    evidence.full_clean()
    evidence.save()
    record_event(
        action=FieldworkAction.EVIDENCE,
        actor=actor,
        obj=record,
        detail={
            "inspection": inspection.code,
            "sequence": record.sequence,
            "kind": kind,
            "sha256": digest,
            "size": size,
            "late": late,
        },
    )
    return Upload(evidence, replayed=False)


def _key(value) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value or ""))
    except ValueError:
        raise _refuse(
            "缺少或无法识别提交标识，请刷新页面后重新上传", "idempotency_key_required"
        ) from None


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    return int(size)


def _earlier_upload(
    inspection: Inspection, key: uuid.UUID, *, size: int, sha256: str | None = None
) -> EvidenceFile | None:
    """The evidence an earlier submission with this key made, if it is the same file."""
    record = existing_submission(inspection, RecordKind.EVIDENCE, key)
    if record is None:
        return None
    evidence = EvidenceFile.objects.select_related("record").get(record=record)
    if evidence.size != size or (sha256 is not None and evidence.sha256 != sha256):
        raise _refuse("该提交标识已用于另一个文件，请刷新页面后重新上传", "idempotency_key_reused")
    return evidence


def _require_open(inspection: Inspection) -> None:
    if inspection.state in CLOSED_STATES:
        raise _refuse(
            f"检查{inspection.code}{inspection.get_state_display()}，不能再上传证据材料",
            "inspection_closed",
        )


def _check_size(kind: str, size: int) -> None:
    label = EvidenceKind(kind).label
    if size <= 0:
        raise _refuse("文件为空，请重新选择文件", "empty_file", "file")
    limit = settings.EVIDENCE_MAX_BYTES[kind]
    if size > limit:
        raise _refuse(
            f"{label}不能超过 {_megabytes(limit)} MB，该文件为 {_megabytes(size)} MB",
            "too_large",
            "file",
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _documented(inspection: Inspection, documents) -> int | None:
    if documents in (None, ""):
        return None
    try:
        sequence = int(documents)
    except (TypeError, ValueError):
        sequence = 0
    kind = inspection.records.filter(sequence=sequence).values_list("kind", flat=True).first()
    if kind is None or kind == RecordKind.EVIDENCE:
        raise _refuse(
            f"检查{inspection.code}没有第{documents}条可附证据的记录", "unknown_record", "documents"
        )
    return sequence


def _captured_at(occurred_at: datetime | None) -> datetime | None:
    if occurred_at is None:
        return None
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    now = timezone.now()
    if occurred_at > now + _CLOCK_SKEW:
        raise _refuse("拍摄（形成）时间不能晚于当前时间", "occurred_in_future", "occurred_at")
    return min(occurred_at, now)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def _display_name(name: str, detected: filetypes.FileType) -> str:
    """The client's file name, for people: no path, no control characters, at most 255
    characters, and an extension that says what the content really is."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", name)[-1])
    name = _UNSAFE.sub("", name).strip().strip(".")
    if not name:
        return ""
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or (
        extension != detected.extension
        and extension not in _SAME_EXTENSION.get(detected.extension, ())
    ):
        stem, name = name, f"{name}.{detected.extension}"
    if len(name) > 255:
        suffix = name[len(stem) :] if dot else f".{detected.extension}"
        name = stem[: 255 - len(suffix)] + suffix
    return name


class _HashingReader:
    """The upload as storage reads it, computing its SHA-256 on the way.

    Storage copies a file front to back; should one read out of order (some S3 clients read
    parts in parallel), the digest stays incomplete and `digest` answers None.
    """

    def __init__(self, file, size: int):
        self._file = file
        self.size = size
        self._sha = hashlib.sha256()
        self._hashed = 0
        self._lock = threading.Lock()

    def read(self, size: int = -1) -> bytes:
        with self._lock:
            position = self._file.tell()
            data = self._file.read(size)
            end = position + len(data)
            if position <= self._hashed < end:
                self._sha.update(memoryview(data)[self._hashed - position :])
                self._hashed = end
            return data

    def seek(self, offset: int, whence: int = 0) -> int:
        with self._lock:
            return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def digest(self) -> str | None:
        return self._sha.hexdigest() if self._hashed == self.size else None


def _store(file, detected: filetypes.FileType, size: int) -> tuple[str, str]:
    """Copy the upload to storage under a server-generated name; its name and SHA-256."""
    file.seek(0)
    reader = _HashingReader(file, size)
    name = f"evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{detected.extension}"
    # Wrapped so that storage streams it through the reader (a temporary upload would
    # otherwise be moved into place unread).
    content = File(reader, name=name)
    content.DEFAULT_CHUNK_SIZE = _CHUNK  # 64 KB reads make a gigabyte's copy needlessly slow
    stored = evidence_storage().save(name, content)
    digest = reader.digest()
    if digest is None:
        digest = _sha256_of(file)
    return stored, digest


def _sha256_of(file) -> str:
    file.seek(0)
    sha = hashlib.sha256()
    for chunk in iter(lambda: file.read(_CHUNK), b""):
        sha.update(chunk)
    return sha.hexdigest()


def _discard(name: str) -> None:
    try:
        evidence_storage().delete(name)
    except Exception:  # noqa: BLE001 - the original error matters more; the name is logged
        logger.exception("could not delete the unused evidence copy %s", name)


# --- reading ------------------------------------------------------------------------------------


class EvidenceIntegrityError(Exception):
    """The stored file is missing or no longer what was uploaded; `message` says so."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def open_verified(*, actor, evidence: EvidenceFile) -> File:
    """The stored file, open at its start, once its size and SHA-256 match the upload's.

    Every download is an export in the audit trail. A missing or altered file is never served:
    it raises EvidenceIntegrityError, logged and audited as a failed export.
    """
    storage = evidence_storage()
    if not storage.exists(evidence.storage_name):
        _integrity_failure(actor, evidence, reason="missing")
    handle = storage.open(evidence.storage_name, "rb")
    try:
        sha = hashlib.sha256()
        size = 0
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            sha.update(chunk)
            size += len(chunk)
        found = sha.hexdigest()
        if size != evidence.size or found != evidence.sha256:
            _integrity_failure(actor, evidence, reason="corrupt", sha256=found, size=size)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    record_event(
        action=FieldworkAction.EVIDENCE_EXPORT,
        actor=actor,
        obj=evidence,
        detail=_detail(evidence),
    )
    return handle


def _detail(evidence: EvidenceFile) -> dict:
    return {
        "inspection": evidence.inspection.code,
        "sequence": evidence.record.sequence,
        "kind": evidence.kind,
        "sha256": evidence.sha256,
        "size": evidence.size,
    }


def _integrity_failure(actor, evidence: EvidenceFile, *, reason: str, **found) -> None:
    where = (
        f"检查{evidence.inspection.code}第{evidence.record.sequence}条记录的"
        f"{evidence.get_kind_display()}"
    )
    if reason == "missing":
        message = (
            f"证据文件缺失：{where}在存储中找不到。"
            "系统未提供下载，并已记入审计日志；请联系系统管理员从备份中恢复。"
        )
    else:
        message = (
            f"证据文件完整性校验失败：{where}与上传时记录的SHA-256不一致，可能已被篡改或损坏。"
            "系统未提供下载，并已记入审计日志；请联系系统管理员。"
        )
    logger.error(
        "evidence %s (%s) failed its integrity check: %s %s",
        evidence.pk,
        evidence.storage_name,
        reason,
        found,
    )
    record_event(
        action=FieldworkAction.EVIDENCE_EXPORT,
        actor=actor,
        obj=evidence,
        outcome=Outcome.FAILURE,
        detail={
            **_detail(evidence),
            "reason": reason,
            "found_sha256": found.get("sha256", ""),
            "found_size": found.get("size"),
        },
    )
    raise EvidenceIntegrityError(message, f"evidence_{reason}")
