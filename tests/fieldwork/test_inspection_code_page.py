"""The public verification page of 检查码 (issue 16, item 2): scanned or typed, no login; what a
valid code shows, why a scanned code is not valid and what the firm may do; a typed code that is
not valid reads exactly as one that does not exist; rate-limited with the public lists."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from backend.text import chinese_date
from fieldwork.models import Inspection, InspectionCode, InspectionState
from fieldwork.services.codes import withdraw_inspection_code


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def today_is(monkeypatch):
    def set_today(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def code(inspection, today_is):
    today_is(inspection.window_start)
    return InspectionCode.objects.get(inspection=inspection)


def _scan(client, code):
    return client.get(reverse("public:inspection-code", args=[code.token]))


def _typed(client, text):
    return client.get(reverse("public:inspection-code-search"), {"code": text})


def test_a_valid_code_shows_who_inspects_on_what_basis_and_when(client, code, inspection):
    response = _scan(client, code)
    page = response.content.decode()
    assert response.status_code == 200
    assert "检查码有效" in page and code.code in page
    assert inspection.task.department.name in page
    assert "日常检查" in page and inspection.task.code in page
    for version in inspection.task.items.all():
        assert version.name in page
    for member in inspection.members.select_related("officer"):
        assert member.officer.name in page and member.certificate_number in page
    assert chinese_date(inspection.window_start) in page
    assert chinese_date(inspection.window_end) in page
    draw = inspection.task.draws.get(purpose="firms", status="performed")
    assert reverse("public:draw", args=[draw.public_id]) in page
    # Nothing about the firm itself, nor anything the team wrote.
    assert inspection.firm_uscc not in page and inspection.firm_name not in page
    # Each scan must reach the server; never kept by a cache.
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("shift", "label"),
    [(-1, "未到检查期间"), (None, "已过有效期")],
)
def test_a_scanned_code_outside_its_window_says_why(
    client, code, inspection, today_is, shift, label
):
    day = (
        inspection.window_start - timedelta(days=1)
        if shift
        else inspection.window_end + timedelta(days=1)
    )
    today_is(day)
    page = _scan(client, code).content.decode()
    assert f"检查码无效：{label}" in page
    assert "你单位可以拒绝检查" in page and "12345" in page
    assert inspection.task.department.name not in page


def test_a_scanned_withdrawn_or_closed_code_says_so(client, code, inspection, department_admin):
    Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.CLOSED)
    assert "检查码无效：检查已办结" in _scan(client, code).content.decode()
    Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.ON_SITE)
    withdraw_inspection_code(actor=department_admin, inspection=inspection, reason="检查取消")
    page = _scan(client, code).content.decode()
    assert "检查码无效：已撤回" in page and "检查取消" not in page


def test_an_unknown_token_is_not_valid(client, db, settings):
    settings.SUPERVISION_PHONE = "0431-88889999"
    response = client.get(reverse("public:inspection-code", args=["x" * 32]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "检查码无效" in page and "0431-88889999" in page


def test_a_typed_valid_code_shows_the_inspection(client, code, inspection):
    page = _typed(client, code.code.lower()).content.decode()
    assert "检查码有效" in page and inspection.task.department.name in page


def test_a_typed_code_that_is_not_valid_reads_as_one_that_does_not_exist(
    client, code, inspection, department_admin
):
    withdraw_inspection_code(actor=department_admin, inspection=inspection, reason="检查取消")
    year = code.code.split("-")[1]
    guessed = f"JC-{year}-999999"
    existing = _typed(client, code.code).content.decode().replace(code.code, "CODE")
    unknown = _typed(client, guessed).content.decode().replace(guessed, "CODE")
    assert existing == unknown
    assert "已撤回" not in existing


def test_the_page_is_counted_with_the_public_lists(client, code, settings):
    settings.PUBLIC_API_RATE = "2/min"
    assert _scan(client, code).status_code == 200
    assert _typed(client, "JC-2027-000001").status_code == 200
    refused = _scan(client, code)
    assert refused.status_code == 429 and "Retry-After" in refused


def test_the_form_opens_without_a_code(client, db):
    response = client.get(reverse("public:inspection-code-search"))
    assert response.status_code == 200 and "输入检查码" in response.content.decode()
