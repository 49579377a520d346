"""Writes to the item list (随机抽查事项清单): create, revise, publish, retire.

A published version never changes: a change makes a new draft version, and publishing it
supersedes the old one, which stays on record for the inspections that used it.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from backend.accounts.roles import Role
from backend.audit.services import record_event
from backend.codes import CodeError, check_region_code, check_uscc
from inspections.directory.actions import DirectoryAction
from inspections.directory.classifications import check_known_region, normalise_industry_code
from inspections.directory.models import (
    CheckPoint,
    InspectionItem,
    InspectionItemVersion,
    ItemFirmListEntry,
    ItemScopeRule,
    Region,
    VersionStatus,
)

# The fields of a version that a planner writes; everything else is managed by the services.
VERSION_FIELDS = (
    "name",
    "category",
    "legal_basis",
    "target_type",
    "methods",
    "ratio_cap",
    "frequency",
)
RULE_FIELDS = ("target_type", "region_code", "industry_prefix", "tag")


def _require_planner(actor, department) -> None:
    """Planners keep their own department's items; `actor=None` is the system (demo data)."""
    if actor is None:
        return
    if not actor.has_role(Role.PLANNER) or actor.department_id != department.pk:
        raise PermissionDenied("只有本部门的计划人员可以维护该部门的抽查事项")


def _clean_checkpoints(checkpoints: Sequence[str]) -> list[str]:
    lines = [str(text).strip() for text in checkpoints if str(text).strip()]
    if not lines:
        raise ValidationError({"checkpoints": "请至少填写一项检查内容"})
    too_long = [i for i, text in enumerate(lines, start=1) if len(text) > 500]
    if too_long:
        raise ValidationError({"checkpoints": f"第{too_long[0]}项检查内容超过500字"})
    return lines


def _write_checkpoints(version: InspectionItemVersion, lines: list[str]) -> None:
    version.checkpoints.all().delete()
    points = [CheckPoint(version=version, position=i, text=t) for i, t in enumerate(lines, 1)]
    for point in points:
        point.full_clean(exclude=["version"])
    CheckPoint.objects.bulk_create(points)


def _write_rules(version: InspectionItemVersion, rules: Sequence[dict[str, Any]]) -> None:
    version.scope_rules.all().delete()
    built = []
    for index, rule in enumerate(rules, start=1):
        unknown = set(rule) - set(RULE_FIELDS)
        if unknown:
            raise ValidationError({"scope_rules": f"第{index}条规则含未知条件：{sorted(unknown)}"})
        values = {key: (rule.get(key) or "").strip() for key in RULE_FIELDS}
        if not any(values.values()):
            raise ValidationError({"scope_rules": f"第{index}条规则没有任何条件"})
        try:
            if values["region_code"]:
                code = check_region_code(values["region_code"])
                # The region table in the database, which an administrator may extend.
                values["region_code"] = check_known_region(
                    code, known=set(Region.objects.filter(code=code).values_list("code", flat=True))
                )
            if values["industry_prefix"]:
                values["industry_prefix"] = normalise_industry_code(values["industry_prefix"])
        except CodeError as exc:
            raise ValidationError({"scope_rules": f"第{index}条规则：{exc.message}"}) from None
        candidate = ItemScopeRule(version=version, **values)
        candidate.full_clean(exclude=["version"])
        built.append(candidate)
    ItemScopeRule.objects.bulk_create(built)


def _apply_fields(version: InspectionItemVersion, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ValidationError({"non_field_errors": f"不能修改这些字段：{sorted(unknown)}"})
    for key, value in fields.items():
        if key == "ratio_cap" and value is not None and not isinstance(value, Decimal):
            value = Decimal(str(value))
        setattr(version, key, value)


def _snapshot(version: InspectionItemVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "name": version.name,
        "category": version.category,
        "methods": version.methods,
        "ratio_cap": version.ratio_cap,
        "status": version.status,
    }


@transaction.atomic
def create_item(
    *,
    actor,
    department,
    enforcement_field,
    code: str,
    name: str,
    category: str,
    legal_basis: str,
    methods: list[str],
    frequency: str,
    checkpoints: Sequence[str],
    target_type: str = "enterprise",
    ratio_cap: Decimal | None = None,
    scope_rules: Sequence[dict[str, Any]] = (),
) -> InspectionItemVersion:
    """A new item with its first version, as a draft. Returns the draft."""
    _require_planner(actor, department)
    lines = _clean_checkpoints(checkpoints)
    item = InspectionItem(
        code=code.strip(), department=department, enforcement_field=enforcement_field
    )
    item.full_clean()
    item.save(force_insert=True)
    version = InspectionItemVersion(item=item, number=1, created_by=actor)
    _apply_fields(
        version,
        {
            "name": name,
            "category": category,
            "legal_basis": legal_basis,
            "target_type": target_type,
            "methods": list(methods),
            "ratio_cap": ratio_cap,
            "frequency": frequency,
        },
    )
    version.full_clean()
    version.save(force_insert=True)
    _write_checkpoints(version, lines)
    _write_rules(version, scope_rules)
    record_event(
        action=DirectoryAction.ITEM_CREATE, actor=actor, obj=item, detail=_snapshot(version)
    )
    return version


@transaction.atomic
def update_draft(
    *,
    actor,
    version: InspectionItemVersion,
    checkpoints: Sequence[str] | None = None,
    scope_rules: Sequence[dict[str, Any]] | None = None,
    change_reason: str | None = None,
    **fields: Any,
) -> InspectionItemVersion:
    """Edit a draft version. A published, superseded or retired version is refused."""
    version = InspectionItemVersion.objects.select_for_update().get(pk=version.pk)
    _require_planner(actor, version.item.department)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            {"non_field_errors": "已发布的事项版本不能修改；如需变更，请修订生成新版本"},
            code="version_not_draft",
        )
    _apply_fields(version, fields)
    if change_reason is not None:
        version.change_reason = change_reason.strip()
    version.full_clean()
    version.save(update_fields=[*fields, *(["change_reason"] if change_reason is not None else [])])
    if checkpoints is not None:
        _write_checkpoints(version, _clean_checkpoints(checkpoints))
    if scope_rules is not None:
        _write_rules(version, scope_rules)
    record_event(
        action=DirectoryAction.ITEM_UPDATE_DRAFT,
        actor=actor,
        obj=version.item,
        detail={**_snapshot(version), "fields": sorted(fields)},
    )
    return version


