"""Evidence pages: upload (from a phone form or fetch()), download (checked, as an attachment)
and one inspection's evidence list.

The upload answers JSON to a script (any request whose Accept header does not ask for HTML,
which is what fetch() sends by default) and redirects back with a message for a plain form.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from fieldwork.access import is_member
from fieldwork.filetypes import ACCEPTED
from fieldwork.models import EvidenceKind
from fieldwork.selectors import get_inspection_for_user
from fieldwork.selectors.evidence import (
    DOWNLOAD_BLOCK,
    download_headers,
    evidence_items,
    evidence_summary,
    get_evidence_for_user,
    too_large_to_read,
)
from fieldwork.services import evidence as services


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="文件", allow_empty_file=True, error_messages={"required": "请选择要上传的文件"}
    )
    kind = forms.ChoiceField(
        label="类型",
        choices=EvidenceKind.choices,
        error_messages={
            "required": "请选择证据类型",
            "invalid_choice": "请选择证据类型：照片、文书、录音或录像",
        },
    )
    # The client makes one per submission and sends it again with every retry.
    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "缺少提交标识，请刷新页面后重新上传",
            "invalid": "提交标识格式不正确，请刷新页面后重新上传",
        },
    )
    occurred_at = forms.DateTimeField(
        label="拍摄（形成）时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": "拍摄（形成）时间格式不正确"},
    )
    documents = forms.IntegerField(label="所证明的记录序号", required=False, min_value=1)
    note = forms.CharField(label="说明", required=False, max_length=500)
    place = forms.CharField(label="地点", required=False, max_length=200)
    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


def _wants_html(request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _error(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    body = {"code": code, "message": message, "fields": fields or {}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _back(request, inspection_pk: int):
    """Where a plain form post returns: its `next`, the page it came from, or the list."""
    for target in (request.POST.get("next"), request.headers.get("Referer")):
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
    return redirect("fieldwork:evidence-list", inspection_pk)


def _code_of(error: ValidationError) -> str:
    """The service's own code when it gave one reason, "invalid" otherwise."""
    lists = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    codes = {e.code for errors in lists for e in errors}
    return codes.pop() if len(codes) == 1 and None not in codes else "invalid"


@csrf_exempt  # checked in _upload, after the size check, so that no oversized body is read
def upload(request, pk: int):
    """POST one file (multipart) to inspection `pk`'s record."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        if _wants_html(request):
            return redirect_to_login(request.get_full_path())
        return _error(401, "not_authenticated", "请先登录")
    # Refused from the header alone: the body of a 5 GB mistake is never read.
    message = too_large_to_read(request.META.get("CONTENT_LENGTH"))
    if message:
        if _wants_html(request):
            messages.error(request, message)
            return redirect("fieldwork:evidence-list", pk)
        return _error(413, "too_large", message, {"file": [message]})
    return _upload(request, pk)


@csrf_protect
def _upload(request, pk: int):
    inspection = get_inspection_for_user(request.user, pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    html = _wants_html(request)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        message = "；".join(m for errs in errors.values() for m in errs)
        if html:
            messages.error(request, message)
            return _back(request, inspection.pk)
        return _error(400, "invalid", message, errors)
    data = form.cleaned_data
    try:
        result = services.upload_evidence(
            actor=request.user,
            inspection=inspection,
            kind=data["kind"],
            file=data["file"],
            original_name=data["file"].name,
            idempotency_key=data["idempotency_key"],
            occurred_at=data["occurred_at"],
            documents=data["documents"],
            note=data["note"],
            place=data["place"],
            latitude=data["latitude"],
            longitude=data["longitude"],
        )
    except PermissionDenied as refused:
        if html:
            raise
        return _error(403, "permission_denied", str(refused) or "您无权执行此操作。")
    except ValidationError as refused:
        fields = refused.message_dict if hasattr(refused, "error_dict") else {}
        message = "；".join(refused.messages)
        if html:
            messages.error(request, message)
            return _back(request, inspection.pk)
        return _error(400, _code_of(refused), message, fields)
    if html:
        evidence = result.evidence
        text = f"已上传{evidence.get_kind_display()}“{evidence.original_name or evidence.pk}”"
        if result.record.content.get("late"):
            text += "（超过上传期限，已标注逾期）"
        messages.success(request, text)
        return _back(request, inspection.pk)
    return JsonResponse(
        evidence_summary(result.evidence, replayed=result.replayed),
        status=200 if result.replayed else 201,
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@require_GET
def download(request, pk: int):
    """The stored file as an attachment, only after its SHA-256 matched the upload's."""
    evidence = get_evidence_for_user(request.user, pk)
    try:
        handle = services.open_verified(actor=request.user, evidence=evidence)
    except services.EvidenceIntegrityError as failure:
        if not _wants_html(request):
            return _error(409, failure.code, failure.message)
        return render(
            request,
            "fieldwork/evidence/integrity_error.html",
            {"evidence": evidence, "message": failure.message, "request_id": request.id},
            status=409,
        )
    response = FileResponse(handle, content_type=evidence.content_type)
    for header, value in download_headers(evidence).items():
        response[header] = value
    response.block_size = DOWNLOAD_BLOCK
    return response


@login_required
def evidence_list(request, pk: int):
    """One inspection's evidence, with each file's upload deadline, and the upload form for
    the team while the inspection is open."""
    inspection = get_inspection_for_user(request.user, pk)
    can_upload = inspection.state not in services.CLOSED_STATES and is_member(
        request.user, inspection
    )
    # Two forms, each with its own key: a photo straight from the camera, and any file.
    photo_form = EvidenceUploadForm(initial={"idempotency_key": uuid.uuid4(), "kind": "photo"})
    form = EvidenceUploadForm(initial={"idempotency_key": uuid.uuid4(), "kind": "document"})
    accept = ",".join(
        sorted({t.content_type for types in ACCEPTED.values() for t in types} | {"image/*"})
    )
    return render(
        request,
        "fieldwork/evidence/list.html",
        {
            "inspection": inspection,
            "items": evidence_items(inspection),
            "can_upload": can_upload,
            "photo_form": photo_form,
            "form": form,
            "accept": accept,
            "limits": [
                (EvidenceKind(kind).label, size // 1024 // 1024, ACCEPTED[kind])
                for kind, size in settings.EVIDENCE_MAX_BYTES.items()
            ],
        },
    )
