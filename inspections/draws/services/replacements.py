"""递补: partial replacement draws after a task's teams are drawn (domain.md, Inspectors).

A recused officer's seat, or an out-of-scope firm, is refilled by a new DR-1 draw whose
announcement names the draw it replaces and the reason, approved by the department head; the
task's whole draws stay as they were, and `inspections.draws.teams` applies the replacements.

- An officer replacement is a teams draw for the one firm: its pool is the officer's
  department, with the recused officer (`recused`), the firm's other team members (`seated`)
  and those who already inspect as many firms as the cap allows (`cap-reached`) shown excluded;
  `team` is that department's one missing seat, and its firms result file is the firm's row of
  the firms draw that drew it.
- A firm replacement is a firms draw over the task's scope today, every firm drawn before shown
  excluded (`drawn`), quota 1 in the out-of-scope firm's stratum and 0 elsewhere; the team for
  the firm it draws is then a teams draw for that draw's one-row result, approved with it.

Each is announced, then performed with the witnesses' values by `perform_draw`, like any draw.
"""

from collections import Counter

from django.db import transaction

from inspections.directory.models import Firm
from inspections.draws import dr1
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.selectors import firms_pool
from inspections.draws.services.draws import (
    _LEAD_APPROVAL,
    FIRM_REPLACEMENT_STATES,
    OFFICER_REPLACEMENT_STATES,
    _announce_event,
    _clean_reason,
    _create_draw,
    _refuse,
    _require_approver,
    _team_inputs,
)
from inspections.draws.teams import effective_firms, effective_teams, firms_awaiting_team
from inspections.planning import rules
from inspections.planning.access import lock_task, require_lead_planner
from inspections.planning.models import SamplingTask
from inspections.planning.staffing import item_infos_of
from personnel.eligibility import EligibilityChecker, FirmRef, ItemRef, Window
from personnel.models import Certificate, Officer

RECUSED = "recused"
SEATED = "seated"
CAP_REACHED = "cap-reached"
DRAWN = "drawn"


def _require_state(task: SamplingTask, states, what: str) -> None:
    if task.status not in states:
        allowed = "、".join(f"“{state.label}”" for state in states)
        raise _refuse(
            f"抽查任务{task.code}当前为“{task.get_status_display()}”，不能{what}"
            f"（仅在{allowed}时可以）",
            "not_replaceable_state",
        )


def _require_no_pending(task: SamplingTask) -> None:
    pending = task.draws.filter(status=DrawStatus.ANNOUNCED).first()
    if pending is not None:
        raise _refuse(
            f"抽取{pending.public_id}已公告、尚未进行，请先进行或作废该抽取", "draw_pending"
        )


def _drawn_row(task: SamplingTask, uscc: str) -> tuple[Draw, dr1.FirmPick]:
    """The firms draw that drew the firm, and the firm's row of its result."""
    drawn = next((f for f in effective_firms(task) if f.uscc == uscc), None)
    if drawn is None:
        raise _refuse(f"企业{uscc}不是抽查任务{task.code}抽中的检查对象", "firm_not_drawn")
    draw = task.draws.get(public_id=drawn.draw_public_id)
    pick = next(p for p in dr1.parse_firms_result(bytes(draw.result)) if p.key == uscc)
    return draw, pick


def _loads(task: SamplingTask) -> Counter:
    """How many firms each officer (certificate number) inspects in the task today."""
    return Counter(
        seat.certificate_number for seats in effective_teams(task).values() for seat in seats
    )


def _grounds(task: SamplingTask, officer: Officer, firm: FirmRef) -> list[str]:
    """Why the officer may not inspect the firm now (eligibility's reason codes); empty when
    the officer may, for any of the task's fields the department covers."""
    fields = sorted(rules.relevant_fields(officer.department.code, item_infos_of(task)))
    checker = EligibilityChecker(
        Officer.objects.filter(pk=officer.pk), Window(task.window_start, task.window_end)
    )
    grounds: list[str] = []
    for field in fields:
        found = checker.check(
            officer, firm=firm, item=ItemRef(field), cross_assignment=task.cross_assignment
        )
        if found.eligible:
            return []
        grounds = grounds or [str(code) for code in found.codes]
    return grounds or ["cert-field"]


def _teams_announcement(*, team, task, conflicts_bytes, firms_result, replaces, reason):
    return {
        "team": dict(sorted(team.items())),
        "cap": task.officer_cap,
        "conflicts_sha256": dr1.sha256_hex(conflicts_bytes),
        "firms_result_sha256": dr1.sha256_hex(firms_result),
        "replaces": replaces.public_id,
        "reason": reason,
    }


