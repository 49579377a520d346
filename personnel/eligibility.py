"""May this officer inspect this firm, for this item, on these dates; and if not, why not.

The draw of inspectors asks exactly this, through `EligibilityChecker` (one load for a whole
pool, then any number of questions without further queries). `eligibility()` asks for one
officer; `eligible_officers()` for every officer of a department.

Personnel never depends on the inspections app: a firm and an item are given as the small
`FirmRef` and `ItemRef` below, which the inspections app builds from its own models.

Reason codes are stable ASCII, in the style of DR-1's pool exclusion codes (draw-spec.md):

    cert-missing    no usable certificate at all (none, or only suspended / revoked ones)
    cert-expired    no usable certificate valid on every day of the window
    cert-field      no usable certificate covers the item's enforcement field
    off-duty        the officer is not 在岗
    conflict        a conflict of interest with the firm is valid during the window
    same-area       cross assignment asked, and the firm is in the officer's jurisdiction area
    training-short  training required, and last year's hours are below the department's minimum
    entrusted-expired  an officer of an entrusted organisation whose 委托 does not cover every
                    day of the window
    entrusted-scope an officer of an entrusted organisation whose 委托 does not cover the item's
                    enforcement field
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.db.models import Prefetch, Q, QuerySet, Sum

from backend.organisation.models import Department
from backend.text import chinese_date
from personnel.models import (
    Certificate,
    CertificateStatus,
    ConflictOfInterest,
    Officer,
    OfficerStatus,
    TrainingRecord,
)
from personnel.text import format_hours


@dataclass(frozen=True)
class FirmRef:
    """A firm as personnel needs to know it: its 统一社会信用代码 and its region code."""

    uscc: str
    region_code: str = ""

    @property
    def normalised_uscc(self) -> str:
        return self.uscc.strip().upper()


@dataclass(frozen=True)
class ItemRef:
    """An inspection item as personnel needs to know it: the code of its enforcement field."""

    enforcement_field_code: str


@dataclass(frozen=True)
class Window:
    """The inspection's dates, both included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def training_year(self) -> int:
        """The year whose training hours count: the last full year before the window starts.

        A calendar year's hours are only known once it is over; judging by the current year
        would exclude everyone in January.
        """
        return self.start.year - 1


class ReasonCode(StrEnum):
    CERT_MISSING = "cert-missing"
    CERT_EXPIRED = "cert-expired"
    CERT_FIELD = "cert-field"
    OFF_DUTY = "off-duty"
    CONFLICT = "conflict"
    SAME_AREA = "same-area"
    TRAINING_SHORT = "training-short"
    ENTRUSTED_EXPIRED = "entrusted-expired"
    ENTRUSTED_SCOPE = "entrusted-scope"


# The reasons that come from the officer's 委托 (受委托组织), not from the officer.
ENTRUSTMENT_REASONS = frozenset({ReasonCode.ENTRUSTED_EXPIRED, ReasonCode.ENTRUSTED_SCOPE})


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Eligibility:
    """The answer: eligible, or every reason why not.

    `certificate` is the certificate that qualifies the officer (the one valid longest), shown
    at the inspection and recorded with the draw; None when none does.
    """

    reasons: list[Reason] = field(default_factory=list)
    certificate: Certificate | None = None

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


def _d(day: date) -> str:
    return chinese_date(day)


class EligibilityChecker:
    """Loads what eligibility needs for many officers at once, for one window.

    Five queries whatever the number of officers: the officers with their departments (and
    entrusted organisations), their certificates, the certificates' fields, their conflicts
    overlapping the window, and their training hours in the training year; a sixth for the
    fields of the 委托s when any officer belongs to an entrusted organisation. `check()` then
    answers from memory, for any firm and item.
    """

    def __init__(self, officers: QuerySet[Officer] | Iterable[Officer], window: Window):
        self.window = window
        if not isinstance(officers, QuerySet):
            officers = Officer.objects.filter(pk__in=[officer.pk for officer in officers])
        overlapping = Q(valid_from__lte=window.end) & (
            Q(valid_to__isnull=True) | Q(valid_to__gte=window.start)
        )
        self.officers: list[Officer] = list(
            officers.select_related("department", "entrusted_organisation").prefetch_related(
                Prefetch(
                    "certificates",
                    queryset=Certificate.objects.prefetch_related("enforcement_fields"),
                ),
                "entrusted_organisation__enforcement_fields",
                Prefetch(
                    "conflicts",
                    queryset=ConflictOfInterest.objects.filter(overlapping),
                    to_attr="conflicts_in_window",
                ),
            )
        )
        hours = (
            TrainingRecord.objects.filter(
                officer__in=[officer.pk for officer in self.officers],
                training_date__year=window.training_year,
            )
            .values("officer")
            .annotate(total=Sum("hours"))
        )
        self.training_hours: dict[int, Decimal] = {row["officer"]: row["total"] for row in hours}
        self._by_pk = {officer.pk: officer for officer in self.officers}

    def officer(self, pk: int) -> Officer:
        return self._by_pk[pk]

    def check(
        self,
        officer: Officer | int,
        *,
        firm: FirmRef,
        item: ItemRef,
        cross_assignment: bool = False,
        require_training: bool | None = None,
    ) -> Eligibility:
        officer = self._by_pk[officer if isinstance(officer, int) else officer.pk]
        reasons, certificate = self._certificate_reasons(officer, item)
        organisation = officer.entrusted_organisation
        if organisation is not None:
            reasons += judge_entrustment(
                EntrustmentFacts(
                    name=organisation.name,
                    number=organisation.entrustment_number,
                    valid_from=organisation.valid_from,
                    valid_until=organisation.valid_until,
                    field_codes=frozenset(f.code for f in organisation.enforcement_fields.all()),
                ),
                field_code=item.enforcement_field_code,
                window=self.window,
            )
        if officer.status != OfficerStatus.ON_DUTY:
            reasons.append(
                Reason(
                    ReasonCode.OFF_DUTY,
                    f"人员状态为“{officer.get_status_display()}”，不在岗",
                )
            )
        uscc = firm.normalised_uscc
        for conflict in officer.conflicts_in_window:
            if conflict.firm_uscc == uscc:
                reasons.append(
                    Reason(
                        ReasonCode.CONFLICT,
                        f"与该单位存在利害关系（{conflict.get_relation_display()}，"
                        f"{conflict.get_source_display()}），应当回避",
                    )
                )
                break
        if (
            cross_assignment
            and officer.jurisdiction_area
            and officer.jurisdiction_area == firm.region_code
        ):
            reasons.append(
                Reason(
                    ReasonCode.SAME_AREA,
                    f"交叉检查：该单位位于本人管辖片区（{officer.jurisdiction_area}）",
                )
            )
        department = officer.department
        if require_training is None:
            require_training = department.training_required
        if require_training:
            hours = self.training_hours.get(officer.pk, Decimal("0"))
            if hours < department.training_min_hours:
                reasons.append(
                    Reason(
                        ReasonCode.TRAINING_SHORT,
                        f"{self.window.training_year}年度培训{format_hours(hours)}学时，"
                        f"不足{format_hours(department.training_min_hours)}学时",
                    )
                )
        return Eligibility(reasons=reasons, certificate=None if reasons else certificate)

    def _certificate_reasons(
        self, officer: Officer, item: ItemRef
    ) -> tuple[list[Reason], Certificate | None]:
        certificates = {c.number: c for c in officer.certificates.all()}
        facts = [
            CertificateFacts(
                number=c.number,
                status=c.status,
                valid_from=c.valid_from,
                valid_to=c.valid_to,
                field_codes=frozenset(f.code for f in c.enforcement_fields.all()),
            )
            for c in certificates.values()
        ]
        reasons, qualifying = judge_certificates(
            facts, field_code=item.enforcement_field_code, window=self.window
        )
        return reasons, certificates[qualifying.number] if qualifying else None


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate rule looks at, without the database."""

    number: str
    status: str
    valid_from: date
    valid_to: date
    field_codes: frozenset[str]

    def covers(self, window: Window) -> bool:
        return (
            self.status == CertificateStatus.VALID
            and self.valid_from <= window.start
            and window.end <= self.valid_to
        )


def judge_certificates(
    certificates: Sequence[CertificateFacts], *, field_code: str, window: Window
) -> tuple[list[Reason], CertificateFacts | None]:
    """The certificate rule: a usable certificate (not suspended or revoked) must cover the
    item's field and every day of the window. Returns the reasons when none does, or the
    qualifying certificate valid longest."""
    usable = [c for c in certificates if c.status == CertificateStatus.VALID]
    if not usable:
        held = "、".join(f"{c.number}已{CertificateStatus(c.status).label}" for c in certificates)
        message = "没有有效的执法证" + (f"（{held}）" if held else "")
        return [Reason(ReasonCode.CERT_MISSING, message)], None
    in_field = [c for c in usable if field_code in c.field_codes]
    qualifying = [c for c in in_field if c.covers(window)]
    if qualifying:
        return [], max(qualifying, key=lambda c: (c.valid_to, c.number))
    reasons = []
    if not in_field:
        reasons.append(
            Reason(ReasonCode.CERT_FIELD, f"执法证不涵盖该事项的执法领域（{field_code}）")
        )
    # Judge the dates on the certificates of the right field when there are any: a valid
    # certificate of another field does not make an expired one of this field usable.
    considered = in_field or usable
    if not any(c.covers(window) for c in considered):
        periods = "、".join(
            f"{c.number}有效期{_d(c.valid_from)}至{_d(c.valid_to)}" for c in considered
        )
        reasons.append(
            Reason(
                ReasonCode.CERT_EXPIRED,
                f"执法证在检查期间{_d(window.start)}至{_d(window.end)}内不是每天有效（{periods}）",
            )
        )
    return reasons, None


@dataclass(frozen=True)
class EntrustmentFacts:
    """What the entrustment rule looks at of an officer's 委托 (受委托组织), without the
    database: the 委托书's number, its period, and the fields of its structured scope."""

    name: str
    number: str
    valid_from: date
    valid_until: date
    field_codes: frozenset[str]

    def covers(self, window: Window) -> bool:
        return self.valid_from <= window.start and window.end <= self.valid_until


