"""Builders for the item list and the directory tests."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from backend.codes import make_uscc
from inspections.models import Firm, FirmTag, InspectionMethod, ItemCategory
from inspections.services import create_item
from personnel.models import EnforcementField


@pytest.fixture(autouse=True)
def _fresh_counts_cache():
    # The risk-class counts are cached per filter; each test starts with none.
    cache.clear()
    yield
    cache.clear()


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
