import re
import uuid

from django.http import Http404

from backend.audit.actions import AuditTrailAction
from backend.audit.context import RequestInfo, current_request
from backend.audit.models import Outcome
from backend.audit.probes import audit_hidden_object

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed X-Request-ID from the proxy).

    The id is on every audit event and in the response headers, so a user's complaint, a log
    line and an audit entry can be tied together.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = current_request.set(
            RequestInfo(request_id=request.id, ip=request.META.get("REMOTE_ADDR") or None)
        )
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response


class RefusalAuditMiddleware:
    """Record every permission refusal, whether a page or the API refused it.

    One place catches both 403s, because DRF answers its own exceptions before any
    `process_exception` could see them. A page's 404 that hides another department's object is
    recorded here too (`process_exception`); the API's, by its exception handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            from backend.audit.services import record_event

            user = getattr(request, "user", None)
            record_event(
                action=AuditTrailAction.PERMISSION_DENIED,
                actor=user if user is not None and user.is_authenticated else None,
                object_type="url",
                object_id=request.path[:200],
                outcome=Outcome.DENIED,
                detail={"method": request.method},
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            audit_hidden_object(request, exception, user=getattr(request, "user", None))
        return None
