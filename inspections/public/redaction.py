"""What the public may see (一公开): the one place that decides the rows and the fields.

Every public page, API response and download reads through this module and receives the
records below, never a model instance: a template or serializer cannot show what the record
does not carry. The rules (../shared/domain.md, Disclosure):

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
- Free text written by staff (item names, legal basis, checklists, draws' reasons) passes through
  `scrub`, which masks anything shaped like a citizen ID or a phone number. What a draw's
  announcement carries (a 递补's reason, the witnesses) is published exactly as hashed, so the
  services refuse it with such a number instead (`has_personal_numbers`).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from backend.codes import mask_citizen_id, mask_phone
from backend.organisation.models import Department
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
from personnel.models import (
    Certificate,
    CertificateStatus,
    Officer,
)
from personnel.models.officers import ON_ROSTER

# --- free text -----------------------------------------------------------------------------------

# An 18-character ID number (check character or not: a mistyped one is still personal data), an
# 11-digit mobile, and a landline written with its area code and a hyphen. Digits on either side
# mean a longer number (an amount, a code) that is none of these.
_CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")


@lru_cache(maxsize=8192)
def scrub(text: str) -> str:
    """Mask citizen ID numbers and phone numbers in free text meant for the public.

    Memoised: a page of results repeats its tasks' and items' names row after row."""
    text = _CITIZEN_ID.sub(lambda m: mask_citizen_id(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group()), text)


def has_personal_numbers(text: str) -> bool:
    """Whether `scrub` would mask something: for text that is published as it is written and
    can never be masked afterwards (a draw's announcement is hashed)."""
    return scrub(text) != text


# --- departments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicDepartment:
    code: str
    name: str


def public_departments() -> QuerySet[Department]:
    return Department.objects.only("code", "name").order_by("code")


def public_department(department: Department) -> PublicDepartment:
    return PublicDepartment(code=department.code, name=department.name)


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


def in_force(items: QuerySet[InspectionItem], value: bool) -> QuerySet[InspectionItem]:
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
