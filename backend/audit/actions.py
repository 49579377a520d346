"""Audit action names, defined once: one enumeration per app, collected in one registry.

Each app lists the actions it records in its `actions` module, as a `TextChoices` registered
here (`@register`); a service records `action=PlanningAction.SUBMIT`, never a string typed at
the call site (tests/backend/test_audit_actions.py reads every call to check). The values are the
names stored in the trail since the first release, unchanged, so that old events keep their
meaning; the labels are what the audit page and its exports show.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

_labels: dict[str, str] = {}
_owners: dict[str, type[models.TextChoices]] = {}


def register(enumeration: type[models.TextChoices]) -> type[models.TextChoices]:
    """Add an app's enumeration of actions; a name owned by another enumeration is an error."""
    for member in enumeration:
        owner = _owners.get(member.value)
        if owner is not None and owner is not enumeration:
            raise ImproperlyConfigured(
                f"审计操作 {member.value} 在 {owner.__qualname__} 和 "
                f"{enumeration.__qualname__} 中重复定义"
            )
        _owners[member.value] = enumeration
        _labels[member.value] = member.label
    return enumeration


def discover() -> None:
    """Import every installed app's `actions` module, registering its enumeration."""
    autodiscover_modules("actions")


def label(action: str) -> str:
    """What a person reads for a stored action name; the name itself if no app defines it."""
    return str(_labels.get(action, action))


def choices() -> list[tuple[str, str]]:
    """Every registered action and its label, by label, for filters."""
    return sorted(((value, str(text)) for value, text in _labels.items()), key=lambda c: c[1])


def is_registered(action: str) -> bool:
    return action in _labels


@register
class AuditTrailAction(models.TextChoices):
    """What the audit trail and the Django admin record of themselves."""

    EXPORT = "audit.export", _("导出审计日志")
    PERMISSION_DENIED = "permission.denied", _("越权访问被拒绝")
    ADMIN_ADD = "admin.add", _("后台新增记录")
    ADMIN_CHANGE = "admin.change", _("后台修改记录")
    ADMIN_DELETE = "admin.delete", _("后台删除记录")


@register
class ListAction(models.TextChoices):
    """A staff list exported as it is filtered (backend.listing.xlsx_export)."""

    EXPORT = "list.export", _("导出列表")
