"""检查码 (issue 16, item 1): an approved inspection gets a short code and an unguessable token,
shown as a QR code of the public verification URL; valid within the window until it closes or
is withdrawn."""

import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from backend.audit.models import AuditEvent
from fieldwork.actions import FieldworkAction
from fieldwork.models import CodeStatus, Inspection, InspectionCode, InspectionState
from fieldwork.services.approvals import approve_inspection, start_in_emergency
from fieldwork.services.codes import withdraw_inspection_code
from tests.conftest import log_in


def _decode_png(data: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert len(found) == 1
    return found[0].text


@pytest.fixture
def pending(started_unapproved):
    return started_unapproved.inspections.order_by("code").first()


def test_approval_gives_the_inspection_a_code_and_an_unguessable_token(pending, department_admin):
    assert not InspectionCode.objects.filter(inspection=pending).exists()
    approve_inspection(actor=department_admin, inspection=pending)
    code = InspectionCode.objects.get(inspection=pending)
    assert re.fullmatch(rf"JC-{timezone.localtime(code.issued_at).year}-\d{{6}}", code.code)
    # token_urlsafe(24): 32 characters of 6 bits, 192 bits of randomness.
    assert len(code.token) >= 32
    event = AuditEvent.objects.get(action=FieldworkAction.CODE_ISSUE)
    assert event.detail == {"inspection": pending.code, "code": code.code}


def test_every_approved_inspection_has_its_own_code(started):
    codes = InspectionCode.objects.filter(inspection__task=started)
    assert codes.count() == started.inspections.count()
    assert len({c.token for c in codes}) == len({c.code for c in codes}) == codes.count()


def test_an_emergency_start_has_no_code_until_its_approval_follows(
    pending, department_admin, login_for
):
    member = login_for(pending.members.first().officer)
    start_in_emergency(actor=member, inspection=pending, reason="群众举报有危险品")
    assert not InspectionCode.objects.filter(inspection=pending).exists()
    approve_inspection(actor=department_admin, inspection=pending)
    assert InspectionCode.objects.filter(inspection=pending).exists()


def test_the_code_is_valid_within_the_window_until_closed(inspection):
    code = InspectionCode.objects.get(inspection=inspection)
    start, end = inspection.window_start, inspection.window_end
    assert code.status(start - timedelta(days=1)) == CodeStatus.NOT_YET
    assert code.status(start) == CodeStatus.VALID
    assert code.status(end) == CodeStatus.VALID
    assert code.status(end + timedelta(days=1)) == CodeStatus.EXPIRED
    Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.CLOSED)
    code = InspectionCode.objects.get(inspection=inspection)
    assert code.status(start) == CodeStatus.CLOSED


def test_the_head_withdraws_a_code_with_a_reason(inspection, department_admin, team):
    with pytest.raises(PermissionDenied):
        withdraw_inspection_code(actor=team[0], inspection=inspection, reason="x")
    with pytest.raises(ValidationError) as refused:
        withdraw_inspection_code(actor=department_admin, inspection=inspection, reason=" ")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    code = withdraw_inspection_code(
        actor=department_admin, inspection=inspection, reason="检查对象已注销，检查取消"
    )
    assert code.status(inspection.window_start) == CodeStatus.WITHDRAWN
    event = AuditEvent.objects.get(action=FieldworkAction.CODE_WITHDRAW)
    assert event.detail["reason"] == "检查对象已注销，检查取消"
    with pytest.raises(ValidationError):
        withdraw_inspection_code(actor=department_admin, inspection=inspection, reason="再撤")


def test_the_printed_qr_image_decodes_to_the_public_verification_url(client, inspection, team):
    log_in(client, team[0])
    code = InspectionCode.objects.get(inspection=inspection)
    response = client.get(reverse("fieldwork:code-png", args=[inspection.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    url = _decode_png(response.content)
    assert url == f"http://testserver/public/jc/{code.token}/"
    # The URL carries the token and nothing about the firm.
    assert inspection.firm_uscc not in url and inspection.firm_name not in url


def test_the_qr_image_names_the_configured_public_address(client, inspection, team, settings):
    settings.PUBLIC_BASE_URL = "https://jg.example.gov.cn"
    log_in(client, team[0])
    code = InspectionCode.objects.get(inspection=inspection)
    response = client.get(reverse("fieldwork:code-png", args=[inspection.pk]))
    assert _decode_png(response.content) == f"https://jg.example.gov.cn/public/jc/{code.token}/"


def test_the_inspector_shows_the_code_full_screen(client, inspection, team):
    log_in(client, team[0])
    code = InspectionCode.objects.get(inspection=inspection)
    page = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert code.code in page and reverse("fieldwork:code", args=[inspection.pk]) in page
    response = client.get(reverse("fieldwork:code", args=[inspection.pk]))
    shown = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in shown and code.code in shown


def test_the_notice_prints_the_code_and_its_qr_image(client, inspection, team):
    log_in(client, team[0])
    code = InspectionCode.objects.get(inspection=inspection)
    page = client.get(reverse("fieldwork:notice", args=[inspection.pk])).content.decode()
    assert code.code in page
    assert reverse("fieldwork:code-png", args=[inspection.pk]) in page
    assert "http://testserver/public/jc/" in page


def test_an_unapproved_inspection_has_no_code_to_show(client, pending, login_for):
    member = login_for(pending.members.first().officer)
    log_in(client, member)
    assert client.get(reverse("fieldwork:code", args=[pending.pk])).status_code == 404
    assert client.get(reverse("fieldwork:code-png", args=[pending.pk])).status_code == 404


def test_the_api_reads_the_code_and_the_head_withdraws_it(
    client, inspection, team, department_admin
):
    code = InspectionCode.objects.get(inspection=inspection)
    log_in(client, team[0])
    url = reverse("api:inspection-approval", args=[inspection.pk])
    data = client.get(url).json()["inspection_code"]
    assert data["code"] == code.code
    assert data["url"] == f"http://testserver/public/jc/{code.token}/"
    assert data["status"] in CodeStatus.values
    client.logout()
    log_in(client, department_admin)
    withdraw = reverse("api:inspection-code-withdraw", args=[inspection.pk])
    refused = client.post(withdraw, {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400
    response = client.post(withdraw, {"reason": "检查取消"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["inspection_code"]["status"] == "withdrawn"
    assert response.json()["inspection_code"]["status_label"] == "已撤回"
