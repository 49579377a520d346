"""What the public may see (一公开): the one place that decides the rows and the fields.

Every public page, API response and download reads through this module and receives the frozen
records below, never a model instance: a template or serializer cannot show what the record does
not carry. The rules (../shared/domain.md, Disclosure):

- Firms: name, 统一社会信用代码, region, industry and registration status. Never the address (an
  individual business's address is a personal address), the legal representative (a natural
  person other than the party), the risk class, the flags or the tags (internal targeting).
- Items: only published, superseded and retired versions, never a draft; the fields of the item
  list (name, legal basis, department, field, category, target type, methods, ratio cap,
  frequency, checklist); never the scope rules or explicit firm lists (who may be targeted is
  not announced), the revision notes, nor who wrote or published a version.
- Officers: those on a department's roster holding a certificate valid today, with their name,
  department and each valid certificate's number, fields and validity. Nothing else: no ID
  number, phone, gender, position, category, expertise, jurisdiction area or status; a
  suspended, revoked or expired certificate is not listed.
- Inspection bodies (执法主体): departments registered as of today (confirmed and announced),
  with their legal status, legal basis (scrubbed), confirmation date and 文号; their entrusted
  organisations (受委托组织) whose 委托书 is published and valid today: name, 统一社会信用代码 (of
  an organisation, not a person), 委托书 number, scope (scrubbed) and period. No person is named.
- Results: only `PublishedResult` rows, which the publishing service makes from reviewed
  inspections alone and which hold nothing but the public columns (agency, firm name and
  统一社会信用代码, region, items, date, result in official wording, follow-up kinds and whether
  they are completed). Never the whole-process record (signatories, officers' notes, places),
  the inspection's state before publication, nor who published. A correction or withdrawal
  shows with its reason (scrubbed) and date, and the row it replaced stays, marked.
- Plans: published versions (and the versions they superseded), with their lines' items,
  quarters and planned number of firms; never the quotas per risk class, notes or drafts.
- Tasks: a task once its first draw was announced (an abandoned one too, if a draw exists);
  never a draft, the scope's tags, flags or risk-class quotas, nor the witnesses' names.
- Free text written by staff (item names, legal basis, checklists, draws' reasons, corrections)
  passes through `scrub` (backend.personal_numbers), which masks anything shaped like a citizen
  ID or a phone number. What a draw's announcement carries (a 递补's reason, the witnesses) is
  published exactly as hashed, so the services refuse it with such a number instead
  (`has_personal_numbers`).
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language

from backend.accounts.roles import Role
from backend.organisation.bodies import public_bodies, public_entrusted
from backend.organisation.models import Department
from backend.personal_numbers import scrub
from backend.text import chinese_date
from disclosure.models import FollowUpSummary, PublicationKind, PublishedResult
from inspections.directory.classifications import industry_name, region_full_name
from inspections.directory.models import (
    CheckPoint,
    Firm,
    FirmStatus,
    InspectionItem,
    InspectionItemVersion,
    InspectionMethod,
    ItemCategory,
    TargetType,
    VersionStatus,
)
from inspections.draws import dr1
from inspections.draws.models import Draw, DrawPurpose
from inspections.planning.caps import published_caps
from inspections.planning.models import (
    AnnualPlan,
    PlanLine,
    PlanStatus,
    SamplingTask,
    ScopeMode,
    TaskStatus,
)
from personnel.models import Certificate, CertificateStatus, Officer
from personnel.models.officers import ON_ROSTER

# --- departments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicDepartment:
    code: str
    name: str


def public_departments() -> QuerySet[Department]:
    return Department.objects.only("code", "name").order_by("code")


def public_department(department: Department) -> PublicDepartment:
    return PublicDepartment(code=department.code, name=department.name)


# --- inspection bodies (执法主体) --------------------------------------------------------------


@dataclass(frozen=True)
class PublicEntrustedOrganisation:
    name: str
    uscc: str
    entrustment_number: str
    scope: str
    valid_from: date
    valid_until: date


@dataclass(frozen=True)
class PublicInspectionBody:
    code: str
    name: str
    legal_status: str
    legal_basis: str
    confirmed_on: date
    announcement_number: str
    entrusted: tuple[PublicEntrustedOrganisation, ...]


def public_inspection_bodies(on: date | None = None) -> list[PublicInspectionBody]:
    """The registered inspection bodies on `on` (today), each with its entrusted organisations
    whose 委托书 is published and valid that day."""
    on = on or timezone.localdate()
    entrusted: dict[int, list[PublicEntrustedOrganisation]] = {}
    for row in public_entrusted(on):
        entrusted.setdefault(row.department_id, []).append(
            PublicEntrustedOrganisation(
                name=row.name,
                uscc=row.uscc,
                entrustment_number=row.entrustment_number,
                scope=scrub(row.scope),
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
        )
    return [
        PublicInspectionBody(
            code=department.code,
            name=department.name,
            legal_status=department.inspection_body.get_legal_status_display(),
            legal_basis=scrub(department.inspection_body.legal_basis),
            confirmed_on=department.inspection_body.confirmed_on,
            announcement_number=department.inspection_body.announcement_number,
            entrusted=tuple(entrusted.get(department.pk, ())),
        )
        for department in public_bodies(on)
    ]


# --- firms ---------------------------------------------------------------------------------------

PUBLIC_FIRM_FIELDS = ("id", "uscc", "name", "region_code", "industry_code", "status")


@dataclass(frozen=True)
class PublicFirm:
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    status: str
    status_label: str


def public_firms() -> QuerySet[Firm]:
    """Every firm of the directory, reading only the public columns."""
    return Firm.objects.only(*PUBLIC_FIRM_FIELDS).order_by("id")


def public_firm(firm: Firm) -> PublicFirm:
    return PublicFirm(
        uscc=firm.uscc,
        name=firm.name,
        region_code=firm.region_code,
        region_name=region_full_name(firm.region_code),
        industry_code=firm.industry_code,
        industry_name=industry_name(firm.industry_code) if firm.industry_code else "",
        status=firm.status,
        status_label=str(FirmStatus(firm.status).label),
    )


# --- items ---------------------------------------------------------------------------------------

PUBLIC_VERSION_STATUSES = (
    VersionStatus.PUBLISHED,
    VersionStatus.SUPERSEDED,
    VersionStatus.RETIRED,
)


_PUBLIC_VERSION_FIELDS = (
    "item_id", "number", "status", "name", "category", "legal_basis", "target_type", "methods",
    "ratio_cap", "frequency", "published_at", "retired_at",
)  # fmt: skip


@dataclass(frozen=True)
class PublicItemVersion:
    number: int
    status: str
    status_label: str
    name: str
    category: str
    category_label: str
    legal_basis: str
    target_type_label: str
    methods: tuple[str, ...]
    ratio_cap: str  # "10%", or "" for a 重点 item (no cap)
    frequency: str
    checkpoints: tuple[str, ...]
    published_at: datetime
    retired_at: datetime | None


@dataclass(frozen=True)
class PublicItem:
    code: str
    department: PublicDepartment
    enforcement_field: str
    current: PublicItemVersion | None  # the version in force; None once the item is retired
    versions: tuple[PublicItemVersion, ...]  # newest first, the current one included

    @property
    def latest(self) -> PublicItemVersion:
        return self.versions[0]

    @property
    def past_versions(self) -> tuple[PublicItemVersion, ...]:
        return tuple(v for v in self.versions if v is not self.current)


def _public_versions() -> QuerySet[InspectionItemVersion]:
    return (
        InspectionItemVersion.objects.filter(status__in=PUBLIC_VERSION_STATUSES)
        .only(*_PUBLIC_VERSION_FIELDS)
        .prefetch_related(
            Prefetch("checkpoints", queryset=CheckPoint.objects.only("version_id", "text"))
        )
        .order_by("-number")
    )


def public_items() -> QuerySet[InspectionItem]:
    """Items with at least one version ever published, with those versions only."""
    published_once = InspectionItemVersion.objects.filter(
        item=OuterRef("pk"), status__in=PUBLIC_VERSION_STATUSES
    )
    return (
        InspectionItem.objects.filter(Exists(published_once))
        .select_related("department", "enforcement_field")
        .only("code", "department__code", "department__name", "enforcement_field__name")
        .prefetch_related(Prefetch("versions", queryset=_public_versions()))
        .order_by("department__code", "code")
    )


def items_in_force(items: QuerySet[InspectionItem], value: bool) -> QuerySet[InspectionItem]:
    """Items with (True) or without (False, i.e. retired) a version in force."""
    current = Exists(
        InspectionItemVersion.objects.filter(item=OuterRef("pk"), status=VersionStatus.PUBLISHED)
    )
    return items.filter(current) if value else items.filter(~current)


def public_item_version(version: InspectionItemVersion) -> PublicItemVersion:
    if version.status not in PUBLIC_VERSION_STATUSES:
        # A draft must never leave the building, whatever the caller's queryset said.
        raise ValueError(f"version {version.pk} is a {version.status}, not public")
    return PublicItemVersion(
        number=version.number,
        status=version.status,
        status_label=str(VersionStatus(version.status).label),
        name=scrub(version.name),
        category=version.category,
        category_label=str(ItemCategory(version.category).label),
        legal_basis=scrub(version.legal_basis),
        target_type_label=str(TargetType(version.target_type).label),
        methods=tuple(str(InspectionMethod(m).label) for m in version.methods),
        ratio_cap=version.ratio_cap_percent,
        frequency=scrub(version.frequency),
        checkpoints=tuple(scrub(point.text) for point in version.checkpoints.all()),
        published_at=version.published_at,
        retired_at=version.retired_at,
    )


@dataclass(frozen=True)
class PublicCap:
    """A frequency cap (频次上限) as the portal publishes it beside the item list."""

    department: str
    enforcement_field: str
    level: str
    limit: int
    counted_types: str
    higher_campaigns: str
    note: str


def public_caps() -> list[PublicCap]:
    return [
        PublicCap(
            department=cap.department.name,
            enforcement_field=cap.enforcement_field.name
            if cap.enforcement_field_id
            else "所有执法领域",
            level=str(cap.get_level_display()),
            limit=cap.limit,
            counted_types=cap.kinds_label,
            higher_campaigns="不计入" if cap.exempt_higher_campaigns else "计入",
            note=cap.note,
        )
        for cap in published_caps()
    ]


def public_item(item: InspectionItem) -> PublicItem:
    """`item` must come from `public_items()`, whose prefetch holds only public versions."""
    versions = tuple(
        public_item_version(v)
        for v in sorted(item.versions.all(), key=lambda v: v.number, reverse=True)
    )
    current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    return PublicItem(
        code=item.code,
        department=public_department(item.department),
        enforcement_field=item.enforcement_field.name,
        current=current,
        versions=versions,
    )


# --- officers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCertificate:
    number: str
    fields: tuple[str, ...]
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class PublicOfficer:
    name: str
    department: PublicDepartment
    certificates: tuple[PublicCertificate, ...]


def valid_certificates(day: date) -> QuerySet[Certificate]:
    """Certificates valid on `day`: neither suspended nor revoked, and within their dates."""
    return Certificate.objects.filter(
        status=CertificateStatus.VALID, valid_from__lte=day, valid_to__gte=day
    )


def public_officers(day: date | None = None) -> QuerySet[Officer]:
    """Officers on a roster who hold a certificate valid on `day` (today by default)."""
    day = day or timezone.localdate()
    certificates = (
        valid_certificates(day)
        .only("officer_id", "number", "valid_from", "valid_to")
        .prefetch_related("enforcement_fields")
        .order_by("valid_from", "number")
    )
    return (
        Officer.objects.filter(status__in=ON_ROSTER)
        .filter(Exists(valid_certificates(day).filter(officer=OuterRef("pk"))))
        .select_related("department")
        .only("name", "department__code", "department__name")
        .prefetch_related(Prefetch("certificates", queryset=certificates))
        .order_by("department__code", "name", "pk")
    )


def public_officer(officer: Officer) -> PublicOfficer:
    """`officer` must come from `public_officers()`: its prefetch holds only valid certificates."""
    return PublicOfficer(
        name=officer.name,
        department=public_department(officer.department),
        certificates=tuple(
            PublicCertificate(
                number=certificate.number,
                fields=tuple(field.name for field in certificate.enforcement_fields.all()),
                valid_from=certificate.valid_from,
                valid_to=certificate.valid_to,
            )
            for certificate in officer.certificates.all()
        ),
    )


# --- results -------------------------------------------------------------------------------------

STATUS_LABELS = {
    "in_force": "有效",
    "corrected": "已更正",
    "withdrawn": "已撤回",
    "withdrawal": "撤回公告",
}

_RESULT_FIELDS = (
    "id", "code", "kind", "reason", "agency", "joint_agencies", "task_code", "task_name",
    "firm_uscc", "firm_name", "region_code", "items", "inspected_on", "result_codes",
    "result_text", "follow_ups", "follow_up_status", "published_at", "replaces_id",
)  # fmt: skip


@lru_cache(maxsize=8)
def _labels(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """The kinds' and follow-up summaries' labels in `language`, translated once, not per row."""
    return (
        {value: str(label) for value, label in PublicationKind.choices},
        {value: str(label) for value, label in FollowUpSummary.choices},
    )


@dataclass(frozen=True)
class PublicItemRef:
    code: str
    name: str


@dataclass(frozen=True)
class PublicFollowUp:
    kind: str
    label: str
    completed: bool
    completed_on: date | None


@dataclass(frozen=True)
class PublicResult:
    code: str
    inspection: str  # the inspection's code, which every publication of it shares
    kind: str
    kind_label: str
    status: str  # in_force, corrected, withdrawn (this row was replaced), or the notices' kinds
    status_label: str
    replaces: str | None
    replaced_by: str | None
    replaced_on: date | None
    reason: str
    agency: str
    joint_agencies: str
    task_code: str
    task_name: str
    firm_uscc: str
    firm_name: str
    region_code: str
    region_name: str
    items: tuple[PublicItemRef, ...]
    inspected_on: date
    result: tuple[str, ...]
    result_codes: tuple[str, ...]
    follow_ups: tuple[PublicFollowUp, ...]
    follow_up_status: str
    follow_up_status_label: str
    published_at: datetime

    @property
    def published_on(self) -> date:
        return timezone.localdate(self.published_at)

    @property
    def in_force(self) -> bool:
        return self.status == "in_force"


def public_results() -> QuerySet[PublishedResult]:
    """Every publication, newest first, as dicts of the public columns only.

    Dicts, not model instances: the search API turns fifty of them into its page on every
    request, and a model with two related rows costs more to build than the query. No joins
    either: what replaced a row, and what it replaced, are read for the page alone by
    `with_replacements`, so that a search by name is a query on one table, which PostgreSQL
    plans with the trigram index (a join before the LIMIT made it read the table by id).
    """
    return PublishedResult.objects.values(*_RESULT_FIELDS).order_by("-id")


def with_replacements(rows) -> list[dict]:
    """`rows` of `public_results()`, each with the publication that replaced it (code, kind,
    date) and the code of the one it replaced: one or two queries for the whole page."""
    rows = list(rows)
    if not rows:
        return rows
    successors = {
        replaced: (code, kind, published_at)
        for replaced, code, kind, published_at in PublishedResult.objects.filter(
            replaces_id__in=[row["id"] for row in rows]
        ).values_list("replaces_id", "code", "kind", "published_at")
    }
    replaced_ids = [row["replaces_id"] for row in rows if row["replaces_id"] is not None]
    predecessors = (
        dict(PublishedResult.objects.filter(id__in=replaced_ids).values_list("id", "code"))
        if replaced_ids
        else {}
    )
    for row in rows:
        code, kind, published_at = successors.get(row["id"], (None, None, None))
        row["replaced_by__code"] = code
        row["replaced_by__kind"] = kind
        row["replaced_by__published_at"] = published_at
        row["replaces__code"] = predecessors.get(row["replaces_id"])
    return rows


def public_records(rows) -> list["PublicResult"]:
    """The public records of `rows` of `public_results()` (a page, a firm's history)."""
    return [public_result(row) for row in with_replacements(rows)]


def results_in_force(results: QuerySet[PublishedResult]) -> QuerySet[PublishedResult]:
    """The publications nothing replaced, less the withdrawal notices: the results in force."""
    return results.filter(replaced_by__isnull=True).exclude(kind=PublicationKind.WITHDRAWAL)


def _status(row: dict) -> str:
    if row["replaced_by__code"] is not None:
        if row["replaced_by__kind"] == PublicationKind.WITHDRAWAL:
            return "withdrawn"
        return "corrected"
    if row["kind"] == PublicationKind.WITHDRAWAL:
        return "withdrawal"
    return "in_force"


def public_result(row: dict) -> PublicResult:
    """`row` must come from `public_results()` through `with_replacements`."""
    status = _status(row)
    replaced_at = row["replaced_by__published_at"]
    kind_labels, follow_up_labels = _labels(get_language())
    return PublicResult(
        code=row["code"],
        inspection=row["code"].rsplit("-G", 1)[0],
        kind=row["kind"],
        kind_label=kind_labels[row["kind"]],
        status=status,
        status_label=STATUS_LABELS[status],
        replaces=row["replaces__code"],
        replaced_by=row["replaced_by__code"],
        replaced_on=timezone.localdate(replaced_at) if replaced_at else None,
        reason=scrub(row["reason"]),
        agency=row["agency"],
        joint_agencies=row["joint_agencies"],
        task_code=row["task_code"],
        task_name=scrub(row["task_name"]),
        firm_uscc=row["firm_uscc"],
        firm_name=row["firm_name"],
        region_code=row["region_code"],
        region_name=region_full_name(row["region_code"]),
        items=tuple(PublicItemRef(code=i["code"], name=scrub(i["name"])) for i in row["items"]),
        inspected_on=row["inspected_on"],
        result=tuple(label for label in row["result_text"].split("；") if label),
        result_codes=tuple(row["result_codes"].split()),
        follow_ups=tuple(
            PublicFollowUp(
                kind=f["kind"],
                label=f["label"],
                completed=f["completed_on"] is not None,
                completed_on=date.fromisoformat(f["completed_on"]) if f["completed_on"] else None,
            )
            for f in row["follow_ups"]
        ),
        follow_up_status=row["follow_up_status"],
        follow_up_status_label=follow_up_labels[row["follow_up_status"]],
        published_at=row["published_at"],
    )


# --- plans ---------------------------------------------------------------------------------------

PUBLIC_PLAN_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED)


