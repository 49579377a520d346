"""Legal reviews, publications and 补办审批 from 2 working days before their deadline, overdue
ones and follow-ups past their 完成期限 on working days (issue 18, item 4). Counted on the
product's working-day calendar: 2027 with the National Day golden week (1–7 October) off.

The task is carried through the services on fixed days (the clock set to 10:00 Beijing time of
that day), so that every deadline below is the one the product itself computes."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from disclosure_builders import carry_out, drawn_task, login_of
from django.utils import timezone

from backend.notifications.models import Notification, NotificationKind
from fieldwork.models import FollowUpKind, RecordKind
from fieldwork.services.approvals import start_in_emergency
from fieldwork.services.followups import complete_follow_up, open_follow_up
from fieldwork.services.inspections import start_fieldwork
from legalreview.services.decisions import DecisionContent, draft_decision, submit_decision
from reminders.daily import send_daily_reminders

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """Set the product's clock to 10:00 Beijing time of a day, for the services that read it."""

    def set_day(day: date) -> None:
        moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_day


@pytest.fixture
def task(kj, planner, department_admin, legal_reviewer, national_day_2027):
    """KJ's task with three drawn firms, its fieldwork started; nothing approved yet."""
    task = drawn_task(department=kj, planner=planner, department_admin=department_admin, firms=3)
    start_fieldwork(actor=planner, task=task)
    return task


@pytest.fixture
def reviewed(task, clock, planner, department_admin):
    """Every inspection recorded and submitted on Friday 10 September 2027; the first one's
    result reviewed (同意) that day."""
    clock(date(2027, 9, 10))
    inspections = carry_out(task, planner=planner, reviewer=department_admin, review=[0])
    return inspections[0]


def test_an_emergency_start_is_reminded_before_its_deadline_and_once_after(
    task, clock, today_is, department_admin, planner, days_with_reminders
):
    inspection = task.inspections.order_by("code").first()
    member = inspection.members.select_related("officer").first()
    today_is(date(2027, 9, 28))  # Tuesday: 3 working days end on Friday 8 October
    start_in_emergency(actor=login_of(member.officer), inspection=inspection, reason="证据可能灭失")
    inspection.refresh_from_db()
    assert inspection.approval_due == date(2027, 10, 8)
    found = days_with_reminders(
        date(2027, 9, 27), date(2027, 10, 20), NotificationKind.APPROVAL_OVERDUE
    )
    # 2 and 1 working days before, on the day (after the holiday), and once after it.
    assert list(found) == [
        date(2027, 9, 29),
        date(2027, 9, 30),
        date(2027, 10, 8),
        date(2027, 10, 11),
    ]
    assert all(recipients == [department_admin.username] for recipients in found.values())
    last = Notification.objects.filter(kind=NotificationKind.APPROVAL_OVERDUE).first()
    assert (
        "未在期限内补办审批" in last.title and last.link == f"/field/inspections/{inspection.pk}/"
    )


def test_an_approved_inspection_is_not_reminded(
    task, today_is, department_admin, days_with_reminders
):
    from fieldwork.services.approvals import approve_inspection

    inspection = task.inspections.order_by("code").first()
    member = inspection.members.select_related("officer").first()
    today_is(date(2027, 9, 28))
    start_in_emergency(actor=login_of(member.officer), inspection=inspection, reason="证据可能灭失")
    today_is(date(2027, 9, 29))
    approve_inspection(actor=department_admin, inspection=inspection)
    found = days_with_reminders(
        date(2027, 9, 30), date(2027, 10, 20), NotificationKind.APPROVAL_OVERDUE
    )
    assert found == {}


