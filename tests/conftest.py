"""Shared personas and builders.

The cast: the city Science and Technology Bureau (KJ) leads; the Public Security Bureau (GA) is
the other department. Each persona holds one role:

- Li the planner, KJ                 - Wang the inspector, KJ    - Zhou the inspector, GA
- Zhao the legal reviewer, KJ        - Sun the KJ department administrator
- Wu the GA department administrator - the system, security and audit administrators
- the public: an anonymous client
"""

import os

import pytest
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.organisation.models import Department

PASSWORD = "Correct-Horse-Battery-9"


def log_in(client, user: User):
    """Log `user` in with `client` as the login pages would, both steps.

    The password step is Django's `force_login`. The second factor is passed too wherever the
    account needs it (the roles of SECOND_FACTOR_ROLES, and anyone enrolled): the session then
    holds the TOTP app that verified it, as `django_otp.login` leaves it, an app being enrolled
    first for an account that has none. Tests of the steps themselves use the pages instead
    (tests/backend/test_two_factor.py).
    """
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and user.requires_second_factor:
        device = TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of .ci/run)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _let_tests_flush_append_only_tables():
    """Transactional tests end with a TRUNCATE, which the append-only triggers refuse.

    The test database runs as the PostgreSQL superuser, who may turn ordinary triggers off for
    the flush with session_replication_role; the application's production account may not.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        return [
            "SET session_replication_role = replica",
            *statements,
            "SET session_replication_role = DEFAULT",
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(scope="session", autouse=True)
def _keys_of_the_test_run(tmp_path_factory):
    """The run's own field and checkpoint keys, in files of a temporary directory.

    Tests run with DEBUG off, where a missing key is an error rather than generated under
    var/keys (backend/crypto/keys.py); a fresh checkout has no var/keys, and a developer's own
    keys are not the tests' business. Tests of the key settings override these per test.
    """
    from django.conf import settings

    from backend.crypto import gm, keys

    directory = tmp_path_factory.mktemp("keys")
    field = directory / "field-encryption.keys"
    field.write_text(keys.format_field_key(keys.FieldKey("test1", os.urandom(32))) + "\n")
    signing = directory / "checkpoint-signing.key"
    signing.write_text(
        gm.format_private_key(gm.PrivateKey.generate(settings.CHECKPOINT_ALGORITHM)) + "\n"
    )
    saved = {
        name: getattr(settings, name)
        for name in (
            "KEYS_DIR",
            "FIELD_ENCRYPTION_KEYS",
            "FIELD_ENCRYPTION_KEYS_FILE",
            "CHECKPOINT_SIGNING_KEY",
            "CHECKPOINT_SIGNING_KEY_FILE",
        )
    }
    settings.KEYS_DIR = directory
    settings.FIELD_ENCRYPTION_KEYS = ""
    settings.FIELD_ENCRYPTION_KEYS_FILE = field
    settings.CHECKPOINT_SIGNING_KEY = ""
    settings.CHECKPOINT_SIGNING_KEY_FILE = signing
    keys.forget_keys()
    yield
    for name, value in saved.items():
        setattr(settings, name, value)
    keys.forget_keys()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests check who may log in, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _imports_write_in_the_test_transaction(settings):
    # The parallel writer commits from its own connection, outside the test's transaction;
    # tests/backend/test_parallel_import.py covers it with transactional tests.
    settings.IMPORTS_PARALLEL_WRITES = False


@pytest.fixture(autouse=True)
def _draws_run_within_the_request(settings):
    # The background thread has its own connection, outside the test's transaction;
    # tests/inspections/draws/test_draws_background.py covers it with transactional tests.
    settings.DRAWS_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _checkpoint_files_of_this_test(settings, tmp_path):
    # Each checkpoint is also written outside the database; a test's files are its own, or one
    # test's checkpoints would look to the next like a database rolled back.
    settings.CHECKPOINT_EXPORT_DIR = tmp_path / "checkpoint-files"


@pytest.fixture
def on_postgresql():
    return connection.vendor == "postgresql"


@pytest.fixture
def kj(db):
    return Department.objects.create(code="KJ", name="市科学技术局", region_code="220100")


@pytest.fixture
def ga(db):
    return Department.objects.create(code="GA", name="市公安局", region_code="220100")


@pytest.fixture
def sf(db):
    """The city's 司法局: the 司法行政部门 that supervises enforcement (《行政执法监督条例》)."""
    return Department.objects.create(code="SF", name="市司法局", region_code="220100")


@pytest.fixture
def make_user(db):
    def make(username: str, role: str, department: Department, **extra) -> User:
        user = User(
            username=username,
            role=role,
            department=department,
            display_name=extra.pop("display_name", username),
            is_staff=role == Role.SYSTEM_ADMIN,
            **extra,
        )
        user.set_password(PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def planner(make_user, kj):
    return make_user("li_planner", Role.PLANNER, kj, display_name="李计划")


@pytest.fixture
def inspector(make_user, kj):
    return make_user("wang_inspector", Role.INSPECTOR, kj, display_name="王执法")


@pytest.fixture
def ga_inspector(make_user, ga):
    return make_user("zhou_inspector", Role.INSPECTOR, ga, display_name="周警官")


@pytest.fixture
def legal_reviewer(make_user, kj):
    return make_user("zhao_legal", Role.LEGAL_REVIEWER, kj, display_name="赵法制")


@pytest.fixture
def department_admin(make_user, kj):
    return make_user("sun_admin", Role.DEPARTMENT_ADMIN, kj, display_name="孙管理")


@pytest.fixture
def ga_department_admin(make_user, ga):
    return make_user("wu_admin", Role.DEPARTMENT_ADMIN, ga, display_name="吴管理")


@pytest.fixture
def system_admin(make_user, kj):
    return make_user("qian_sys", Role.SYSTEM_ADMIN, kj)


@pytest.fixture
def security_admin(make_user, kj):
    return make_user("feng_sec", Role.SECURITY_ADMIN, kj)


@pytest.fixture
def audit_admin(make_user, kj):
    return make_user("chen_audit", Role.AUDIT_ADMIN, kj)


@pytest.fixture
def supervisor(make_user, sf):
    return make_user("he_supervisor", Role.SUPERVISOR, sf, display_name="何监督")


@pytest.fixture
def persona(request, db):
    """Indirect access to a persona by fixture name, for tests parametrised over roles."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def login(client):
    """`login(user)` logs `user` in with the test's client, second factor included (`log_in`)."""
    return lambda user: log_in(client, user)


@pytest.fixture(autouse=True)
def _migrated_result_codes(request):
    """The result codes are seeded by a migration; a transactional test's flush empties them
    for every test after it. Each database test starts with them (one query when present)."""
    names = {"db", "transactional_db"} & set(request.fixturenames)
    if not names:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    from importlib import import_module

    from django.apps import apps

    from fieldwork.models import ResultCode

    if not ResultCode.objects.exists():
        import_module("fieldwork.migrations.0003_seed_result_codes").seed(apps, None)
