"""PBKDF2-HMAC-SM3 passwords: chosen by a setting, older hashes upgraded at the next login."""

import base64
import hashlib

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from backend.crypto.hashers import PBKDF2SM3PasswordHasher
from tests.conftest import PASSWORD

SM3 = "backend.crypto.hashers.PBKDF2SM3PasswordHasher"
SHA256 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def test_the_hash_is_pbkdf2_over_hmac_sm3():
    encoded = PBKDF2SM3PasswordHasher().encode("密码-Correct-9", "saltsaltsalt", iterations=1000)
    algorithm, iterations, salt, digest = encoded.split("$")
    assert (algorithm, iterations, salt) == ("pbkdf2_sm3", "1000", "saltsaltsalt")
    if "sm3" in hashlib.algorithms_available:  # an independent computation, through hashlib
        expected = hashlib.pbkdf2_hmac("sm3", "密码-Correct-9".encode(), b"saltsaltsalt", 1000, 32)
        assert base64.b64decode(digest) == expected
    assert PBKDF2SM3PasswordHasher().verify("密码-Correct-9", encoded)
    assert not PBKDF2SM3PasswordHasher().verify("密码-Correct-8", encoded)


def test_the_setting_makes_sm3_the_hasher_of_new_passwords(settings):
    settings.PASSWORD_HASHERS = [SM3, SHA256]
    encoded = make_password(PASSWORD)
    assert encoded.startswith("pbkdf2_sm3$600000$")
    assert check_password(PASSWORD, encoded)


@pytest.mark.django_db
def test_a_sha256_hash_becomes_an_sm3_hash_at_the_next_login(client, planner, settings):
    settings.PASSWORD_HASHERS = [SHA256]
    planner.set_password(PASSWORD)
    planner.save(update_fields=["password"])
    assert planner.password.startswith("pbkdf2_sha256$")

    settings.PASSWORD_HASHERS = [SM3, SHA256]
    response = client.post(
        reverse("accounts:login"), {"username": planner.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    planner.refresh_from_db()
    assert planner.password.startswith("pbkdf2_sm3$")
    assert check_password(PASSWORD, planner.password)

    # A failed login changes nothing.
    client.logout()
    client.post(reverse("accounts:login"), {"username": planner.username, "password": "wrong-1"})
    before = planner.password
    planner.refresh_from_db()
    assert planner.password == before
