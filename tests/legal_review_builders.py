"""Builders for the legal review tests (tests/fieldwork/test_legal_review_*.py), on top of the
fieldwork fixtures: an inspection with a finding, KJ's review catalogue, decisions drafted and
submitted through the services, and the reviewer's point-by-point checks.

Imported by those test modules (`from legal_review_builders import *`).
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from fieldwork.models import RecordKind
from legalreview.models import DecisionType, ReviewOutcome, ReviewPoint
from legalreview.services import (
    DecisionContent,
    add_catalogue_entry,
    draft_decision,
    give_opinion,
    submit_decision,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def all_hold(*problems: str, note: str = "证据不足") -> dict:
    """The reviewer's answers: every point holds, except `problems` (with a note)."""
    return {
        point.value: {"ok": point.value not in problems, "note": note if point in problems else ""}
        for point in ReviewPoint
    }


def approve(review, reviewer):
    return give_opinion(
        actor=reviewer, review=review, outcome=ReviewOutcome.APPROVED, checks=all_hold()
    )


def return_with_problems(review, reviewer, reasons="违法事实的证据不足，请补充询问笔录"):
    return give_opinion(
        actor=reviewer,
        review=review,
        outcome=ReviewOutcome.PROBLEMS,
        checks=all_hold(ReviewPoint.FACTS),
        reasons=reasons,
    )


@pytest.fixture
def on_day(monkeypatch):
    """Make `timezone.now()` a given local day (10:00 Beijing time) for what follows."""

    def travel(day):
        moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return travel


@pytest.fixture
def found(inspection, team, fill_record):
    """The first inspection, recorded on site with a finding (违反其他相关规定)."""
    return fill_record(inspection, team, codes=["follow-up-other"])


@pytest.fixture
def catalogue(department_admin, foreign_work):
    """KJ's catalogue: fines of 10,000 yuan or more in foreign work permits, and referrals."""
    return {
        "fine": add_catalogue_entry(
            actor=department_admin,
            name="对用人单位处以一万元以上罚款",
            decision_type=DecisionType.PENALTY,
            enforcement_field=foreign_work,
            min_amount=Decimal("10000"),
        ),
        "referral": add_catalogue_entry(
            actor=department_admin,
            name="移送案件线索",
            decision_type=DecisionType.REFERRAL,
        ),
    }


@pytest.fixture
def draft(found, team, foreign_work):
    """Draft a decision for the inspection with a finding; by default a 5,000 yuan fine by the
    team's first officer, citing the findings as evidence."""

    def make(*, actor=None, inspection=None, **overrides):
        inspection = inspection or found
        evidence = list(inspection.records.filter(kind=RecordKind.FINDINGS))
        fields = {
            "decision_type": DecisionType.PENALTY,
            "title": f"关于对{inspection.firm_name}的行政处罚决定",
            "draft_text": "经查，当事人未按规定办理外国人工作许可变更。决定处以罚款。",
            "facts": "当事人聘用的外籍人员工作岗位与许可不一致。",
            "legal_basis": "《外国人在中国就业管理规定》第二十三条",
            "discretion": "本市外国人工作许可行政处罚裁量基准第3项：一般情节",
            "enforcement_field": foreign_work,
            "amount": Decimal("5000"),
            "evidence": evidence,
        }
        fields.update(overrides)
        return draft_decision(
            actor=actor or team[0], inspection=inspection, content=DecisionContent(**fields)
        )

    return make


@pytest.fixture
def referral(draft, team, catalogue):
    """A referral to 公安 of illegal employment, submitted: it matches the catalogue."""
    decision = draft(
        decision_type=DecisionType.REFERRAL,
        title="关于移送涉嫌非法聘用外国人案件线索的决定",
        recipient="市公安局出入境管理支队",
        amount=None,
        discretion="",
        legal_basis="《中华人民共和国出境入境管理法》第四十三条、第八十条",
    )
    return submit_decision(actor=team[0], decision=decision)
