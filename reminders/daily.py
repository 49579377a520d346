"""The daily reminders: who must be told what today, as notifications (backend.notifications).

`send_daily_reminders` runs once a day (`manage.py send_reminders`, or Celery beat) and may run
again the same day without telling anyone twice: every reminder carries a dedupe key with the
day. Each kind fires on its own days, so that a reminder means "act now", not background noise:

- 执法证: 90, 30 and 7 calendar days before the last valid day (not on the days in between);
- 培训学时: on the first working day of October, November and December, to those still short
  of their department's yearly minimum (the last quarter is when it can still be made up);
- 法制审核, 结果公示 and 补办审批: on each working day from 2 working days before the deadline to
  the deadline itself, counted on the working-day calendar (a review due after National Day is
  announced before the holiday, not during it); overdue reviews and publications on each
  working day until done; a missed 补办审批 once, on the first working day after its deadline
  (it can no longer be approved: the department head is told, not nagged);
- 后续处置: on each working day while open past its 完成期限.

Reminders that count working days are sent on working days only: a holiday's reminder would
be read on the next working day anyway, when it is sent.
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from backend.organisation.models import Department
from backend.text import chinese_date
from backend.workdays.calendar import WorkdayCalendar
from backend.workdays.selectors import workday_calendar
from disclosure.access import PUBLISHERS
from disclosure.selectors import PUBLISHABLE, due_results
from fieldwork.models import ApprovalState, FollowUp, FollowUpStatus, Inspection
from legalreview.deadlines import review_deadline
from legalreview.models import LegalReview, ReviewOutcome
from personnel.models import ON_ROSTER, Certificate, CertificateStatus, Officer
from personnel.reports import training_shortfalls

logger = logging.getLogger(__name__)

CERTIFICATE_DAYS = (90, 30, 7)
TRAINING_MONTHS = (10, 11, 12)
DUE_SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class Day:
    """Today, and what the calendar says about it."""

    today: date
    calendar: WorkdayCalendar

    @property
    def is_workday(self) -> bool:
        return self.calendar.is_workday(self.today)[0]

    def working_days_left(self, due: date) -> int:
        """Working days after today up to the deadline: 0 on the deadline itself."""
        return self.calendar.working_days_between(self.today, due)[0]

    def is_first_workday_of_month(self) -> bool:
        first = self.today.replace(day=1)
        while not self.calendar.is_workday(first)[0] and first < self.today:
            first += timedelta(days=1)
        return first == self.today and self.is_workday

    def previous_workday(self) -> date:
        day = self.today - timedelta(days=1)
        while not self.calendar.is_workday(day)[0]:
            day -= timedelta(days=1)
        return day


class RemindersFailed(Exception):
    """Some kinds of reminder failed (logged); the others were sent. Running again is safe."""

    def __init__(self, sent: Counter, failed: list[str]):
        self.sent = sent
        self.failed = failed
        super().__init__("提醒发送失败：" + "、".join(failed))


def send_daily_reminders(today: date | None = None) -> Counter:
    """Send today's reminders; how many notifications of each kind were created.

    One kind that fails (a row the code did not expect) does not keep the others from being
    sent: it is logged, and `RemindersFailed` is raised at the end so that the command exits
    non-zero and a scheduler may retry (the dedupe keys make a retry send only what is
    missing)."""
    day = Day(today=today or timezone.localdate(), calendar=workday_calendar())
    kinds = [
        (NotificationKind.CERTIFICATE_EXPIRING, certificate_reminders),
        (NotificationKind.TRAINING_SHORT, training_reminders),
    ]
    if day.is_workday:
        kinds += [
            (NotificationKind.LEGAL_REVIEW_DUE, legal_review_reminders),
            (NotificationKind.PUBLICATION_DUE, publication_reminders),
            (NotificationKind.FOLLOW_UP_OVERDUE, follow_up_reminders),
            (NotificationKind.APPROVAL_OVERDUE, approval_reminders),
        ]
    sent: Counter = Counter()
    failed = []
    for kind, send in kinds:
        try:
            sent[kind] += send(day)
        except Exception:
            logger.exception("reminders of %s on %s failed", kind.value, day.today)
            failed.append(str(kind.label))
    if failed:
        raise RemindersFailed(sent, failed)
    return sent


def _staff(department_id: int, *roles: str) -> list[User]:
    return list(
        User.objects.filter(department_id=department_id, role__in=roles, is_active=True).order_by(
            "pk"
        )
    )


def _ymd(day: date) -> str:
    return chinese_date(day)


def _deadline_phrase(day: Day, due: date) -> tuple[bool, str]:
    """(overdue, how it reads) for a deadline in working days."""
    if day.today > due:
        return True, f"已超过期限（{_ymd(due)}）"
    left = day.working_days_left(due)
    if left == 0:
        return False, f"今天（{_ymd(due)}）到期"
    return False, f"还有{left}个工作日到期（{_ymd(due)}）"


# --- personnel --------------------------------------------------------------------------------


def certificate_reminders(day: Day) -> int:
    """A valid certificate whose last day is 90, 30 or 7 days away, unless the officer already
    holds a valid certificate of the same kind that lasts longer (renewed early)."""
    renewed = Certificate.objects.filter(
        officer=OuterRef("officer"),
        kind=OuterRef("kind"),
        status=CertificateStatus.VALID,
        valid_to__gt=OuterRef("valid_to"),
    )
    count = 0
    for days in CERTIFICATE_DAYS:
        expiring = (
            Certificate.objects.filter(
                status=CertificateStatus.VALID,
                valid_to=day.today + timedelta(days=days),
                officer__status__in=ON_ROSTER,
            )
            .filter(~Exists(renewed))
            .select_related("officer", "officer__user")
            .order_by("pk")
        )
        for certificate in expiring:
            officer = certificate.officer
            recipients = [officer.user] + _staff(officer.department_id, Role.DEPARTMENT_ADMIN)
            count += len(
                notify(
                    recipients,
                    kind=NotificationKind.CERTIFICATE_EXPIRING,
                    title=f"{officer.name}的执法证还有{days}天到期",
                    body=(
                        f"{officer.name}的{certificate.get_kind_display()}（证号 "
                        f"{certificate.number}）有效期至{_ymd(certificate.valid_to)}，"
                        "请及时办理换证，到期后不能参加检查。"
                    ),
                    link=reverse("personnel:officer", args=[officer.pk]),
                    dedupe_key=f"certificate:{certificate.pk}:{days}:{_ymd(day.today)}",
                )
            )
    return count


def training_reminders(day: Day) -> int:
    """Each officer short of the yearly minimum, and one summary per department to its
    administrators, on the first working day of each month of the last quarter."""
    if day.today.month not in TRAINING_MONTHS or not day.is_first_workday_of_month():
        return 0
    year = day.today.year
    stamp = _ymd(day.today)
    shortfalls = training_shortfalls(
        Officer.objects.select_related("user").order_by("pk"), year=year
    )
    count = 0
    by_department: dict[int, list] = {}
    for short in shortfalls:
        by_department.setdefault(short.officer.department_id, []).append(short)
        count += len(
            notify(
                short.officer.user,
                kind=NotificationKind.TRAINING_SHORT,
                title=f"您{year}年度的培训学时尚差{_hours(short.missing)}学时",
                body=(
                    f"{year}年度已登记培训{_hours(short.hours)}学时，本部门要求每年不少于"
                    f"{_hours(short.minimum)}学时。请在年底前参加培训并登记学时。"
                ),
                link=reverse("personnel:me"),
                dedupe_key=f"training:{short.officer.pk}:{stamp}",
            )
        )
    for department_id, rows in by_department.items():
        names = "、".join(f"{r.officer.name}（差{_hours(r.missing)}学时）" for r in rows[:20])
        more = f"等{len(rows)}人" if len(rows) > 20 else ""
        count += len(
            notify(
                _staff(department_id, Role.DEPARTMENT_ADMIN),
                kind=NotificationKind.TRAINING_SHORT,
                title=f"本部门{len(rows)}名执法人员{year}年度培训学时不足",
                body=f"{names}{more}。",
                link=reverse("personnel:reports"),
                dedupe_key=f"training-department:{department_id}:{stamp}",
            )
        )
    return count


def _hours(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- legal review, publication, follow-up, approval --------------------------------------------


def _due_now(day: Day, due: date) -> bool:
    return day.today > due or day.working_days_left(due) <= DUE_SOON_WORKING_DAYS


def legal_review_reminders(day: Day) -> int:
    """Open review rounds due within 2 working days or overdue: the department's legal
    reviewers; the overdue ones also its administrators."""
    count = 0
    rounds = LegalReview.objects.filter(outcome=ReviewOutcome.PENDING).select_related(
        "decision", "decision__department"
    )
    for review in rounds.order_by("pk"):
        due = review_deadline(review, day.calendar).due
        if not _due_now(day, due):
            continue
        overdue, phrase = _deadline_phrase(day, due)
        department_id = review.decision.department_id
        roles = (Role.LEGAL_REVIEWER, Role.DEPARTMENT_ADMIN) if overdue else (Role.LEGAL_REVIEWER,)
        count += len(
            notify(
                _staff(department_id, *roles),
                kind=NotificationKind.LEGAL_REVIEW_DUE,
                title=f"法制审核{phrase}：{review.decision.number}",
                body=(
                    f"行政执法决定{review.decision.number}的第{review.round}轮法制审核"
                    f"（{_ymd(review.submitted_on)}送审）{phrase}。"
                ),
                link=reverse("legalreview:review", args=[review.pk]),
                dedupe_key=f"legal-review:{review.pk}:{_ymd(day.today)}",
            )
        )
    return count


def publication_reminders(day: Day) -> int:
    """Reviewed results not yet published, due within 2 working days or overdue: the
    department's planners and administrators (谁检查、谁公开)."""
    count = 0
    departments = Department.objects.filter(
        pk__in=Inspection.objects.filter(state__in=PUBLISHABLE).values("task__department")
    ).order_by("pk")
    for department in departments:
        recipients = _staff(department.pk, *PUBLISHERS)
        for row in due_results(department, today=day.today):
            if not _due_now(day, row.due):
                continue
            _, phrase = _deadline_phrase(day, row.due)
            inspection = row.inspection
            count += len(
                notify(
                    recipients,
                    kind=NotificationKind.PUBLICATION_DUE,
                    title=f"检查结果公示{phrase}：{inspection.code}",
                    body=(
                        f"检查{inspection.code}（{inspection.firm_name}）的检查结果应于"
                        f"{_ymd(row.due)}前公示（{row.deadline.kind_label}），{phrase}。"
                    ),
                    link=reverse("publishing:due"),
                    dedupe_key=f"publication:{inspection.pk}:{_ymd(day.today)}",
                )
            )
    return count


