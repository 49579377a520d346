"""行政检查文书 of one inspection, printable and as Word files: the 审批表, the 检查通知书 and
the 检查结果告知书. The content is built once (fieldwork/documents); these views only render it."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from backend.accounts.decorators import role_required
from backend.audit.services import record_event
from fieldwork.actions import FieldworkAction
from fieldwork.code_display import public_address, shown_code
from fieldwork.documents import content, word
from fieldwork.documents.blocks import Document
from fieldwork.models import Inspection
from fieldwork.selectors import get_inspection_for_user
from fieldwork.views.inspections import VIEWERS


def _document(request, inspection: Inspection, kind: str) -> Document:
    if kind == content.APPROVAL:
        return content.approval_document(inspection)
    if kind == content.NOTICE:
        code = shown_code(request, inspection)
        return content.notice_document(
            inspection,
            code=code,
            image_url=reverse("fieldwork:code-png", args=[inspection.pk]),
            verify_page=public_address(request, reverse("public:inspection-code-search")),
        )
    if kind == content.RESULT:
        return content.result_document(inspection, request=request)
    raise Http404("没有这种检查文书")


def _or_not_ready(request, inspection: Inspection, kind: str):
    try:
        return _document(request, inspection, kind), None
    except content.NotReady as why:
        page = render(
            request,
            "fieldwork/document_not_ready.html",
            {"inspection": inspection, "title": content.TITLES[kind], "reason": str(why)},
            status=409,
        )
        return None, page


@role_required(*VIEWERS)
def document_page(request, pk: int, kind: str):
    """The document as an A4 page for the browser's print."""
    inspection = get_inspection_for_user(request.user, pk)
    document, refusal = _or_not_ready(request, inspection, kind)
    if refusal is not None:
        return refusal
    return render(
        request, "fieldwork/document.html", {"inspection": inspection, "document": document}
    )


@role_required(*VIEWERS)
def notice(request, pk: int):
    """The 检查通知书 (随机抽查通知书 for a 日常 inspection), printable."""
    return document_page(request, pk, content.NOTICE)


@role_required(*VIEWERS)
def document_docx(request, pk: int, kind: str):
    """The same document as a Word file, for the office that edits and stamps it."""
    inspection = get_inspection_for_user(request.user, pk)
    document, refusal = _or_not_ready(request, inspection, kind)
    if refusal is not None:
        return refusal
    data = word.render(document)
    record_event(
        action=FieldworkAction.DOCUMENT_EXPORT,
        actor=request.user,
        obj=inspection,
        detail={"inspection": inspection.code, "document": document.title, "format": "docx"},
    )
    response = HttpResponse(data, content_type=word.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.filename
    )
    response["Cache-Control"] = "private, no-store"
    return response
