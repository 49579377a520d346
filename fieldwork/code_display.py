"""检查码 as the team's pages show it: its status today, its public address and QR image."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import CodeStatus, Inspection, InspectionCode
from fieldwork.qr import qr_svg


def public_address(request, path: str) -> str:
    """settings.PUBLIC_BASE_URL + path, or this request's host: a firm's phone must reach it."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def verification_url(request, code: InspectionCode) -> str:
    """The public verification page of `code`: what its QR image holds."""
    return public_address(request, reverse("public:inspection-code", args=[code.token]))


@dataclass(frozen=True)
class ShownCode:
    code: InspectionCode
    status: CodeStatus
    url: str

    @property
    def valid(self) -> bool:
        return self.status == CodeStatus.VALID

    @property
    def svg(self) -> str:
        return qr_svg(self.url)


def shown_code(request, inspection: Inspection) -> ShownCode | None:
    code = InspectionCode.objects.filter(inspection=inspection).first()
    if code is None:
        return None
    code.inspection = inspection
    return ShownCode(code, code.status(timezone.localdate()), verification_url(request, code))
