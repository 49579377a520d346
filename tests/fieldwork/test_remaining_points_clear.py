"""其余要点均未发现问题: one tap records every check point not yet recorded as checked with no
problem found, one record per point, under one audit event; never after the submission."""

import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backend.audit.models import AuditEvent
from fieldwork.actions import FieldworkAction
from fieldwork.models import InspectionState, RecordKind
from fieldwork.selectors.records import checkpoints_of, current_records, missing_for_submission
from fieldwork.services import records
from fieldwork.services.findings import record_remaining_points_clear

LATE = "2021年的检查时间已过，补交审核（测试）"


@pytest.fixture
def on_site(inspection, team):
    """Notified and arrived, no check point recorded yet."""
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    records.record_arrival(
        actor=team[0],
        inspection=inspection,
        method="onsite",
        officers_present=[m.certificate_number for m in inspection.members.all()],
        certificates_shown=True,
        code_unverified_reason="检查对象未扫码核验（测试）",
    )
    inspection.refresh_from_db()
    return inspection


def _findings(inspection):
    current = current_records(inspection, RecordKind.FINDINGS)
    return {r.content["check_point"]: r for r in current}


def test_one_tap_records_every_point_left_and_keeps_the_one_with_a_problem(on_site, team):
    points = checkpoints_of(on_site)
    assert len(points) >= 2
    problem = records.record_findings(
        actor=team[0],
        inspection=on_site,
        check_point=points[0],
        checked=True,
        problem_found=True,
        description="工作岗位变更未办理",
    )
    made = record_remaining_points_clear(
        actor=team[0], inspection=on_site, idempotency_key=uuid.uuid4()
    )
    assert [r.content["check_point"] for r in made] == [p.pk for p in points[1:]]
    found = _findings(on_site)
    assert found[points[0].pk] == problem and found[points[0].pk].content["problem_found"]
    for point in points[1:]:
        content = found[point.pk].content
        assert content["checked"] is True and content["problem_found"] is False
        assert content["text"] == point.text
    assert not [m for m in missing_for_submission(on_site) if "检查要点" in m]
    events = AuditEvent.objects.filter(action=FieldworkAction.FINDINGS_REST_CLEAR)
    assert events.count() == 1
    assert events.get().detail["sequences"] == [r.sequence for r in made]
    # One audited write: no per-point event besides it.
    assert AuditEvent.objects.filter(action=FieldworkAction.FINDINGS).count() == 1  # the problem


def test_the_same_tap_sent_twice_records_once(on_site, team):
    key = uuid.uuid4()
    first = record_remaining_points_clear(actor=team[0], inspection=on_site, idempotency_key=key)
    again = record_remaining_points_clear(actor=team[0], inspection=on_site, idempotency_key=key)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert on_site.records.filter(kind=RecordKind.FINDINGS).count() == len(first)


def test_nothing_left_to_record_is_refused(on_site, team):
    record_remaining_points_clear(actor=team[0], inspection=on_site, idempotency_key=uuid.uuid4())
    with pytest.raises(ValidationError) as refused:
        record_remaining_points_clear(
            actor=team[0], inspection=on_site, idempotency_key=uuid.uuid4()
        )
    assert refused.value.error_dict["non_field_errors"][0].code == "nothing_left"


def test_after_the_submission_the_tap_is_refused_and_nothing_is_written(
    inspection, team, fill_record
):
    fill_record(inspection, team)
    # One point corrected away is not a way back in: the record is submitted.
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    before = inspection.records.count()
    with pytest.raises(ValidationError) as refused:
        record_remaining_points_clear(
            actor=team[0], inspection=inspection, idempotency_key=uuid.uuid4()
        )
    error = refused.value.error_dict["non_field_errors"][0]
    assert error.code == "wrong_state" and "待审核" in error.message
    assert inspection.records.count() == before
    assert not AuditEvent.objects.filter(action=FieldworkAction.FINDINGS_REST_CLEAR).exists()


def test_before_the_arrival_the_tap_is_refused(inspection, team):
    with pytest.raises(ValidationError):
        record_remaining_points_clear(
            actor=team[0], inspection=inspection, idempotency_key=uuid.uuid4()
        )
    assert not inspection.records.filter(kind=RecordKind.FINDINGS).exists()


def test_the_page_offers_the_tap_and_lands_on_the_result(client, on_site, team, outsider):
    page = reverse("fieldwork:inspection", args=[on_site.pk])
    url = reverse("fieldwork:remaining-clear", args=[on_site.pk])
    client.force_login(team[0])
    body = client.get(page).content.decode()
    assert f'action="{url}"' in body and "其余要点均未发现问题" in body
    count = len(checkpoints_of(on_site))
    assert f"尚有 {count} 个检查要点未记录" in body
    # The tap cannot be taken back: the form asks first, saying so.
    assert f'data-confirm="将把其余 {count} 个检查要点' in body and "不能删除" in body

    response = client.post(url, {"idempotency_key": str(uuid.uuid4())})
    assert response.status_code == 302
    last = on_site.records.order_by("-sequence").first().sequence
    assert response["Location"] == f"{page}?saved={last}#stage-result"
    body = client.get(response["Location"]).content.decode()
    assert f"已记录：其余{count}个检查要点均未发现问题" in body
    assert f'action="{url}"' not in body  # nothing left to tap

    client.force_login(outsider)
    assert client.post(url, {"idempotency_key": str(uuid.uuid4())}).status_code == 404


def test_the_page_refuses_the_tap_after_the_submission(client, inspection, team, fill_record):
    fill_record(inspection, team)
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    before = inspection.records.count()
    client.force_login(team[0])
    url = reverse("fieldwork:remaining-clear", args=[inspection.pk])
    response = client.post(url, {"idempotency_key": str(uuid.uuid4())}, follow=True)
    body = response.content.decode()
    assert "当前为“待审核”，不能记录检查要点" in body
    assert inspection.records.count() == before
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED
