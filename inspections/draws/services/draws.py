"""The two DR-1 draws of a sampling task (draw-spec.md): announce, then perform once.

Announcing freezes the pool and the parameters, commits to a secret nonce by its SHA-256 and
publishes the announcement at once; performing takes the witnesses' values, reveals the nonce,
and computes the result with `inspections.draws.dr1` (the only implementation of the algorithm).
Every refusal is a ValidationError in Chinese, and nothing is recorded as drawn after one.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.personal_numbers import has_personal_numbers
from backend.text import strip_invisible
from inspections.draws import dr1, draw_files, draw_parallel
from inspections.draws.actions import DrawAction
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.models.draws import DrawCounter
from inspections.draws.selectors import firms_result_for, new_strata, performed_draw
from inspections.planning import rules
from inspections.planning.access import lock_task, require_lead_planner
from inspections.planning.models import SamplingTask, TaskStatus
from inspections.planning.selectors import task_scope
from inspections.planning.services.task_transitions import transition_task
from inspections.planning.staffing import item_infos_of
from personnel.eligibility import EligibilityChecker, FirmRef, ItemRef, ReasonCode, Window
from personnel.models import ON_ROSTER, Officer

# Announcements carry Beijing time with its offset, whatever the server's zone.
BEIJING = ZoneInfo("Asia/Shanghai")
# Partial replacements are drawn once the teams exist: a recused officer's seat until the results
# are reviewed; an out-of-scope firm (and the team for its replacement) before the inspections
# start, since each inspection is opened for a drawn firm.
OFFICER_REPLACEMENT_STATES = (TaskStatus.TEAMS_DRAWN, TaskStatus.IN_PROGRESS)
FIRM_REPLACEMENT_STATES = (TaskStatus.TEAMS_DRAWN,)
# Reasons that depend on the firm: they go to the conflicts file, not the officer pool.
_FIRM_REASONS = {ReasonCode.CONFLICT, ReasonCode.SAME_AREA}


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"non_field_errors": message}, code=code)


def _announced_at(now: datetime) -> str:
    return now.astimezone(BEIJING).isoformat(timespec="seconds")


def _next_public_id(year: int) -> str:
    """The year's next D-YYYY-NNNN. The year's counter row stays locked until the announcing
    transaction ends, so two tasks announcing at once are numbered one after the other."""
    counter = DrawCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        prefix = f"D-{year}-"
        last = (
            Draw.objects.filter(public_id__startswith=prefix)
            .order_by("-public_id")
            .values_list("public_id", flat=True)
            .first()
        )
        try:
            # A savepoint: the first draw of a year may be announced by two tasks at once; the
            # loser of the insert then waits on the winner's row below.
            with transaction.atomic():
                DrawCounter.objects.create(
                    year=year, last=int(last.removeprefix(prefix)) if last else 0
                )
        except IntegrityError:
            pass
        counter = DrawCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"D-{year}-{counter.last:04d}"


def _quotas(task: SamplingTask, eligible: dict[str, int], labels: dict[str, str]) -> dict[str, int]:
    """The announced integers per stratum label (`eligible` is per label too): fixed counts as
    given, ratios through DR-1's exact ceil; every stratum with eligible firms gets an entry (0
    when the task does not sample it)."""
    quota = dict.fromkeys(eligible, 0)
    for row in task.quotas.all():
        stratum = labels.get(row.risk_class, row.risk_class)
        n = eligible.get(stratum, 0)
        if row.count is not None:
            if row.count > n:
                raise _refuse(
                    f"{row.risk_class}类固定数量{row.count}户多于可抽取的{n}户，不能公告抽取",
                    "quota_exceeds_stratum",
                )
            quota[stratum] = row.count
        else:
            quota[stratum] = rules.quota_from_ratio(n, row.ratio)
    return dict(sorted(quota.items()))


# Told what a long draw is doing, and how far it is (0 to 1): see inspections.draws.draw_jobs.
Progress = Callable[[str, float], None]


def _no_progress(step: str, done: float) -> None:
    pass


def _create_draw(
    *,
    actor,
    task,
    purpose,
    announcement_fields,
    pool_bytes,
    conflicts=None,
    replaces=None,
    pool_size: int | None = None,
    **fields,
):
    if pool_size is None:
        pool_size = dr1.pool_summary(pool_bytes).size
    now = timezone.now()
    public_id = _next_public_id(now.astimezone(BEIJING).year)
    nonce = dr1.new_nonce()
    announcement = {
        "spec": dr1.SPEC,
        "draw": public_id,
        "task": task.code,
        "purpose": purpose,
        "pool_sha256": dr1.sha256_hex(pool_bytes),
        "pool_size": pool_size,
        **announcement_fields,
        "nonce_sha256": dr1.sha256_hex(nonce),
        "witnesses": list(task.witnesses),
        "announced_at": _announced_at(now),
    }
    dr1.check_announcement(announcement)
    draw = Draw(
        public_id=public_id,
        task=task,
        purpose=purpose,
        announcement=announcement,
        announcement_sha256=dr1.sha256_hex(dr1.canonical_json(announcement)),
        pool=pool_bytes,
        pool_sha256=announcement["pool_sha256"],
        conflicts=conflicts,
        nonce=nonce.hex(),
        replaces=replaces,
        reason=announcement.get("reason", ""),
        announced_at=now,
        announced_by=actor,
        **fields,
    )
    draw.full_clean()
    with draw_files.binary_parameters():  # the pool may be hundreds of megabytes
        draw.save()
    return draw


def _clean_reason(reason: str) -> str:
    reason = strip_invisible(reason or "", multiline=True).strip()
    if not reason:
        raise ValidationError({"reason": "递补抽取须说明原因"}, code="reason_required")
    if has_personal_numbers(reason):
        # The reason is part of the announcement, published as hashed: it can never be masked.
        raise ValidationError(
            {"reason": "递补原因随抽取公告永久公开，不能含身份证号码或电话号码"},
            code="reason_personal_numbers",
        )
    return reason


def _require_approver(approved_by, department_ids, message: str) -> None:
    """递补 is approved by the department head: an administrator of one of those departments."""
    if (
        approved_by is None
        or not approved_by.has_role(Role.DEPARTMENT_ADMIN)
        or approved_by.department_id not in department_ids
    ):
        raise _refuse(message, "approval_required")


_LEAD_APPROVAL = "递补抽取须经发起部门负责人（部门管理员）批准"


def _replacement(task, purpose, replaces, reason, approved_by) -> dict[str, str]:
    """The announcement's `replaces` and `reason` for a 递补 draw, after its checks."""
    if replaces is None:
        return {}
    reason = _clean_reason(reason)
    _require_approver(approved_by, {task.department_id}, _LEAD_APPROVAL)
    replaces = Draw.objects.get(pk=replaces.pk)
    if (
        replaces.task_id != task.pk
        or replaces.purpose != purpose
        or replaces.status != DrawStatus.ABANDONED
        or replaces.is_partial
    ):
        raise _refuse(
            f"抽取{replaces.public_id}不是本任务已作废的同类抽取，不能被递补", "not_replaceable"
        )
    return {"replaces": replaces.public_id, "reason": reason}


def _announce_event(actor, draw: Draw, task: SamplingTask, **extra) -> None:
    record_event(
        action=DrawAction.ANNOUNCE,
        actor=actor,
        obj=draw,
        detail={
            "draw": draw.public_id,
            "task": task.code,
            "purpose": draw.purpose,
            "replaces": draw.replaces.public_id if draw.replaces else "",
            "reason": draw.reason,
            "approved_by": draw.approved_by.username if draw.approved_by else "",
            "replaced_firm": draw.replaced_firm,
            "replaced_officer": draw.replaced_officer,
            **extra,
        },
    )


@transaction.atomic
def announce_firms_draw(
    *,
    actor,
    task: SamplingTask,
    replaces: Draw | None = None,
    reason: str = "",
    approved_by=None,
    progress: Progress = _no_progress,
) -> Draw:
    """Freeze the task's firms pool and quotas, commit to a nonce, and publish the announcement.

    With `replaces` (an abandoned firms draw of the task), a replacement draw whose announcement
    names it and the reason, approved by the lead department's administrator.
    """
    task = lock_task(task)
    require_lead_planner(actor, task)
    expected = TaskStatus.DRAFT if replaces is None else TaskStatus.FIRMS_ANNOUNCED
    if task.status != expected:
        raise _refuse(
            f"抽查任务{task.code}当前为“{task.get_status_display()}”，不能公告检查对象抽取",
            "not_draft",
        )
    replacement = _replacement(task, DrawPurpose.FIRMS, replaces, reason, approved_by)
    progress("正在冻结抽查范围内的检查对象名单", 0.05)
    # A re-announcement keeps the labels of the draw it replaces: the same scope gives the same
    # pool file, which anyone can compare.
    strata = dict(replaces.strata) if replaces is not None else new_strata()
    try:
        pool_bytes, summary = draw_files.firms_pool_file(task, strata)
    except dr1.DrawError as exc:
        raise _refuse(
            f"抽查范围内检查对象的数据不符合 DR-1 候选名单格式，不能公告抽取（{exc.message_en}）",
            "pool_format",
        ) from exc
    eligible = summary.eligible
    if not eligible:
        raise _refuse(f"抽查任务{task.code}的抽查范围内没有可抽取的检查对象", "empty_pool")
    quota = _quotas(task, eligible, strata)
    if not any(quota.values()):
        raise _refuse(f"抽查任务{task.code}的抽取数量为0，没有可抽取的检查对象", "empty_quota")
    if not replacement:
        # The task's own checks (departments confirmed, team complete) come first.
        task = transition_task(actor=actor, task=task, to=TaskStatus.FIRMS_ANNOUNCED)
    progress("正在保存并公布公告", 0.8)
    draw = _create_draw(
        actor=actor,
        task=task,
        purpose=DrawPurpose.FIRMS,
        announcement_fields={"quota": quota, **replacement},
        pool_bytes=pool_bytes,
        pool_size=summary.size,
        replaces=replaces,
        approved_by=approved_by if replacement else None,
        strata=strata,
        eligible=eligible,
    )
    _announce_event(actor, draw, task)
    return draw


@transaction.atomic
def abandon_draw(*, actor, draw: Draw, reason: str) -> Draw:
    """作废 an announced draw; it stays public as abandoned, with its reason, for good."""
    task = lock_task(draw.task)
    require_lead_planner(actor, task)
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    reason = strip_invisible(reason or "", multiline=True).strip()
    if not reason:
        raise ValidationError({"reason": "作废抽取须说明原因"}, code="reason_required")
    if draw.status != DrawStatus.ANNOUNCED:
        raise _refuse(
            f"抽取{draw.public_id}当前为“{draw.get_status_display()}”，不能作废", "not_announced"
        )
    draw.status = DrawStatus.ABANDONED
    draw.abandoned_reason = reason
    draw.full_clean()
    draw.save(update_fields=["status", "abandoned_reason"])
    record_event(
        action=DrawAction.ABANDON,
        actor=actor,
        obj=draw,
        detail={"draw": draw.public_id, "task": task.code, "reason": reason},
    )
    return draw


def _team_inputs(task: SamplingTask, firms: Sequence[str]):
    """The officers' pool rows and the (officer, firm) conflict pairs for a teams draw."""
    infos = item_infos_of(task)
    participations = list(task.participations.select_related("department"))
    codes = {p.department.code for p in participations}
    window = Window(task.window_start, task.window_end)
    officers = (
        Officer.objects.filter(department__code__in=codes, status__in=ON_ROSTER)
        .select_related("department")
        .order_by("pk")
    )
    checker = EligibilityChecker(officers, window)
    firm_refs = [
        FirmRef(uscc=uscc, region_code=region)
        for uscc, region in task_scope(task)
        .filter(uscc__in=firms)
        .order_by()
        .values_list("uscc", "region_code")
    ]
    by_uscc: dict[str, list[FirmRef]] = {}
    by_area: dict[str, list[FirmRef]] = {}
    for firm in firm_refs:
        by_uscc.setdefault(firm.normalised_uscc, []).append(firm)
        by_area.setdefault(firm.region_code, []).append(firm)
    no_firm = FirmRef(uscc="")
    rows: dict[str, dr1.PoolRow] = {}
    conflicts: set[tuple[str, str]] = set()
    for officer in checker.officers:
        department = officer.department.code
        fields = sorted(rules.relevant_fields(department, infos))
        best = None
        for field in fields:
            found = checker.check(officer, firm=no_firm, item=ItemRef(field))
            if found.eligible:
                best = (found, field)
                break
            if best is None:
                best = (found, field)
        if best is None:
            continue
        found, field = best
        if found.eligible:
            key = found.certificate.number
            rows[key] = dr1.PoolRow(key=key, stratum=department, excluded="")
            # A firm's answer differs from the answer without a firm only through a conflict of
            # interest the checker loaded, or the officer's own area in cross assignment: ask
            # about those firms alone (500 firms x 2,000 officers would be a million questions).
            suspects = [
                f for c in officer.conflicts_in_window for f in by_uscc.get(c.firm_uscc, ())
            ]
            if task.cross_assignment and officer.jurisdiction_area:
                suspects += by_area.get(officer.jurisdiction_area, [])
            for firm in suspects:
                judged = checker.check(
                    officer,
                    firm=firm,
                    item=ItemRef(field),
                    cross_assignment=task.cross_assignment,
                )
                if {r.code for r in judged.reasons} & _FIRM_REASONS:
                    conflicts.add((key, firm.normalised_uscc))
            continue
        # Shown, not hidden: an officer in scope who may not be drawn, under a certificate.
        certificates = sorted(officer.certificates.all(), key=lambda c: (c.valid_to, c.number))
        if not certificates:
            continue
        key = certificates[-1].number
        code = next(r.code for r in found.reasons if r.code not in _FIRM_REASONS)
        rows[key] = dr1.PoolRow(key=key, stratum=department, excluded=str(code))
    return sorted(rows.values(), key=lambda row: row.key.encode()), conflicts


