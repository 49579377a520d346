"""`manage.py send_reminders [--date YYYY-MM-DD]`: the daily run, safe to repeat."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from backend.notifications.models import Notification, NotificationKind
from personnel import services as personnel


@pytest.fixture
def short_of_training(kj, department_admin):
    personnel.update_training_policy(
        actor=None, department=kj, min_hours=Decimal("40"), required=True
    )


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_sends_the_days_reminders_once(short_of_training, department_admin):
    from backend.codes import make_citizen_id
    from personnel.models import OfficerCategory

    personnel.create_officer(
        actor=None,
        department=department_admin.department,
        name="王执法",
        citizen_id=make_citizen_id(birth=date(1980, 5, 1), seq="041"),
        category=OfficerCategory.CIVIL_SERVANT,
    )
    out, err = _run("--date", "2027-11-01")
    assert out.strip() == "已发送提醒 1 条。"
    assert "年度培训学时不足：1 条" in err
    [summary] = Notification.objects.filter(kind=NotificationKind.TRAINING_SHORT)
    assert summary.recipient == department_admin
    out, _ = _run("--date", "2027-11-01")
    assert out.strip() == "已发送提醒 0 条。"
    assert Notification.objects.count() == 1
    out, _ = _run("--date", "2027-11-02")
    assert out.strip() == "已发送提醒 0 条。"


def test_a_bad_date_is_refused_in_chinese(db):
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        _run("--date", "2027-13-01")
    assert not Notification.objects.exists()


def test_without_a_date_it_runs_for_today(db):
    out, _ = _run()
    assert out.strip() == "已发送提醒 0 条。"


def test_a_failing_kind_does_not_stop_the_others_and_the_command_says_so(
    short_of_training, department_admin, monkeypatch, caplog
):
    from backend.codes import make_citizen_id
    from personnel.models import OfficerCategory

    personnel.create_officer(
        actor=None,
        department=department_admin.department,
        name="王执法",
        citizen_id=make_citizen_id(birth=date(1980, 5, 2), seq="041"),
        category=OfficerCategory.CIVIL_SERVANT,
    )

    def broken(day):
        raise RuntimeError("unexpected row")

    monkeypatch.setattr("reminders.daily.certificate_reminders", broken)
    with pytest.raises(CommandError, match="提醒发送失败：执法证即将到期"):
        _run("--date", "2027-11-01")
    # The training reminder, after the broken kind, was still sent.
    assert Notification.objects.filter(kind=NotificationKind.TRAINING_SHORT).count() == 1
    assert "reminders of certificate_expiring on 2027-11-01 failed" in caplog.text