@dataclass(frozen=True)
class PublicPlanLine:
    position: int
    name: str
    items: tuple[PublicItemRef, ...]
    start_quarter: int
    end_quarter: int
    frequency: str
    planned: int


@dataclass(frozen=True)
class PublicTaskRef:
    code: str
    name: str
    status_label: str
    window_start: date
    window_end: date


@dataclass(frozen=True)
class PublicPlan:
    code: str
    department: PublicDepartment
    year: int
    version: int
    title: str
    status: str
    status_label: str
    published_on: date
    revision_reason: str
    filed_on: date | None
    filed_with: str
    filing_number: str
    lines: tuple[PublicPlanLine, ...]
    tasks: tuple[PublicTaskRef, ...]


def plan_code(plan: AnnualPlan) -> str:
    return f"{plan.department.code}-{plan.year}-{plan.version}"


def find_plan(plans: QuerySet[AnnualPlan], code: str) -> AnnualPlan | None:
    """The plan `KJ-2021-1` (department codes may hold hyphens: split from the right)."""
    parts = code.rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    if len(parts[1]) > 4 or len(parts[2]) > 4:
        return None
    return plans.filter(
        department__code=parts[0], year=int(parts[1]), version=int(parts[2])
    ).first()


def public_plans() -> QuerySet[AnnualPlan]:
    lines = (
        PlanLine.objects.annotate(planned_total=Sum("quotas__planned"))
        .prefetch_related("items__item")
        .order_by("position")
    )
    return (
        AnnualPlan.objects.filter(status__in=PUBLIC_PLAN_STATUSES)
        .select_related("department", "filing")
        .prefetch_related(
            Prefetch("lines", queryset=lines),
            Prefetch("tasks", queryset=public_tasks().order_by("code"), to_attr="public_tasks"),
        )
        .order_by("-year", "department__code", "-version")
    )


