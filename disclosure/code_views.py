"""/public/jc/: the page a firm opens by scanning an inspector's 检查码, or by typing its code.

No login, phone first. Counted with the public lists (PublicListThrottle) and never cached:
the answer changes when a code is withdrawn or its inspection closes, and each scan must reach
the server: a visitor's verification of a valid code is recorded in the inspection's chain
(fieldwork.services.codes.record_code_scan), which the team sees at its arrival stage.

A typed short code that is not valid reads exactly like one that does not exist, so guessing
codes tells nothing; the token of a scanned QR code (192 bits, never guessed) earns the reason
why it is not valid.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from disclosure import redaction
from disclosure.pages import too_many_requests, url_code
from disclosure.throttling import PublicListThrottle
from fieldwork.models import CodeStatus, InspectionCode
from fieldwork.services.codes import record_code_scan

# What the firm may do, by status, in plain words.
REFUSE = "你单位可以拒绝检查，并可拨打监督电话反映。"
ADVICE = {
    CodeStatus.NOT_YET: "本次检查尚未到检查期间。检查人员此时要求入企检查的，" + REFUSE,
    CodeStatus.EXPIRED: "检查期间已过，检查码已失效。检查人员凭此码要求入企检查的，" + REFUSE,
    CodeStatus.CLOSED: "本次检查已经办结，检查码已失效。检查人员凭此码要求再次入企检查的，"
    + REFUSE,
    CodeStatus.WITHDRAWN: "检查机关已撤回本检查码。检查人员凭此码要求入企检查的，" + REFUSE,
    CodeStatus.UNKNOWN: "未查到有效的检查码。请核对检查码是否输入正确；"
    "检查人员不能出示有效检查码的，" + REFUSE,
}


def _lookup(**where) -> InspectionCode | None:
    return (
        InspectionCode.objects.select_related(
            "inspection__task__department", "inspection__task__plan"
        )
        .filter(**where)
        .first()
    )


def _answer(request, code: InspectionCode | None, *, typed: str = "", scanned: bool):
    today = timezone.localdate()
    status = code.status(today) if code is not None else CodeStatus.UNKNOWN
    # A typed code earns no reason: "not valid" is all a guess may learn.
    if status != CodeStatus.VALID and not scanned:
        status = CodeStatus.UNKNOWN
    # The firm's verification goes into the inspection's record; staff opening the page (the
    # team checking its own code) do not count as the firm.
    scan = None
    if status == CodeStatus.VALID and not request.user.is_authenticated:
        scan = record_code_scan(code=code, method="scan" if scanned else "typed")
    context = {
        "status": status,
        "valid": status == CodeStatus.VALID,
        "advice": ADVICE.get(status, ""),
        "phone": settings.SUPERVISION_PHONE,
        "typed": typed,
        "today": today,
        "shown": redaction.public_inspection_code(code.inspection)
        if status == CodeStatus.VALID
        else None,
        "code_text": code.code if code is not None and scanned else "",
        "scan": scan,
    }
    response = render(request, "portal/inspection_code.html", context)
    patch_cache_control(response, no_store=True)
    return response


def throttled(request):
    """The 429 page once the client's address passes PUBLIC_API_RATE; None otherwise (the
    rating page of ratings shares it)."""
    throttle = PublicListThrottle()
    if not throttle.allow_request(request, None):
        return too_many_requests(request, throttle.wait())
    return None


@require_safe
def inspection_code(request, token: str):
    """Scanned: the QR code's URL carries the code's token."""
    refused = throttled(request)
    if refused is not None:
        return refused
    return _answer(request, _lookup(token=url_code(token)), scanned=True)


@require_safe
def inspection_code_search(request):
    """Typed: ?code=JC-2027-000123, or the empty form."""
    refused = throttled(request)
    if refused is not None:
        return refused
    typed = url_code(request.GET.get("code", "")).strip().upper()[:40]
    if not typed:
        response = render(
            request,
            "portal/inspection_code.html",
            {"form_only": True, "phone": settings.SUPERVISION_PHONE},
        )
        patch_cache_control(response, no_store=True)
        return response
    return _answer(request, _lookup(code=typed), typed=typed, scanned=False)
