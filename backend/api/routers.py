"""The API's routers: an object id in a path is digits, or the path does not exist.

DRF's default lookup matches any segment, so `/certificates/abc/revoke/` reached the view and
`.get(pk="abc")` raised ValueError, a 500. Here it is a 404 before any view runs (answered in the
API's error shape by `backend.api.errors.not_found`). A viewset that looks up by another field
(a code, a 统一社会信用代码) says so with its own `lookup_value_regex`. At most 18 digits: every
id fits a 64-bit integer, and a longer one (which SQLite refused with OverflowError, a 500, in
the 23:30 UTC fuzz run) names nothing.
"""

from rest_framework.routers import DefaultRouter, SimpleRouter


class _DigitIds:
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if (
            getattr(viewset, "lookup_value_regex", None) is None
            and getattr(viewset, "lookup_field", "pk") == "pk"
        ):
            kwarg = getattr(viewset, "lookup_url_kwarg", None) or "pk"
            return f"(?P<{lookup_prefix}{kwarg}>[0-9]{{1,18}})"
        return super().get_lookup_regex(viewset, lookup_prefix)


class Router(_DigitIds, SimpleRouter):
    pass


class RootRouter(_DigitIds, DefaultRouter):
    pass