@transaction.atomic
def announce_teams_draw(
    *, actor, task: SamplingTask, replaces: Draw | None = None, reason: str = "", approved_by=None
) -> Draw:
    """Freeze the officers' pool per department and the conflicts with the drawn firms, and
    publish the teams draw's announcement.

    With `replaces` (an abandoned teams draw of the task), a replacement draw whose announcement
    names it and the reason, approved by the lead department's administrator.
    """
    task = lock_task(task)
    require_lead_planner(actor, task)
    expected = TaskStatus.FIRMS_DRAWN if replaces is None else TaskStatus.TEAMS_ANNOUNCED
    if task.status != expected:
        raise _refuse(
            f"抽查任务{task.code}当前为“{task.get_status_display()}”，不能公告检查人员抽取",
            "not_firms_drawn",
        )
    replacement = _replacement(task, DrawPurpose.TEAMS, replaces, reason, approved_by)
    firms_draw = performed_draw(task, DrawPurpose.FIRMS)
    firms_result = bytes(firms_draw.result)
    firms = [pick.key for pick in dr1.parse_firms_result(firms_result)]
    rows, conflicts = _team_inputs(task, firms)
    team = {p.department.code: p.seats for p in task.participations.select_related("department")}
    eligible = dr1.eligible_counts(rows)
    empty = sorted(code for code in team if not eligible.get(code))
    if empty:
        raise _refuse(
            f"{'、'.join(empty)}没有符合条件的执法人员，不能公告检查人员抽取", "no_officers"
        )
    conflicts_bytes = dr1.format_conflicts(sorted(conflicts))
    if not replacement:
        task = transition_task(actor=actor, task=task, to=TaskStatus.TEAMS_ANNOUNCED)
    draw = _create_draw(
        actor=actor,
        task=task,
        purpose=DrawPurpose.TEAMS,
        announcement_fields={
            "team": dict(sorted(team.items())),
            "cap": task.officer_cap,
            "conflicts_sha256": dr1.sha256_hex(conflicts_bytes),
            "firms_result_sha256": dr1.sha256_hex(firms_result),
            **replacement,
        },
        pool_bytes=dr1.format_pool(rows),
        conflicts=conflicts_bytes,
        replaces=replaces,
        approved_by=approved_by if replacement else None,
        firms_result=firms_result,
    )
    _announce_event(actor, draw, task)
    return draw


