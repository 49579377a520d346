"""Builders for the personnel tests.

Officers are built through the services (actor None: the system), so that every test starts
from data the application itself could have written. Citizen IDs and phones are generated
valid and distinct; dates are fixed so that tests read the same every day of the year.
"""

import itertools
from datetime import date
from decimal import Decimal

import pytest

from backend.codes import make_citizen_id, make_uscc
from personnel import services
from personnel.eligibility import FirmRef, ItemRef, Window
from personnel.models import CertificateKind, EnforcementField, OfficerCategory

TODAY = date(2021, 6, 1)
WINDOW = Window(date(2021, 6, 7), date(2021, 6, 18))

_sequence = itertools.count(1)


def citizen_id(birth=date(1985, 3, 14), region="220102") -> str:
    return make_citizen_id(region=region, birth=birth, seq=f"{next(_sequence) % 1000:03d}")


def uscc(body: str = "MA0000A1", region: str = "220102") -> str:
    return make_uscc(region=region, org_body8=body)


FIRM = FirmRef(uscc=uscc("MA17BQ0X"), region_code="220104")


@pytest.fixture
def foreign_work(db):
    return EnforcementField.objects.create(code="FOREIGN_WORK", name="外国人来华工作许可")


@pytest.fixture
def exit_entry(db):
    return EnforcementField.objects.create(code="EXIT_ENTRY", name="出入境管理")


@pytest.fixture
def item(foreign_work):
    return ItemRef(enforcement_field_code=foreign_work.code)


@pytest.fixture
def make_officer(db):
    def make(department, name="林执法", **extra):
        extra.setdefault("citizen_id", citizen_id())
        extra.setdefault("category", OfficerCategory.CIVIL_SERVANT)
        extra.setdefault("phone", f"139{next(_sequence):08d}")
        return services.create_officer(actor=None, department=department, name=name, **extra)

    return make


_numbers = itertools.count(1)


@pytest.fixture
def make_certificate(foreign_work):
    def make(officer, fields=None, valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31), **kw):
        kw.setdefault("number", f"22010021{next(_numbers):06d}")
        kw.setdefault("kind", CertificateKind.NATIONAL)
        kw.setdefault("issuing_authority", "长春市人民政府")
        kw.setdefault("reason", "通过行政执法资格考试")
        return services.issue_certificate(
            actor=None,
            officer=officer,
            enforcement_fields=fields if fields is not None else [foreign_work],
            valid_from=valid_from,
            valid_to=valid_to,
            **kw,
        )

    return make


@pytest.fixture
def officer(kj, make_officer):
    """Lin, a KJ civil servant in 南关区 (220102)."""
    return make_officer(kj, name="林执法", jurisdiction_area="220102")


@pytest.fixture
def certified_officer(officer, make_certificate):
    """Lin with a certificate in 外国人来华工作许可 valid 2020–2024."""
    make_certificate(officer)
    return officer


@pytest.fixture
def ga_officer(ga, make_officer, make_certificate):
    officer = make_officer(ga, name="高警官")
    make_certificate(officer)
    return officer


def hours(value) -> Decimal:
    return Decimal(str(value))
