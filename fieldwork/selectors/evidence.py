"""Evidence files read back: who may see them, their upload deadlines, what a page or an API
client is told about each, and the headers of a download. Where they are stored too."""

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from backend.workdays.calendar import Deadline
from backend.workdays.selectors import working_day_deadline
from fieldwork.models import EvidenceFile, EvidenceKind, Inspection, InspectionRecord
from fieldwork.selectors import inspections_visible_to

# Photos, audio and video are uploaded within 1 working day of their capture (domain.md,
# 国办发〔2018〕118号); a document may be older than the inspection, so it has no deadline.
UPLOAD_WORKING_DAYS = 1


TIMED_KINDS = (EvidenceKind.PHOTO, EvidenceKind.AUDIO, EvidenceKind.VIDEO)


def evidence_storage() -> Storage:
    """The storage alias "evidence" (backend/settings.py: file system or S3-compatible)."""
    return storages["evidence"]


def too_large_to_read(content_length) -> str:
    """Why a request body of `content_length` bytes is refused before it is read, or "".

    The per-kind limit is checked once the kind is known; this stops a body larger than any
    evidence file plus the form around it from ever being spooled to disk.
    """
    largest = max(settings.EVIDENCE_MAX_BYTES.values())
    try:
        length = int(content_length or 0)
    except ValueError:
        return ""
    if length <= largest + 1024 * 1024:
        return ""
    return f"文件过大：证据材料最大 {largest // 1024 // 1024} MB"


def upload_deadline(kind: str, occurred_at: datetime) -> Deadline | None:
    """The last day to upload a photo, recording or video captured at `occurred_at`."""
    if kind not in TIMED_KINDS:
        return None
    return working_day_deadline(timezone.localdate(occurred_at), UPLOAD_WORKING_DAYS)


def deadline_of(record: InspectionRecord) -> Deadline | None:
    """The deadline an evidence record was uploaded against, as its content recorded it."""
    due = record.content.get("upload_deadline")
    if not due:
        return None
    return Deadline(
        due=date.fromisoformat(due),
        working_days=UPLOAD_WORKING_DAYS,
        fallback_years=frozenset(record.content.get("deadline_fallback_years") or ()),
    )


def evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """Evidence of the inspections `user` may see (fieldwork.selectors decides which)."""
    return EvidenceFile.objects.filter(inspection__in=inspections_visible_to(user)).select_related(
        "record", "inspection", "uploaded_by"
    )


def get_evidence_for_user(user, pk: int) -> EvidenceFile:
    """The evidence file, if `user` may see its inspection; 404 otherwise."""
    try:
        return evidence_visible_to(user).get(pk=pk)
    except EvidenceFile.DoesNotExist:
        raise Http404("未找到该证据材料") from None


@dataclass(frozen=True)
class EvidenceItem:
    evidence: EvidenceFile
    deadline: Deadline | None
    late: bool

    @property
    def record(self) -> InspectionRecord:
        return self.evidence.record


def evidence_items(inspection: Inspection) -> list[EvidenceItem]:
    """An inspection's evidence in upload order, each with its upload deadline."""
    files = inspection.evidence_files.select_related("record", "uploaded_by").order_by(
        "record__sequence"
    )
    return [
        EvidenceItem(
            evidence=f, deadline=deadline_of(f.record), late=bool(f.record.content["late"])
        )
        for f in files
    ]


def evidence_summary(evidence: EvidenceFile, *, replayed: bool = False) -> dict:
    """What a page script or an API client is told about one evidence file."""
    record = evidence.record
    deadline = deadline_of(record)
    return {
        "id": evidence.pk,
        "inspection": evidence.inspection_id,
        "record_sequence": record.sequence,
        "kind": evidence.kind,
        "format": record.content["format"],
        "content_type": evidence.content_type,
        "original_name": evidence.original_name,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "documents": record.content.get("documents"),
        "note": record.content.get("note", ""),
        "occurred_at": record.occurred_at.isoformat(),
        "uploaded_at": evidence.uploaded_at.isoformat(),
        "uploaded_by": str(evidence.uploaded_by),
        "upload_deadline": deadline.due.isoformat() if deadline else None,
        "deadline_warning": deadline.warning if deadline else "",
        "late": bool(record.content.get("late")),
        "replayed": replayed,
        "download_url": reverse("fieldwork:evidence-download", args=[evidence.pk]),
    }


# Large reads for large files (FileResponse reads 4 KB at a time by default).
DOWNLOAD_BLOCK = 1024 * 1024


def download_headers(evidence: EvidenceFile) -> dict[str, str]:
    """The headers of a download: an attachment (the name per RFC 6266/5987, with an ASCII
    fallback), never sniffed or rendered by the browser, never cached."""
    extension = evidence.storage_name.rsplit(".", 1)[-1]
    fallback = f"{evidence.inspection.code}-{evidence.record.sequence}.{extension}"
    fallback = fallback.encode("ascii", "ignore").decode().replace('"', "") or "evidence"
    name = quote(evidence.original_name or fallback, safe="")
    return {
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{name}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
