"""Per-client rate limit of the open-data list endpoints."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PublicListThrottle(SimpleRateThrottle):
    """So many list requests per client address (settings.PUBLIC_API_RATE, e.g. "60/min").

    By address, whether or not the caller is logged in: the open data has no accounts. The
    address is REMOTE_ADDR unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies in front
    of the server append to X-Forwarded-For; a client cannot spoof its way out by sending that
    header itself. The counts live in the default cache: per process with LocMemCache, shared
    by every worker with Redis (REDIS_URL).
    """

    scope = "public-list"

    def get_rate(self) -> str:
        # Read on every request rather than at import, so that a test (or an operator reloading
        # settings) can change it.
        return settings.PUBLIC_API_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