@transaction.atomic
def announce_officer_replacement(
    *, actor, task: SamplingTask, firm_uscc: str, certificate_number: str, reason: str, approved_by
) -> Draw:
    """Announce the 递补 of a recused officer's seat on a drawn firm's team.

    The officer must be on the firm's team today and may no longer inspect it (a conflict of
    interest, a granted recusal request, or any other reason eligibility gives); the approver
    is an administrator of the lead department or of the officer's department.
    """
    task = lock_task(task)
    require_lead_planner(actor, task)
    _require_state(task, OFFICER_REPLACEMENT_STATES, "递补执法人员")
    reason = _clean_reason(reason)
    firm_uscc = (firm_uscc or "").strip().upper()
    certificate_number = (certificate_number or "").strip()
    teams = effective_teams(task)
    if firm_uscc not in teams:
        raise _refuse(f"企业{firm_uscc}不是抽查任务{task.code}抽中的检查对象", "firm_not_drawn")
    seat = next((s for s in teams[firm_uscc] if s.certificate_number == certificate_number), None)
    if seat is None:
        raise _refuse(f"执法证{certificate_number}不在企业{firm_uscc}的检查组中", "not_seated")
    officer = (
        Certificate.objects.select_related("officer__department")
        .get(number=certificate_number)
        .officer
    )
    _require_approver(
        approved_by,
        {task.department_id, officer.department_id},
        "递补执法人员须经发起部门或该执法人员所在部门的负责人（部门管理员）批准",
    )
    _require_no_pending(task)
    region = Firm.objects.filter(uscc=firm_uscc).values_list("region_code", flat=True).first()
    grounds = _grounds(task, officer, FirmRef(uscc=firm_uscc, region_code=region or ""))
    if not grounds:
        raise _refuse(
            f"执法人员{officer.name}（执法证{certificate_number}）对企业{firm_uscc}没有回避事由，"
            "不能递补",
            "not_recused",
        )

    department = seat.department_code
    rows, conflicts = _team_inputs(task, [firm_uscc])
    seated = {s.certificate_number for s in teams[firm_uscc]}
    load = _loads(task)
    pool = {}
    for row in rows:
        if row.stratum != department:
            continue
        excluded = row.excluded
        if row.key == certificate_number:
            excluded = RECUSED
        elif not excluded and row.key in seated:
            excluded = SEATED
        elif not excluded and load[row.key] >= task.officer_cap:
            excluded = CAP_REACHED
        pool[row.key] = dr1.PoolRow(row.key, department, excluded)
    pool.setdefault(certificate_number, dr1.PoolRow(certificate_number, department, RECUSED))
    conflicts = {(o, f) for o, f in conflicts if o in pool}
    if not any(r.eligible and (r.key, firm_uscc) not in conflicts for r in pool.values()):
        raise _refuse(
            f"{department}没有可以递补企业{firm_uscc}检查组的执法人员（均已在组、回避或已达"
            f"每人{task.officer_cap}户上限）",
            "no_officers",
        )
    _, pick = _drawn_row(task, firm_uscc)
    firms_result = dr1.format_firms_result([pick])
    conflicts_bytes = dr1.format_conflicts(sorted(conflicts))
    replaces = task.draws.get(public_id=seat.draw_public_id)
    draw = _create_draw(
        actor=actor,
        task=task,
        purpose=DrawPurpose.TEAMS,
        announcement_fields=_teams_announcement(
            team={department: 1},
            task=task,
            conflicts_bytes=conflicts_bytes,
            firms_result=firms_result,
            replaces=replaces,
            reason=reason,
        ),
        pool_bytes=dr1.format_pool(pool.values()),
        conflicts=conflicts_bytes,
        replaces=replaces,
        approved_by=approved_by,
        replaced_firm=firm_uscc,
        replaced_officer=certificate_number,
        firms_result=firms_result,
    )
    _announce_event(actor, draw, task, grounds=grounds)
    return draw


