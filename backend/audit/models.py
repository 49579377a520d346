"""The audit trail: append-only, hash-chained, refused UPDATE/DELETE/TRUNCATE on PostgreSQL."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import Role
from backend.audit import actions

GENESIS_HASH = "0" * 64


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    # Copied at the time of the event: a later rename or role change must not rewrite history.
    actor_username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    department_code = models.CharField(_("部门"), max_length=20, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-id"]
        constraints = [
            # Each event has at most one successor: two writers racing for the chain's head
            # cannot fork it, one of them fails and retries.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_has_no_fork"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["success", "failure", "denied"]),
                name="audit_outcome_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    @property
    def action_label(self) -> str:
        """The action as a person reads it (backend.audit.actions)."""
        return actions.label(self.action)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    def canonical_content(self) -> bytes:
        """The fields the hash covers, as canonical JSON (sorted keys, no spaces, UTF-8)."""
        content = {
            "created_at": self.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "role": self.role,
            "department_code": self.department_code,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "outcome": self.outcome,
            "request_id": self.request_id,
            "detail": self.detail,
        }
        return json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.prev_hash.encode() + self.canonical_content()).hexdigest()
