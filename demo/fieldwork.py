"""Demo fieldwork: last year's joint task (T-<last year>-007) carried out from the notice to the
close, and this year's (T-<this year>-007) under way today.

The source document's story goes on after the draw: the joint teams inspected the 6 employers
in June. Here, on the days of last June (`demo.clock`), every inspection is recorded stage by
stage through the services (notice, arrival with place and coordinates, findings for every check
point, result, the firm's opinion, signatures, submission) and reviewed by the bureau's
department administrator (kj_admin):

- one employer had not filed a change of a foreign employee's post: 发现问题已责令改正, a
  责令改正 follow-up with its deadline, re-checked and completed; the inspection is closed;
- at one employer a foreign national worked without a work permit: the bureau's own result
  code under 发现问题待后续处理, a site photo, and a 移送案件线索 to 公安机关出入境管理部门
  whose decision went through legal review (demo.legal_review) — still open, and past the
  date by which 公安 was to report back, so it shows as overdue on the dashboards;
- the other four are clean: 无需后续处置, closed.

Each step is recorded on its day of the story, through the services with the clock set to that
day (`demo.clock`): the on-site stages and the submission, the review the day after, the
follow-ups at the end of June, the re-check in July. This year's joint task has started: its
inspections are approved, and the one kj_inspector sits on has its notice served and the team
on site (检查中) within a window that contains today. Every step uses a fixed idempotency key, so a
second `seed_demo` finds each record already there and changes nothing.

Logins: the teams draw seats whom it seats, and differs from one database to the next (its
nonce is random). The demo inspector logins (kj_inspector, ga_inspector, rs_inspector) are
moved to an officer of their department seated on the task when their own officer was not
drawn (the one with most seats, then the lowest certificate number: the same choice for the
same draw), so that they see inspections. A team with no seated login gets an account for an
officer of a participating department, without a usable password: it only authors that
team's records, and gives the officer up to a demo inspector login when every officer of its
department seated on this year's task has a login.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.accounts.actions import AccountAction
from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import create_user
from backend.audit.services import record_event
from demo import clock
from demo.accounts import account
from demo.plans import current_task_code, current_window, joint_task_code
from disclosure.models import PublishedResult
from disclosure.services import publish_results
from fieldwork.models import (
    RECORDING,
    ApprovalState,
    FollowUpKind,
    Inspection,
    InspectionCode,
    InspectionMember,
    InspectionRecord,
    InspectionState,
    RecordKind,
    ResultCode,
)
from fieldwork.selectors.followups import close_blockers
from fieldwork.selectors.records import checkpoints_of, current_records
from fieldwork.services import followups, records
from fieldwork.services.approvals import approve_inspection
from fieldwork.services.codes import record_code_scan
from fieldwork.services.evidence import upload_evidence
from fieldwork.services.inspections import start_fieldwork
from fieldwork.services.results_table import add_result_code
from inspections.planning.models import SamplingTask, TaskStatus
from personnel.models import Officer
from personnel.services import update_officer

S = InspectionState
PHOTO = Path(__file__).parent / "data" / "site_photo.jpg"
DEMO_INSPECTORS = {"KJ": "kj_inspector", "GA": "ga_inspector", "RS": "rs_inspector"}
# The accounts made to author the records of a team with no login (team_author).
PLACEHOLDER_PREFIX = "demo_"
PSB = "公安机关出入境管理部门"
# The bureau's own 违反其他相关规定 (domain.md: one per department).
KJ_CODE_NAME = "违反外国人来华工作管理规定"
# Where the keys of the demo's submissions live: uuid5(namespace, "<inspection>/<step>").
_KEYS = uuid.UUID("6f1d3c52-2021-4007-9a6b-5c0e8d2f7a11")


@dataclass(frozen=True)
class Story:
    kind: str  # clean / rectify / refer
    problem_point: str = ""  # the check point where the problem was found
    description: str = ""
    handling: str = ""


CLEAN = Story("clean")
RECTIFY = Story(
    "rectify",
    problem_point="工作许可的变更、延期、注销按时办理",
    description="1名外籍技术人员工作岗位已由质量工程师调整为技术总监，未按规定办理工作许可变更",
    handling="当场责令该单位于{year}年7月20日前办理外国人工作许可变更手续",
)
REFER = Story(
    "refer",
    problem_point="无未经许可在本单位工作的外国人",
    description="发现1名外籍人员持商务签证入境，在本单位从事软件开发工作，未取得外国人工作许可",
    handling="制作现场检查笔录并拍照固定证据，涉嫌非法就业，拟移送公安机关出入境管理部门处理",
)


def _key(inspection: Inspection, step: str) -> uuid.UUID:
    return uuid.uuid5(_KEYS, f"{inspection.code}/{step}")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- who ----------------------------------------------------------------------------------------


def _seat_demo_logins(task: SamplingTask, created: dict[str, int]) -> None:
    """Link each demo inspector login to an officer of its department seated on the task."""
    seats = list(
        InspectionMember.objects.filter(inspection__task=task).select_related(
            "officer__user", "department"
        )
    )
    counts = Counter(m.officer_id for m in seats)
    for department, username in DEMO_INSPECTORS.items():
        user = account(username)
        if user is None:
            continue
        seated = {m.officer_id: m for m in seats if m.department.code == department}
        current = Officer.objects.filter(user=user).first()
        if current is not None and current.pk in seated:
            continue
        free = [m for m in seated.values() if m.officer.user_id is None]
        if not free:
            # Every seated officer of the department has a login. One that only authors an
            # earlier team's records (team_author: no usable password) gives the officer up;
            # the records it wrote stay its own.
            free = [m for m in seated.values() if _placeholder(m.officer.user)]
        if not free:
            continue
        pick = min(free, key=lambda m: (-counts[m.officer_id], m.certificate_number)).officer
        if current is not None:
            update_officer(actor=None, officer=current, user=None)
        update_officer(actor=None, officer=pick, user=user)
        # The account now stands for that officer: its name says so.
        user.display_name = pick.name
        user.full_clean()
        user.save(update_fields=["display_name"])
        record_event(
            action=AccountAction.UPDATE,
            actor=None,
            obj=user,
            detail={"display_name": pick.name, "officer": pick.pk},
        )
        created["关联的执法人员账号"] += 1


def _placeholder(user: User | None) -> bool:
    """Whether `user` is an account team_author made for a team with no login, never used to
    log in."""
    return (
        user is not None
        and user.username.startswith(PLACEHOLDER_PREFIX)
        and not user.has_usable_password()
    )


def team_author(inspection: Inspection, lead_code: str, created: dict[str, int]) -> User:
    """The team member who records the inspection: a demo login if one is seated, else any
    seated officer's login, else a new login for an officer of a participating department
    (the lead department's officers stay free for its other tasks)."""
    members = list(inspection.members.select_related("officer__user", "department"))
    with_login = [m for m in members if m.officer.user_id]
    demo = [m for m in with_login if m.officer.user.username in DEMO_INSPECTORS.values()]
    chosen = (demo or with_login or [None])[0]
    if chosen is not None:
        return chosen.officer.user
    member = next((m for m in members if m.department.code != lead_code), members[0])
    user = create_user(
        actor=None,
        username=f"{PLACEHOLDER_PREFIX}{member.certificate_number.lower()}",
        # Never used: the account exists to author this team's demo records.
        password=uuid.uuid4().hex + "-Aa1!",
        role=Role.INSPECTOR,
        department=member.department,
        display_name=member.officer.name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    update_officer(actor=None, officer=member.officer, user=user)
    created["执法人员账号"] += 1
    return user


def _kj_result_code(kj_admin: User) -> ResultCode:
    found = ResultCode.objects.filter(name=KJ_CODE_NAME, department=kj_admin.department).first()
    if found is not None:
        return found
    return add_result_code(
        actor=kj_admin, parent=ResultCode.objects.get(code="follow-up"), name=KJ_CODE_NAME
    )


# --- one inspection -----------------------------------------------------------------------------


def _record_on_site(inspection: Inspection, author: User, story: Story, codes: list[str], day):
    numbers = [m.certificate_number for m in inspection.members.order_by("department__code")]
    place = (inspection.firm.address or inspection.firm_name)[:200]
    served_on = max(day - timedelta(days=3), inspection.window_start)
    records.issue_notice(
        actor=author,
        inspection=inspection,
        served_on=served_on,
        delivery="当面送达",
        recipient="单位人事负责人",
        occurred_at=clock.moment(served_on, 10),
        idempotency_key=_key(inspection, "notice"),
    )
    # The firm scans the team's 检查码 at the door before the team goes in.
    scan = record_code_scan(
        code=InspectionCode.objects.get(inspection=inspection),
        method="scan",
        occurred_at=clock.moment(day, 9, 20),
    )
    arrival = records.record_arrival(
        actor=author,
        inspection=inspection,
        method="onsite",
        officers_present=numbers,
        certificates_shown=True,
        code_unverified_reason="" if scan is not None else "检查对象未能扫码核验",
        # Kept only where every item allows a non-site method (非现场优先).
        onsite_reason="需现场核对外籍员工在岗情况和证件原件",
        place=place,
        # Around 长春市 (43.88 N, 125.32 E), a little apart for each employer.
        latitude=f"{43.85 + inspection.pk % 7 * 0.011:.6f}",
        longitude=f"{125.28 + inspection.pk % 5 * 0.017:.6f}",
        occurred_at=clock.moment(day, 9, 30),
        idempotency_key=_key(inspection, "arrival"),
    )
    for n, point in enumerate(checkpoints_of(inspection)):
        problem = point.text == story.problem_point
        records.record_findings(
            actor=author,
            inspection=inspection,
            check_point=point,
            checked=True,
            problem_found=problem,
            description=story.description if problem else "经查阅资料、现场核实，符合规定",
            handling=story.handling.format(year=day.year) if problem else "",
            occurred_at=clock.moment(day, 10, n * 5),
            idempotency_key=_key(inspection, f"findings/{point.pk}"),
        )
    if story.kind == "refer":
        with PHOTO.open("rb") as photo:
            upload_evidence(
                actor=author,
                inspection=inspection,
                kind="photo",
                file=ContentFile(photo.read(), name="现场照片.jpg"),
                original_name="现场照片.jpg",
                occurred_at=clock.moment(day, 9, 40),
                documents=arrival.sequence,
                note="检查组到达现场，单位前台",
                place=place,
                idempotency_key=_key(inspection, "photo"),
            )
    records.record_result(
        actor=author,
        inspection=inspection,
        codes=codes,
        note=story.handling.format(year=day.year),
        occurred_at=clock.moment(day, 11),
        idempotency_key=_key(inspection, "result"),
    )
    records.record_firm_opinion(
        actor=author,
        inspection=inspection,
        opinion="对检查记录无异议"
        if story.kind == "clean"
        else "对检查发现的问题无异议，将配合整改",
        signatory="单位人事负责人",
        signed=True,
        occurred_at=clock.moment(day, 11, 10),
        idempotency_key=_key(inspection, "firm_opinion"),
    )
    records.record_officer_signatures(
        actor=author,
        inspection=inspection,
        signed_by=numbers,
        occurred_at=clock.moment(day, 11, 15),
        idempotency_key=_key(inspection, "signatures"),
    )
    # Submitted the same day, within the task's window (a submission outside it is refused).
    records.submit_for_review(
        actor=author,
        inspection=inspection,
        occurred_at=clock.moment(day, 11, 20),
        idempotency_key=_key(inspection, "submitted"),
    )


def _follow_up(inspection: Inspection, story: Story, author, planner, head, day) -> None:
    """The follow-up opened on `day` (the rectification's deadline and the referral's answer
    in July), and the inspection closed where nothing is left open."""
    year = day.year
    if story.kind == "clean":
        followups.open_follow_up(
            actor=author,
            inspection=inspection,
            kind=FollowUpKind.NONE,
            opened_on=day,
            details="未发现问题",
            idempotency_key=_key(inspection, "follow_up"),
        )
    elif story.kind == "rectify":
        followups.open_follow_up(
            actor=author,
            inspection=inspection,
            kind=FollowUpKind.RECTIFY,
            opened_on=day,
            details="办理外国人工作许可变更手续",
            due_on=date(year, 7, 20),
            idempotency_key=_key(inspection, "follow_up"),
        )
    else:
        followups.open_follow_up(
            actor=planner,
            inspection=inspection,
            kind=FollowUpKind.REFER,
            opened_on=day,
            authority=PSB,
            details="1名外籍人员未取得工作许可在本单位工作，涉嫌非法就业（出境入境管理法第四十一条、"
            "第八十条），移送公安机关依法处理，请于期限前反馈处理结果",
            due_on=date(year, 7, 30),
            idempotency_key=_key(inspection, "follow_up"),
        )
    _close_if_done(inspection, head)


def _close_if_done(inspection: Inspection, head: User) -> None:
    inspection.refresh_from_db()
    if inspection.state == S.REVIEWED and not close_blockers(inspection):
        followups.close_inspection(
            actor=head, inspection=inspection, idempotency_key=_key(inspection, "closed")
        )


def _recheck(inspection: Inspection, author: User, head: User, day: date) -> None:
    """The rectification re-checked and completed on `day` (22 July), the inspection closed."""
    rectification = inspection.follow_ups.filter(kind=FollowUpKind.RECTIFY).first()
    if rectification is None:
        return
    followups.recheck_follow_up(
        actor=author,
        follow_up=rectification,
        checked_on=day,
        rectified=True,
        outcome=f"已于{day.year}年7月16日取得变更后的外国人工作许可证，岗位、期限与实际一致",
        idempotency_key=_key(inspection, "recheck"),
    )
    followups.complete_follow_up(
        actor=author,
        follow_up=rectification,
        completed_on=day,
        outcome="改正完毕",
        idempotency_key=_key(inspection, "follow_up_done"),
    )
    _close_if_done(inspection, head)


# --- the part -----------------------------------------------------------------------------------


def _recorded_story(inspection: Inspection) -> Story | None:
    """The story an inspection's recorded result tells, once it has one."""
    result = current_records(inspection, RecordKind.RESULT)
    if not result:
        return None
    codes = set(result[-1].content.get("codes", []))
    if "no-problem" in codes:
        return CLEAN
    return RECTIFY if "rectified" in codes else REFER


def _stories(inspections: list[Inspection], kj_login: User | None) -> list[Story]:
    """The referral and the rectification go to the inspections kj_inspector sits on first,
    so that the demo inspector sees the whole path; the rest are clean. Once recorded, an
    inspection keeps the story its result tells (kj_inspector moves on to this year's task)."""
    mine = {
        i.pk
        for i in inspections
        if kj_login is not None and i.members.filter(officer__user=kj_login).exists()
    }
    ordered = sorted(inspections, key=lambda i: (i.pk not in mine, i.code))
    plan = {i.pk: CLEAN for i in inspections}
    for inspection, story in zip(ordered, [REFER, RECTIFY], strict=False):
        plan[inspection.pk] = story
    for inspection in inspections:
        plan[inspection.pk] = _recorded_story(inspection) or plan[inspection.pk]
    return [plan[i.pk] for i in inspections]


def _joint_task() -> tuple[SamplingTask | None, list[tuple[Inspection, Story]]]:
    """Last year's joint task and its inspections, each with the story it tells."""
    task = SamplingTask.objects.filter(code=joint_task_code()).first()
    if task is None:
        return None, []
    inspections = list(task.inspections.select_related("firm").order_by("code"))
    stories = _stories(inspections, account("kj_inspector"))
    return task, list(zip(inspections, stories, strict=True))


def referral_inspection() -> Inspection | None:
    """The inspection whose finding is referred to 公安: the legal review part reviews its
    decision (demo.legal_review) before the follow-ups part makes the referral."""
    _, stories = _joint_task()
    return next((i for i, story in stories if story.kind == "refer"), None)


def inspection_day(number: int) -> date:
    """The day last year's `number`th inspection (by code) was carried out."""
    return date(clock.last_year(), 6, 10 + 3 * number)


@transaction.atomic
def seed_fieldwork() -> dict[str, int]:
    """Last year's joint task started and its inspections recorded on site, submitted and
    reviewed, each on its day of June. The referral's legal review and every follow-up are the
    next parts."""
    created = dict.fromkeys(
        ["检查", "关联的执法人员账号", "执法人员账号", "全过程记录", "证据材料"], 0
    )
    task = SamplingTask.objects.filter(code=joint_task_code()).first()
    planner, head = account("kj_planner"), account("kj_admin")
    if task is None or planner is None or head is None:
        return created
    if task.status == TaskStatus.TEAMS_DRAWN:
        with clock.on(task.window_start - timedelta(days=1), 9):
            created["检查"] += len(start_fieldwork(actor=planner, task=task))
    inspections = list(task.inspections.select_related("firm").order_by("code"))
    if not inspections:
        return created
    records_before = InspectionRecord.objects.filter(inspection__task=task).count()
    evidence_before = sum(i.evidence_files.count() for i in inspections)
    if any(i.state in (S.PLANNED, S.NOTIFIED, *RECORDING) for i in inspections):
        _seat_demo_logins(task, created)
    kj_code = _kj_result_code(head)
    codes = {"clean": ["no-problem"], "rectify": ["rectified"], "refer": [kj_code.code]}
    lead = task.department.code
    for number, (inspection, story) in enumerate(_joint_task()[1]):
        day = inspection_day(number)
        if inspection.state not in (S.PLANNED, S.NOTIFIED, *RECORDING, S.SUBMITTED):
            continue  # recorded and reviewed on an earlier run
        author = team_author(inspection, lead, created)
        if inspection.approval_state == ApprovalState.PENDING:
            with clock.on(day - timedelta(days=1), 10):
                approve_inspection(
                    actor=head,
                    inspection=inspection,
                    opinion="同意按抽查任务实施检查",
                    occurred_at=_at(day - timedelta(days=1), 9),
                    idempotency_key=_key(inspection, "approval"),
                )
        if inspection.state in (S.PLANNED, S.NOTIFIED, *RECORDING):
            with clock.on(day, 12):
                _record_on_site(inspection, author, story, codes[story.kind], day)
        inspection.refresh_from_db()
        if inspection.state == S.SUBMITTED:
            with clock.on(day + timedelta(days=1), 10):
                records.review_result(
                    actor=head,
                    inspection=inspection,
                    agree=True,
                    opinion="检查程序合法，事实清楚，同意检查结果",
                    idempotency_key=_key(inspection, "review"),
                )
    created["全过程记录"] = (
        InspectionRecord.objects.filter(inspection__task=task).count() - records_before
    )
    created["证据材料"] = sum(i.evidence_files.count() for i in inspections) - evidence_before
    return created


@transaction.atomic
def seed_follow_ups() -> dict[str, int]:
    """Each reviewed inspection's follow-up opened on 28 June of last year (the referral only
    once its decision is approved in legal review, the part before), the clean ones closed."""
    created = {"全过程记录": 0}
    task, stories = _joint_task()
    planner, head = account("kj_planner"), account("kj_admin")
    if task is None or planner is None or head is None:
        return created
    records_before = InspectionRecord.objects.filter(inspection__task=task).count()
    day = date(clock.last_year(), 6, 28)
    for inspection, story in stories:
        if inspection.state == S.REVIEWED and not inspection.follow_ups.exists():
            author = team_author(inspection, task.department.code, {"执法人员账号": 0})
            with clock.on(day, 14):
                _follow_up(inspection, story, author, planner, head, day)
    created["全过程记录"] = (
        InspectionRecord.objects.filter(inspection__task=task).count() - records_before
    )
    return created


@transaction.atomic
def seed_rechecks() -> dict[str, int]:
    """The rectification re-checked and completed on 22 July of last year; the referral to 公安
    stays open, its answer due on 30 July long past."""
    created = {"全过程记录": 0}
    task, stories = _joint_task()
    head = account("kj_admin")
    if task is None or head is None:
        return created
    records_before = InspectionRecord.objects.filter(inspection__task=task).count()
    day = date(clock.last_year(), 7, 22)
    for inspection, story in stories:
        if story.kind == "rectify" and inspection.state == S.REVIEWED:
            author = team_author(inspection, task.department.code, {"执法人员账号": 0})
            with clock.on(day, 15):
                _recheck(inspection, author, head, day)
    created["全过程记录"] = (
        InspectionRecord.objects.filter(inspection__task=task).count() - records_before
    )
    return created


def in_progress_day() -> date:
    """The day this year's team went on site: yesterday, or today if the window opened today."""
    window = current_window()
    return max(window[0], clock.real_today() - timedelta(days=1))


@transaction.atomic
def seed_current_fieldwork() -> dict[str, int]:
    """This year's joint task started the day before its window opened, its inspections
    approved, and the one kj_inspector sits on under way: the notice served and the team on
    site (检查中) on `in_progress_day()`."""
    created = dict.fromkeys(["检查", "关联的执法人员账号", "执法人员账号", "全过程记录"], 0)
    task = SamplingTask.objects.filter(code=current_task_code()).first()
    planner, head = account("kj_planner"), account("kj_admin")
    if task is None or planner is None or head is None:
        return created
    opened = task.window_start - timedelta(days=1)
    if task.status == TaskStatus.TEAMS_DRAWN:
        with clock.on(opened, 9):
            created["检查"] += len(start_fieldwork(actor=planner, task=task))
    inspections = list(task.inspections.select_related("firm").order_by("code"))
    if not inspections:
        return created
    records_before = InspectionRecord.objects.filter(inspection__task=task).count()
    _seat_demo_logins(task, created)
    for inspection in inspections:
        if inspection.approval_state == ApprovalState.PENDING:
            with clock.on(opened, 10):
                approve_inspection(
                    actor=head,
                    inspection=inspection,
                    opinion="同意按抽查任务实施检查",
                    idempotency_key=_key(inspection, "approval"),
                )
    login = account("kj_inspector")
    mine = next((i for i in inspections if i.members.filter(officer__user=login).exists()), None)
    # Another team has finished: its clean result reviewed, waiting to be published (待公示).
    done = next((i for i in inspections if i != mine), None)
    if done is not None:
        _record_and_review(done, task, head, created, review_hour=16)
    # A third team went first: its clean result reviewed, published and the inspection closed,
    # so that its firm holds a rating link that is still open (企业评价, 30 days from closing).
    first = next((i for i in inspections if i not in (mine, done)), None)
    if first is not None:
        _close_this_year(first, task, head, created)
    if mine is not None:
        mine.refresh_from_db()
        if mine.state in (S.PLANNED, S.NOTIFIED):
            _go_on_site(mine, team_author(mine, task.department.code, created))
    created["全过程记录"] = (
        InspectionRecord.objects.filter(inspection__task=task).count() - records_before
    )
    return created


def _record_and_review(
    inspection: Inspection,
    task: SamplingTask,
    head: User,
    created: dict[str, int],
    review_hour: int,
) -> None:
    """`inspection` recorded clean on `in_progress_day()` and its result reviewed."""
    day = in_progress_day()
    if inspection.state in (S.PLANNED, S.NOTIFIED, *RECORDING):
        author = team_author(inspection, task.department.code, created)
        with clock.on(day, 12):
            _record_on_site(inspection, author, CLEAN, ["no-problem"], day)
        inspection.refresh_from_db()
    if inspection.state == S.SUBMITTED:
        with clock.on(day, review_hour):
            records.review_result(
                actor=head,
                inspection=inspection,
                agree=True,
                opinion="检查程序合法，事实清楚，同意检查结果",
                idempotency_key=_key(inspection, "review"),
            )
        inspection.refresh_from_db()


def _close_this_year(
    inspection: Inspection, task: SamplingTask, head: User, created: dict[str, int]
) -> None:
    """`inspection` recorded clean, reviewed, published and closed on `in_progress_day()`."""
    _record_and_review(inspection, task, head, created, review_hour=14)
    if inspection.state != S.REVIEWED:
        return
    day = in_progress_day()
    with clock.on(day, 15):
        if not PublishedResult.objects.filter(inspection=inspection).exists():
            publish_results(actor=head, inspections=[inspection])
        if not inspection.follow_ups.exists():
            followups.open_follow_up(
                actor=head,
                inspection=inspection,
                kind=FollowUpKind.NONE,
                opened_on=day,
                details="未发现问题",
                idempotency_key=_key(inspection, "follow_up"),
            )
        _close_if_done(inspection, head)


def _go_on_site(inspection: Inspection, author: User) -> None:
    """The notice served and the team arrived, on `in_progress_day()` (never later than now)."""
    day = in_progress_day()
    numbers = [m.certificate_number for m in inspection.members.order_by("department__code")]
    with clock.on(day, 10):
        if inspection.state == S.PLANNED:
            records.issue_notice(
                actor=author,
                inspection=inspection,
                served_on=day,
                delivery="当面送达",
                recipient="单位人事负责人",
                occurred_at=clock.moment(day, 9),
                idempotency_key=_key(inspection, "notice"),
            )
        scan = record_code_scan(
            code=InspectionCode.objects.get(inspection=inspection),
            method="scan",
            occurred_at=clock.moment(day, 9, 20),
        )
        records.record_arrival(
            actor=author,
            inspection=inspection,
            method="onsite",
            officers_present=numbers,
            certificates_shown=True,
            code_unverified_reason="" if scan is not None else "检查对象未能扫码核验",
            onsite_reason="需现场核对外籍员工在岗情况和证件原件",
            place=(inspection.firm.address or inspection.firm_name)[:200],
            latitude=f"{43.85 + inspection.pk % 7 * 0.011:.6f}",
            longitude=f"{125.28 + inspection.pk % 5 * 0.017:.6f}",
            occurred_at=clock.moment(day, 9, 30),
            idempotency_key=_key(inspection, "arrival"),
        )
