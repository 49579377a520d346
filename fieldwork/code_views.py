"""检查码 for the team: the full-screen page the inspector shows the firm (亮码) and the PNG
printed on the notice. The public page that the QR code opens is the disclosure app's."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from backend.accounts.decorators import role_required
from fieldwork.code_display import ShownCode, shown_code
from fieldwork.models import Inspection
from fieldwork.qr import qr_png
from fieldwork.selectors import get_inspection_for_user
from fieldwork.views.inspections import VIEWERS


def _code_of(request, pk: int) -> tuple[Inspection, ShownCode]:
    inspection = get_inspection_for_user(request.user, pk)
    shown = shown_code(request, inspection)
    if shown is None:
        raise Http404("该检查尚未赋码：检查经负责人审批后才有检查码")
    return inspection, shown


@role_required(*VIEWERS)
def code_page(request, pk: int):
    """亮码: the code alone on the screen, big enough to scan from a phone held up."""
    inspection, shown = _code_of(request, pk)
    return render(request, "fieldwork/code.html", {"inspection": inspection, "shown": shown})


@role_required(*VIEWERS)
def code_png(request, pk: int):
    _, shown = _code_of(request, pk)
    response = HttpResponse(qr_png(shown.url), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