def _item_refs(versions) -> tuple[PublicItemRef, ...]:
    return tuple(
        PublicItemRef(code=v.item.code, name=scrub(v.name))
        for v in sorted(versions, key=lambda v: v.item.code)
    )


def public_plan(plan: AnnualPlan) -> PublicPlan:
    """`plan` must come from `public_plans()`."""
    filing = getattr(plan, "filing", None)
    return PublicPlan(
        code=plan_code(plan),
        department=public_department(plan.department),
        year=plan.year,
        version=plan.version,
        title=scrub(plan.title),
        status=plan.status,
        status_label=str(PlanStatus(plan.status).label),
        published_on=timezone.localdate(plan.published_at),
        revision_reason=scrub(plan.revision_reason),
        filed_on=filing.filed_on if filing else None,
        filed_with=filing.authority if filing else "",
        filing_number=filing.document_number if filing else "",
        lines=tuple(
            PublicPlanLine(
                position=line.position,
                name=scrub(line.name),
                items=_item_refs(line.items.all()),
                start_quarter=line.start_quarter,
                end_quarter=line.end_quarter,
                frequency=scrub(line.frequency),
                planned=line.planned_total or 0,
            )
            for line in plan.lines.all()
        ),
        tasks=tuple(_task_ref(task) for task in plan.public_tasks),
    )


