"""The personnel demo tells the source document's story, and can run any number of times."""

from datetime import date

from django.core.management import call_command
from django.utils import timezone

from backend.audit.verification import verify_chain
from backend.organisation.models import Department
from demo.accounts import seed_accounts
from demo.officers import seed_personnel
from personnel.models import (
    Certificate,
    Expert,
    Officer,
)
from personnel.pools import pool_counts
from personnel.reports import exam_pass_rates, expiring_certificates, training_shortfalls


def test_the_demo_is_idempotent(db):
    seed_accounts()
    first = seed_personnel()
    assert first["执法人员"] == Officer.objects.count() >= 18
    assert first["执法证"] == Certificate.objects.count()
    assert first["专家"] == 2 and first["回避关系"] == 1 and first["回避申请"] == 1
    assert set(seed_personnel().values()) == {0}
    assert verify_chain().ok


def test_the_demo_has_each_bureaus_pools(db):
    seed_accounts()
    seed_personnel()
    counts = {
        row.department.code: row for row in pool_counts(Department.objects.all(), on=date.today())
    }
    for code in ("KJ", "GA", "RS"):
        assert 6 <= Officer.objects.filter(department__code=code).count() <= 10
        assert counts[code].civil_servant > 0 and counts[code].certified > 0
        assert counts[code].routine > 0


def test_the_kj_bureau_passed_last_years_exam_at_100_percent(db):
    seed_accounts()
    seed_personnel()
    rates = {(r.department_code, r.year): r.rate for r in exam_pass_rates(Officer.objects.all())}
    assert rates[("KJ", timezone.localdate().year - 1)] == 100


def test_the_demo_shows_every_certificate_state_and_a_training_shortfall(db):
    seed_accounts()
    seed_personnel()
    today = date.today()
    states = {c.status_on(today) for c in Certificate.objects.all()}
    assert {"valid", "expired", "suspended"} <= states
    assert expiring_certificates(Certificate.objects.all(), today=today).exists()
    assert training_shortfalls(Officer.objects.all(), year=today.year)
    renewed = Certificate.objects.get(officer__name="王执法")
    assert [e.action for e in renewed.events.order_by("at", "pk")] == ["issue", "renew"]
    assert Expert.objects.filter(name="王刚", organisation="吉林新锐律师事务所").exists()


def test_the_demo_inspectors_are_linked_to_their_officer_records(db):
    call_command("seed_demo", quiet_accounts=True)
    for username in ("kj_inspector", "ga_inspector", "rs_inspector"):
        assert Officer.objects.get(user__username=username).department.code == username[:2].upper()
