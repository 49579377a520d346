"""The site's Content-Security-Policy middleware: django-csp's, with one exception for the DRF
browsable API (settings.CONTENT_SECURITY_POLICY holds the policy; docs/security.md says why).

DRF's own templates put `style="…"` attributes on a few buttons and fields of the HTML view of
every API endpoint, and a `<style>` block of Pygments' colours when Pygments is installed. Those
pages are answered by hundreds of views, so a per-view decorator cannot reach them; the
response knows which renderer drew it. For those responses only, inline styles are allowed
(`style-src 'self' 'unsafe-inline'`); scripts stay `'self'`, and every other page keeps the
strict policy.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from rest_framework.renderers import BrowsableAPIRenderer

BROWSABLE_API_RELAXATION = {"style-src": [UNSAFE_INLINE]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            parts.update = {**(parts.update or {}), **BROWSABLE_API_RELAXATION}
        return parts