# --- tasks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicDraw:
    code: str
    purpose_label: str
    status: str
    status_label: str
    replaces: str | None
    reason: str
    abandoned_reason: str
    announced_at: datetime
    performed_at: datetime | None


@dataclass(frozen=True)
class PublicTask:
    code: str
    name: str
    plan: str
    plan_title: str
    year: int
    department: PublicDepartment
    joint_departments: tuple[PublicDepartment, ...]
    items: tuple[PublicItemRef, ...]
    scope_label: str
    window_start: date
    window_end: date
    status: str
    status_label: str
    draws: tuple[PublicDraw, ...]
    inspections: int
    published: int


def public_tasks() -> QuerySet[SamplingTask]:
    """Tasks whose first draw has been announced; never a draft."""
    announced = Exists(Draw.objects.filter(task=OuterRef("pk")))
    return SamplingTask.objects.exclude(status=TaskStatus.DRAFT).filter(
        ~Q(status=TaskStatus.ABANDONED) | announced
    )


def public_task_details() -> QuerySet[SamplingTask]:
    return (
        public_tasks()
        .select_related("department", "plan", "plan__department")
        .prefetch_related(
            "items__item",
            Prefetch("draws", queryset=Draw.objects.select_related("replaces").order_by("id")),
            "participations__department",
        )
        .annotate(
            inspection_count=Count("inspections", distinct=True),
            published_count=Count(
                "inspections",
                filter=Q(inspections__publications__kind=PublicationKind.ORIGINAL),
                distinct=True,
            ),
        )
        .order_by("-window_start", "code")
    )


