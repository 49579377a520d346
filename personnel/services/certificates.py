"""Certificates: each step with a reason, one appended CertificateEvent, one audit entry."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from backend.accounts.models import User
from backend.audit.services import record_event
from personnel.access import ensure_manages
from personnel.actions import PersonnelAction
from personnel.checks import check_may_issue, check_may_renew, invalid_transition, require_reason
from personnel.models import (
    Certificate,
    CertificateAction,
    CertificateEvent,
    CertificateStatus,
    EnforcementField,
    Officer,
)


def append_certificate_event(
    *, certificate: Certificate, action: str, reason: str, status_before: str, actor
) -> CertificateEvent:
    """Append the history row of a step just saved (the officer import writes them too)."""
    event = CertificateEvent(
        certificate=certificate,
        action=action,
        reason=reason,
        valid_from=certificate.valid_from,
        valid_to=certificate.valid_to,
        status_before=status_before,
        status_after=certificate.status,
        actor=actor,
    )
    event.full_clean()
    event.save(force_insert=True)
    return event


def _certificate_detail(certificate: Certificate, event: CertificateEvent, **extra) -> dict:
    return {
        "number": certificate.number,
        "officer": certificate.officer_id,
        "name": certificate.officer.name,
        "status": [event.status_before, event.status_after],
        "valid_to": certificate.valid_to.isoformat(),
        "reason": event.reason,
        **extra,
    }


@transaction.atomic
def issue_certificate(
    *,
    actor: User | None,
    officer: Officer,
    number: str,
    kind: str,
    issuing_authority: str,
    enforcement_fields: Iterable[EnforcementField],
    valid_from: date,
    valid_to: date,
    reason: str,
) -> Certificate:
    """Record a newly issued certificate (发证), valid from `valid_from` to `valid_to`."""
    ensure_manages(actor, officer.department)
    reason = require_reason(reason)
    fields = list(enforcement_fields)
    if not fields:
        raise ValidationError({"enforcement_fields": "请至少选择一个执法领域"}, code="no_field")
    check_may_issue(officer)
    number = number.strip()
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError({"number": "该证件编号已存在"}, code="number_taken")
    certificate = Certificate(
        officer=officer,
        number=number,
        kind=kind,
        issuing_authority=issuing_authority.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        status=CertificateStatus.VALID,
    )
    certificate.full_clean()
    certificate.save(force_insert=True)
    certificate.enforcement_fields.set(fields)
    event = append_certificate_event(
        certificate=certificate,
        action=CertificateAction.ISSUE,
        reason=reason,
        status_before="",
        actor=actor,
    )
    record_event(
        action=PersonnelAction.CERTIFICATE_ISSUE,
        actor=actor,
        obj=certificate,
        detail=_certificate_detail(
            certificate, event, fields=sorted(field.code for field in fields)
        ),
    )
    return certificate


def _locked(certificate: Certificate) -> Certificate:
    # The row lock makes two simultaneous transitions queue, so each sees the other's result.
    return (
        Certificate.objects.select_for_update()
        .select_related("officer__department")
        .get(pk=certificate.pk)
    )


def _transition(
    *,
    actor: User | None,
    certificate: Certificate,
    action: str,
    allowed_from: tuple[str, ...],
    to_status: str,
    reason: str,
    what: str,
) -> Certificate:
    certificate = _locked(certificate)
    ensure_manages(actor, certificate.officer.department)
    reason = require_reason(reason)
    if certificate.status not in allowed_from:
        raise invalid_transition(certificate, what)
    status_before = certificate.status
    certificate.status = to_status
    certificate.full_clean()
    certificate.save(update_fields=["status"])
    event = append_certificate_event(
        certificate=certificate,
        action=action,
        reason=reason,
        status_before=status_before,
        actor=actor,
    )
    record_event(
        action=PersonnelAction.of_certificate(action),
        actor=actor,
        obj=certificate,
        detail=_certificate_detail(certificate, event),
    )
    return certificate


@transaction.atomic
def renew_certificate(
    *, actor: User | None, certificate: Certificate, valid_to: date, reason: str
) -> Certificate:
    """Extend the validity (延续) to `valid_to`. Also renews an expired certificate; never a
    suspended or revoked one."""
    certificate = _locked(certificate)
    ensure_manages(actor, certificate.officer.department)
    reason = require_reason(reason)
    check_may_renew(certificate, valid_to)
    previous_valid_to = certificate.valid_to
    certificate.valid_to = valid_to
    certificate.full_clean()
    certificate.save(update_fields=["valid_to"])
    event = append_certificate_event(
        certificate=certificate,
        action=CertificateAction.RENEW,
        reason=reason,
        status_before=certificate.status,
        actor=actor,
    )
    record_event(
        action=PersonnelAction.CERTIFICATE_RENEW,
        actor=actor,
        obj=certificate,
        detail=_certificate_detail(
            certificate, event, previous_valid_to=previous_valid_to.isoformat()
        ),
    )
    return certificate


@transaction.atomic
def suspend_certificate(
    *, actor: User | None, certificate: Certificate, reason: str
) -> Certificate:
    """Suspend (暂扣) a valid certificate, as a sanction; `restore_certificate` lifts it."""
    return _transition(
        actor=actor,
        certificate=certificate,
        action=CertificateAction.SUSPEND,
        allowed_from=(CertificateStatus.VALID,),
        to_status=CertificateStatus.SUSPENDED,
        reason=reason,
        what="暂扣",
    )


@transaction.atomic
def restore_certificate(
    *, actor: User | None, certificate: Certificate, reason: str
) -> Certificate:
    """Lift a suspension (恢复). A revoked certificate is never restored: issue a new one."""
    return _transition(
        actor=actor,
        certificate=certificate,
        action=CertificateAction.RESTORE,
        allowed_from=(CertificateStatus.SUSPENDED,),
        to_status=CertificateStatus.VALID,
        reason=reason,
        what="恢复",
    )


@transaction.atomic
def revoke_certificate(*, actor: User | None, certificate: Certificate, reason: str) -> Certificate:
    """Revoke (撤销) a valid or suspended certificate, for good."""
    return _transition(
        actor=actor,
        certificate=certificate,
        action=CertificateAction.REVOKE,
        allowed_from=(CertificateStatus.VALID, CertificateStatus.SUSPENDED),
        to_status=CertificateStatus.REVOKED,
        reason=reason,
        what="撤销",
    )
