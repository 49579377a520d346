"""Follow-up (后续处置) of a reviewed result: opened, re-checked and completed with dates, each
step a record in the inspection's chain; closing only when the follow-up is done; archiving."""

import io
import threading
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from fieldwork.models import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Inspection,
    InspectionState,
    RecordKind,
)
from fieldwork.selectors import follow_ups_due
from fieldwork.selectors.followups import every_inspection_archived, rechecks_of
from fieldwork.services import followups, records

# The fixtures' task ran in June 2021: a submission today is after its window, and says why.
LATE = "2021年的检查时间已过，补交审核（测试）"

OPENED = date(2021, 6, 20)
PSB = "公安机关出入境管理部门"


@pytest.fixture
def reviewed(inspection, team, fill_record, department_admin):
    """Record the inspection with `codes`, submit it, and the lead department agrees."""

    def make(codes=("no-problem",)):
        fill_record(inspection, team, codes=codes)
        records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
        records.review_result(actor=department_admin, inspection=inspection, agree=True)
        return Inspection.objects.get(pk=inspection.pk)

    return make


def rectify(actor, inspection, **overrides):
    kwargs = {
        "kind": FollowUpKind.RECTIFY,
        "opened_on": OPENED,
        "details": "限期办理外国人工作许可变更手续",
        "due_on": date(2021, 7, 20),
    }
    kwargs.update(overrides)
    return followups.open_follow_up(actor=actor, inspection=inspection, **kwargs)


def follow_up_records(inspection):
    return list(inspection.records.filter(kind=RecordKind.FOLLOW_UP).order_by("sequence"))