@transaction.atomic
def announce_firm_replacement(
    *, actor, task: SamplingTask, firm_uscc: str, reason: str, approved_by
) -> Draw:
    """Announce the 递补 of a drawn firm that has left the task's scope (注销, 吊销, 撤销, 迁出,
    or no longer matching it), from the same stratum of the scope as it is today."""
    task = lock_task(task)
    require_lead_planner(actor, task)
    _require_state(task, FIRM_REPLACEMENT_STATES, "递补检查对象")
    reason = _clean_reason(reason)
    _require_approver(approved_by, {task.department_id}, _LEAD_APPROVAL)
    firm_uscc = (firm_uscc or "").strip().upper()
    replaces, pick = _drawn_row(task, firm_uscc)
    _require_no_pending(task)
    # The replaced draw's labels: its result names the firm's stratum by one of them.
    rows = firms_pool(task, replaces.strata)
    now = next((r for r in rows if r.key == firm_uscc), None)
    if now is not None and now.eligible:
        raise _refuse(
            f"企业{firm_uscc}仍在抽查范围内、可以抽取，不能递补；只有注销、吊销、撤销、迁出"
            "或已不在抽查范围内的检查对象可以递补",
            "firm_in_scope",
        )
    ever_drawn = {
        p.key
        for draw in task.draws.filter(purpose=DrawPurpose.FIRMS, status=DrawStatus.PERFORMED)
        for p in dr1.parse_firms_result(bytes(draw.result))
    }
    pool = [
        dr1.PoolRow(r.key, r.stratum, DRAWN if r.eligible and r.key in ever_drawn else r.excluded)
        for r in rows
    ]
    eligible = dr1.eligible_counts(pool)
    if not eligible.get(pick.stratum):
        raise _refuse(
            f"{replaces.risk_class_of(pick.stratum)}类已没有可以递补的检查对象", "empty_pool"
        )
    quota = {stratum: int(stratum == pick.stratum) for stratum in sorted(eligible)}
    draw = _create_draw(
        actor=actor,
        task=task,
        purpose=DrawPurpose.FIRMS,
        announcement_fields={"quota": quota, "replaces": replaces.public_id, "reason": reason},
        pool_bytes=dr1.format_pool(pool),
        replaces=replaces,
        approved_by=approved_by,
        replaced_firm=firm_uscc,
        strata=replaces.strata,
    )
    _announce_event(actor, draw, task, grounds=[now.excluded if now else "out-of-scope"])
    return draw


@transaction.atomic
def announce_replacement_team(*, actor, draw: Draw) -> Draw:
    """Announce the teams draw for the firm a performed firm replacement drew.

    It replaces the out-of-scope firm's team, with the firm replacement's reason and approver;
    its firms result file is the firm replacement's own result.
    """
    task = lock_task(draw.task)
    require_lead_planner(actor, task)
    _require_state(task, FIRM_REPLACEMENT_STATES, "为递补的检查对象抽取检查人员")
    firms_draw = Draw.objects.select_related("approved_by").get(pk=draw.pk)
    if firms_draw.pk not in {d.pk for d in firms_awaiting_team(task)}:
        raise _refuse(
            f"抽取{firms_draw.public_id}不是尚待组建检查组的检查对象递补抽取", "no_team_needed"
        )
    _require_no_pending(task)
    firms_result = bytes(firms_draw.result)
    (pick,) = dr1.parse_firms_result(firms_result)
    rows, conflicts = _team_inputs(task, [pick.key])
    load = _loads(task)
    pool = [
        dr1.PoolRow(
            r.key,
            r.stratum,
            CAP_REACHED if r.eligible and load[r.key] >= task.officer_cap else r.excluded,
        )
        for r in rows
    ]
    team = {p.department.code: p.seats for p in task.participations.select_related("department")}
    eligible = dr1.eligible_counts(pool)
    empty = sorted(code for code in team if not eligible.get(code))
    if empty:
        raise _refuse(
            f"{'、'.join(empty)}没有可以递补的执法人员，不能为递补的检查对象抽取检查人员",
            "no_officers",
        )
    replaced_team = next(
        d
        for d in task.draws.filter(purpose=DrawPurpose.TEAMS, status=DrawStatus.PERFORMED).order_by(
            "-performed_at", "-pk"
        )
        if firms_draw.replaced_firm in {s.firm for s in dr1.parse_teams_result(bytes(d.result))}
    )
    reason = f"为递补抽取{firms_draw.public_id}抽中的检查对象抽取检查人员：{firms_draw.reason}"
    conflicts_bytes = dr1.format_conflicts(sorted(conflicts))
    new = _create_draw(
        actor=actor,
        task=task,
        purpose=DrawPurpose.TEAMS,
        announcement_fields=_teams_announcement(
            team=team,
            task=task,
            conflicts_bytes=conflicts_bytes,
            firms_result=firms_result,
            replaces=replaced_team,
            reason=reason,
        ),
        pool_bytes=dr1.format_pool(pool),
        conflicts=conflicts_bytes,
        replaces=replaced_team,
        approved_by=firms_draw.approved_by,
        replaced_firm=firms_draw.replaced_firm,
        firms_result=firms_result,
    )
    _announce_event(actor, new, task)
    return new
