"""A session ends after 30 minutes without a request; any request moves the end forward."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD


def _log_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def _session():
    return Session.objects.get()


def test_the_idle_limit_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_request_within_thirty_minutes_keeps_the_session(client, planner):
    _log_in(client, planner)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("accounts:home-planner")).status_code == 200
    # The request pushed the end back to a full 30 minutes from now.
    remaining = _session().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_after_thirty_idle_minutes_the_user_must_log_in_again(client, planner):
    _log_in(client, planner)
    # 31 minutes without a request: the stored expiry is now in the past.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("accounts:home-planner"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