def test_a_result_to_publish_is_reminded_from_2_working_days_before_its_deadline(
    reviewed, planner, department_admin, inspector, legal_reviewer, days_with_reminders
):
    # Reviewed on 10 September: 20 working days, the golden week not counted, end on 15 October.
    found = days_with_reminders(
        date(2027, 9, 20), date(2027, 10, 19), NotificationKind.PUBLICATION_DUE
    )
    assert list(found) == [
        date(2027, 10, 13),
        date(2027, 10, 14),
        date(2027, 10, 15),
        date(2027, 10, 18),  # overdue: each working day (not the weekend) until published
        date(2027, 10, 19),
    ]
    publishers = sorted([planner.username, department_admin.username])
    assert all(recipients == publishers for recipients in found.values())
    titles = [
        n.title
        for n in Notification.objects.filter(
            kind=NotificationKind.PUBLICATION_DUE, recipient=planner
        ).order_by("pk")
    ]
    assert titles == [
        f"检查结果公示还有2个工作日到期（2027年10月15日）：{reviewed.code}",
        f"检查结果公示还有1个工作日到期（2027年10月15日）：{reviewed.code}",
        f"检查结果公示今天（2027年10月15日）到期：{reviewed.code}",
        f"检查结果公示已超过期限（2027年10月15日）：{reviewed.code}",
        f"检查结果公示已超过期限（2027年10月15日）：{reviewed.code}",
    ]


def test_a_follow_up_past_its_deadline_is_reminded_on_working_days_until_done(
    reviewed, clock, planner, department_admin, days_with_reminders
):
    clock(date(2027, 9, 13))
    follow_up = open_follow_up(
        actor=planner,
        inspection=reviewed,
        kind=FollowUpKind.REFER,
        opened_on=date(2027, 9, 13),
        authority="市公安局出入境管理支队",
        details="移送涉嫌非法聘用外国人的案件线索",
        due_on=date(2027, 10, 5),  # in the golden week
    )
    found = days_with_reminders(
        date(2027, 9, 20), date(2027, 10, 12), NotificationKind.FOLLOW_UP_OVERDUE
    )
    assert list(found) == [date(2027, 10, 8), date(2027, 10, 11), date(2027, 10, 12)]
    assert all(
        recipients == sorted([planner.username, department_admin.username])
        for recipients in found.values()
    )
    assert send_daily_reminders(date(2027, 10, 12))[NotificationKind.FOLLOW_UP_OVERDUE] == 0
    clock(date(2027, 10, 13))
    complete_follow_up(
        actor=planner,
        follow_up=follow_up,
        completed_on=date(2027, 10, 13),
        outcome="公安机关已受理",
    )
    assert send_daily_reminders(date(2027, 10, 14))[NotificationKind.FOLLOW_UP_OVERDUE] == 0


def test_a_legal_review_is_reminded_from_2_working_days_before_its_deadline(
    reviewed, clock, legal_reviewer, department_admin, planner, days_with_reminders
):
    member = reviewed.members.select_related("officer").first()
    drafter = login_of(member.officer)
    clock(date(2027, 9, 29))  # Wednesday: 5 working days end on Wednesday 13 October
    decision = draft_decision(
        actor=drafter,
        inspection=reviewed,
        content=DecisionContent(
            decision_type="referral",
            title=f"关于对{reviewed.firm_name}移送案件线索的决定",
            draft_text="经查，当事人涉嫌非法聘用外国人，移送公安机关处理。",
            facts="当事人聘用的外籍人员未取得工作许可。",
            legal_basis="《中华人民共和国出境入境管理法》第四十三条、第八十条",
            recipient="市公安局出入境管理支队",
            public_interest=True,
            evidence=list(reviewed.records.filter(kind=RecordKind.FINDINGS)),
        ),
    )
    submit_decision(actor=drafter, decision=decision)
    review = decision.reviews.get()
    assert review.submitted_on == date(2027, 9, 29)
    found = days_with_reminders(
        date(2027, 9, 29), date(2027, 10, 15), NotificationKind.LEGAL_REVIEW_DUE
    )
    assert list(found) == [
        date(2027, 10, 11),
        date(2027, 10, 12),
        date(2027, 10, 13),
        date(2027, 10, 14),
        date(2027, 10, 15),
    ]
    # The reviewers until the deadline; once overdue, the department's head as well.
    assert found[date(2027, 10, 13)] == [legal_reviewer.username]
    assert found[date(2027, 10, 14)] == sorted([department_admin.username, legal_reviewer.username])
    assert all(
        n.link == f"/legal/reviews/{review.pk}/"
        for n in Notification.objects.filter(kind=NotificationKind.LEGAL_REVIEW_DUE)
    )
