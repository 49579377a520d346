"""Certificates expiring in 90, 30 and 7 days, and training hours short in the last quarter
(issue 18, item 4): on exactly those days, to the officer and the department's administrators,
never twice."""

from datetime import date
from decimal import Decimal

import pytest

from backend.codes import make_citizen_id
from backend.notifications.models import Notification, NotificationKind
from personnel import services as personnel
from personnel.models import CertificateKind, EnforcementField, OfficerCategory
from reminders.daily import send_daily_reminders

EXPIRING = NotificationKind.CERTIFICATE_EXPIRING
TRAINING = NotificationKind.TRAINING_SHORT


@pytest.fixture
def field(db):
    return EnforcementField.objects.create(code="FOREIGN_WORK", name="外国人来华工作许可")


@pytest.fixture
def officer_of(make_user, field):
    """An officer of `department` with a login, holding a certificate valid until `valid_to`."""
    serial = iter(range(1, 100))

    def make(department, valid_to: date, *, name: str):
        n = next(serial)
        account = make_user(f"officer_{department.code}_{n}", "inspector", department)
        officer = personnel.create_officer(
            actor=None,
            department=department,
            name=name,
            citizen_id=make_citizen_id(birth=date(1980, 1, n), seq="031"),
            category=OfficerCategory.CIVIL_SERVANT,
            user=account,
        )
        personnel.issue_certificate(
            actor=None,
            officer=officer,
            number=f"2201R{n:08d}",
            kind=CertificateKind.NATIONAL,
            issuing_authority="长春市人民政府",
            enforcement_fields=[field],
            valid_from=date(2022, 1, 1),
            valid_to=valid_to,
            reason="通过行政执法资格考试",
        )
        return officer

    return make


def test_a_certificate_is_reminded_90_30_and_7_days_before_it_expires(
    days_with_reminders, officer_of, kj, ga, department_admin, ga_department_admin, planner
):
    officer = officer_of(kj, date(2027, 12, 31), name="王执法")
    found = days_with_reminders(date(2027, 9, 1), date(2028, 1, 5), EXPIRING)
    assert list(found) == [date(2027, 10, 2), date(2027, 12, 1), date(2027, 12, 24)]
    # The officer and KJ's administrator; not GA's, not the planner.
    for recipients in found.values():
        assert recipients == sorted([officer.user.username, department_admin.username])
    titles = list(
        Notification.objects.filter(recipient=officer.user, kind=EXPIRING).values_list(
            "title", flat=True
        )
    )
    assert sorted(titles) == sorted([f"王执法的执法证还有{days}天到期" for days in (90, 30, 7)])


def test_a_certificate_reminder_is_sent_once_a_day(officer_of, kj, department_admin):
    officer_of(kj, date(2027, 12, 31), name="王执法")
    assert send_daily_reminders(date(2027, 12, 1))[EXPIRING] == 2
    assert send_daily_reminders(date(2027, 12, 1))[EXPIRING] == 0
    assert Notification.objects.filter(kind=EXPIRING).count() == 2


def test_a_renewed_certificate_is_not_reminded(officer_of, field, kj, department_admin):
    officer = officer_of(kj, date(2027, 12, 31), name="王执法")
    personnel.issue_certificate(
        actor=None,
        officer=officer,
        number="2201R99999999",
        kind=CertificateKind.NATIONAL,
        issuing_authority="长春市人民政府",
        enforcement_fields=[field],
        valid_from=date(2027, 11, 1),
        valid_to=date(2032, 10, 31),
        reason="换发新证",
    )
    assert send_daily_reminders(date(2027, 12, 1))[EXPIRING] == 0


def test_no_personal_number_in_a_certificate_reminder(officer_of, kj, department_admin):
    officer = officer_of(kj, date(2027, 12, 31), name="王执法")
    send_daily_reminders(date(2027, 12, 24))
    for n in Notification.objects.filter(kind=EXPIRING):
        assert officer.citizen_id not in n.title + n.body
        assert officer.certificates.first().number in n.body  # certificate numbers are public


def test_training_hours_short_are_reminded_on_the_first_working_day_of_each_last_quarter_month(
    days_with_reminders, officer_of, kj, department_admin, national_day_2027
):
    personnel.update_training_policy(
        actor=None, department=kj, min_hours=Decimal("40"), required=True
    )
    short = officer_of(kj, date(2030, 12, 31), name="王执法")
    enough = officer_of(kj, date(2030, 12, 31), name="李执法")
    for officer, hours in ((short, "12.5"), (enough, "40")):
        personnel.record_training(
            actor=None,
            officer=officer,
            training_date=date(2027, 3, 1),
            hours=Decimal(hours),
            topic="行政执法实务",
        )
    # Last year's hours do not count for this year.
    personnel.record_training(
        actor=None, officer=short, training_date=date(2026, 12, 1), hours=Decimal("40"), topic="x"
    )
    found = days_with_reminders(date(2027, 8, 25), date(2027, 12, 31), TRAINING)
    # 1 October is National Day: the first working day of October is the 8th.
    assert list(found) == [date(2027, 10, 8), date(2027, 11, 1), date(2027, 12, 1)]
    for recipients in found.values():
        assert recipients == sorted([short.user.username, department_admin.username])
    mine = Notification.objects.filter(recipient=short.user).first()
    assert mine.title == "您2027年度的培训学时尚差27.5学时"
    summary = Notification.objects.filter(recipient=department_admin).first()
    assert summary.title == "本部门1名执法人员2027年度培训学时不足" and "王执法" in summary.body
    assert send_daily_reminders(date(2027, 12, 1))[TRAINING] == 0


def test_training_reminders_stop_once_the_hours_are_made_up(officer_of, kj, department_admin):
    personnel.update_training_policy(
        actor=None, department=kj, min_hours=Decimal("40"), required=True
    )
    officer = officer_of(kj, date(2030, 12, 31), name="王执法")
    assert send_daily_reminders(date(2027, 11, 1))[TRAINING] == 2
    personnel.record_training(
        actor=None,
        officer=officer,
        training_date=date(2027, 11, 10),
        hours=Decimal("40"),
        topic="行政执法实务",
    )
    assert send_daily_reminders(date(2027, 12, 1))[TRAINING] == 0