def test_a_clean_result_closes_with_no_follow_up_needed_and_is_archived(
    reviewed, planner, department_admin
):
    inspection = reviewed()
    with pytest.raises(ValidationError) as refused:
        followups.close_inspection(actor=department_admin, inspection=inspection)
    assert "无需后续处置" in refused.value.message_dict["non_field_errors"][0]

    none = followups.open_follow_up(
        actor=planner, inspection=inspection, kind=FollowUpKind.NONE, opened_on=OPENED
    )
    assert none.status == FollowUpStatus.COMPLETED
    assert none.completed_on == OPENED
    assert none.completed_record == none.opened_record
    closed = followups.close_inspection(actor=department_admin, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED
    assert inspection.closed_at == closed.recorded_at
    assert closed.content["follow_ups"][0]["kind"] == "none"

    archived = followups.archive_inspection(actor=planner, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ARCHIVED
    assert archived.content["closed_sequence"] == closed.sequence
    kinds = list(inspection.records.order_by("sequence").values_list("kind", flat=True))
    assert kinds[-3:] == [RecordKind.FOLLOW_UP, RecordKind.CLOSED, RecordKind.ARCHIVED]
    call_command("verify_records", inspection.code)  # the chain still holds


def test_rectification_is_opened_rechecked_and_completed_each_step_in_the_chain(
    reviewed, team, department_admin
):
    inspection = reviewed(codes=["follow-up-other"])
    member = team[0]
    follow_up = rectify(member, inspection)
    assert follow_up.status == FollowUpStatus.OPEN
    assert follow_up.due_on == date(2021, 7, 20)
    with pytest.raises(ValidationError) as refused:
        followups.complete_follow_up(
            actor=member, follow_up=follow_up, completed_on=date(2021, 7, 15), outcome="已改正"
        )
    assert refused.value.error_dict["non_field_errors"][0].code == "recheck_required"

    first = followups.recheck_follow_up(
        actor=member,
        follow_up=follow_up,
        checked_on=date(2021, 7, 10),
        rectified=False,
        outcome="变更手续尚在办理中",
    )
    second = followups.recheck_follow_up(
        actor=member,
        follow_up=follow_up,
        checked_on=date(2021, 7, 22),
        rectified=True,
        outcome="已办理工作许可变更",
        place="长春市朝阳区某大厦12层",
    )
    assert first.content["rectified_label"] == "未改正"
    assert second.content["after_deadline"] is True
    assert rechecks_of(follow_up) == [first, second]
    done = followups.complete_follow_up(
        actor=member, follow_up=follow_up, completed_on=date(2021, 7, 23), outcome="改正完毕"
    )
    assert done.status == FollowUpStatus.COMPLETED
    assert done.completed_on == date(2021, 7, 23)

    steps = [r.content["step"] for r in follow_up_records(inspection)]
    assert steps == ["opened", "recheck", "recheck", "completed"]
    assert done.opened_record.content["due_on"] == "2021-07-20"
    assert done.completed_record.content["outcome"] == "改正完毕"
    assert done.completed_record.content["opened_sequence"] == done.opened_record.sequence
    assert timezone.localdate(done.completed_record.occurred_at) == date(2021, 7, 23)
    actions = list(
        AuditEvent.objects.filter(action__startswith="fieldwork.follow_up")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "fieldwork.follow_up.open",
        "fieldwork.follow_up.recheck",
        "fieldwork.follow_up.recheck",
        "fieldwork.follow_up.complete",
    ]
    followups.close_inspection(actor=department_admin, inspection=inspection)
    call_command("verify_records", inspection.code)


def test_a_result_needing_follow_up_closes_only_after_a_real_follow_up_is_completed(
    reviewed, planner, department_admin
):
    inspection = reviewed(codes=["follow-up-other"])
    with pytest.raises(ValidationError) as refused:
        followups.open_follow_up(
            actor=planner, inspection=inspection, kind=FollowUpKind.NONE, opened_on=OPENED
        )
    assert refused.value.error_dict["kind"][0].code == "follow_up_required"

    referral = followups.open_follow_up(
        actor=planner,
        inspection=inspection,
        kind=FollowUpKind.REFER,
        opened_on=OPENED,
        authority=PSB,
        details="发现1名外籍人员未取得工作许可在本单位工作，涉嫌非法就业",
    )
    assert referral.opened_record.content["authority"] == PSB
    with pytest.raises(ValidationError) as refused:
        followups.close_inspection(actor=department_admin, inspection=inspection)
    assert any("尚未完成" in m for m in refused.value.message_dict["non_field_errors"])
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.REVIEWED

    followups.complete_follow_up(
        actor=planner, follow_up=referral, completed_on=date(2021, 7, 1), outcome="公安机关已受理"
    )
    followups.close_inspection(actor=department_admin, inspection=inspection)
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.CLOSED


def test_no_follow_up_needed_cannot_follow_another_follow_up(reviewed, planner):
    inspection = reviewed(codes=["rectified"])
    rectify(planner, inspection)
    with pytest.raises(ValidationError) as refused:
        followups.open_follow_up(
            actor=planner, inspection=inspection, kind=FollowUpKind.NONE, opened_on=OPENED
        )
    assert refused.value.error_dict["kind"][0].code == "follow_up_exists"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kind": "refer", "authority": ""}, "authority", "authority_required"),
        ({"kind": "notify", "authority": "  "}, "authority", "authority_required"),
        ({"kind": "criminal", "authority": ""}, "authority", "authority_required"),
        ({"due_on": None}, "due_on", "deadline_required"),
        ({"details": ""}, "details", "details_required"),
        ({"due_on": date(2021, 6, 19)}, "due_on", "due_before_opened"),
        ({"opened_on": date.today() + timedelta(days=1)}, "opened_on", "date_in_future"),
        ({"opened_on": date(2021, 6, 1)}, "opened_on", "opened_before_inspection"),
        ({"kind": "confiscate"}, "kind", "unknown_kind"),
    ],
)
def test_bad_follow_up_input_is_refused_in_chinese_and_nothing_is_recorded(
    reviewed, planner, overrides, field, code
):
    inspection = reviewed(codes=["follow-up-other"])
    before = inspection.records.count()
    with pytest.raises(ValidationError) as refused:
        rectify(planner, inspection, **overrides)
    error = refused.value.error_dict[field][0]
    assert error.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.messages[0])
    assert inspection.records.count() == before
    assert not FollowUp.objects.exists()


def test_completion_and_recheck_dates_cannot_precede_the_opening(reviewed, planner):
    inspection = reviewed(codes=["follow-up-other"])
    follow_up = rectify(planner, inspection)
    with pytest.raises(ValidationError) as refused:
        followups.recheck_follow_up(
            actor=planner,
            follow_up=follow_up,
            checked_on=date(2021, 6, 19),
            rectified=True,
            outcome="已改正",
        )
    assert refused.value.error_dict["checked_on"][0].code == "checked_before_opened"
    followups.recheck_follow_up(
        actor=planner,
        follow_up=follow_up,
        checked_on=date(2021, 7, 1),
        rectified=True,
        outcome="已改正",
    )
    for day, code in [
        (date(2021, 6, 19), "completed_before_opened"),
        (date(2021, 6, 30), "completed_before_recheck"),
        (date.today() + timedelta(days=1), "date_in_future"),
    ]:
        with pytest.raises(ValidationError) as refused:
            followups.complete_follow_up(
                actor=planner, follow_up=follow_up, completed_on=day, outcome="已改正"
            )
        assert refused.value.error_dict["completed_on"][0].code == code
    with pytest.raises(ValidationError) as refused:
        followups.complete_follow_up(
            actor=planner, follow_up=follow_up, completed_on=date(2021, 7, 2), outcome=" "
        )
    assert refused.value.error_dict["outcome"][0].code == "outcome_required"
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN


def test_only_a_rectification_is_rechecked_and_a_completed_one_is_left_alone(reviewed, planner):
    inspection = reviewed(codes=["follow-up-other"])
    referral = followups.open_follow_up(
        actor=planner,
        inspection=inspection,
        kind=FollowUpKind.NOTIFY,
        opened_on=OPENED,
        authority="市人力资源和社会保障局",
        details="抄告用工情况",
    )
    with pytest.raises(ValidationError) as refused:
        followups.recheck_follow_up(
            actor=planner, follow_up=referral, checked_on=OPENED, rectified=True, outcome="x"
        )
    assert refused.value.error_dict["non_field_errors"][0].code == "not_rectification"
    followups.complete_follow_up(
        actor=planner, follow_up=referral, completed_on=OPENED, outcome="已抄告"
    )
    with pytest.raises(ValidationError) as refused:
        followups.complete_follow_up(
            actor=planner, follow_up=referral, completed_on=OPENED, outcome="再次完成"
        )
    assert refused.value.error_dict["non_field_errors"][0].code == "already_completed"


def test_follow_ups_wait_for_the_review(inspection, team, fill_record, planner):
    fill_record(inspection, team, codes=["follow-up-other"])
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    with pytest.raises(ValidationError) as refused:
        rectify(planner, inspection)
    assert refused.value.error_dict["non_field_errors"][0].code == "wrong_state"
    with pytest.raises(ValidationError):
        followups.close_inspection(actor=planner, inspection=inspection)


def test_archiving_needs_a_closed_inspection(reviewed, planner):
    inspection = reviewed()
    with pytest.raises(ValidationError) as refused:
        followups.archive_inspection(actor=planner, inspection=inspection)
    assert refused.value.error_dict["non_field_errors"][0].code == "wrong_state"
    assert not every_inspection_archived(inspection.task)


@pytest.mark.parametrize(
    "persona", ["outsider", "ga_department_admin", "legal_reviewer", "system_admin"], indirect=True
)
def test_who_is_not_on_the_team_nor_lead_staff_cannot_record_follow_ups(reviewed, persona):
    inspection = reviewed(codes=["follow-up-other"])
    with pytest.raises(PermissionDenied):
        rectify(persona, inspection)
    assert not FollowUp.objects.exists()


def test_the_team_records_follow_ups_but_only_lead_staff_close_and_archive(
    reviewed, team, department_admin, ga_department_admin
):
    inspection = reviewed()
    followups.open_follow_up(
        actor=team[1], inspection=inspection, kind=FollowUpKind.NONE, opened_on=OPENED
    )
    for actor in (team[0], ga_department_admin):
        with pytest.raises(PermissionDenied):
            followups.close_inspection(actor=actor, inspection=inspection)
    followups.close_inspection(actor=department_admin, inspection=inspection)
    with pytest.raises(PermissionDenied):
        followups.archive_inspection(actor=team[0], inspection=inspection)


def test_a_retried_submission_with_the_same_key_records_once(reviewed, planner, department_admin):
    inspection = reviewed(codes=["follow-up-other"])
    key = uuid.uuid4()
    first = rectify(planner, inspection, idempotency_key=key)
    again = rectify(planner, inspection, idempotency_key=key)
    assert first == again
    assert FollowUp.objects.count() == 1
    check_key = uuid.uuid4()
    for _ in range(2):
        followups.recheck_follow_up(
            actor=planner,
            follow_up=first,
            checked_on=date(2021, 7, 1),
            rectified=True,
            outcome="已改正",
            idempotency_key=check_key,
        )
    assert len(rechecks_of(first)) == 1
    with pytest.raises(ValidationError) as refused:
        followups.complete_follow_up(
            actor=planner,
            follow_up=first,
            completed_on=date(2021, 7, 2),
            outcome="改正完毕",
            idempotency_key=check_key,
        )
    assert refused.value.error_dict["non_field_errors"][0].code == "idempotency_key_reused"
    done_key = uuid.uuid4()
    for _ in range(2):
        followups.complete_follow_up(
            actor=planner,
            follow_up=first,
            completed_on=date(2021, 7, 2),
            outcome="改正完毕",
            idempotency_key=done_key,
        )
    close_key = uuid.uuid4()
    closed = followups.close_inspection(
        actor=department_admin, inspection=inspection, idempotency_key=close_key
    )
    assert (
        followups.close_inspection(
            actor=department_admin, inspection=inspection, idempotency_key=close_key
        )
        == closed
    )
    assert [r.content["step"] for r in follow_up_records(inspection)] == [
        "opened",
        "recheck",
        "completed",
    ]
    assert inspection.records.filter(kind=RecordKind.CLOSED).count() == 1


