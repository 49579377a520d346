"""The personnel part of the demo: the officers of the three bureaus of the yearly joint inspection
of foreign work permits, their certificates, exams, training, a conflict of interest, a party's
recusal request and the expert pool.

The source document says the Science and Technology Bureau built the 行政执法类公务员库 and the
具备行政执法资格人员库 and that its officers passed last year's qualification exam at 100%; the demo
shows both. Everything goes through the services (actor None: the system), so the demo is
audited like any other write. Validity dates are relative to today, so that the demo always has
a valid pool, one certificate about to expire, one expired and one suspended.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from backend.accounts.models import User
from backend.codes import make_citizen_id, make_uscc
from backend.organisation.models import Department
from demo import clock
from personnel import services
from personnel.models import (
    Certificate,
    ConflictOfInterest,
    EnforcementField,
    Expert,
    Officer,
    OfficerCategory,
    OfficerStatus,
    QualificationExam,
    RecusalRequest,
    TrainingRecord,
)

FIELDS = [
    # code, name (the same codes as the item list's demo)
    ("FOREIGN_WORK", "外国人来华工作许可"),
    ("EXIT_ENTRY", "出入境管理"),
    ("LABOR_INSPECTION", "劳动保障监察"),
]

CIVIL = OfficerCategory.CIVIL_SERVANT
STAFF = OfficerCategory.CERTIFIED_STAFF
ROUTINE = OfficerCategory.ROUTINE


@dataclass(frozen=True)
class DemoOfficer:
    department: str
    name: str
    seq: str  # the citizen ID's sequence code: odd for men, even for women
    birth: date
    category: str
    position: str
    area: str  # jurisdiction area (管辖片区), a district of 长春市
    fields: tuple[str, ...] = ()  # certificate fields; empty: no certificate
    certificate: str = "valid"  # valid / expiring / expired / suspended / renewed
    status: str = OfficerStatus.ON_DUTY
    expertise: str = ""
    username: str = ""
    training_hours: tuple[int, ...] = (16, 16, 12)  # this year's sessions
    exam_2021: bool | None = True  # last year's exam; None: did not sit
    extra: dict = field(default_factory=dict)


OFFICERS = [
    # 市科学技术局: leads the joint inspection; all its candidates passed last year's exam.
    DemoOfficer("KJ", "王执法", "011", date(1983, 4, 12), CIVIL, "监督检查科科长", "220102",
                ("FOREIGN_WORK",), "renewed", expertise="外国人来华工作许可、科技项目管理",
                username="kj_inspector"),
    DemoOfficer("KJ", "李明华", "023", date(1979, 9, 3), CIVIL, "政策法规科科长", "220103",
                ("FOREIGN_WORK",), expertise="行政处罚、法制审核"),
    DemoOfficer("KJ", "张丽", "032", date(1988, 1, 21), STAFF, "外国专家服务中心主任", "220104",
                ("FOREIGN_WORK",), expertise="外国人来华工作许可"),
    DemoOfficer("KJ", "刘建国", "045", date(1975, 6, 30), CIVIL, "四级调研员", "220105",
                ("FOREIGN_WORK",), "expiring", training_hours=(8, 8)),
    DemoOfficer("KJ", "陈晓东", "057", date(1990, 11, 2), CIVIL, "科员", "220102",
                ("FOREIGN_WORK",), "expired"),
    DemoOfficer("KJ", "赵雪", "062", date(1992, 3, 15), STAFF, "科员", "220106",
                ("FOREIGN_WORK",), "suspended"),
    DemoOfficer("KJ", "黄志强", "071", date(1981, 8, 8), CIVIL, "副科长", "220112",
                ("FOREIGN_WORK",), status=OfficerStatus.OFF_DUTY),
    DemoOfficer("KJ", "杨帆", "083", date(1995, 5, 5), ROUTINE, "科员", "220113",
                exam_2021=None, training_hours=(6,)),
    # 市公安局: 出入境管理; some also hold the foreign-work field for joint inspections.
    DemoOfficer("GA", "周警官", "115", date(1984, 2, 2), CIVIL, "出入境管理支队民警", "220102",
                ("EXIT_ENTRY", "FOREIGN_WORK"), username="ga_inspector",
                expertise="外国人管理、出入境证件"),
    DemoOfficer("GA", "吴海涛", "127", date(1980, 12, 12), CIVIL, "出入境管理支队副支队长",
                "220103", ("EXIT_ENTRY", "FOREIGN_WORK")),
    DemoOfficer("GA", "郭静", "134", date(1987, 7, 7), CIVIL, "民警", "220104", ("EXIT_ENTRY",)),
    DemoOfficer("GA", "马超", "149", date(1991, 10, 1), CIVIL, "民警", "220105", ("EXIT_ENTRY",),
                exam_2021=False),
    DemoOfficer("GA", "罗平", "151", date(1978, 4, 4), CIVIL, "民警", "220106", ("EXIT_ENTRY",),
                status=OfficerStatus.RETIRED),
    DemoOfficer("GA", "何英", "168", date(1993, 9, 9), ROUTINE, "辅助管理人员", "220112",
                exam_2021=None),
    # 市人力资源和社会保障局: 劳动保障监察.
    DemoOfficer("RS", "郑监察", "211", date(1982, 1, 1), CIVIL, "劳动保障监察支队科长", "220102",
                ("LABOR_INSPECTION",), username="rs_inspector", expertise="劳动用工、社会保险"),
    DemoOfficer("RS", "孙兰", "222", date(1986, 6, 6), STAFF, "监察员", "220103",
                ("LABOR_INSPECTION",)),
    DemoOfficer("RS", "朱伟", "233", date(1989, 3, 3), STAFF, "监察员", "220104",
                ("LABOR_INSPECTION",)),
    DemoOfficer("RS", "梁军", "245", date(1977, 11, 11), CIVIL, "副支队长", "220105",
                ("LABOR_INSPECTION",)),
    DemoOfficer("RS", "林芳", "252", date(1994, 12, 24), ROUTINE, "科员", "220106",
                exam_2021=None),
    DemoOfficer("RS", "高磊", "263", date(1990, 2, 14), STAFF, "监察员", "220112",
                ("LABOR_INSPECTION",), status=OfficerStatus.TRANSFERRED),
]  # fmt: skip

EXPERTS = [
    # department, name, field, organisation, title
    ("KJ", "王刚", "法律（常年法律顾问）", "吉林新锐律师事务所", "律师"),
    ("KJ", "孙立新", "科技项目管理", "吉林大学", "教授"),
]

ISSUERS = {"KJ": "长春市人民政府", "GA": "长春市公安局", "RS": "长春市人民政府"}
TRAINING_TOPICS = ["《行政处罚法》专题培训", "行政执法“三项制度”培训", "外国人来华工作管理政策解读"]

# A firm that one officer declared an interest in, and one that asked for a recusal.
RELATIVE_FIRM = make_uscc(region="220102", org_body8="MA0KJ0C1")
RECUSAL_FIRM = make_uscc(region="220104", org_body8="MA0RL0R1")


def _phone(officer: DemoOfficer) -> str:
    return f"1394310{int(officer.seq):04d}"


def _citizen_id(officer: DemoOfficer) -> str:
    return make_citizen_id(region=officer.area, birth=officer.birth, seq=officer.seq)


def _fields(created: dict[str, int]) -> dict[str, EnforcementField]:
    fields = {}
    for code, name in FIELDS:
        # Another demo part may have named the field first; take it as it is.
        existing = (
            EnforcementField.objects.filter(code=code).first()
            or EnforcementField.objects.filter(name=name).first()
        )
        if existing is None:
            existing = EnforcementField.objects.create(code=code, name=name)
            created["执法领域"] += 1
        fields[code] = existing
    return fields


def _certificate(spec: DemoOfficer, officer: Officer, fields, today: date, created) -> None:
    number = f"2201{spec.department}{2021}{spec.seq}"
    if not spec.fields or Certificate.objects.filter(number=number).exists():
        return
    last = clock.last_year()
    valid_from, valid_to = date(last - 1, 1, 1), today + timedelta(days=3 * 365)
    if spec.certificate == "expiring":
        valid_to = today + timedelta(days=45)
    elif spec.certificate == "expired":
        valid_from, valid_to = date(last - 3, 1, 1), today - timedelta(days=200)
    elif spec.certificate == "renewed":
        valid_to = date(last, 12, 31)
    certificate = services.issue_certificate(
        actor=None,
        officer=officer,
        number=number,
        kind="national",
        issuing_authority=ISSUERS[spec.department],
        enforcement_fields=[fields[code] for code in spec.fields],
        valid_from=valid_from,
        valid_to=valid_to,
        reason="通过行政执法资格考试，核发行政执法证",
    )
    if spec.certificate == "renewed" and valid_to < today + timedelta(days=365):
        services.renew_certificate(
            actor=None,
            certificate=certificate,
            valid_to=today + timedelta(days=4 * 365),
            reason="有效期届满前申请换证，经审核予以延续",
        )
    elif spec.certificate == "suspended":
        services.suspend_certificate(
            actor=None, certificate=certificate, reason="涉嫌违规执法，暂扣执法证待调查处理"
        )
    created["执法证"] += 1


def _exams_and_training(spec: DemoOfficer, officer: Officer, today: date, created) -> None:
    if spec.exam_2021 is not None:
        exam_date = date(clock.last_year(), 5, 22)
        if not QualificationExam.objects.filter(officer=officer, exam_date=exam_date).exists():
            score = Decimal(72 + int(spec.seq) % 23) if spec.exam_2021 else Decimal("54")
            services.record_exam(
                actor=None, officer=officer, exam_date=exam_date, score=score, passed=spec.exam_2021
            )
            created["考试记录"] += 1
    for n, hours in enumerate(spec.training_hours):
        when = date(today.year, 1 + 3 * n, 15)
        if when > today:
            when = today
        topic = TRAINING_TOPICS[n % len(TRAINING_TOPICS)]
        if TrainingRecord.objects.filter(officer=officer, topic=topic, training_date=when).exists():
            continue
        services.record_training(
            actor=None,
            officer=officer,
            training_date=when,
            hours=Decimal(hours),
            topic=topic,
            organiser="长春市司法局",
        )
        created["培训记录"] += 1


def _link_account(spec: DemoOfficer, officer: Officer) -> None:
    if not spec.username or officer.user_id:
        return
    user = User.objects.filter(username=spec.username, officer__isnull=True).first()
    if user is not None and user.department_id == officer.department_id:
        services.update_officer(actor=None, officer=officer, user=user)


def _conflicts(officers: dict[str, Officer], created) -> None:
    li = officers["李明华"]
    if not ConflictOfInterest.objects.filter(officer=li, firm_uscc=RELATIVE_FIRM).exists():
        services.declare_conflict(
            actor=None,
            officer=li,
            firm_uscc=RELATIVE_FIRM,
            firm_name="长春光谷智能科技有限公司",
            relation="relative",
            source="self_declared",
            valid_from=date(clock.last_year(), 1, 1),
            note="配偶在该公司任人事经理",
        )
        created["回避关系"] += 1
    sun = officers["孙兰"]
    if not RecusalRequest.objects.filter(officer=sun, firm_uscc=RECUSAL_FIRM).exists():
        request = services.file_recusal_request(
            actor=None,
            officer=sun,
            firm_uscc=RECUSAL_FIRM,
            firm_name="长春北湖国际教育咨询有限公司",
            requested_on=date(clock.last_year(), 6, 8),
            grounds="该检查人员曾在本公司从事人力资源工作，可能影响公正检查",
        )
        services.decide_recusal_request(
            actor=None,
            recusal=request,
            granted=True,
            decided_by="市人力资源和社会保障局 刘副局长",
            decided_on=date(clock.last_year(), 6, 9),
            reason="经核实，该人员曾在该公司任职，申请理由成立，决定回避",
            relation="former_employment",
        )
        created["回避申请"] += 1


@transaction.atomic
def seed_personnel() -> dict[str, int]:
    """Officers of KJ, GA and RS with their records. Creates what is missing; returns counts."""
    created = dict.fromkeys(
        ["执法领域", "执法人员", "执法证", "考试记录", "培训记录", "回避关系", "回避申请", "专家"],
        0,
    )
    today = clock.real_today()
    fields = _fields(created)
    departments = {d.code: d for d in Department.objects.filter(code__in=["KJ", "GA", "RS"])}
    officers: dict[str, Officer] = {}
    for spec in OFFICERS:
        department = departments.get(spec.department)
        if department is None:
            continue  # seed_accounts creates the bureaus first
        number = _citizen_id(spec)
        officer = Officer.objects.filter(citizen_id=number).first()
        is_new = officer is None
        if is_new:
            # Certificates, exams and training are recorded while the officer is on the
            # roster; a retired or transferred officer leaves it afterwards.
            officer = services.create_officer(
                actor=None,
                department=department,
                name=spec.name,
                citizen_id=number,
                phone=_phone(spec),
                position=spec.position,
                category=spec.category,
                expertise=spec.expertise,
                jurisdiction_area=spec.area,
            )
            created["执法人员"] += 1
        _certificate(spec, officer, fields, today, created)
        _exams_and_training(spec, officer, today, created)
        _link_account(spec, officer)
        if is_new and spec.status != OfficerStatus.ON_DUTY:
            officer = services.update_officer(actor=None, officer=officer, status=spec.status)
        officers[spec.name] = officer
    if {"李明华", "孙兰"} <= set(officers):
        _conflicts(officers, created)
    for code, name, expertise, organisation, title in EXPERTS:
        department = departments.get(code)
        if (
            department is None
            or Expert.objects.filter(
                department=department, name=name, organisation=organisation
            ).exists()
        ):
            continue
        services.create_expert(
            actor=None,
            department=department,
            name=name,
            field=expertise,
            organisation=organisation,
            title=title,
        )
        created["专家"] += 1
    return created
