"""Issue 20, finding 8: probing another department's objects by id answered 404 and left no
trace. The answer stays a plain 404 (it must not confirm that the object exists); the audit
trail records a denied access for an object that exists, and nothing for one that does not."""

import re

import pytest

from backend.audit.models import AuditEvent, Outcome
from personnel.models import Officer
from tests.conftest import log_in


@pytest.fixture
def kj_officer(kj, make_officer):
    return make_officer(kj, name="林执法")


def _missing_pk() -> int:
    return (Officer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _denials():
    return AuditEvent.objects.filter(action="permission.denied", outcome=Outcome.DENIED)


@pytest.mark.parametrize(
    "url",
    ["/personnel/officers/{pk}/", "/api/v1/personnel/officers/{pk}/"],
    ids=["page", "api"],
)
def test_probing_another_departments_officer_is_audited(
    client, ga_department_admin, kj_officer, url
):
    log_in(client, ga_department_admin)
    hidden = client.get(url.format(pk=kj_officer.pk))
    missing = client.get(url.format(pk=_missing_pk()))
    assert hidden.status_code == missing.status_code == 404
    # Same answer for "not yours" and "does not exist" (each page has its own CSRF token).
    assert _without_csrf(hidden.content) == _without_csrf(missing.content)
    (event,) = _denials()
    assert event.actor == ga_department_admin
    assert event.department_code == "GA"
    assert (event.object_type, event.object_id) == ("personnel.officer", str(kj_officer.pk))
    assert event.detail == {
        "method": "GET",
        "path": url.format(pk=kj_officer.pk),
        "answered": 404,
    }


def test_a_write_probe_through_the_api_is_audited_too(
    client, ga_department_admin, kj_officer, make_certificate
):
    certificate = make_certificate(kj_officer)
    log_in(client, ga_department_admin)
    response = client.post(
        f"/api/v1/personnel/certificates/{certificate.pk}/revoke/",
        {"reason": "试探"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到请求的对象。", "fields": {}}
    event = _denials().get()
    assert event.detail["method"] == "POST"
    assert event.object_id == str(certificate.pk)
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_the_own_department_sees_it_and_nothing_is_recorded(client, department_admin, kj_officer):
    log_in(client, department_admin)
    assert client.get(f"/personnel/officers/{kj_officer.pk}/").status_code == 200
    assert not _denials().exists()


def test_an_object_that_does_not_exist_is_not_a_denial(client, ga_department_admin, kj_officer):
    log_in(client, ga_department_admin)
    assert client.get(f"/personnel/officers/{_missing_pk()}/").status_code == 404
    assert client.get("/personnel/officers/abc/").status_code == 404
    assert not _denials().exists()


def test_a_certificate_of_another_department_through_the_api(
    client, ga_department_admin, kj_officer, make_certificate
):
    certificate = make_certificate(kj_officer)
    log_in(client, ga_department_admin)
    assert client.get(f"/api/v1/personnel/certificates/{certificate.pk}/").status_code == 404
    event = _denials().get()
    assert (event.object_type, event.object_id) == ("personnel.certificate", str(certificate.pk))


def test_an_anonymous_probe_is_sent_to_log_in_and_not_recorded(client, kj_officer):
    assert client.get(f"/personnel/officers/{kj_officer.pk}/").status_code == 302
    assert not _denials().exists()
