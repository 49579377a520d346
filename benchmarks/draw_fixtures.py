"""What the draw benchmarks share: Django set up on DATABASE_URL, a directory topped up to N
synthetic firms, a department with certified officers, and a fresh draft task to draw.

The department, its items, plan and officers are made directly (a benchmark measures the draw,
not the set-up); the task is opened through `open_task`, and every draw goes through the
product's services.
"""

import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# The figures are production's: no query log, no debug toolbar.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from backend.accounts.models import User  # noqa: E402
from backend.accounts.roles import Role  # noqa: E402
from backend.organisation.models import Department  # noqa: E402
from inspections.directory.bulk import insert_firms  # noqa: E402
from inspections.directory.models import (
    CheckPoint,
    Firm,
    InspectionItem,
    InspectionItemVersion,
    TargetType,
)
from inspections.directory.synthetic import synthetic_firms  # noqa: E402
from inspections.planning import rules  # noqa: E402
from inspections.planning.models import AnnualPlan
from inspections.planning.services import open_task  # noqa: E402
from personnel.models import (  # noqa: E402
    Certificate,
    CertificateKind,
    EnforcementField,
    Officer,
    OfficerCategory,
)

DEPARTMENT = "BENCHDR"
FIELD = "BENCH_DRAW"
YEAR = 2021
WITNESSES = ["纪检监督员", "企业代表"]
WITNESS_VALUES = ["83721", "长春晴"]


def prepare_directory(n: int) -> int:
    """Migrate, and top the directory up to `n` firms (generate_firms, seed 1)."""
    call_command("migrate", verbosity=0)
    missing = n - Firm.objects.count()
    if missing > 0:
        print(f"loading {missing:,} synthetic firms …", file=sys.stderr)
        insert_firms(synthetic_firms(missing, seed=1))
    return Firm.objects.count()


def department() -> Department:
    dept, _ = Department.objects.get_or_create(
        code=DEPARTMENT, defaults={"name": "基准测试抽取部门", "region_code": "220100"}
    )
    return dept


def field() -> EnforcementField:
    value, _ = EnforcementField.objects.get_or_create(
        code=FIELD, defaults={"name": "基准测试（抽取）"}
    )
    return value


def planner() -> User:
    user = User.objects.filter(username="bench_draw_planner").first()
    if user is None:
        user = User(
            username="bench_draw_planner",
            role=Role.PLANNER,
            department=department(),
            display_name="基准测试计划人员",
        )
        user.set_unusable_password()
        user.save()
    return user


def certify_officers(dept: Department, n: int, *, prefix: str = "2201B") -> None:
    """`n` on-duty officers of `dept`, each with a valid certificate in the benchmark's field,
    written with bulk_create (the personnel services would take minutes for thousands)."""
    have = Officer.objects.filter(department=dept).count()
    if have >= n:
        return
    from backend.codes import make_citizen_id

    now = timezone.now()
    officers = [
        Officer(
            name=f"基准执法{i}",
            citizen_id=make_citizen_id(
                birth=date.fromordinal(715000 + i // 500), seq=f"{i % 500 * 2 + 1:03d}"
            ),
            gender="M",
            department=dept,
            category=OfficerCategory.CIVIL_SERVANT,
            created_at=now,
            updated_at=now,
        )
        for i in range(have, n)
    ]
    Officer.objects.bulk_create(officers, batch_size=1000)
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                officer=officer,
                number=f"{prefix}{dept.pk:03d}{i:07d}",
                kind=CertificateKind.NATIONAL,
                issuing_authority="长春市人民政府",
                valid_from=date(2020, 1, 1),
                valid_to=date(2030, 12, 31),
            )
            for i, officer in zip(range(have, n), officers, strict=True)
        ],
        batch_size=1000,
    )
    through = Certificate.enforcement_fields.through
    through.objects.bulk_create(
        [through(certificate=c, enforcementfield=field()) for c in certificates], batch_size=1000
    )


def _items(dept: Department) -> list[InspectionItemVersion]:
    """One published 重点 item per target type: together they cover the whole directory."""
    versions = []
    for target in (TargetType.ENTERPRISE, TargetType.INDIVIDUAL, TargetType.COOPERATIVE):
        code = f"BENCHDR-{target.upper()[:3]}"
        item, created = InspectionItem.objects.get_or_create(
            code=code, defaults={"department": dept, "enforcement_field": field()}
        )
        if created:
            version = InspectionItemVersion.objects.create(
                item=item,
                number=1,
                name=f"基准测试事项（{target.label}）",
                category="key",
                legal_basis="—",
                target_type=target,
                methods=["onsite"],
                frequency="每年1次",
                status="published",
                published_at=timezone.now(),
            )
            CheckPoint.objects.create(version=version, position=1, text="基准测试检查内容")
        versions.append(item.versions.get(status="published"))
    return versions


def _plan(dept: Department) -> AnnualPlan:
    plan, _ = AnnualPlan.objects.get_or_create(
        department=dept,
        year=YEAR,
        version=1,
        defaults={"title": "基准测试计划", "status": "published", "published_at": timezone.now()},
    )
    return plan


def draft_task(*, ratio: str = "0.05", seats: int = 2, **overrides):
    """A new draft task over the whole directory, 4 strata at `ratio`, two witnesses;
    `overrides` go to open_task."""
    dept = department()
    certify_officers(dept, max(seats, 4))
    stamp = time.strftime("%H%M%S")
    number = 1 + _plan(dept).tasks.count()
    return open_task(
        actor=planner(),
        plan=_plan(dept),
        code=f"BENCH-{stamp}-{number}",
        name="基准测试抽查任务",
        items=_items(dept),
        window_start=date(YEAR, 6, 1),
        window_end=date(YEAR, 6, 30),
        seats={dept: seats},
        quotas={risk: rules.Quota(ratio=Decimal(ratio)) for risk in "ABCD"},
        witnesses=WITNESSES,
        **overrides,
    )


def describe_database() -> str:
    return f"{connection.vendor} ({connection.settings_dict['NAME']})"
