"""The result code table (检查结果代码), kept by the people who answer for it.

The system administrator keeps the shared codes (the official wording, seeded in migration
0003). A department administrator adds the department's own children — 违反其他相关规定 is
one per department — under a shared category that already has children, and retires or
restores them. A code is retired (`active=False`), never deleted: old results keep it. A code
already used in a result keeps its name: retire it and add a new one instead.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from backend.accounts.roles import Role
from backend.audit.services import record_event
from fieldwork.access import require_result_code_manager
from fieldwork.actions import FieldworkAction
from fieldwork.models import ResultCode
from fieldwork.selectors.result_codes import is_used, parents_for


def _refuse(message: str, code: str, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_name(name: str, parent: ResultCode | None, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise _refuse("请填写名称", "required", "name")
    siblings = ResultCode.objects.filter(parent=parent, name=name, active=True)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise _refuse(f"同一上级下已有启用的“{name}”", "duplicate_name", "name")
    return name


def _free_code(base: str) -> str:
    base = base[:36]
    taken = set(ResultCode.objects.filter(code__startswith=base).values_list("code", flat=True))
    number = 1
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def add_result_code(
    *,
    actor,
    name: str,
    parent: ResultCode | None = None,
    code: str = "",
    needs_follow_up: bool | None = None,
    exclusive: bool = False,
) -> ResultCode:
    """A new code: a department administrator's child for the department, or a shared code
    (top-level or child) of the system administrator. Without `code`, one is made up from the
    parent's. A child needs follow-up when its parent does, unless told otherwise."""
    if actor.has_role(Role.SYSTEM_ADMIN):
        department = None
    elif actor.has_role(Role.DEPARTMENT_ADMIN):
        department = actor.department
        if parent is None:
            raise _refuse("部门只能在已有下级代码的类别下增加本部门的具体情形", "parent_required")
        exclusive = False
    else:
        raise PermissionDenied("只有系统管理员和部门管理员可以维护检查结果代码")
    if parent is not None and not parents_for(actor).filter(pk=parent.pk).exists():
        raise _refuse(f"不能在“{parent.name}”下增加代码", "bad_parent", "parent")
    name = _clean_name(name, parent)
    code = (code or "").strip().lower()
    if not code:
        base = parent.code if parent else "code"
        code = _free_code(f"{base}-{department.code.lower()}" if department else base)
    if needs_follow_up is None:
        needs_follow_up = bool(parent and parent.needs_follow_up)
    last = ResultCode.objects.filter(parent=parent).aggregate(last=Max("position"))["last"]
    result_code = ResultCode(
        code=code,
        name=name,
        parent=parent,
        department=department,
        position=(last or 0) + 10,
        exclusive=exclusive,
        needs_follow_up=needs_follow_up,
    )
    result_code.full_clean()
    result_code.save()
    record_event(
        action=FieldworkAction.RESULT_CODE_ADD,
        actor=actor,
        obj=result_code,
        detail={
            "code": code,
            "name": name,
            "parent": parent.code if parent else None,
            "department": department.code if department else None,
        },
    )
    return result_code


@transaction.atomic
def update_result_code(
    *,
    actor,
    result_code: ResultCode,
    name: str | None = None,
    position: int | None = None,
    needs_follow_up: bool | None = None,
    exclusive: bool | None = None,
) -> ResultCode:
    """Change a code's wording, order or flags. Only the system administrator marks a code
    exclusive (不可与其他结果同选)."""
    result_code = ResultCode.objects.select_for_update().get(pk=result_code.pk)
    require_result_code_manager(actor, result_code)
    changes = {}
    if name is not None:
        name = _clean_name(name, result_code.parent, exclude_pk=result_code.pk)
        if name != result_code.name:
            if is_used(result_code):
                raise _refuse(
                    "该代码已用于检查结果，不能改名；请停用后新增代码", "code_in_use", "name"
                )
            changes["name"] = name
    if position is not None:
        changes["position"] = position
    if needs_follow_up is not None:
        changes["needs_follow_up"] = needs_follow_up
    if exclusive is not None and exclusive != result_code.exclusive:
        if result_code.department_id is not None:
            raise _refuse("部门专用代码不能设为不可同选", "exclusive_shared_only", "exclusive")
        changes["exclusive"] = exclusive
    changed = [key for key, value in changes.items() if getattr(result_code, key) != value]
    if not changed:
        return result_code
    for key in changed:
        setattr(result_code, key, changes[key])
    result_code.full_clean()
    result_code.save(update_fields=changed)
    record_event(
        action=FieldworkAction.RESULT_CODE_UPDATE,
        actor=actor,
        obj=result_code,
        detail={"code": result_code.code, **{key: changes[key] for key in changed}},
    )
    return result_code


@transaction.atomic
def retire_result_code(*, actor, result_code: ResultCode) -> ResultCode:
    """停用: no longer offered for new results; old results keep it."""
    result_code = ResultCode.objects.select_for_update().get(pk=result_code.pk)
    require_result_code_manager(actor, result_code)
    if not result_code.active:
        raise _refuse(f"“{result_code.name}”已停用", "already_retired")
    if result_code.children.filter(active=True).exists():
        raise _refuse(f"请先停用“{result_code.name}”的下级代码", "has_active_children")
    result_code.active = False
    result_code.save(update_fields=["active"])
    record_event(
        action=FieldworkAction.RESULT_CODE_RETIRE,
        actor=actor,
        obj=result_code,
        detail={"code": result_code.code},
    )
    return result_code


@transaction.atomic
def restore_result_code(*, actor, result_code: ResultCode) -> ResultCode:
    """重新启用 a retired code."""
    result_code = (
        # Only this row: PostgreSQL cannot lock the nullable side of the parent's outer join.
        ResultCode.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=result_code.pk)
    )
    require_result_code_manager(actor, result_code)
    if result_code.active:
        raise _refuse(f"“{result_code.name}”已是启用状态", "already_active")
    if result_code.parent_id and not result_code.parent.active:
        raise _refuse(f"上级代码“{result_code.parent.name}”已停用", "parent_retired")
    _clean_name(result_code.name, result_code.parent, exclude_pk=result_code.pk)
    result_code.active = True
    result_code.save(update_fields=["active"])
    record_event(
        action=FieldworkAction.RESULT_CODE_RESTORE,
        actor=actor,
        obj=result_code,
        detail={"code": result_code.code},
    )
    return result_code
