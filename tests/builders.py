"""Builders shared by the directory, plans, tasks, draws and fieldwork tests: items, firms,
certified staff, a published plan and draft tasks, all written through the services.

Imported by the conftest of each test package that needs them (`from builders import *`).
"""

from datetime import date
from decimal import Decimal

import pytest

from backend.codes import make_uscc
from inspections.directory.models import Firm, FirmTag, InspectionMethod, ItemCategory
from inspections.directory.services import create_item
from personnel.models import EnforcementField


@pytest.fixture
def foreign_work(db):
    return EnforcementField.objects.create(code="FOREIGN_WORK", name="外国人来华工作许可")


@pytest.fixture
def exit_entry(db):
    return EnforcementField.objects.create(code="EXIT_ENTRY", name="出入境管理")


@pytest.fixture
def make_item(planner, kj, foreign_work):
    counter = iter(range(1, 1000))

    def make(actor=None, department=None, **overrides):
        fields = {
            "code": f"KJ-T-{next(counter):03d}",
            "name": "外国人来华工作许可事项检查",
            "category": ItemCategory.GENERAL,
            "ratio_cap": Decimal("0.10"),
            "legal_basis": "《中华人民共和国出境入境管理法》第四十一条",
            "methods": [InspectionMethod.ONSITE, InspectionMethod.DOCUMENTS],
            "frequency": "每年不少于1次",
            "checkpoints": [
                "许可证件有效且与用人单位、岗位、期限一致",
                "变更、延期、注销按时办理",
            ],
        }
        fields.update(overrides)
        return create_item(
            actor=actor or planner,
            department=department or kj,
            enforcement_field=foreign_work,
            **fields,
        )

    return make


@pytest.fixture
def make_firm(db):
    """A firm written straight to the table (the services are tested on their own)."""
    counter = iter(range(1, 100_000))

    def make(*, region: str = "220102", org_type: str = "1", tags=None, **fields) -> Firm:
        number = next(counter)
        values = {
            "uscc": make_uscc(org_type=org_type, region=region, org_body8=f"MA{number:06d}"),
            "name": f"长春测试{number}有限公司",
            "region_code": region,
            "industry_code": "C3670",
        }
        values.update(fields)
        firm = Firm.objects.create(**values)
        for name, detail in (tags or {}).items():
            FirmTag.objects.create(firm=firm, name=name, detail=detail)
        return firm

    return make


# --- annual plans and sampling tasks -------------------------------------------------------------

FOREIGN_EMPLOYER = "外籍员工用人单位"
_serial = iter(range(1, 1_000_000))


@pytest.fixture
def rs(db):
    from backend.organisation.models import Department

    return Department.objects.create(code="RS", name="市人力资源和社会保障局", region_code="220100")


@pytest.fixture
def labor(db):
    return EnforcementField.objects.create(code="LABOR_INSPECTION", name="劳动保障监察")


@pytest.fixture
def publish_item(kj, foreign_work):
    """A published item version, by default KJ's, for the employers of foreign staff."""
    from inspections.directory.services import publish_item_version

    def publish(*, department=None, field=None, rules=None, **overrides):
        number = next(_serial)
        fields = {
            "code": f"{(department or kj).code}-P-{number:03d}",
            "name": f"抽查事项{number}",
            "category": ItemCategory.GENERAL,
            "ratio_cap": Decimal("0.10"),
            "legal_basis": "《中华人民共和国出境入境管理法》第四十一条",
            "methods": [InspectionMethod.ONSITE],
            "frequency": "每年不少于1次",
            "checkpoints": ["许可证件有效", "按时办理变更"],
        }
        fields.update(overrides)
        version = create_item(
            actor=None,
            department=department or kj,
            enforcement_field=field or foreign_work,
            scope_rules=[{"tag": FOREIGN_EMPLOYER}] if rules is None else rules,
            **fields,
        )
        return publish_item_version(actor=None, version=version)

    return publish


