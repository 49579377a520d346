"""Plain functions (not fixtures) that carry a sampling task from nothing to reviewed results,
through the services, for the disclosure, public-portal and browser tests.

Plain functions because three test packages with fixtures of the same names (make_item,
make_firm, ...) need them, and because the browser test runs them in another process against
the test server's database.
"""

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.codes import make_citizen_id, make_uscc
from fieldwork.models import ApprovalState, InspectionState
from fieldwork.selectors.records import checkpoints_of
from fieldwork.services import records
from fieldwork.services.approvals import approve_inspection
from fieldwork.services.inspections import start_fieldwork
from inspections.directory.models import Firm, FirmTag, InspectionMethod, ItemCategory
from inspections.directory.services import create_item, publish_item_version
from inspections.draws.services.draws import (
    abandon_draw,
    announce_firms_draw,
    announce_teams_draw,
    perform_draw,
)
from inspections.planning import rules
from inspections.planning.models import TaskStatus
from inspections.planning.services import (
    approve_plan,
    generate_annual_plan,
    open_task,
    publish_plan,
    submit_plan,
)
from personnel import services as personnel
from personnel.models import CertificateKind, EnforcementField, OfficerCategory

TAG = "外籍员工用人单位"
_serial = itertools.count(1)


def user(username: str, role: str, department, display_name: str = "") -> User:
    account, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "department": department,
            "display_name": display_name or username,
        },
    )
    return account


def login_of(officer) -> User:
    """The officer's login, created with the inspector role on first use."""
    if officer.user_id:
        return officer.user
    account = user(f"officer{officer.pk}", Role.INSPECTOR, officer.department, officer.name)
    officer.user = account
    officer.save(update_fields=["user"])
    return account


def certified_officers(department, field, n: int, *, prefix: str = "") -> list:
    """`n` officers holding a certificate in `field`, valid from 2020 to 2030."""
    officers = []
    for _ in range(n):
        number = next(_serial)
        officer = personnel.create_officer(
            actor=None,
            department=department,
            name=f"{prefix or department.code}执法{number}",
            citizen_id=make_citizen_id(birth=date(1975, 1, 1) + timedelta(days=number), seq="021"),
            category=OfficerCategory.CIVIL_SERVANT,
        )
        personnel.issue_certificate(
            actor=None,
            officer=officer,
            number=f"2201D{number:08d}{department.code}",
            kind=CertificateKind.NATIONAL,
            issuing_authority="长春市人民政府",
            enforcement_fields=[field],
            valid_from=date(2020, 1, 1),
            valid_to=date(2030, 12, 31),
            reason="通过行政执法资格考试",
        )
        officers.append(officer)
    return officers


def drawn_task(
    *,
    department,
    planner,
    department_admin,
    year: int = 2021,
    firms: int = 8,
    firm_names=(),
    code: str = "",
    replace_firms_draw: bool = False,
    name: str = "外国人来华工作许可抽查",
    abandon_reason: str = "见证人未到场",
):
    """A published plan of `department` for `year` with one item and `firms` tagged employers
    (named `firm_names` first), and a task `name` whose firms and teams are drawn (every class
    D, so that every firm is drawn). With `replace_firms_draw`, the first firms draw is abandoned
    (for `abandon_reason`) and a replacement draw (递补) is performed instead."""
    field, _ = EnforcementField.objects.get_or_create(
        code="FOREIGN_WORK", defaults={"name": "外国人来华工作许可"}
    )
    number = next(_serial)
    version = create_item(
        actor=None,
        department=department,
        enforcement_field=field,
        code=f"{department.code}-GS-{number:03d}",
        name="外国人来华工作许可事项检查",
        category=ItemCategory.KEY,
        ratio_cap=None,
        legal_basis="《中华人民共和国出境入境管理法》第四十一条",
        methods=[InspectionMethod.ONSITE],
        frequency="每年不少于1次",
        checkpoints=["许可证件有效且与用人单位、岗位、期限一致"],
        scope_rules=[{"tag": TAG}],
    )
    publish_item_version(actor=None, version=version)
    names = list(firm_names) + [
        f"长春公示样本{next(_serial)}有限公司" for _ in range(firms - len(firm_names))
    ]
    created = []
    for name in names:
        n = next(_serial)
        firm = Firm.objects.create(
            uscc=make_uscc(region="220102", org_body8=f"MG{n:06d}"),
            name=name,
            region_code="220102",
            industry_code="C3670",
            risk_class="D",
        )
        FirmTag.objects.create(firm=firm, name=TAG)
        created.append(firm)
    certified_officers(department, field, 4)
    plan = generate_annual_plan(actor=planner, department=department, year=year)
    submit_plan(actor=planner, plan=plan)
    approve_plan(actor=department_admin, plan=plan)
    plan = publish_plan(actor=planner, plan=plan)
    line = plan.lines.filter(items=version).get()
    task = open_task(
        actor=planner,
        plan=plan,
        code=code,
        name=name,
        items=list(line.items.all()),
        window_start=date(year, 6, 7),
        window_end=date(year, 6, 30),
        seats={department: 2},
        quotas={"D": rules.Quota(ratio=Decimal("1"))},
        officer_cap=len(names),
        witnesses=["纪检监督员"],
    )
    firms_draw = announce_firms_draw(actor=planner, task=task)
    if replace_firms_draw:
        abandoned = abandon_draw(actor=planner, draw=firms_draw, reason=abandon_reason)
        firms_draw = announce_firms_draw(
            actor=planner,
            task=task,
            replaces=abandoned,
            reason="见证人未到场，重新公告抽取",
            approved_by=department_admin,
        )
    perform_draw(actor=planner, draw=firms_draw, witness_values=["7"])
    task.refresh_from_db()
    perform_draw(
        actor=planner, draw=announce_teams_draw(actor=planner, task=task), witness_values=["8"]
    )
    task.refresh_from_db()
    return task


