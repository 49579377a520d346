"""Builders for the public portal and open-data tests.

Everything is written through the services (actor None: the system), so that the public sees
what the application itself could have stored. Certificates are dated around today, because
the public list shows the certificates valid today.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from backend.codes import make_citizen_id, make_uscc
from inspections.directory.models import InspectionMethod, ItemCategory
from inspections.directory.services import create_firm, create_item, publish_item_version
from personnel import services as personnel
from personnel.models import CertificateKind, EnforcementField, OfficerCategory

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The rate limit counts requests in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def foreign_work(db):
    return EnforcementField.objects.create(code="FOREIGN_WORK", name="外国人来华工作许可")


@pytest.fixture
def make_item(kj, foreign_work):
    """An item with its first version; published unless `publish=False`."""

    def make(*, code=None, department=None, publish=True, **overrides):
        fields = {
            "code": code or f"KJ-P-{next(_sequence):03d}",
            "name": "外国人来华工作许可事项检查",
            "category": ItemCategory.GENERAL,
            "ratio_cap": Decimal("0.05"),
            "legal_basis": "《外国人在中国就业管理规定》第二十四条",
            "methods": [InspectionMethod.ONSITE, InspectionMethod.DOCUMENTS],
            "frequency": "每年不少于1次",
            "checkpoints": ["工作许可证件在有效期内", "工作岗位与许可一致"],
        }
        fields.update(overrides)
        version = create_item(
            actor=None, department=department or kj, enforcement_field=foreign_work, **fields
        )
        if publish:
            publish_item_version(actor=None, version=version)
        return version.item

    return make


@pytest.fixture
def make_firm(db):
    def make(*, name=None, region="220102", org_type="1", **fields):
        number = next(_sequence)
        values = {
            "uscc": make_uscc(org_type=org_type, region=region, org_body8=f"MA{number:06d}"),
            "name": name or f"长春公示测试{number}有限公司",
            "region_code": region,
            "industry_code": "C3670",
        }
        values.update(fields)
        return create_firm(actor=None, **values)

    return make


@pytest.fixture
def make_officer(db):
    def make(department, name="林执法", **extra):
        seq = f"{next(_sequence) % 1000:03d}"
        extra.setdefault("citizen_id", make_citizen_id(birth=date(1985, 3, 14), seq=seq))
        extra.setdefault("category", OfficerCategory.CIVIL_SERVANT)
        extra.setdefault("phone", f"139{next(_sequence):08d}")
        return personnel.create_officer(actor=None, department=department, name=name, **extra)

    return make


@pytest.fixture
def make_certificate(foreign_work, today):
    def make(officer, *, fields=None, valid_from=None, valid_to=None, **extra):
        extra.setdefault("number", f"2201ZF{next(_sequence):07d}")
        extra.setdefault("kind", CertificateKind.NATIONAL)
        extra.setdefault("issuing_authority", "长春市人民政府")
        extra.setdefault("reason", "通过行政执法资格考试")
        return personnel.issue_certificate(
            actor=None,
            officer=officer,
            enforcement_fields=fields if fields is not None else [foreign_work],
            valid_from=valid_from or today - timedelta(days=365),
            valid_to=valid_to or today + timedelta(days=4 * 365),
            **extra,
        )

    return make