@transaction.atomic
def revise_item(
    *,
    actor,
    item: InspectionItem,
    change_reason: str,
    checkpoints: Sequence[str] | None = None,
    scope_rules: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> InspectionItemVersion:
    """A new draft version, copied from the latest version with `fields` changed."""
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    _require_planner(actor, item.department)
    if not change_reason or not change_reason.strip():
        raise ValidationError({"change_reason": "请填写修订说明"})
    if item.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            {"non_field_errors": "该事项已有未发布的草稿版本，请先修改或发布该草稿"},
            code="draft_exists",
        )
    latest = item.versions.order_by("-number").first()
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = InspectionItemVersion(
        item=item,
        number=number,
        created_by=actor,
        change_reason=change_reason.strip(),
        **{key: getattr(latest, key) for key in VERSION_FIELDS},
    )
    _apply_fields(version, fields)
    version.full_clean()
    version.save(force_insert=True)
    if checkpoints is None:
        checkpoints = list(latest.checkpoints.order_by("position").values_list("text", flat=True))
    _write_checkpoints(version, _clean_checkpoints(checkpoints))
    if scope_rules is None:
        scope_rules = list(latest.scope_rules.values(*RULE_FIELDS))
    _write_rules(version, scope_rules)
    record_event(
        action=DirectoryAction.ITEM_REVISE,
        actor=actor,
        obj=item,
        detail={**_snapshot(version), "from_version": latest.number, "reason": change_reason},
    )
    return version


@transaction.atomic
def publish_item_version(*, actor, version: InspectionItemVersion) -> InspectionItemVersion:
    """Publish a draft: it becomes the item's current version; the previous one is superseded."""
    item = InspectionItem.objects.select_for_update().get(pk=version.item_id)
    _require_planner(actor, item.department)
    version = InspectionItemVersion.objects.get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            {"non_field_errors": "只有草稿版本可以发布"}, code="version_not_draft"
        )
    if not version.checkpoints.exists():
        raise ValidationError({"checkpoints": "请至少填写一项检查内容后再发布"})
    now = timezone.now()
    previous = item.versions.filter(status=VersionStatus.PUBLISHED).first()
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.full_clean()
        previous.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = actor
    version.full_clean()
    version.save(update_fields=["status", "published_at", "published_by"])
    record_event(
        action=DirectoryAction.ITEM_PUBLISH,
        actor=actor,
        obj=item,
        detail={**_snapshot(version), "superseded": previous.number if previous else None},
    )
    return version


@transaction.atomic
def retire_item(*, actor, item: InspectionItem, reason: str) -> InspectionItemVersion:
    """Withdraw the item from use: its published version becomes retired (and stays on record)."""
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    _require_planner(actor, item.department)
    if not reason or not reason.strip():
        raise ValidationError({"reason": "请填写停用原因"})
    version = item.versions.filter(status=VersionStatus.PUBLISHED).first()
    if version is None:
        raise ValidationError(
            {"non_field_errors": "该事项没有已发布的版本，无需停用"}, code="nothing_published"
        )
    version.status = VersionStatus.RETIRED
    version.retired_at = timezone.now()
    version.full_clean()
    version.save(update_fields=["status", "retired_at"])
    record_event(
        action=DirectoryAction.ITEM_RETIRE,
        actor=actor,
        obj=item,
        detail={"version": version.number, "reason": reason.strip()},
    )
    return version


@transaction.atomic
def set_item_firm_list(*, actor, item: InspectionItem, usccs: Sequence[str]) -> int:
    """Replace the item's explicit list of firms (by 统一社会信用代码). Returns its size.

    Every code is checked first; one bad code refuses the whole list, naming each bad line.
    """
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    _require_planner(actor, item.department)
    codes: list[str] = []
    problems: list[str] = []
    for line, value in enumerate(usccs, start=1):
        try:
            codes.append(check_uscc(value))
        except CodeError as exc:
            problems.append(f"第{line}个：{exc.message}")
    if problems:
        raise ValidationError({"usccs": problems})
    unique = sorted(set(codes))
    before = item.firm_list.count()
    item.firm_list.all().delete()
    ItemFirmListEntry.objects.bulk_create(
        [ItemFirmListEntry(item=item, uscc=code) for code in unique], batch_size=5000
    )
    record_event(
        action=DirectoryAction.ITEM_FIRM_LIST,
        actor=actor,
        obj=item,
        detail={"before": before, "after": len(unique), "duplicates": len(codes) - len(unique)},
    )
    return len(unique)
