"""Logins are Django's own writes, so they are audited from its signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from knox.signals import token_expired

from backend.accounts.actions import AccountAction
from backend.accounts.selectors import pending_login_step
from backend.audit.models import Outcome
from backend.audit.services import record_event


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    # The password was right; whether the login still owes a step (the second factor, a new
    # password) is part of what happened.
    step = pending_login_step(user)
    record_event(
        action=AccountAction.LOGIN,
        actor=user,
        obj=user,
        detail={"next_step": step} if step else None,
    )


@receiver(token_expired)
def _audit_token_expired(sender, username, source, **kwargs):
    # knox deletes an expired token when it meets it; that deletion is its write, not ours.
    record_event(
        action=AccountAction.TOKEN_EXPIRED,
        username=username,
        object_type="knox.authtoken",
        outcome=Outcome.FAILURE if source == "auth_token" else Outcome.SUCCESS,
        detail={"source": source},
    )


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(action=AccountAction.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # Never the password: axes and Django pass it masked or not at all, but be explicit.
    record_event(
        action=AccountAction.LOGIN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        object_type="accounts.user",
        outcome=Outcome.FAILURE,
    )
