"""The inspection's window (检查时间) on the inspector's pages: a warning outside it, and the
submission for review refused before it opens, and after it closes unless the team says why it
is late. The service decides; the page and the phone's draft sync (the script's requests) show
its refusal, and nothing the team recorded is lost.

There is no REST endpoint for submitting a record: the pages' stage URL, which the drafts
script calls with X-Fieldwork-Draft, is the only way in besides the service."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from backend.audit.models import AuditEvent
from fieldwork.actions import FieldworkAction
from fieldwork.models import Inspection, InspectionState, RecordKind
from fieldwork.services import records
from fieldwork.windows import chinese_date


def _window(inspection, start_in: int, end_in: int):
    """Move the inspection's window to `start_in`..`end_in` days from today (local)."""
    today = timezone.localdate()
    Inspection.objects.filter(pk=inspection.pk).update(
        window_start=today + timedelta(days=start_in), window_end=today + timedelta(days=end_in)
    )
    inspection.refresh_from_db()
    return inspection


def _submissions(inspection):
    return inspection.records.filter(kind=RecordKind.SUBMITTED)


def _submit_page(client, inspection, draft=False, **data):
    data.setdefault("idempotency_key", str(uuid.uuid4()))
    headers = {"X-Fieldwork-Draft": "1"} if draft else {}
    return client.post(
        reverse("fieldwork:stage", args=[inspection.pk, "submit"]), data, headers=headers
    )


# --- the service ----------------------------------------------------------------------------------


def test_a_submission_before_the_window_opens_is_refused_and_nothing_is_recorded(
    inspection, team, fill_record
):
    _window(inspection, 10, 20)
    fill_record(inspection, team)
    before = inspection.records.count()
    with pytest.raises(ValidationError) as refused:
        records.submit_for_review(actor=team[0], inspection=inspection, late_reason="无论理由为何")
    error = refused.value.error_dict["non_field_errors"][0]
    assert error.code == "window_not_started"
    assert f"检查时间窗口尚未开始（{chinese_date(inspection.window_start)}起）" in error.message
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ON_SITE
    assert inspection.records.count() == before  # every stage recorded is still there
    assert not AuditEvent.objects.filter(action=FieldworkAction.SUBMITTED).exists()


def test_within_the_window_the_submission_needs_no_reason(inspection, team, fill_record):
    _window(inspection, -3, 3)
    fill_record(inspection, team)
    record = records.submit_for_review(actor=team[0], inspection=inspection)
    assert record.kind == RecordKind.SUBMITTED and "late_reason" not in record.content
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED


def test_on_the_windows_last_day_the_submission_needs_no_reason(inspection, team, fill_record):
    _window(inspection, -10, 0)
    fill_record(inspection, team)
    records.submit_for_review(actor=team[0], inspection=inspection)
    assert _submissions(inspection).count() == 1


def test_after_the_window_the_submission_says_why_it_is_late(inspection, team, fill_record):
    _window(inspection, -20, -1)
    fill_record(inspection, team)
    with pytest.raises(ValidationError) as refused:
        records.submit_for_review(actor=team[0], inspection=inspection, late_reason="  ")
    error = refused.value.error_dict["late_reason"][0]
    assert error.code == "window_closed"
    assert f"检查时间窗口已于{chinese_date(inspection.window_end)}结束" in error.message
    assert not _submissions(inspection).exists()

    record = records.submit_for_review(
        actor=team[0], inspection=inspection, late_reason="审核退回后补正，逾期一天提交"
    )
    assert record.content["late_reason"] == "审核退回后补正，逾期一天提交"


def test_a_submission_pressed_offline_within_the_window_is_accepted_after_it_closes(
    inspection, team, fill_record
):
    """The phone kept the draft from the window's last day; it reached the server today."""
    _window(inspection, -10, -1)
    fill_record(inspection, team)
    pressed = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=1), time(17, 30))
    )
    record = records.submit_for_review(actor=team[0], inspection=inspection, occurred_at=pressed)
    assert record.occurred_at == pressed and "late_reason" not in record.content


# --- the pages ------------------------------------------------------------------------------------


def test_the_pages_warn_before_the_window_opens(client, inspection, team):
    _window(inspection, 10, 20)
    client.force_login(team[0])
    start = chinese_date(inspection.window_start)
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert 'data-testid="window-warning"' in body
    assert f"检查时间窗口尚未开始（{start}起）" in body
    # My list has it among those still to come, with the days left before it starts.
    today = client.get(reverse("fieldwork:today")).content.decode()
    assert "即将开始的检查" in today and "10 天后开始" in today


def test_the_pages_warn_after_the_window_and_ask_for_the_reason(client, inspection, team):
    _window(inspection, -20, -2)
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert f"检查时间窗口已于{chinese_date(inspection.window_end)}结束（已超过2天）" in body
    assert 'name="late_reason"' in body and "逾期提交原因" in body
    today = client.get(reverse("fieldwork:today")).content.decode()
    assert f'data-testid="window-warning-{inspection.code}"' in today


def test_within_the_window_the_pages_say_nothing_and_ask_for_no_reason(client, inspection, team):
    _window(inspection, -2, 2)
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert 'data-testid="window-warning"' not in body
    assert 'name="late_reason"' not in body


@pytest.mark.parametrize("draft", [False, True], ids=["page", "draft-sync"])
def test_the_page_and_the_draft_sync_refuse_a_submission_before_the_window(
    client, inspection, team, fill_record, draft
):
    _window(inspection, 5, 15)
    fill_record(inspection, team)
    before = inspection.records.count()
    client.force_login(team[0])
    response = _submit_page(client, inspection, draft=draft)
    # Not 204 (sent): the script shows the page with the reason instead of dropping it.
    assert response.status_code == 200
    body = response.content.decode()
    assert f"检查时间窗口尚未开始（{chinese_date(inspection.window_start)}起）" in body
    assert "不能提交审核" in body
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ON_SITE
    assert inspection.records.count() == before


@pytest.mark.parametrize("draft", [False, True], ids=["page", "draft-sync"])
def test_the_page_and_the_draft_sync_take_a_late_submission_with_its_reason(
    client, inspection, team, fill_record, draft
):
    _window(inspection, -20, -5)
    fill_record(inspection, team)
    client.force_login(team[0])
    refused = _submit_page(client, inspection, draft=draft)
    assert refused.status_code == 200
    assert "逾期提交审核须说明原因" in refused.content.decode()
    assert not _submissions(inspection).exists()

    response = _submit_page(client, inspection, draft=draft, late_reason="检查当日无法联网")
    assert response.status_code == (204 if draft else 302)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert "逾期提交原因：检查当日无法联网" in body