def _task_ref(task: SamplingTask) -> PublicTaskRef:
    return PublicTaskRef(
        code=task.code,
        name=scrub(task.name),
        status_label=str(TaskStatus(task.status).label),
        window_start=task.window_start,
        window_end=task.window_end,
    )


def public_task(task: SamplingTask) -> PublicTask:
    """`task` must come from `public_task_details()`."""
    return PublicTask(
        code=task.code,
        name=scrub(task.name),
        plan=plan_code(task.plan),
        plan_title=scrub(task.plan.title),
        year=task.plan.year,
        department=public_department(task.department),
        joint_departments=tuple(
            public_department(p.department)
            for p in sorted(task.participations.all(), key=lambda p: p.department.code)
            if not p.is_lead and p.is_confirmed
        ),
        items=_item_refs(task.items.all()),
        scope_label=str(ScopeMode(task.scope_mode).label),
        window_start=task.window_start,
        window_end=task.window_end,
        status=task.status,
        status_label=str(TaskStatus(task.status).label),
        draws=tuple(
            PublicDraw(
                code=d.public_id,
                purpose_label=d.get_purpose_display(),
                status=d.status,
                status_label=d.get_status_display(),
                replaces=d.replaces.public_id if d.replaces_id else None,
                reason=scrub(d.reason),
                abandoned_reason=scrub(d.abandoned_reason),
                announced_at=d.announced_at,
                performed_at=d.performed_at,
            )
            for d in task.draws.all()
        ),
        inspections=task.inspection_count,
        published=task.published_count,
    )


