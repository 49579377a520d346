"""CORS for the open-data API: anyone's web page may read it (no credentials, read-only)."""

from django.http import HttpResponse

PUBLIC_API_PREFIX = "/api/v1/public/"

# Headers a page may send or read besides the CORS-safelisted ones.
_ALLOWED_REQUEST_HEADERS = "Accept, Accept-Language, Content-Language, If-None-Match, X-Request-ID"
_EXPOSED_RESPONSE_HEADERS = "Retry-After, X-Request-ID"
_PREFLIGHT_MAX_AGE = str(24 * 60 * 60)


class PublicApiCorsMiddleware:
    """Open CORS (Access-Control-Allow-Origin: *) under /api/v1/public/ and nowhere else.

    The staff API keeps the same-origin policy: it answers to session cookies, which a `*`
    origin must never be trusted with. A preflight (OPTIONS with Access-Control-Request-Method)
    is answered here, before the session, CSRF or the view see it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PUBLIC_API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = _ALLOWED_REQUEST_HEADERS
            response["Access-Control-Max-Age"] = _PREFLIGHT_MAX_AGE
        else:
            response = self.get_response(request)
            response["Access-Control-Expose-Headers"] = _EXPOSED_RESPONSE_HEADERS
        response["Access-Control-Allow-Origin"] = "*"
        return response