def follow_up_reminders(day: Day) -> int:
    """Open follow-ups past their 完成期限: whoever opened it and the department's
    administrators."""
    count = 0
    overdue = (
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, due_on__lt=day.today)
        .select_related("inspection", "inspection__task", "created_by")
        .order_by("pk")
    )
    for follow_up in overdue:
        inspection = follow_up.inspection
        recipients = [follow_up.created_by] + _staff(
            inspection.task.department_id, Role.DEPARTMENT_ADMIN
        )
        count += len(
            notify(
                recipients,
                kind=NotificationKind.FOLLOW_UP_OVERDUE,
                title=f"后续处置已超过完成期限：{inspection.code}",
                body=(
                    f"检查{inspection.code}（{inspection.firm_name}）的后续处置"
                    f"“{follow_up.get_kind_display()}”应于{_ymd(follow_up.due_on)}前完成，"
                    "尚未办结。"
                ),
                link=reverse("fieldwork:followups", args=[inspection.pk]),
                dedupe_key=f"follow-up:{follow_up.pk}:{_ymd(day.today)}",
            )
        )
    return count


def approval_reminders(day: Day) -> int:
    """Inspections started in an emergency and not yet approved afterwards: the lead
    department's head, from 2 working days before the deadline; once more, on the first
    working day after it, when it can no longer be approved."""
    count = 0
    waiting = (
        Inspection.objects.filter(approval_state=ApprovalState.EMERGENCY)
        .select_related("task")
        .order_by("pk")
    )
    last_workday = day.previous_workday()
    for inspection in waiting:
        due = inspection.approval_due
        if due is None:
            continue
        if day.today > due:
            # Once: on the first working day after the deadline.
            if last_workday > due:
                continue
            key = f"approval-missed:{inspection.pk}"
            title = f"紧急先行检查未在期限内补办审批：{inspection.code}"
            body = (
                f"检查{inspection.code}（{inspection.firm_name}）紧急先行检查后，"
                f"应于{_ymd(due)}前补办审批，已超过期限，不能再补办。"
            )
        elif day.working_days_left(due) <= DUE_SOON_WORKING_DAYS:
            _, phrase = _deadline_phrase(day, due)
            key = f"approval:{inspection.pk}:{_ymd(day.today)}"
            title = f"紧急先行检查待补办审批，{phrase}：{inspection.code}"
            body = (
                f"检查{inspection.code}（{inspection.firm_name}）已紧急先行检查，"
                f"请在{_ymd(due)}前补办审批。"
            )
        else:
            continue
        count += len(
            notify(
                _staff(inspection.task.department_id, Role.DEPARTMENT_ADMIN),
                kind=NotificationKind.APPROVAL_OVERDUE,
                title=title,
                body=body,
                link=reverse("fieldwork:inspection", args=[inspection.pk]),
                dedupe_key=key,
            )
        )
    return count