def _clean_witness_values(draw: Draw, values: Sequence[str]) -> list[str]:
    witnesses = draw.announcement["witnesses"]
    # Published as hashed: anyone checking the draw retypes what they see, so nothing invisible.
    values = [strip_invisible(str(value)).strip() for value in values]
    if len(values) != len(witnesses):
        raise ValidationError(
            {
                "witness_values": f"公告的见证人为{len(witnesses)}名"
                f"（{'、'.join(witnesses) or '无'}），应录入{len(witnesses)}个见证值，"
                f"实际录入{len(values)}个"
            },
            code="witness_count",
        )
    missing = [name for name, value in zip(witnesses, values, strict=True) if not value]
    if missing:
        raise ValidationError(
            {"witness_values": f"{'、'.join(missing)}的见证值未录入"}, code="witness_missing"
        )
    # The values are published in the reveal exactly as hashed: they can never be masked.
    personal = [
        name for name, value in zip(witnesses, values, strict=True) if has_personal_numbers(value)
    ]
    if personal:
        raise ValidationError(
            {
                "witness_values": f"{'、'.join(personal)}的见证值随抽取揭示永久公开，"
                "不能是身份证号码或电话号码，请另选一个"
            },
            code="witness_personal_numbers",
        )
    return values


@transaction.atomic
def perform_draw(
    *, actor, draw: Draw, witness_values: Sequence[str], progress: Progress = _no_progress
) -> Draw:
    """Reveal the nonce with the witnesses' values and compute the result, once."""
    # The task first, then the draw, in every service: one order, no deadlock.
    task = lock_task(draw.task)
    require_lead_planner(actor, task)
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.status != DrawStatus.ANNOUNCED:
        raise _refuse(
            f"抽取{draw.public_id}当前为“{draw.get_status_display()}”，不能再次抽取",
            "already_performed" if draw.is_performed else "abandoned",
        )
    states = OFFICER_REPLACEMENT_STATES if draw.replaced_officer else FIRM_REPLACEMENT_STATES
    if draw.is_partial and task.status not in states:
        raise _refuse(
            f"抽查任务{task.code}当前为“{task.get_status_display()}”，不能再进行递补抽取",
            "not_replaceable_state",
        )
    values = _clean_witness_values(draw, witness_values)
    reveal = dr1.make_reveal(bytes.fromhex(draw.nonce), values)
    firms_result = None
    if draw.purpose == DrawPurpose.TEAMS:
        firms_result = firms_result_for(draw)
    progress("正在读取候选名单", 0.05)
    parts = draw_parallel.parts(settings.DRAWS_PROCESSES)
    # A large firms pool is read on every core: the other processes start while it is fetched.
    pieces = 1
    if draw.purpose == DrawPurpose.FIRMS:
        pieces = dr1.piece_count(draw_files.file_size(draw, "pool"), parts)
    workers = draw_parallel.Workers(pieces - 1)

    def computing(done: int, total: int) -> None:
        progress("正在计算抽取结果", 0.1 + 0.8 * done / max(total, 1))

    try:
        with workers:
            pool = draw_files.read_file(draw, "pool")
            conflicts = (
                draw_files.read_file(draw, "conflicts")
                if draw.purpose == DrawPurpose.TEAMS
                else None
            )
            result = dr1.compute_result(
                draw.announcement,
                reveal,
                pool,
                conflicts_bytes=conflicts,
                firms_result_bytes=firms_result,
                progress=computing,
                parts=parts,
                map_parts=workers,
                eligible=draw.eligible or None,
            )
    except dr1.TeamShortfall as exc:
        raise ValidationError(
            {
                "non_field_errors": f"检查人员抽取失败：企业{exc.firm}的{exc.department}部门"
                f"缺少{exc.missing}名执法人员，本次抽取未记录结果"
            },
            code="team_shortfall",
        ) from exc
    except dr1.DrawError as exc:
        raise _refuse(f"抽取失败：{exc.message_zh}", exc.code) from exc
    del pool
    progress("正在保存抽取结果", 0.9)
    draw.reveal = reveal
    draw.seed = dr1.compute_seed(draw.announcement, reveal)
    draw.result = result
    draw.status = DrawStatus.PERFORMED
    draw.performed_at = timezone.now()
    draw.performed_by = actor
    draw.full_clean()
    with draw_files.binary_parameters():
        draw.save(
            update_fields=["reveal", "seed", "result", "status", "performed_at", "performed_by"]
        )
    if not draw.is_partial:  # a partial replacement leaves the task where it is
        to = TaskStatus.FIRMS_DRAWN if draw.purpose == DrawPurpose.FIRMS else TaskStatus.TEAMS_DRAWN
        transition_task(actor=actor, task=task, to=to)
    record_event(
        action=DrawAction.PERFORM,
        actor=actor,
        obj=draw,
        detail={"draw": draw.public_id, "task": task.code, "seed": draw.seed},
    )
    return draw
