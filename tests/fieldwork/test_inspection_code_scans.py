"""The firm's verification of the 检查码 is logged (issue 16, item 3): a scan of a valid code is a
record of the inspection's chain, with its time and no author; the arrival stage shows whether
the firm verified, and an arrival without a verification needs a reason."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from backend.audit.models import AuditEvent
from fieldwork.actions import FieldworkAction
from fieldwork.models import InspectionCode, RecordKind
from fieldwork.services import records
from tests.conftest import log_in


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def code(inspection, monkeypatch):
    """The code, on a day within its inspection's window (the product's "today")."""
    day = inspection.window_start
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    return InspectionCode.objects.get(inspection=inspection)


@pytest.fixture
def notified(code, inspection, team):
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=inspection.window_start, delivery="当面送达"
    )
    return inspection


def _scan(client, code):
    return client.get(reverse("public:inspection-code", args=[code.token]))


def _arrive(team, inspection, **kwargs):
    return records.record_arrival(
        actor=team[0],
        inspection=inspection,
        method="onsite",
        officers_present=[m.certificate_number for m in inspection.members.all()],
        certificates_shown=True,
        **kwargs,
    )


def test_the_firm_s_scan_is_a_record_of_the_chain_with_its_time(client, code, notified):
    page = _scan(client, code).content.decode()
    assert "登记在检查记录中" in page
    scan = notified.records.get(kind=RecordKind.CODE_SCAN)
    assert scan.recorded_by is None and scan.place == "" and scan.latitude is None
    assert scan.content == {"code": code.code, "method": "scan", "method_label": "扫描二维码"}
    event = AuditEvent.objects.get(action=FieldworkAction.CODE_SCAN)
    assert event.detail["code"] == code.code
    out = StringIO()
    call_command("verify_records", notified.code, stdout=out)  # the chain still holds
    assert "摘要链完整" in out.getvalue()


def test_a_reload_is_the_same_visit_and_staff_do_not_count_as_the_firm(
    client, code, notified, team
):
    _scan(client, code)
    _scan(client, code)
    assert notified.records.filter(kind=RecordKind.CODE_SCAN).count() == 1
    log_in(client, team[0])
    _scan(client, code)
    assert notified.records.filter(kind=RecordKind.CODE_SCAN).count() == 1


def test_a_typed_code_is_logged_and_a_code_not_valid_is_not(client, code, notified, monkeypatch):
    client.get(reverse("public:inspection-code-search"), {"code": code.code})
    assert notified.records.get(kind=RecordKind.CODE_SCAN).content["method"] == "typed"
    late = notified.window_end + timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: late)
    before = notified.records.count()
    _scan(client, code)
    assert notified.records.count() == before


def test_an_arrival_after_the_scan_says_the_firm_verified(client, code, notified, team):
    _scan(client, code)
    scan = notified.records.get(kind=RecordKind.CODE_SCAN)
    arrival = _arrive(team, notified)
    assert arrival.content["code_verified"] is True
    assert arrival.content["code_scan"] == scan.sequence
    log_in(client, team[0])
    page = client.get(reverse("fieldwork:inspection", args=[notified.pk])).content.decode()
    assert "检查对象已扫码核验检查码" in page


def test_an_arrival_without_a_verified_code_needs_a_reason(client, code, notified, team):
    log_in(client, team[0])
    page = client.get(reverse("fieldwork:inspection", args=[notified.pk])).content.decode()
    assert "检查对象尚未扫码核验检查码" in page
    with pytest.raises(ValidationError) as refused:
        _arrive(team, notified)
    assert refused.value.error_dict["code_unverified_reason"][0].code == "code_not_verified"
    assert not notified.records.filter(kind=RecordKind.ON_SITE).exists()
    arrival = _arrive(team, notified, code_unverified_reason="检查对象负责人手机无法联网")
    assert arrival.content["code_verified"] is False
    assert arrival.content["code_unverified_reason"] == "检查对象负责人手机无法联网"


def test_the_arrival_form_asks_for_the_reason(client, code, notified, team):
    log_in(client, team[0])
    response = client.post(
        reverse("fieldwork:stage", args=[notified.pk, "arrival"]),
        {
            "method": "onsite",
            "officers_present": [m.certificate_number for m in notified.members.all()],
            "certificates_shown": "on",
            "idempotency_key": uuid.uuid4(),
        },
    )
    assert "检查对象尚未扫码核验检查码，须说明原因" in response.content.decode()
    assert not notified.records.filter(kind=RecordKind.ON_SITE).exists()