# --- the pages ----------------------------------------------------------------------------------


def test_the_team_opens_rechecks_and_completes_on_the_page_and_a_resent_form_records_once(
    reviewed, team, login, department_admin
):
    inspection = reviewed(codes=["follow-up-other"])
    client = login(team[0])
    page = client.get(reverse("fieldwork:followups", args=[inspection.pk]))
    assert page.status_code == 200
    assert 'data-testid="open-form"' in page.content.decode()
    key = str(uuid.uuid4())
    form = {
        "idempotency_key": key,
        "kind": "rectify",
        "details": "限期改正",
        "due_on": "2021-07-20",
        "opened_on": "2021-06-20",
    }
    for _ in range(2):
        response = client.post(reverse("fieldwork:followup-open", args=[inspection.pk]), form)
        assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    response = client.post(
        reverse("fieldwork:followup-recheck", args=[inspection.pk, follow_up.pk]),
        {
            "idempotency_key": str(uuid.uuid4()),
            "checked_on": "2021-07-15",
            "rectified": "1",
            "outcome": "已改正",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("fieldwork:followup-complete", args=[inspection.pk, follow_up.pk]),
        {"idempotency_key": str(uuid.uuid4()), "completed_on": "2021-07-16", "outcome": "改正完毕"},
    )
    assert response.status_code == 302
    page = client.get(reverse("fieldwork:followups", args=[inspection.pk])).content.decode()
    assert "改正完毕" in page and "已改正" in page
    assert 'data-testid="close"' not in page  # the team does not close

    admin_client = login(department_admin)
    response = admin_client.post(
        reverse("fieldwork:followups-close", args=[inspection.pk]),
        {"idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.CLOSED
    response = admin_client.post(
        reverse("fieldwork:followups-archive", args=[inspection.pk]),
        {"idempotency_key": str(uuid.uuid4())},
    )
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.ARCHIVED


def test_a_referral_without_its_authority_is_refused_on_the_page(reviewed, planner, login):
    inspection = reviewed(codes=["follow-up-other"])
    response = login(planner).post(
        reverse("fieldwork:followup-open", args=[inspection.pk]),
        {
            "idempotency_key": str(uuid.uuid4()),
            "kind": "refer",
            "details": "外籍人员无证就业",
            "opened_on": "2021-06-20",
        },
    )
    assert response.status_code == 200
    assert "移送案件线索须写明接收机关" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_closing_with_an_open_follow_up_is_refused_on_the_page(reviewed, department_admin, login):
    inspection = reviewed(codes=["follow-up-other"])
    rectify(department_admin, inspection)
    client = login(department_admin)
    page = client.get(reverse("fieldwork:followups", args=[inspection.pk])).content.decode()
    assert "后续处置“责令改正”尚未完成" in page
    response = client.post(
        reverse("fieldwork:followups-close", args=[inspection.pk]),
        {"idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "还不能办结" in response.content.decode()
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.REVIEWED


def test_someone_who_cannot_see_the_inspection_gets_not_found(reviewed, outsider, login):
    inspection = reviewed()
    client = login(outsider)
    assert client.get(reverse("fieldwork:followups", args=[inspection.pk])).status_code == 404
    response = client.post(
        reverse("fieldwork:followup-open", args=[inspection.pk]),
        {"idempotency_key": str(uuid.uuid4()), "kind": "none", "opened_on": "2021-06-20"},
    )
    assert response.status_code == 404


def test_a_reader_of_the_department_sees_the_page_without_forms(reviewed, legal_reviewer, login):
    inspection = reviewed()
    page = login(legal_reviewer).get(reverse("fieldwork:followups", args=[inspection.pk]))
    assert page.status_code == 200
    assert 'data-testid="open-form"' not in page.content.decode()


@pytest.fixture
def overdue_and_done(reviewed, planner):
    """One overdue rectification, and a completed notification, on the same inspection."""
    inspection = reviewed(codes=["follow-up-other"])
    overdue = rectify(planner, inspection, due_on=date(2021, 7, 1))
    done = followups.open_follow_up(
        actor=planner,
        inspection=inspection,
        kind=FollowUpKind.NOTIFY,
        opened_on=OPENED,
        authority="市人力资源和社会保障局",
        details="抄告用工情况",
    )
    followups.complete_follow_up(
        actor=planner, follow_up=done, completed_on=OPENED, outcome="已抄告"
    )
    return overdue, done


def test_an_overdue_follow_up_shows_highlighted_on_the_department_dashboards(
    overdue_and_done, planner, department_admin, inspector, login
):
    overdue, done = overdue_and_done
    due = list(follow_ups_due(department_admin))
    assert due == [overdue] and due[0].overdue
    assert list(follow_ups_due(department_admin, today=date(2021, 6, 30)))[0].overdue is False
    assert not follow_ups_due(inspector).exists()  # not on the team
    for user, home in [(department_admin, "home-department"), (planner, "home-planner")]:
        page = login(user).get(reverse(f"accounts:{home}")).content.decode()
        assert 'data-testid="follow-ups-due"' in page
        assert 'data-testid="overdue-follow-up"' in page
        assert overdue.inspection.code in page
        assert "其中 1 项已逾期" in page


def test_the_department_list_filters_and_exports_follow_ups(overdue_and_done, planner, login):
    overdue, done = overdue_and_done
    client = login(planner)
    url = reverse("fieldwork:followup-list")
    page = client.get(url).content.decode()
    assert page.count("<tr") == 3  # the header and two follow-ups
    assert page.count('data-testid="overdue-row"') == 1
    assert client.get(url, {"overdue": "on"}).content.decode().count("<tr") == 2
    assert "抄告其他部门" in client.get(url, {"kind": "notify"}).content.decode()
    assert "没有符合条件" in client.get(url, {"kind": "criminal"}).content.decode()
    assert client.get(url, {"status": "completed"}).content.decode().count("<tr") == 2

    response = client.get(reverse("fieldwork:followup-export"), {"status": "open"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "检查编号" and len(rows) == 2
    assert rows[1][4] == "责令改正" and rows[1][10] == "是"
    event = AuditEvent.objects.get(action="fieldwork.follow_up.export")
    assert event.detail["rows"] == 1


@pytest.mark.parametrize("persona", ["inspector", "system_admin"], indirect=True)
def test_the_department_list_is_for_the_department_s_staff(login, persona):
    assert login(persona).get(reverse("fieldwork:followup-list")).status_code == 403


# --- concurrency (PostgreSQL) -------------------------------------------------------------------


def _at_once(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call):
        try:
            start.wait(timeout=30)
            outcomes.append(call())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_of_one_follow_up_record_it_once(reviewed, planner, team):
    inspection = reviewed(codes=["follow-up-other"])
    key = uuid.uuid4()
    outcomes = _at_once(
        lambda: rectify(planner, inspection, idempotency_key=key),
        lambda: rectify(team[0], inspection, idempotency_key=key),
    )
    assert all(isinstance(o, FollowUp) for o in outcomes), outcomes
    assert FollowUp.objects.count() == 1
    assert len(follow_up_records(inspection)) == 1

    follow_up = FollowUp.objects.get()
    followups.recheck_follow_up(
        actor=planner, follow_up=follow_up, checked_on=OPENED, rectified=True, outcome="已改正"
    )
    outcomes = _at_once(
        *(
            lambda: followups.complete_follow_up(
                actor=planner, follow_up=follow_up, completed_on=OPENED, outcome="改正完毕"
            )
            for _ in range(2)
        )
    )
    assert sum(isinstance(o, FollowUp) for o in outcomes) == 1, outcomes
    refused = next(o for o in outcomes if isinstance(o, ValidationError))
    assert refused.error_dict["non_field_errors"][0].code == "already_completed"
    assert [r.content["step"] for r in follow_up_records(inspection)] == [
        "opened",
        "recheck",
        "completed",
    ]


def test_the_inspection_page_links_to_its_follow_ups_once_the_result_is_reviewed(
    inspection, team, fill_record, department_admin, login
):
    """The follow-ups and the closing (办结) have their own page: the inspection's page leads
    there once the result is agreed, and not before (no page linked to it)."""
    link = reverse("fieldwork:followups", args=[inspection.pk])
    client = login(department_admin)
    fill_record(inspection, team, codes=["no-problem"])
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    page = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert 'data-testid="followups-link"' not in page and link not in page
    records.review_result(actor=department_admin, inspection=inspection, agree=True)
    page = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert f'href="{link}" data-testid="followups-link">后续处置与办结</a>' in page
