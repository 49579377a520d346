"""Settings come from the environment; production values pass Django's deploy check."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
    "ALLOWED_HOSTS": "shuangsui.example.gov.cn",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/shuangsui",
    "MEDIA_ROOT": "/srv/shuangsui/media",
    # Keys live outside the database: production gives them (docs/checkpoints-and-encryption.md).
    "FIELD_ENCRYPTION_KEYS": "2026a:" + "5a" * 32,
    "CHECKPOINT_SIGNING_KEY": "sm2:"
    + "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8",
}


def _settings_with(env: dict[str, str], expr: str):
    """Import the settings in a fresh interpreter with exactly `env` and evaluate `expr`."""
    clean = {k: v for k, v in os.environ.items() if k not in {*PRODUCTION, "DATABASE_URL"}}
    clean.update(env, VAR_DIR=str(ROOT / "var" / "test-settings"))
    code = f"import json, backend.settings as s; print(json.dumps({expr}, default=str))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    return result


def _value(env, expr):
    result = _settings_with(env, expr)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_development_needs_nothing_set():
    db = _value({}, "s.DATABASES['default']")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"].endswith("shuangsui.sqlite3")
    assert _value({}, "s.DEBUG") is True


def test_sqlite_runs_with_wal_and_a_busy_timeout():
    options = _value({}, "s.DATABASES['default']['OPTIONS']")
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 10
    assert options["transaction_mode"] == "IMMEDIATE"


def test_production_values_are_read_from_the_environment():
    got = _value(
        PRODUCTION,
        "[s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'],"
        " s.DATABASES['default']['HOST'], s.DATABASES['default']['NAME'], str(s.MEDIA_ROOT),"
        " s.SESSION_COOKIE_SECURE, s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ]",
    )
    assert got == [
        False,
        ["shuangsui.example.gov.cn"],
        "django.db.backends.postgresql",
        "db.internal",
        "shuangsui",
        "/srv/shuangsui/media",
        True,
        "zh-hans",
        "Asia/Shanghai",
        True,
    ]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _settings_with(env, "1")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEYS (or the file"),
        ("CHECKPOINT_SIGNING_KEY", "CHECKPOINT_SIGNING_KEY (or the file"),
    ],
)
def test_production_refuses_to_start_without_its_keys(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _settings_with(env, "1")
    assert result.returncode != 0
    assert message in result.stderr


def test_the_sm3_password_hasher_is_chosen_by_a_setting():
    hashers = _value({"PASSWORD_HASHER": "pbkdf2_sm3"}, "s.PASSWORD_HASHERS[:2]")
    assert hashers == [
        "backend.crypto.hashers.PBKDF2SM3PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert _value({}, "s.PASSWORD_HASHERS[0]").endswith(".PBKDF2PasswordHasher")
    assert (
        "PASSWORD_HASHER must be one of" in _settings_with({"PASSWORD_HASHER": "md5"}, "1").stderr
    )


def test_a_malformed_boolean_is_refused_not_guessed():
    result = _settings_with({"DEBUG": "maybe"}, "1")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.slow
def test_production_values_pass_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env.update(PRODUCTION, VAR_DIR=str(ROOT / "var" / "test-settings"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