def judge_entrustment(
    entrustment: EntrustmentFacts, *, field_code: str, window: Window
) -> list[Reason]:
    """The entrustment rule: an officer of an entrusted organisation inspects in the
    department's name only while the 委托 is valid on every day of the window, and only in the
    fields it covers (an organisation whose structured scope lists no field covers none)."""
    reasons = []
    if not entrustment.covers(window):
        reasons.append(
            Reason(
                ReasonCode.ENTRUSTED_EXPIRED,
                f"所属受委托组织{entrustment.name}的委托（委托书{entrustment.number}，"
                f"{_d(entrustment.valid_from)}至{_d(entrustment.valid_until)}）"
                f"在检查期间{_d(window.start)}至{_d(window.end)}内不是每天有效",
            )
        )
    if field_code not in entrustment.field_codes:
        reasons.append(
            Reason(
                ReasonCode.ENTRUSTED_SCOPE,
                f"所属受委托组织{entrustment.name}的委托范围（委托书{entrustment.number}）"
                f"不含该事项的执法领域（{field_code}）",
            )
        )
    return reasons


def eligibility(
    *,
    officer: Officer,
    firm: FirmRef,
    item: ItemRef,
    window: Window,
    cross_assignment: bool = False,
    require_training: bool | None = None,
) -> Eligibility:
    """May `officer` inspect `firm` for `item` during `window`? Reads fresh from the database.

    `require_training` None follows the officer's department setting.
    """
    checker = EligibilityChecker(Officer.objects.filter(pk=officer.pk), window)
    return checker.check(
        officer,
        firm=firm,
        item=item,
        cross_assignment=cross_assignment,
        require_training=require_training,
    )


def eligible_officers(
    *,
    department: Department,
    firm: FirmRef,
    item: ItemRef,
    window: Window,
    cross_assignment: bool = False,
    require_training: bool | None = None,
) -> list[tuple[Officer, Eligibility]]:
    """Every officer of `department` with their eligibility, the ineligible ones included
    (a DR-1 pool shows exclusions rather than hiding them). Ordered by officer pk."""
    checker = EligibilityChecker(
        Officer.objects.filter(department=department).order_by("pk"), window
    )
    return [
        (
            officer,
            checker.check(
                officer,
                firm=firm,
                item=item,
                cross_assignment=cross_assignment,
                require_training=require_training,
            ),
        )
        for officer in checker.officers
    ]


def eligibility_matrix(
    *,
    officers: QuerySet[Officer],
    firms: Sequence[FirmRef],
    item: ItemRef,
    window: Window,
    cross_assignment: bool = False,
    require_training: bool | None = None,
) -> dict[tuple[int, str], Eligibility]:
    """Eligibility of each officer for each firm, keyed by (officer pk, normalised USCC), with
    the same five queries whatever the numbers of officers and firms."""
    checker = EligibilityChecker(officers, window)
    return {
        (officer.pk, firm.normalised_uscc): checker.check(
            officer,
            firm=firm,
            item=item,
            cross_assignment=cross_assignment,
            require_training=require_training,
        )
        for officer in checker.officers
        for firm in firms
    }
