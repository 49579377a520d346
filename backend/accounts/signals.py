"""Logins are Django's own writes, so they are audited from its signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from backend.audit.models import Outcome
from backend.audit.services import record_event


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    record_event(action="auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(action="auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # Never the password: axes and Django pass it masked or not at all, but be explicit.
    record_event(
        action="auth.login_failed",
        username=str(credentials.get("username", ""))[:150],
        object_type="accounts.user",
        outcome=Outcome.FAILURE,
    )
