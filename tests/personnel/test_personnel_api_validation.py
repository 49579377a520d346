"""The certificate API checks its path and query before a selector or service sees them: the
500s found by fuzzing the staff API (issue 20, item 11), each written as it was sent."""

import pytest

from personnel.models import Certificate, CertificateStatus
from tests.conftest import log_in

CERTIFICATES = "/api/v1/personnel/certificates/"


@pytest.fixture
def certificate(kj, make_officer, make_certificate):
    return make_certificate(make_officer(kj, name="林执法"), number="KJ-0001")


@pytest.mark.parametrize("step", ["revoke", "restore", "suspend", "renew"])
@pytest.mark.parametrize("pk", ["abc", "null,null", "1.5", "-1"])
def test_a_step_on_a_non_numeric_id_is_a_404_in_the_api_shape(
    client, department_admin, certificate, step, pk
):
    log_in(client, department_admin)
    response = client.post(
        f"{CERTIFICATES}{pk}/{step}/", {"reason": "调离执法岗位"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到请求的对象。", "fields": {}}
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_the_numeric_id_still_reaches_the_step(client, department_admin, certificate):
    log_in(client, department_admin)
    response = client.post(
        f"{CERTIFICATES}{certificate.pk}/revoke/",
        {"reason": "调离执法岗位"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.REVOKED


@pytest.mark.parametrize("officer", ["1" + "0" * 30, "1.5", "abc"])
def test_an_officer_filter_that_is_no_id_is_refused(client, department_admin, certificate, officer):
    log_in(client, department_admin)
    response = client.get(CERTIFICATES, {"officer": officer})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "officer" in response.json()["fields"]
    listed = client.get(CERTIFICATES, {"officer": certificate.officer_id}).json()["results"]
    assert [c["number"] for c in listed] == ["KJ-0001"]


def test_a_page_that_does_not_exist_is_still_the_html_404(client, department_admin):
    log_in(client, department_admin)
    response = client.get("/personnel/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
