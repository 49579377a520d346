"""Reports: certificates expiring within 90 days, training shortfalls this year, exam pass rate
per department and year; each exported to .xlsx and audited."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from personnel import services
from personnel.models import Certificate, Officer
from personnel.reports import exam_pass_rates, expiring_certificates, training_shortfalls
from tests.conftest import log_in

TODAY = date.today()


def _workbook(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        sheet = workbook.worksheets[0]
        return sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


@pytest.fixture
def expiring(kj, make_officer, make_certificate):
    officer = make_officer(kj, name="到期甲")
    soon = make_certificate(officer, number="SOON-30", valid_to=TODAY + timedelta(days=30))
    make_certificate(officer, number="EDGE-90", valid_to=TODAY + timedelta(days=90))
    make_certificate(officer, number="LATER-91", valid_to=TODAY + timedelta(days=91))
    make_certificate(officer, number="GONE-1", valid_to=TODAY - timedelta(days=1))
    suspended = make_certificate(officer, number="SUSP-10", valid_to=TODAY + timedelta(days=10))
    services.suspend_certificate(actor=None, certificate=suspended, reason="暂扣")
    return soon


def test_certificates_expiring_within_90_days(expiring):
    numbers = [c.number for c in expiring_certificates(Certificate.objects.all(), today=TODAY)]
    assert numbers == ["SOON-30", "EDGE-90"]


def test_training_shortfalls_this_year(kj, ga, make_officer):
    short = make_officer(kj, name="缺学时")
    enough = make_officer(kj, name="够学时")
    none = make_officer(kj, name="零学时")
    make_officer(kj, name="已退休", status="retired")
    services.update_training_policy(actor=None, department=ga, min_hours=Decimal(8), required=False)
    ga_enough = make_officer(ga, name="公安够")
    for officer, when, hours in [
        (short, TODAY.replace(month=1, day=1), "16"),
        (short, TODAY.replace(year=TODAY.year - 1), "40"),  # last year does not count
        (enough, TODAY.replace(month=1, day=1), "40"),
        (ga_enough, TODAY.replace(month=1, day=1), "8"),
    ]:
        services.record_training(
            actor=None, officer=officer, training_date=when, hours=Decimal(hours), topic="培训"
        )
    rows = training_shortfalls(Officer.objects.all(), year=TODAY.year)
    assert [(r.officer.name, r.hours, r.minimum, r.missing) for r in rows] == [
        ("零学时", 0, 40, 40),
        ("缺学时", 16, 40, 24),
    ]
    assert enough not in [r.officer for r in rows] and none in [r.officer for r in rows]


def _exam(officer, year, passed, month=5):
    services.record_exam(
        actor=None,
        officer=officer,
        exam_date=date(year, month, 20),
        score=Decimal(80 if passed else 50),
        passed=passed,
    )


def test_exam_pass_rate_counts_officers_per_department_and_year(kj, ga, make_officer):
    a, b, c = (make_officer(kj, name=n) for n in "甲乙丙")
    _exam(a, 2021, True)
    _exam(b, 2021, False, month=3)
    _exam(b, 2021, True, month=9)  # passed at the second sitting: one officer, passed
    _exam(c, 2021, True)
    _exam(c, 2020, False)
    g = make_officer(ga, name="丁")
    _exam(g, 2021, False)
    rates = {(r.department_code, r.year): (r.sat, r.passed, r.rate) for r in exam_pass_rates(
        Officer.objects.all()
    )}  # fmt: skip
    assert rates == {
        ("KJ", 2021): (3, 3, Decimal("100.0")),
        ("KJ", 2020): (1, 0, Decimal("0.0")),
        ("GA", 2021): (1, 0, Decimal("0.0")),
    }


def test_the_reports_page_and_its_exports(client, department_admin, kj, expiring, make_officer):
    _exam(expiring.officer, 2021, True)
    log_in(client, department_admin)
    body = client.get(reverse("personnel:reports")).content.decode()
    assert "SOON-30" in body and "LATER-91" not in body
    assert "到期甲" in body  # no training this year
    assert "100.0%" in body

    title, rows = _workbook(client.get(reverse("personnel:report-export"), {"report": "expiring"}))
    assert title == "90日内到期的执法证"
    assert rows[0] == ["证件编号", "持证人", "部门", "有效期至", "剩余天数"]
    assert [(r[0], r[4]) for r in rows[1:]] == [("SOON-30", 30), ("EDGE-90", 90)]

    _, rows = _workbook(client.get(reverse("personnel:report-export"), {"report": "training"}))
    assert rows[1][:2] == ["到期甲", "市科学技术局"] and rows[1][3:] == ["0", "40", "40"]

    _, rows = _workbook(client.get(reverse("personnel:report-export"), {"report": "exams"}))
    assert rows[1] == ["市科学技术局", 2021, 1, 1, 100.0]

    exports = AuditEvent.objects.filter(action="personnel.report.export")
    assert sorted(e.detail["report"] for e in exports) == ["exams", "expiring", "training"]
    assert client.get(reverse("personnel:report-export"), {"report": "x"}).status_code == 404


def test_reports_cover_only_the_viewers_department(client, ga_department_admin, expiring):
    log_in(client, ga_department_admin)
    response = client.get(reverse("personnel:reports"))
    assert list(response.context["expiring"]) == []
    assert response.context["shortfalls"] == []


def test_the_certificate_register_exports_with_the_status_on_a_date(client, planner, expiring):
    client.force_login(planner)
    response = client.get(reverse("personnel:certificate-export"), {"on": TODAY.isoformat()})
    title, rows = _workbook(response)
    assert title == "执法证登记"
    status = {row[0]: row[8] for row in rows[1:]}
    assert status == {
        "SOON-30": "有效",
        "EDGE-90": "有效",
        "LATER-91": "有效",
        "GONE-1": "过期",
        "SUSP-10": "暂扣",
    }
    event = AuditEvent.objects.get(action="personnel.certificate.export")
    assert event.detail["rows"] == 5 and event.actor == planner
    page = client.get(reverse("personnel:certificates"), {"status": "expired"})
    assert [c.number for c in page.context["page"]] == ["GONE-1"]