# --- draws ---------------------------------------------------------------------------------------
# DR-1's "What is published, and to whom": the announcement from the moment a draw is announced,
# the reveal (with the nonce), seed and result once performed; a teams draw's officer pool and
# conflicts file for its auditors only (`may_audit`).


def public_draws() -> QuerySet[Draw]:
    """Every draw, from the moment it is announced: abandoned and replacement draws too."""
    return Draw.objects.select_related("task", "replaces").order_by("-announced_at", "-id")


def may_audit(user, draw: Draw) -> bool:
    """Who receives a teams draw's officer pool and conflicts file (draw-spec.md, "What is
    published, and to whom"): the audit administrator, and the lead department's planners and
    administrators, who ran the draw and answer for it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.AUDIT_ADMIN):
        return True
    return (
        user.has_role(Role.PLANNER, Role.DEPARTMENT_ADMIN)
        and user.department_id == draw.task.department_id
    )


def _draw_result_rows(draw: Draw) -> list[dict[str, Any]]:
    if not draw.is_performed:
        return []
    result = bytes(draw.result)
    if draw.purpose == DrawPurpose.FIRMS:
        picks = dr1.parse_firms_result(result)
        names = dict(
            Firm.objects.filter(uscc__in=[p.key for p in picks]).values_list("uscc", "name")
        )
        return [
            {
                "stratum": p.stratum,
                "rank": p.rank,
                "key": p.key,
                "name": names.get(p.key, ""),
                "ticket": p.ticket,
            }
            for p in picks
        ]
    seats = dr1.parse_teams_result(result)
    officers = dict(
        Certificate.objects.filter(number__in={s.officer for s in seats}).values_list(
            "number", "officer__name"
        )
    )
    return [
        {
            "firm": s.firm,
            "department": s.department,
            "seat": s.seat,
            "officer": s.officer,
            "officer_name": officers.get(s.officer, ""),
            "ticket": s.ticket,
        }
        for s in seats
    ]


def public_draw(draw: Draw, *, with_result: bool = True) -> dict[str, Any]:
    """What the public may know of a draw; the reveal (with the nonce) only once performed."""
    record = {
        "id": draw.public_id,
        "task": draw.task.code,
        "task_name": scrub(draw.task.name),
        "purpose": draw.purpose,
        "purpose_label": draw.get_purpose_display(),
        "status": draw.status,
        "status_label": draw.get_status_display(),
        "announcement": draw.announcement,
        "announcement_sha256": draw.announcement_sha256,
        "replaces": draw.replaces.public_id if draw.replaces else None,
        # Free text, scrubbed like the task page's (the announcement below is published as
        # hashed, which is why the services refuse a 递补 reason with a personal number).
        "reason": scrub(draw.reason),
        "abandoned_reason": scrub(draw.abandoned_reason),
        "performed_at": draw.performed_at,
        "reveal": draw.reveal if draw.is_performed else None,
        "seed": draw.seed if draw.is_performed else None,
    }
    if with_result:
        record["result"] = _draw_result_rows(draw)
    return record


# --- inspection codes (检查码) ----------------------------------------------------------------
# What a firm scanning an inspector's code may see (issue 16): who inspects, on what basis,
# which items by which published standard, which officers (as the officer list shows them), when,
# and for a 日常 inspection the draw that chose it. Never the firm's own data, the case's internal
# reference, an officer's ID or phone, or anything the team wrote.


@dataclass(frozen=True)
class PublicCodeOfficer:
    name: str
    certificate_number: str
    department: PublicDepartment


@dataclass(frozen=True)
class PublicCodeItem:
    code: str
    name: str
    version: int
    legal_basis: str


@dataclass(frozen=True)
class PublicInspectionCode:
    code: str
    departments: tuple[PublicDepartment, ...]  # the lead department first
    type: str
    type_label: str
    basis: tuple[str, ...]  # plain sentences
    items: tuple[PublicCodeItem, ...]
    officers: tuple[PublicCodeOfficer, ...]
    window_start: date
    window_end: date
    draw_public_id: str  # the firms draw of a 日常 inspection; "" otherwise


def _code_basis(task: SamplingTask) -> tuple[str, ...]:
    if task.inspection_type == "campaign":
        return (
            f"专项检查：{task.campaign_authority}批准（{task.campaign_document}），"
            f"{chinese_date(task.campaign_published_on)}公布",
        )
    if task.inspection_type == "case":
        return (f"个案检查：{task.get_case_trigger_display()}",)
    return (f"日常检查：{task.plan.year}年度随机抽查计划，抽查任务 {task.code}",)


def _choosing_draw(task: SamplingTask) -> str:
    draws = Draw.objects.filter(task=task, purpose=DrawPurpose.FIRMS, status="performed")
    draw = draws.order_by("replaced_firm", "-performed_at", "-id").first()
    return draw.public_id if draw is not None else ""


def public_inspection_code(inspection) -> PublicInspectionCode:
    """`inspection` is a fieldwork Inspection whose code is valid."""
    task = inspection.task
    departments = [task.department] + [
        p.department
        for p in task.participations.select_related("department").order_by("department__code")
        if p.department_id != task.department_id
    ]
    versions = task.items.select_related("item").order_by("item__code")
    members = inspection.members.select_related("officer", "department").order_by(
        "department__code", "seat"
    )
    return PublicInspectionCode(
        code=inspection.inspection_code.code,
        departments=tuple(public_department(d) for d in departments),
        type=inspection.inspection_type,
        type_label=str(inspection.get_inspection_type_display()),
        basis=_code_basis(task),
        items=tuple(
            PublicCodeItem(
                code=v.item.code, name=v.name, version=v.number, legal_basis=v.legal_basis
            )
            for v in versions
        ),
        officers=tuple(
            PublicCodeOfficer(
                name=m.officer.name,
                certificate_number=m.certificate_number,
                department=public_department(m.department),
            )
            for m in members
        ),
        window_start=inspection.window_start,
        window_end=inspection.window_end,
        draw_public_id=_choosing_draw(task) if inspection.inspection_type == "routine" else "",
    )