@pytest.fixture
def make_directory(db):
    """Firms in bulk: {risk class: how many}, all with the same tag, region and status."""

    def make(counts, *, tag=FOREIGN_EMPLOYER, region="220102", industry="C3670", **fields):
        firms = []
        for risk, n in counts.items():
            for _ in range(n):
                number = next(_serial)
                firms.append(
                    Firm(
                        uscc=make_uscc(region=region, org_body8=f"MB{number:06d}"),
                        name=f"长春名录{number}有限公司",
                        region_code=region,
                        industry_code=industry,
                        risk_class=risk,
                        **fields,
                    )
                )
        Firm.objects.bulk_create(firms)
        if tag:
            FirmTag.objects.bulk_create(FirmTag(firm=firm, name=tag) for firm in firms)
        return firms

    return make


@pytest.fixture
def staff(db):
    """`n` officers of `department` holding a certificate in `field` (default 2020–2030)."""
    from datetime import date, timedelta

    from backend.codes import make_citizen_id
    from personnel import services as personnel_services
    from personnel.models import CertificateKind, OfficerCategory

    def make(department, field, n=2, *, valid_from=date(2020, 1, 1), valid_to=date(2030, 12, 31)):
        officers = []
        for _ in range(n):
            number = next(_serial)
            officer = personnel_services.create_officer(
                actor=None,
                department=department,
                name=f"{department.code}执法{number}",
                # The serial runs on across the session: wrap it so a long run never makes a
                # birth date after today (numbers 15,000 apart never meet in one test).
                citizen_id=make_citizen_id(
                    birth=date(1970, 1, 1) + timedelta(days=number % 15_000), seq="011"
                ),
                category=OfficerCategory.CIVIL_SERVANT,
            )
            personnel_services.issue_certificate(
                actor=None,
                officer=officer,
                number=f"2201T{number:08d}",
                kind=CertificateKind.NATIONAL,
                issuing_authority="长春市人民政府",
                enforcement_fields=[field],
                valid_from=valid_from,
                valid_to=valid_to,
                reason="通过行政执法资格考试",
            )
            officers.append(officer)
        return officers

    return make


@pytest.fixture
def published_plan(
    planner, department_admin, kj, publish_item, make_directory, staff, foreign_work
):
    """KJ's published 2021 plan: one item, a directory of 50 A, 30 B, 12 C and 3 D employers,
    and four certified KJ officers."""
    from inspections.planning.services import (
        approve_plan,
        generate_annual_plan,
        publish_plan,
        submit_plan,
    )

    publish_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    make_directory({"A": 50, "B": 30, "C": 12, "D": 3})
    staff(kj, foreign_work, 4)
    plan = generate_annual_plan(actor=planner, department=kj, year=2021)
    submit_plan(actor=planner, plan=plan)
    approve_plan(actor=department_admin, plan=plan)
    return publish_plan(actor=planner, plan=plan)


@pytest.fixture
def open_draft_task(planner, kj, published_plan):
    """Open a draft task of the published plan; keyword arguments override the defaults."""
    from datetime import date

    from inspections.planning import rules
    from inspections.planning.services import open_task

    def make(*, actor=planner, **overrides):
        line = published_plan.lines.get()
        fields = {
            "plan": published_plan,
            "name": "外国人来华工作许可抽查",
            "items": list(line.items.all()),
            "window_start": date(2021, 6, 7),
            "window_end": date(2021, 6, 30),
            "seats": {kj: 2},
            "quotas": {
                "A": rules.Quota(ratio=Decimal("0.02")),
                "B": rules.Quota(ratio=Decimal("0.05")),
                "C": rules.Quota(count=2),
            },
        }
        fields.update(overrides)
        return open_task(actor=actor, **fields)

    return make


def recuse_officer(certificate_number: str, firm: str) -> None:
    """The firm asks the officer to withdraw and the department head grants it (回避)."""
    from personnel.models import Certificate, ConflictRelation
    from personnel.services.conflicts import decide_recusal_request, file_recusal_request

    recusal = file_recusal_request(
        actor=None,
        officer=Certificate.objects.get(number=certificate_number).officer,
        firm_uscc=firm,
        firm_name="被检查单位",
        requested_on=date(2021, 6, 8),
        grounds="检查人员系本单位负责人的近亲属",
    )
    decide_recusal_request(
        actor=None,
        recusal=recusal,
        granted=True,
        decided_by="孙局长",
        decided_on=date(2021, 6, 9),
        reason="情况属实，同意回避",
        relation=ConflictRelation.RELATIVE,
    )
