"""One error shape for the whole API: {"code": ..., "message": ..., "fields": {...}}."""

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from backend.audit.probes import audit_hidden_object

_MESSAGES = {
    "not_authenticated": "请先登录，或提供有效的令牌。",
    "authentication_failed": "身份认证失败。",
    "permission_denied": "您无权执行此操作。",
    "not_found": "未找到请求的对象。",
    "method_not_allowed": "不支持该请求方法。",
    "throttled": "请求过于频繁，请稍后再试。",
    "parse_error": "请求内容格式错误。",
    "unsupported_media_type": "不支持的内容类型。",
    "not_acceptable": "无法提供请求的格式。",
    "invalid": "提交的数据有误，请检查标出的字段。",
}


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail
        ]
    return str(detail)


def exception_handler(exc, context):
    # Services raise Django's exceptions; present them the same way as DRF's own.
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        request = context.get("request")
        if request is not None:
            # Another department's object answers 404 like a missing one; the trail knows.
            audit_hidden_object(request, exc, user=getattr(request, "user", None))
        exc = exceptions.NotFound()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flatten(detail)
        code = "invalid"
        message = _MESSAGES["invalid"]
        non_field = fields.get("non_field_errors")
        if non_field and len(fields) == 1:
            message = "；".join(non_field)
    else:
        # drf_exception_handler answers APIException only, so `exc` is one here.
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail
        default = getattr(exc, "default_detail", None)
        # A specific message given by the code (e.g. a service's PermissionDenied) wins over the
        # generic one; DRF's English defaults are replaced by ours.
        if isinstance(exc, exceptions.Throttled):
            # DRF's detail glues a translated sentence to its own; say it once, in our words.
            message = _MESSAGES["throttled"]
            if exc.wait is not None:
                message = f"请求过于频繁，请在 {math.ceil(exc.wait)} 秒后再试。"
        elif isinstance(detail, str) and detail and detail != str(default):
            message = str(detail)
        else:
            message = _MESSAGES.get(code, str(detail) or "请求失败。")
        fields = {}
    response.data = {"code": code, "message": message, "fields": fields}
    return response


def not_found(request, exception):
    """Django's 404 handler (backend/urls.py): a path under /api/ that matches no route (an id
    that is not a number among them) is answered in the API's shape; pages get the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _MESSAGES["not_found"], "fields": {}}, status=404
        )
    return page_not_found(request, exception)