def record_until_submission(
    inspection, *, codes=("no-problem",), signatory="王经理", note="", finding="", place=""
):
    """Every stage of the on-site record, as the first officer of the team would enter them;
    `finding` is a problem found at every check point, `note` the officers' note on the result."""
    members = list(
        inspection.members.select_related("officer").order_by("department__code", "seat")
    )
    first = login_of(members[0].officer)
    for member in members[1:]:
        login_of(member.officer)
    # On the task's own dates, so that the result belongs to the task's year.
    served = inspection.window_start
    records.issue_notice(actor=first, inspection=inspection, served_on=served, delivery="当面送达")
    numbers = [m.certificate_number for m in members]
    records.record_arrival(
        actor=first,
        inspection=inspection,
        method="onsite",
        officers_present=numbers,
        certificates_shown=True,
        code_unverified_reason="检查对象未扫码核验（测试）",
        place=place or "长春市朝阳区某大厦12层",
        occurred_at=timezone.make_aware(datetime.combine(served + timedelta(days=1), time(10))),
    )
    for point in checkpoints_of(inspection):
        records.record_findings(
            actor=first,
            inspection=inspection,
            check_point=point,
            checked=True,
            problem_found=bool(finding),
            description=finding,
            handling=finding and "当场责令改正",
        )
    records.record_result(actor=first, inspection=inspection, codes=list(codes), note=note)
    records.record_firm_opinion(
        actor=first, inspection=inspection, opinion="无异议", signatory=signatory, signed=True
    )
    records.record_officer_signatures(actor=first, inspection=inspection, signed_by=numbers)
    return first


def submit_in_window(actor, inspection):
    """The team submits the record for review on the day after the arrival, within the task's
    window (a submission outside it is refused, fieldwork/windows.py)."""
    day = inspection.window_start + timedelta(days=1)
    return records.submit_for_review(
        actor=actor,
        inspection=inspection,
        occurred_at=timezone.make_aware(datetime.combine(day, time(12))),
    )


def approve_all(task) -> None:
    """The lead department's head approves every inspection of `task` still waiting (审批)."""
    head = User.objects.filter(role=Role.DEPARTMENT_ADMIN, department=task.department).first()
    if head is None:
        head = user(f"head_{task.department.code.lower()}", Role.DEPARTMENT_ADMIN, task.department)
    for inspection in task.inspections.filter(approval_state=ApprovalState.PENDING):
        approve_inspection(actor=head, inspection=inspection)


def carry_out(task, *, planner, reviewer, results=None, review=None, entries=None):
    """Start the task's fieldwork if needed, record and submit every inspection, and review
    (同意) those in `review` (all by default). `results` maps an inspection's index (in code
    order) to its result codes; the rest find no problem. `entries` maps an index to more
    keyword arguments of `record_until_submission` (notes, findings, signatory, place)."""
    task.refresh_from_db()
    if task.status == TaskStatus.TEAMS_DRAWN:
        start_fieldwork(actor=planner, task=task)
    inspections = list(task.inspections.order_by("code"))
    approve_all(task)
    for index, inspection in enumerate(inspections):
        if inspection.state in (InspectionState.REVIEWED, InspectionState.CLOSED):
            continue
        codes = (results or {}).get(index, ("no-problem",))
        extra = (entries or {}).get(index, {})
        first = record_until_submission(inspection, codes=codes, **extra)
        submit_in_window(first, inspection)
        if review is None or index in review:
            records.review_result(actor=reviewer, inspection=inspection, agree=True)
    for inspection in inspections:
        inspection.refresh_from_db()
    task.refresh_from_db()
    return inspections
